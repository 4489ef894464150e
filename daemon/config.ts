// ledd's configuration: flags, each with an environment equivalent for
// systemd's EnvironmentFile=. Flags win over the environment. Every bad value
// is refused with the flag's name and the form it accepts.
import os from 'node:os';
import path from 'node:path';

import { formatKey } from '../native/lib/key.js';
import { type Option, badValue, oneOf, parseFlags, UsageError } from '../common/flags.js';
import { BACKEND_CHOICES, type BackendChoice } from './gpio/line.js';
import { groupId } from '../common/accounts.js';
import { DEFAULT_KEY } from '../protocol/constants.js';
import { parseKeyOption } from '../common/key-option.js';

export type StartState = 'on' | 'off' | 'restore';
export type ExitState = 'on' | 'off' | 'keep';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type LogFormat = 'auto' | 'json' | 'journal' | 'pretty';

export interface Config {
  key: number;
  mode: number;
  /** Group given to the queue; undefined keeps the creating process's group. */
  gid: number | undefined;
  backend: BackendChoice;
  chip: string | undefined;
  line: string | number;
  activeLow: boolean;
  startState: StartState;
  exitState: ExitState;
  /** null: do not persist. */
  stateFile: string | null;
  logLevel: LogLevel;
  logFormat: LogFormat;
  housekeepingSeconds: number;
}

const options = {
  key: { flag: '--key', env: 'LEDD_KEY' },
  mode: { flag: '--mode', env: 'LEDD_MODE' },
  group: { flag: '--group', env: 'LEDD_GROUP' },
  backend: { flag: '--backend', env: 'LEDD_BACKEND' },
  chip: { flag: '--chip', env: 'LEDD_CHIP' },
  line: { flag: '--line', env: 'LEDD_LINE' },
  activeLow: { flag: '--active-low', env: 'LEDD_ACTIVE_LOW', switch: true },
  startState: { flag: '--start-state', env: 'LEDD_START_STATE' },
  exitState: { flag: '--exit-state', env: 'LEDD_EXIT_STATE' },
  stateFile: { flag: '--state-file', env: 'LEDD_STATE_FILE' },
  logLevel: { flag: '--log-level', env: 'LEDD_LOG_LEVEL' },
  logFormat: { flag: '--log-format', env: 'LEDD_LOG_FORMAT' },
  housekeeping: { flag: '--housekeeping-interval', env: 'LEDD_HOUSEKEEPING_INTERVAL' },
} satisfies Record<string, Option>;

export type ParsedCommandLine =
  { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config } | { kind: 'cleanup'; config: Config };

function parseMode(option: Option, value: string): number {
  const digits = value.replace(/^0o/i, '');
  if (!/^[0-7]{1,4}$/.test(digits) || Number.parseInt(digits, 8) > 0o777) {
    throw badValue(option, value, 'give octal permission bits such as 0660');
  }
  const mode = Number.parseInt(digits, 8);
  if (mode & 0o007) {
    throw badValue(
      option,
      value,
      "it gives every user on the machine access to the queue; leave the 'other' digit 0, e.g. 0660",
    );
  }
  if ((mode & 0o600) !== 0o600)
    throw badValue(option, value, 'the owner (ledd itself) needs read and write: 6 as the first digit');
  return mode;
}

function parseGroup(option: Option, value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const gid = groupId(value);
  if (gid === undefined)
    throw badValue(option, value, 'no such group in /etc/group; give an existing group name or a numeric gid');
  return gid;
}

function parseLine(option: Option, value: string, chip: string | undefined): string | number {
  if (/^\d+$/.test(value)) {
    if (chip === undefined)
      throw badValue(option, value, 'a line offset needs --chip too (or give the line name, e.g. GPIO17)');
    return Number(value);
  }
  if (!/^[\w.-]{1,31}$/.test(value))
    throw badValue(option, value, 'give a line name such as GPIO17, or an offset with --chip');
  return value;
}

function parseSeconds(option: Option, value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds < 0.1 || seconds > 3600) {
    throw badValue(option, value, 'give seconds from 0.1 to 3600');
  }
  return seconds;
}

/**
 * The state file when none is given. A simulated LED gets a file of its own
 * (`sim-state.json`), in the user's own state directory unless systemd gives
 * one: a demo run as root must never change what the real service restores.
 */
export function defaultStateFile(env: NodeJS.ProcessEnv, backend: BackendChoice): string {
  const name = backend === 'sim' ? 'sim-state.json' : 'state.json';
  const stateDirectory = env.STATE_DIRECTORY?.split(':')[0];
  if (stateDirectory) return path.join(stateDirectory, name);
  if (process.getuid?.() === 0 && backend !== 'sim') return '/var/lib/ledd/state.json';
  const base = env.XDG_STATE_HOME || path.join(os.homedir(), '.local/state');
  return path.join(base, 'ledd', name);
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommandLine {
  const specs: Record<string, { value: boolean }> = {
    '--help': { value: false },
    '-h': { value: false },
    '--version': { value: false },
    '--cleanup': { value: false },
  };
  for (const option of Object.values(options)) specs[option.flag] = { value: !('switch' in option) };
  const flags = parseFlags(argv, specs);
  if (flags.switches.has('--help') || flags.switches.has('-h')) return { kind: 'help' };
  if (flags.switches.has('--version')) return { kind: 'version' };
  if (flags.positionals.length > 0) throw new UsageError(`unexpected argument "${flags.positionals[0]}" (see --help)`);

  const raw = (option: Option): string | undefined => flags.values.get(option.flag) ?? (env[option.env] || undefined);
  const read = <T>(option: Option, parse: (value: string) => T, fallback: T): T => {
    const value = raw(option);
    return value === undefined ? fallback : parse(value);
  };

  const keyText = raw(options.key);
  const key = keyText === undefined ? DEFAULT_KEY : parseKeyOption(options.key, keyText);
  const chip = raw(options.chip);
  if (chip !== undefined && !/^[\w./-]{1,64}$/.test(chip))
    throw badValue(options.chip, chip, 'give a chip name such as gpiochip4');
  const activeLowText = env[options.activeLow.env];
  if (activeLowText !== undefined && !/^(0|1|true|false|yes|no)$/i.test(activeLowText)) {
    throw badValue(options.activeLow, activeLowText, 'use 1 or 0');
  }
  const stateFileText = raw(options.stateFile);

  const backend = read(
    options.backend,
    (value) => oneOf<BackendChoice>(options.backend, value, BACKEND_CHOICES),
    'auto',
  );

  const config: Config = {
    key,
    mode: read(options.mode, (value) => parseMode(options.mode, value), 0o660),
    gid: read(options.group, (value): number | undefined => parseGroup(options.group, value), undefined),
    backend,
    chip,
    line: read(options.line, (value): string | number => parseLine(options.line, value, chip), 'GPIO17'),
    activeLow: flags.switches.has(options.activeLow.flag) || /^(1|true|yes)$/i.test(activeLowText ?? ''),
    startState: read(
      options.startState,
      (value) => oneOf<StartState>(options.startState, value, ['restore', 'on', 'off']),
      'restore',
    ),
    exitState: read(
      options.exitState,
      (value) => oneOf<ExitState>(options.exitState, value, ['off', 'on', 'keep']),
      'off',
    ),
    stateFile:
      stateFileText === undefined
        ? defaultStateFile(env, backend)
        : stateFileText === 'none'
          ? null
          : path.resolve(stateFileText),
    logLevel: read(
      options.logLevel,
      (value) => oneOf<LogLevel>(options.logLevel, value, ['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
      'info',
    ),
    logFormat: read(
      options.logFormat,
      (value) => oneOf<LogFormat>(options.logFormat, value, ['auto', 'json', 'journal', 'pretty']),
      'auto',
    ),
    housekeepingSeconds: read(options.housekeeping, (value) => parseSeconds(options.housekeeping, value), 5),
  };
  return { kind: flags.switches.has('--cleanup') ? 'cleanup' : 'run', config };
}

export function describeConfig(config: Config): Record<string, unknown> {
  return { ...config, key: formatKey(config.key), mode: `0${config.mode.toString(8)}` };
}
