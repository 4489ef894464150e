// Parsing a request's text. Everything a local user can put on the queue ends
// up here, so every rejection says what was wrong and what is accepted.
import { MAX_TEXT_BYTES, REPLY_TYPE_BASE, REPLY_TYPE_MAX, TYPE_COMMAND, TYPE_EXIT } from './constants.js';
import { formatLedSelector, type LedSelector, parseLedSelector } from './leds.js';
import { PATTERN_VERBS, type PatternSpec, type PatternVerb, formatPatternWords, parsePatternWords } from './pattern.js';
import { FOR_RANGE, forProblem } from './timed.js';
import { WATCH_NAME_PATTERN } from './watch.js';

export type Verb = 'ON' | 'OFF' | 'TOGGLE' | 'STATUS' | 'EXIT' | 'WATCH' | 'UNWATCH' | PatternVerb;
export const COMMAND_VERBS: readonly Verb[] = ['ON', 'OFF', 'TOGGLE', 'STATUS', 'WATCH', 'UNWATCH', ...PATTERN_VERBS];
const COMMAND_LIST = 'ON, OFF, TOGGLE, STATUS, BLINK, HEARTBEAT, PATTERN, WATCH or UNWATCH';
/** The commands that may last a while (for=): every one that changes the LEDs. */
export const TIMED_VERBS: readonly Verb[] = ['ON', 'OFF', 'TOGGLE', ...PATTERN_VERBS];

export interface Request {
  verb: Verb;
  /** The LEDs it is for (led=); absent: the first LED configured. */
  leds?: LedSelector;
  /** What BLINK, HEARTBEAT and PATTERN ask for. */
  pattern?: PatternSpec;
  /** for=: the command lasts this many milliseconds, then gives way (timed.ts). */
  forMs?: number;
  /** Where to send the acknowledgement; absent for the chapter's fire-and-forget client. */
  replyType?: number;
  /** Echoed in the reply so a client can tell its reply from a stale one. */
  id?: string;
  /** WATCH's name=: who watches, for ledctl status. */
  name?: string;
}

export type RejectCode = 'BAD_TYPE' | 'TOO_LONG' | 'NOT_TEXT' | 'BAD_COMMAND' | 'BAD_OPTION';

export interface Rejection {
  code: RejectCode;
  reason: string;
  replyType?: number;
  id?: string;
}

export type ParseResult = { ok: true; request: Request } | { ok: false; rejection: Rejection };

const ID_PATTERN = /^[0-9A-Za-z]{1,16}$/;

function textOf(data: Uint8Array): string | null {
  const nul = data.indexOf(0);
  const bytes = nul === -1 ? data : data.subarray(0, nul);
  for (const byte of bytes) {
    const printable = byte >= 0x20 && byte <= 0x7e;
    if (!printable && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d) return null;
  }
  return Buffer.from(bytes).toString('latin1');
}

/** reply= and id= wherever they stand, so that an error reply can reach a client whose verb was wrong. */
function addressOf(words: string[]): { replyType?: number; id?: string; problem?: string } {
  const address: { replyType?: number; id?: string; problem?: string } = {};
  for (const word of words) {
    const [name, value, extra] = word.split('=');
    if (value === undefined || extra !== undefined) continue;
    const lower = name!.toLowerCase();
    if (lower === 'reply') {
      const type = /^\d{1,10}$/.test(value) ? Number(value) : NaN;
      if (type > REPLY_TYPE_BASE && type <= REPLY_TYPE_MAX) address.replyType = type;
      else address.problem = `reply=${value} is not a reply type (${REPLY_TYPE_BASE} + the client's PID)`;
    } else if (lower === 'id') {
      if (ID_PATTERN.test(value)) address.id = value;
      else address.problem = `id=${value} is not 1 to 16 letters or digits`;
    }
  }
  return address;
}

export function parseRequest(type: number | bigint, data: Uint8Array): ParseResult {
  const text = textOf(data);
  const words = text === null ? [] : text.trim().split(/\s+/).filter(Boolean);
  const { replyType, id, problem } = addressOf(words);
  const reject = (code: RejectCode, reason: string): ParseResult => ({
    ok: false,
    rejection: { code, reason, ...(replyType !== undefined && { replyType }), ...(id !== undefined && { id }) },
  });

  if (type !== TYPE_COMMAND && type !== TYPE_EXIT) {
    return reject(
      'BAD_TYPE',
      `message type ${type} is not a request: send type ${TYPE_COMMAND} (${COMMAND_LIST}) or ${TYPE_EXIT} (exit)`,
    );
  }
  if (data.length > MAX_TEXT_BYTES) {
    return reject('TOO_LONG', `message of ${data.length} bytes or more; a request is at most ${MAX_TEXT_BYTES} bytes`);
  }
  if (text === null) return reject('NOT_TEXT', 'message text is not printable ASCII');
  if (problem) return reject('BAD_OPTION', problem);

  const address = { ...(replyType !== undefined && { replyType }), ...(id !== undefined && { id }) };
  // The chapter's client may put any text in an exit message; "EXIT" is ours.
  if (type === TYPE_EXIT) return { ok: true, request: { verb: 'EXIT', ...address } };

  const [first = '', ...rest] = words;
  const verb = first.toUpperCase();
  if (!(COMMAND_VERBS as readonly string[]).includes(verb)) {
    const shown = first === '' ? 'an empty command' : `"${first}"`;
    return reject('BAD_COMMAND', `${shown} is not a command: send ${COMMAND_LIST}`);
  }
  const ledWords = rest.filter((word) => /^led=/i.test(word));
  if (ledWords.length > 1) return reject('BAD_OPTION', 'led= is given more than once: name every LED in one led=a,b');
  let leds: LedSelector | undefined;
  if (ledWords.length === 1) {
    if (verb === 'UNWATCH') return reject('BAD_OPTION', 'UNWATCH ends the whole subscription: it takes no led=');
    const selector = parseLedSelector(ledWords[0]!.slice(4));
    if (!selector.ok) return reject('BAD_OPTION', selector.problem);
    leds = selector.selector;
  }
  const forWords = rest.filter((word) => /^for=/i.test(word));
  let forMs: number | undefined;
  if (forWords.length > 0) {
    if (!TIMED_VERBS.includes(verb as Verb))
      return reject('BAD_OPTION', `${verb} takes no for=: only a command that changes the LEDs can last a while`);
    if (forWords.length > 1) return reject('BAD_OPTION', 'for= is given more than once');
    const text = forWords[0]!.slice(4);
    forMs = /^\d{1,10}$/.test(text) ? Number(text) : undefined;
    const problem = forMs === undefined ? `for=${text} is not ${FOR_RANGE}` : forProblem(forMs);
    if (problem) return reject('BAD_OPTION', problem);
  }
  const options = rest.filter((word) => !/^(reply|id|led|for)=/i.test(word));
  const target = { ...(leds && { leds }), ...(forMs !== undefined && { forMs }), ...address };
  if ((PATTERN_VERBS as readonly string[]).includes(verb)) {
    const pattern = parsePatternWords(verb as PatternVerb, options);
    if (!pattern.ok) return reject('BAD_OPTION', pattern.problem);
    return { ok: true, request: { verb: verb as Verb, pattern: pattern.spec, ...target } };
  }
  if (verb === 'WATCH' || verb === 'UNWATCH') return parseWatch(verb, options, target, reject);
  if (options.length > 0) {
    return reject(
      'BAD_OPTION',
      `unexpected "${options[0]}": after the command only led=NAMES, for=MS, reply=N and id=X may follow`,
    );
  }
  return { ok: true, request: { verb: verb as Verb, ...target } };
}

function parseWatch(
  verb: 'WATCH' | 'UNWATCH',
  options: string[],
  address: { leds?: LedSelector; replyType?: number; id?: string },
  reject: (code: RejectCode, reason: string) => ParseResult,
): ParseResult {
  // A subscription is addressed to its reply type: without one it could never be delivered.
  if (address.replyType === undefined || address.id === undefined)
    return reject('BAD_OPTION', `${verb} needs reply=N and id=X: the changes are sent there`);
  let name: string | undefined;
  for (const word of options) {
    const value = /^name=(.*)$/i.exec(word)?.[1];
    if (verb === 'WATCH' && value !== undefined && name === undefined && WATCH_NAME_PATTERN.test(value)) {
      name = value;
      continue;
    }
    if (verb === 'WATCH' && value !== undefined)
      return reject('BAD_OPTION', `name=${value} is not 1 to 24 letters, digits, '.', '_' or '-' (once)`);
    return reject(
      'BAD_OPTION',
      `unexpected "${word}": ${verb} takes ${verb === 'WATCH' ? 'led=NAMES, name=X, ' : ''}reply=N and id=X`,
    );
  }
  return { ok: true, request: { verb, ...address, ...(name !== undefined && { name }) } };
}

/** The words after the verb beyond reply= and id=: the LEDs, a pattern's, for=, or WATCH's name=. */
export interface RequestExtras {
  leds?: LedSelector;
  pattern?: PatternSpec;
  forMs?: number;
  name?: string;
}

export function formatRequest(verb: Verb, replyType: number, id: string, extras: RequestExtras = {}): string {
  const leds = extras.leds ? formatLedSelector(extras.leds) : '';
  const words = [
    leds,
    extras.pattern ? formatPatternWords(extras.pattern) : '',
    extras.forMs !== undefined ? `for=${extras.forMs}` : '',
    extras.name ? `name=${extras.name}` : '',
  ].filter(Boolean);
  return `${[verb, ...words].join(' ')} reply=${replyType} id=${id}`;
}
