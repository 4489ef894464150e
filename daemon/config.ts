// ledd's configuration: flags, each with an environment equivalent for
// systemd's EnvironmentFile=. Flags win over the environment. Every bad value
// is refused with the flag's name and the form it accepts.
import os from 'node:os';
import path from 'node:path';

import { formatKey } from '@ledd/sysvmq';

import type { LogLevel } from '../common/log-options.js';
import { badValue, type ParsedOptions, parseOptions } from '../common/options.js';
import { UsageError } from '../common/flags.js';
import type { BackendChoice, LedLineSpec } from './gpio/line.js';
import { DEFAULT_LED_NAME, LED_NAME_PATTERN, LED_NAME_RULE, MAX_LEDS } from '../protocol/leds.js';
import { type ExitState, type LogFormat, options, type StartState } from './options.js';

export type { ExitState, LogFormat, StartState } from './options.js';
export type { LogLevel } from '../common/log-options.js';

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

export type ParsedCommandLine =
  { kind: 'help' } | { kind: 'version' } | { kind: 'run'; config: Config } | { kind: 'cleanup'; config: Config };

function parseLine(value: string, chip: string | undefined): string | number {
  const option = options.line;
  if (/^\d+$/.test(value)) {
    if (chip === undefined)
      throw badValue(option, value, 'a line offset needs --chip too (or give the line name, e.g. GPIO17)');
    return Number(value);
  }
  if (!LINE_NAME_PATTERN.test(value))
    throw badValue(option, value, 'give a line name such as GPIO17, or an offset with --chip');
  return value;
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
function oneLed(parsed: ParsedOptions, env: NodeJS.ProcessEnv): LedConfig {
  const chip = parsed.raw(options.chip);
  if (chip !== undefined && !CHIP_PATTERN.test(chip))
    throw badValue(options.chip, chip, 'give a chip name such as gpiochip4');
  const activeLowText = env[options.activeLow.env];
  if (activeLowText !== undefined && !/^(0|1|true|false|yes|no)$/i.test(activeLowText)) {
    throw badValue(options.activeLow, activeLowText, 'use 1 or 0');
  }
  return {
    name: DEFAULT_LED_NAME,
    chip,
    line: parseLine(parsed.raw(options.line) ?? options.line.default, chip),
    activeLow: parsed.given(options.activeLow) || /^(1|true|yes)$/i.test(activeLowText ?? ''),
  };
}

/**
 * Whether the LEDs are named (--led, LEDD_LEDS) rather than one LED given by
 * --line/--chip/--active-low. Flags win over the environment; within either,
 * the two ways cannot be mixed.
 */
function ledsGiven(parsed: ParsedOptions, env: NodeJS.ProcessEnv): boolean {
  const { flags } = parsed;
  const mixed = (which: string): UsageError =>
    new UsageError(
      `${which}: give the LEDs either with --led NAME=LINE (LEDD_LEDS), or one LED with --line, --chip and ` +
        '--active-low (LEDD_LINE, LEDD_CHIP, LEDD_ACTIVE_LOW), not both',
    );
  const oneLedFlags =
    [options.line, options.chip].some((option) => flags.values.has(option.flag)) || parsed.given(options.activeLow);
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

function parseLeds(parsed: ParsedOptions, env: NodeJS.ProcessEnv): LedConfig[] {
  const words = parsed.flags.lists.get(options.led.flag) ?? env[options.led.env]!.trim().split(/\s+/).filter(Boolean);
  const leds = words.map(parseLedWord);
  if (leds.length > MAX_LEDS)
    throw new UsageError(
      `${options.led.flag} (${options.led.env}): ${leds.length} LEDs; ledd drives up to ${MAX_LEDS}`,
    );
  if (leds.length === 0) throw badValue(options.led, '', 'give at least one NAME=LINE');
  return leds;
}

export function parseCommandLine(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedCommandLine {
  const parsed = parseOptions(argv, env, Object.values(options));
  if (parsed === 'help' || parsed === 'version') return { kind: parsed };
  const { read } = parsed;

  const key = read(options.key)!;
  const named = ledsGiven(parsed, env);
  const leds = named ? parseLeds(parsed, env) : [oneLed(parsed, env)];
  const stateFileText = parsed.raw(options.stateFile);
  const backend = read(options.backend)!;

  const config: Config = {
    key,
    mode: read(options.mode)!,
    gid: read(options.group),
    backend,
    leds,
    named,
    startState: read(options.startState)!,
    exitState: read(options.exitState)!,
    stateFile:
      stateFileText === undefined
        ? defaultStateFile(env, backend)
        : stateFileText === 'none'
          ? null
          : path.resolve(stateFileText),
    logLevel: read(options.logLevel)!,
    logFormat: read(options.logFormat)!,
    housekeepingSeconds: read(options.housekeeping)!,
  };
  return { kind: parsed.given(options.cleanup) ? 'cleanup' : 'run', config };
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
