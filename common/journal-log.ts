// pino's lines for journald, as ledd and ledd-mqtt write them: each prefixed
// with its syslog priority (<4> for a warning), so that `journalctl -p
// warning` filters them; no timestamp or pid, which the journal records.
import pino from 'pino';

const journalPriorities: [pino.Level, number][] = [
  ['trace', 7],
  ['debug', 7],
  ['info', 6],
  ['warn', 4],
  ['error', 3],
  ['fatal', 2],
];

export function journalLogger(options: pino.LoggerOptions): pino.Logger {
  const destination = pino.destination({ dest: 1, sync: true });
  const streams = journalPriorities.map(([level, priority]) => ({
    level,
    stream: { write: (line: string) => destination.write(`<${priority}>${line}`) },
  }));
  return pino({ ...options, base: null, timestamp: false }, pino.multistream(streams, { dedupe: true }));
}
