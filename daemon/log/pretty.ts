// One readable line per pino record, for a terminal.
const levelNames: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO ',
  40: 'WARN ',
  50: 'ERROR',
  60: 'FATAL',
};
const omitted = new Set(['level', 'time', 'msg', 'pid', 'hostname', 'name']);

export function prettyLine(line: string): string {
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line;
  }
  const time = typeof record.time === 'number' ? new Date(record.time).toISOString().slice(11, 23) : '';
  const level = levelNames[record.level as number] ?? String(record.level);
  const fields = Object.entries(record)
    .filter(([name]) => !omitted.has(name))
    .map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`);
  return `${time} ${level} ${String(record.msg ?? '')}${fields.length ? '  ' + fields.join(' ') : ''}\n`;
}
