// pino logger, as ledd's: JSON lines on stdout; under journald each line is
// prefixed with its syslog priority so `journalctl -p warning` filters it.
import pino, { type Logger } from 'pino';

import { journalLogger } from '../common/journal-log.js';
import type { LogFormat, LogLevel } from './config.js';

export type { Logger };

export function createLogger(level: LogLevel, format: LogFormat, env: NodeJS.ProcessEnv = process.env): Logger {
  const resolved = format === 'auto' ? (env.JOURNAL_STREAM ? 'journal' : 'json') : format;
  const options: pino.LoggerOptions = { level, base: { pid: process.pid }, name: 'ledd-mqtt' };
  if (resolved === 'json') return pino(options, pino.destination({ dest: 1, sync: true }));
  return journalLogger(options);
}
