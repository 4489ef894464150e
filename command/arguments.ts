// ledctl's command line.
import { KEY_FORMS, parseKey } from '../native/lib/key.js';
import { parseFlags } from '../common/flags.js';
import { DEFAULT_KEY } from '../protocol/constants.js';
import { type LedSelector, parseLedSelector } from '../protocol/leds.js';
import type { PatternSpec } from '../protocol/pattern.js';
import type { Verb } from '../protocol/request.js';
import { ClientError, ClientExit } from '../client/errors.js';
import { type PatternCommand, type PatternFlags, PatternUsageError, patternRequest } from './pattern-arguments.js';
import { parseForDuration } from './timed-arguments.js';
import { TIMED_VERBS } from '../protocol/request.js';

export interface ClientOptions {
  verb: Verb;
  /** `list`: a STATUS of every LED, shown as a table. */
  list: boolean;
  /** --led (or LEDCTL_LED); absent: ledd's first LED. */
  leds?: LedSelector;
  pattern?: PatternSpec;
  /** --for: the command lasts this long (ms), then the LEDs give way to what they showed. */
  forMs?: number;
  key: number;
  timeoutMs: number;
  json: boolean;
}

export type ParsedArguments = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: ClientOptions };

const verbs: Record<string, Verb> = {
  on: 'ON',
  off: 'OFF',
  toggle: 'TOGGLE',
  status: 'STATUS',
  exit: 'EXIT',
  blink: 'BLINK',
  heartbeat: 'HEARTBEAT',
  pattern: 'PATTERN',
  watch: 'WATCH',
  list: 'STATUS',
};
const COMMANDS = 'on, off, toggle, blink, heartbeat, pattern, status, list, watch or exit';
const PATTERN_FLAGS = ['on', 'off', 'count', 'repeat', 'then', 'label'] as const;

function usage(message: string): ClientError {
  return new ClientError(ClientExit.usage, `${message} (see ledctl --help)`);
}

/** --led NAME[,NAME...] or '*' (LEDCTL_LED when not given); undefined: ledd's first LED. */
function ledOption(
  flag: string | undefined,
  env: NodeJS.ProcessEnv,
  verb: Verb,
  list: boolean,
): LedSelector | undefined {
  const text = flag ?? (env.LEDCTL_LED || undefined);
  if (text === undefined) return undefined;
  const where = flag === undefined ? `LEDCTL_LED` : '--led';
  if (verb === 'EXIT') {
    if (flag === undefined) return undefined;
    throw usage('--led does not go with exit: exit stops ledd and every LED');
  }
  if (list) {
    if (flag === undefined) return undefined;
    throw usage('--led does not go with list: list shows every LED');
  }
  const parsed = parseLedSelector(text);
  if (!parsed.ok) throw usage(`${where}: ${parsed.problem.replace(/^led=/, '')}`);
  return parsed.selector;
}

export function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedArguments {
  let flags;
  try {
    flags = parseFlags(argv, {
      '--key': { value: true },
      '--timeout': { value: true },
      '--led': { value: true },
      '--for': { value: true },
      '--json': { value: false },
      '--help': { value: false },
      '-h': { value: false },
      '--version': { value: false },
      ...Object.fromEntries(PATTERN_FLAGS.map((name) => [`--${name}`, { value: true }])),
    });
  } catch (error) {
    throw usage((error as Error).message.replace(/ \(see --help\)$/, ''));
  }
  if (flags.switches.has('--help') || flags.switches.has('-h')) return { kind: 'help' };
  if (flags.switches.has('--version')) return { kind: 'version' };

  if (flags.positionals.length === 0) throw usage(`no command given: use ${COMMANDS}`);
  const [word, ...words] = flags.positionals as [string, ...string[]];
  const verb = verbs[word.toLowerCase()];
  if (!verb) throw usage(`"${word}" is not a command: use ${COMMANDS}`);
  const patternFlags: PatternFlags = {};
  for (const name of PATTERN_FLAGS) {
    const value = flags.values.get(`--${name}`);
    if (value !== undefined) patternFlags[name] = value;
  }
  let pattern: PatternSpec | undefined;
  if (verb === 'BLINK' || verb === 'HEARTBEAT' || verb === 'PATTERN') {
    try {
      pattern = patternRequest(word.toLowerCase() as PatternCommand, words, patternFlags);
    } catch (error) {
      if (error instanceof PatternUsageError) throw usage(error.message);
      throw error;
    }
  } else {
    if (words.length > 0) throw usage(`one command at a time, not "${flags.positionals.join(' ')}"`);
    const extra = Object.keys(patternFlags)[0];
    if (extra !== undefined) throw usage(`--${extra} goes with blink, heartbeat or pattern`);
  }

  const keyText = flags.values.get('--key') ?? (env.LEDCTL_KEY || env.LEDD_KEY || undefined);
  let key = DEFAULT_KEY;
  if (keyText !== undefined) {
    try {
      key = parseKey(keyText);
    } catch (error) {
      throw usage(`--key: "${keyText}" is not valid (${(error as Error).message}); give ${KEY_FORMS}`);
    }
  }
  const timeoutText = flags.values.get('--timeout') ?? '5';
  const timeout = Number(timeoutText);
  if (!/^\d+(\.\d+)?$/.test(timeoutText) || timeout < 0.1 || timeout > 3600) {
    throw usage(`--timeout: "${timeoutText}" is not valid; give seconds from 0.1 to 3600`);
  }
  const json = flags.switches.has('--json');
  if (json && verb !== 'STATUS' && verb !== 'WATCH') throw usage('--json goes with status, list or watch');
  const list = word.toLowerCase() === 'list';
  const leds = ledOption(flags.values.get('--led'), env, verb, list);
  const forText = flags.values.get('--for');
  if (forText !== undefined && (list || !TIMED_VERBS.includes(verb)))
    throw usage(`--for goes with on, off, toggle, blink, heartbeat or pattern, not ${word.toLowerCase()}`);
  const forMs = forText === undefined ? undefined : parseForDuration(forText);
  return {
    kind: 'run',
    options: {
      verb,
      list,
      key,
      timeoutMs: Math.round(timeout * 1000),
      json,
      ...(leds && { leds }),
      ...(pattern && { pattern }),
      ...(forMs !== undefined && { forMs }),
    },
  };
}
