// The log level option, the same in ledd and ledd-mqtt but for its variable.
import { choice, type OptionDeclaration } from './options.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function logLevelOption(env: string, section: string): OptionDeclaration<LogLevel> {
  return {
    flag: '--log-level',
    metavar: 'LEVEL',
    env,
    default: 'info',
    parse: choice(LOG_LEVELS),
    section,
    help: LOG_LEVELS.join(', '),
  };
}
