// pino logger, as ledd's: JSON lines on stdout; under journald each line is
// prefixed with its syslog priority so `journalctl -p warning` filters it.
import pino, { type Logger } from 'pino';

import type { LogFormat, LogLevel } from './config.js';

export type { Logger };

const journalPriorities: [pino.Level, number][] = [
  ['trace', 7],
  ['debug', 7],
  ['info', 6],
  ['warn', 4],
  ['error', 3],
  ['fatal', 2],
];

export function createLogger(level: LogLevel, format: LogFormat, env: NodeJS.ProcessEnv = process.env): Logger {
  const resolved = format === 'auto' ? (env.JOURNAL_STREAM ? 'journal' : 'json') : format;
  const options: pino.LoggerOptions = { level, base: { pid: process.pid }, name: 'ledd-mqtt' };
  if (resolved === 'json') return pino(options, pino.destination({ dest: 1, sync: true }));
  const destination = pino.destination({ dest: 1, sync: true });
  const streams = journalPriorities.map(([streamLevel, priority]) => ({
    level: streamLevel,
    stream: { write: (line: string) => destination.write(`<${priority}>${line}`) },
  }));
  return pino({ ...options, base: null, timestamp: false }, pino.multistream(streams, { dedupe: true }));
}
