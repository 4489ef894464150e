// ledd's configuration: flags, each with an environment equivalent for
// systemd's EnvironmentFile=. Flags win over the environment. Every bad value
// is refused with the flag's name and the form it accepts.
import os from 'node:os';
import path from 'node:path';

import { formatKey } from '../native/lib/key.js';
import {
  type FlagSpec,
  type Option,
  type ParsedFlags,
  badValue,
  oneOf,
  parseFlags,
  UsageError,
} from '../common/flags.js';
import { BACKEND_CHOICES, type BackendChoice, type LedLineSpec } from './gpio/line.js';
import { groupId } from '../common/accounts.js';
import { DEFAULT_KEY } from '../protocol/constants.js';
import { DEFAULT_LED_NAME, LED_NAME_PATTERN, LED_NAME_RULE, MAX_LEDS } from '../protocol/leds.js';
import { parseKeyOption } from '../common/key-option.js';

export type StartState = 'on' | 'off' | 'restore';
export type ExitState = 'on' | 'off' | 'keep';
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type LogFormat = 'auto' | 'json' | 'journal' | 'pretty';

/** One LED: its name, and its line as --line/--chip/--active-low give it. */
export interface LedConfig {
  name: string;
  chip: string | undefined;
  line: string | number;
  activeLow: boolean;
}

export interface Config {
  key: number;
  mode: number;
  /** Group given to the queue; undefined keeps the creating process's group. */
  gid: number | undefined;
  backend: BackendChoice;
  /** At least one; a request without led= is for the first. */
  leds: LedConfig[];
  /** The LEDs were named (--led): errors about a line name its LED. */
  named: boolean;
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
  led: { flag: '--led', env: 'LEDD_LEDS' },
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
  if (!LINE_NAME_PATTERN.test(value))
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

const CHIP_PATTERN = /^[\w./-]{1,64}$/;
const LINE_NAME_PATTERN = /^[\w.-]{1,31}$/;

/** ledd's one LED, named `led`, from --line, --chip and --active-low (or their environment). */
function oneLed(flags: ParsedFlags, env: NodeJS.ProcessEnv, raw: (option: Option) => string | undefined): LedConfig {
  const chip = raw(options.chip);
  if (chip !== undefined && !CHIP_PATTERN.test(chip))
    throw badValue(options.chip, chip, 'give a chip name such as gpiochip4');
  const activeLowText = env[options.activeLow.env];
  if (activeLowText !== undefined && !/^(0|1|true|false|yes|no)$/i.test(activeLowText)) {
    throw badValue(options.activeLow, activeLowText, 'use 1 or 0');
  }
  const lineText = raw(options.line);
  return {
    name: DEFAULT_LED_NAME,
    chip,
    line: lineText === undefined ? 'GPIO17' : parseLine(options.line, lineText, chip),
    activeLow: flags.switches.has(options.activeLow.flag) || /^(1|true|yes)$/i.test(activeLowText ?? ''),
  };
}

/**
 * Whether the LEDs are named (--led, LEDD_LEDS) rather than one LED given by
 * --line/--chip/--active-low. Flags win over the environment; within either,
 * the two ways cannot be mixed.
 */
function ledsGiven(flags: ParsedFlags, env: NodeJS.ProcessEnv): boolean {
  const mixed = (which: string): UsageError =>
    new UsageError(
      `${which}: give the LEDs either with --led NAME=LINE (LEDD_LEDS), or one LED with --line, --chip and ` +
        '--active-low (LEDD_LINE, LEDD_CHIP, LEDD_ACTIVE_LOW), not both',
    );
  const oneLedFlags =
    [options.line, options.chip].some((option) => flags.values.has(option.flag)) ||
    flags.switches.has(options.activeLow.flag);
  if (flags.lists.has(options.led.flag)) {
    if (oneLedFlags) throw mixed('--led with --line, --chip or --active-low');
    return true;
  }
  if (oneLedFlags || !env[options.led.env]) return false;
  if ([options.line, options.chip, options.activeLow].some((option) => env[option.env]))
    throw mixed('LEDD_LEDS with LEDD_LINE, LEDD_CHIP or LEDD_ACTIVE_LOW in the environment');
  return true;
}

/** One --led value (or LEDD_LEDS word): NAME=LINE[,active-low], LINE a line name or CHIP:LINE. */
function parseLedWord(word: string): LedConfig {
  const option = options.led;
  const form =
    'give NAME=LINE or NAME=LINE,active-low, LINE a line name such as GPIO17 or CHIP:OFFSET such as gpiochip4:17';
  const match = /^([^=]*)=([^,]*)(?:,(.*))?$/.exec(word);
  if (!match) throw badValue(option, word, form);
  const [, name = '', where = '', flag] = match;
  if (!LED_NAME_PATTERN.test(name)) throw badValue(option, word, `the name "${name}" is not ${LED_NAME_RULE}`);
  if (flag !== undefined && flag !== 'active-low') throw badValue(option, word, `"${flag}" is not active-low; ${form}`);
  const at = where.lastIndexOf(':');
  const chip = at === -1 ? undefined : where.slice(0, at);
  const lineText = at === -1 ? where : where.slice(at + 1);
  if (chip !== undefined && !CHIP_PATTERN.test(chip)) throw badValue(option, word, `"${chip}" is not a chip; ${form}`);
  let line: string | number;
  if (/^\d+$/.test(lineText)) {
    if (chip === undefined)
      throw badValue(option, word, `a line offset needs its chip, e.g. gpiochip4:${lineText}; ${form}`);
    line = Number(lineText);
  } else if (LINE_NAME_PATTERN.test(lineText)) {
    line = lineText;
  } else {
    throw badValue(option, word, form);
  }
  return { name, chip, line, activeLow: flag === 'active-low' };
}

function parseLeds(flags: ParsedFlags, env: NodeJS.ProcessEnv): LedConfig[] {
  const words = flags.lists.get(options.led.flag) ?? env[options.led.env]!.trim().split(/\s+/).filter(Boolean);
  const leds = words.map(parseLedWord);
  if (leds.length > MAX_LEDS)
    throw new UsageError(
      `${options.led.flag} (${options.led.env}): ${leds.length} LEDs; ledd drives up to ${MAX_LEDS}`,
    );
  if (leds.length === 0) throw badValue(options.led, '', 'give at least one NAME=LINE');
  return leds;
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommandLine {
  const specs: Record<string, FlagSpec> = {
    '--help': { value: false },
    '-h': { value: false },
    '--version': { value: false },
    '--cleanup': { value: false },
  };
  for (const option of Object.values(options)) specs[option.flag] = { value: !('switch' in option) };
  specs[options.led.flag] = { value: true, repeatable: true };
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
  const named = ledsGiven(flags, env);
  const leds = named ? parseLeds(flags, env) : [oneLed(flags, env, raw)];
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
    leds,
    named,
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

/** The LEDs' lines as the GPIO layer takes them, LED i driven at `initial(i)` from the request on. */
export function ledLineSpecs(config: Config, initial: (led: number) => boolean): LedLineSpec[] {
  return config.leds.map((led, index) => ({
    ...(config.named && { name: led.name }),
    ...(led.chip !== undefined && { chip: led.chip }),
    line: led.line,
    activeLow: led.activeLow,
    initial: initial(index),
  }));
}

export function describeConfig(config: Config): Record<string, unknown> {
  return { ...config, key: formatKey(config.key), mode: `0${config.mode.toString(8)}` };
}
