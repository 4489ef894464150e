// pino logger: JSON lines on stdout by default; under journald each line is
// prefixed with its syslog priority (<4> for warnings) so `journalctl -p`
// filters it; readable lines on a terminal.
import pino, { type DestinationStream, type Logger } from 'pino';

import type { LogFormat, LogLevel } from '../config.js';
import { journalLogger } from '../../common/journal-log.js';
import { prettyLine } from './pretty.js';

export type { Logger };

function stdoutLines(transform: (line: string) => string): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: true });
  return { write: (line: string) => destination.write(transform(line)) };
}

export function resolveLogFormat(
  format: LogFormat,
  env: NodeJS.ProcessEnv,
  isTty: boolean,
): Exclude<LogFormat, 'auto'> {
  if (format !== 'auto') return format;
  if (env.JOURNAL_STREAM) return 'journal';
  return isTty ? 'pretty' : 'json';
}

export function createLogger(level: LogLevel, format: LogFormat): Logger {
  const resolved = resolveLogFormat(format, process.env, process.stdout.isTTY === true);
  const options: pino.LoggerOptions = { level, base: { pid: process.pid }, name: 'ledd' };
  if (resolved === 'journal') return journalLogger(options);
  if (resolved === 'pretty') return pino(options, stdoutLines(prettyLine));
  return pino(options, pino.destination({ dest: 1, sync: true }));
}
