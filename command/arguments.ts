// ledctl's command line.
import { KEY_FORMS, parseKey } from '../common/queue-key.js';
import { parseOptions } from '../common/options.js';
import { type LedSelector, parseLedSelector } from '../protocol/leds.js';
import type { PatternSpec } from '../protocol/pattern.js';
import type { Verb } from '../protocol/request.js';
import { ClientError, ClientExit } from '../client/errors.js';
import { type PatternCommand, type PatternFlags, PatternUsageError, patternRequest } from './pattern-arguments.js';
import { parseForDuration } from './timed-arguments.js';
import { TIMED_VERBS } from '../protocol/request.js';
import { options, PATTERN_FLAGS } from './options.js';

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
  const text = flag ?? (env[options.led.env] || undefined);
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
  let parsed;
  try {
    parsed = parseOptions(argv, env, Object.values(options), { positionals: true });
  } catch (error) {
    throw usage((error as Error).message.replace(/ \(see --help\)$/, ''));
  }
  if (parsed === 'help' || parsed === 'version') return { kind: parsed };
  const { flags } = parsed;

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

  const keyText = parsed.raw(options.key) ?? (env.LEDD_KEY || options.key.default);
  let key: number;
  try {
    key = parseKey(keyText);
  } catch (error) {
    throw usage(`--key: "${keyText}" is not valid (${(error as Error).message}); give ${KEY_FORMS}`);
  }
  let timeout: number;
  try {
    timeout = parsed.read(options.timeout)!;
  } catch (error) {
    throw usage((error as Error).message);
  }
  const json = parsed.given(options.json);
  if (json && verb !== 'STATUS' && verb !== 'WATCH') throw usage('--json goes with status, list or watch');
  const list = word.toLowerCase() === 'list';
  const leds = ledOption(flags.values.get(options.led.flag), env, verb, list);
  const forText = flags.values.get(options.for.flag);
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
