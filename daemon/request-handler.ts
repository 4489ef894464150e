// What the daemon does with each message it takes off the queue.
import type { Message } from '@ledd/sysvmq';

import { GpioError } from './gpio/line.js';
import type { Board } from './board.js';
import { epochNow } from './edge-clock.js';
import type { Logger } from './log/logger.js';
import { LogRateLimiter } from './log/rate-limit.js';
import { isReplyType } from '../protocol/constants.js';
import { formatLedReports, type LedSelector, patternFields } from '../protocol/leds.js';
import { describePattern, type PatternSpec, widthOf } from '../protocol/pattern.js';
import { formatError, formatOk } from '../protocol/reply.js';
import { type Rejection, type Request, parseRequest } from '../protocol/request.js';
import { type ChangeCause, MAX_WATCHERS, WATCH_TTL_MS } from '../protocol/watch.js';
import type { ReplySender } from './reply-sender.js';
import type { Watchers } from './watchers.js';

export interface ExitRequest {
  replyType?: number;
  id?: string;
}

const ALL: LedSelector = { kind: 'all' };
const FIRST: LedSelector = { kind: 'first' };

/** "a, b and c", or the first few and how many more. */
function describeNames(names: readonly string[]): string {
  const shown = names.length > 8 ? [...names.slice(0, 8), `${names.length - 8} more`] : [...names];
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}

export interface HandlerStats {
  handled: number;
  rejected: number;
}

export class RequestHandler {
  readonly stats: HandlerStats = { handled: 0, rejected: 0 };
  /** Set by an exit request; the daemon stops after the current batch. */
  exitRequest: ExitRequest | undefined;

  readonly #board: Board;
  readonly #named: boolean;
  readonly #log: Logger;
  readonly #replies: ReplySender;
  readonly #makeRoom: () => void;
  readonly #watchers: Watchers;
  readonly #onStateChange: (cause: ChangeCause, leds: readonly number[]) => void;
  readonly #rejectionLog = new LogRateLimiter(10, 60_000);

  constructor(deps: {
    board: Board;
    /** The LEDs were named (--led): every reply lists the LEDs it concerns. */
    named: boolean;
    log: Logger;
    replies: ReplySender;
    /** Called when a reply finds the queue full, before one retry. */
    makeRoom: () => void;
    watchers: Watchers;
    /** A command changed (or may have changed) the commanded state of `leds`. */
    onStateChange: (cause: ChangeCause, leds: readonly number[]) => void;
  }) {
    this.#board = deps.board;
    this.#named = deps.named;
    this.#log = deps.log;
    this.#replies = deps.replies;
    this.#makeRoom = deps.makeRoom;
    this.#watchers = deps.watchers;
    this.#onStateChange = deps.onStateChange;
  }

  handle(message: Message): void {
    const parsed = parseRequest(message.type, message.data);
    if (!parsed.ok) {
      this.#reject(parsed.rejection, message);
      return;
    }
    const request = parsed.request;
    if (this.exitRequest && request.verb !== 'EXIT') {
      this.#reply(
        request,
        formatError(request.id, 'EXITING', 'ledd is shutting down; the command was not carried out'),
      );
      return;
    }
    if (request.verb === 'EXIT') {
      this.stats.handled++;
      this.#log.info({ replyTo: request.replyType }, 'exit requested over the queue');
      this.exitRequest ??= {
        ...(request.replyType !== undefined && { replyType: request.replyType }),
        ...(request.id !== undefined && { id: request.id }),
      };
      return;
    }
    // STATUS without led= is about every LED; any other request about the first.
    const selector: LedSelector = request.leds ?? (request.verb === 'STATUS' ? ALL : FIRST);
    const leds = this.#resolve(selector);
    if (typeof leds === 'string') {
      this.stats.rejected++;
      this.#reply(request, formatError(request.id, 'NO_LED', leds));
      return;
    }
    const mismatch = request.pattern && this.#widthProblem(request.pattern, leds);
    if (mismatch) {
      this.stats.rejected++;
      this.#reply(request, formatError(request.id, 'BAD_OPTION', mismatch));
      return;
    }
    // A subscription is not a command: renewals every few seconds would swamp the count.
    if (request.verb === 'WATCH' || request.verb === 'UNWATCH') {
      this.#watch(request, leds);
      return;
    }
    this.stats.handled++;
    switch (request.verb) {
      case 'ON':
      case 'OFF':
      case 'TOGGLE':
        this.#switch(request, leds);
        break;
      case 'BLINK':
      case 'HEARTBEAT':
      case 'PATTERN':
        this.#play(request, leds);
        break;
      case 'STATUS':
        this.#reply(request, this.#ok(request, leds, this.#statusFields(leds, this.#lists(request))));
        break;
    }
  }

  /** What is wrong with playing `spec` on `leds`: steps of several levels need one LED named for each. */
  #widthProblem(spec: PatternSpec, leds: readonly number[]): string | undefined {
    const width = widthOf(spec);
    if (width === 1 || width === leds.length) return undefined;
    const named = leds.map((led) => this.#board.names[led]).join(', ');
    return (
      `each step gives ${width} levels, one for each LED named, but the pattern is for ${leds.length} ` +
      `(${named}): name ${width} LEDs in led=, or give one level a step for all of them`
    );
  }

  /** The LEDs' indices, or what is wrong with the selector. */
  #resolve(selector: LedSelector): number[] | string {
    if (selector.kind === 'first') return [0];
    if (selector.kind === 'all') return this.#board.names.map((_, led) => led);
    const leds: number[] = [];
    for (const name of selector.names) {
      const led = this.#board.indexOf(name);
      if (led === undefined) return `ledd has no LED named ${name}; its LEDs: ${describeNames(this.#board.names)}`;
      leds.push(led);
    }
    return leds;
  }

  /** "<id> OK <state of the first LED> [its pattern fields] [leds=...] [fields]": what an OK reply says. */
  #ok(request: Request, leds: readonly number[], fields: Record<string, string> = {}): string {
    return formatOk(request.id, this.#board.state(leds[0]!), {
      ...this.ledFields(leds, this.#lists(request)),
      ...fields,
    });
  }

  /**
   * Whether replies to `request` list its LEDs (leds=): when ledd's LEDs are
   * named (--led) or the request named them. ledd's one unnamed LED is
   * described by the reply's head alone, byte for byte as before there were several.
   */
  #lists(request: Request): boolean {
    return this.#named || request.leds !== undefined;
  }

  /** The fields that describe `leds`: the first one's pattern= cycles= then=, and (`list`) leds= for each. */
  ledFields(leds: readonly number[], list: boolean): Record<string, string> {
    const reports = leds.map((led) => this.#board.report(led));
    return { ...patternFields(reports[0]!), ...(list && { leds: formatLedReports(reports) }) };
  }

  #statusFields(leds: readonly number[], list: boolean): Record<string, string> {
    const lines = this.#board.lines;
    const each = list ? leds.map((led) => [`line.${this.#board.names[led]}`, lines.location(led)]) : [];
    return {
      backend: lines.backend,
      line: lines.location(leds[0]!),
      ...Object.fromEntries(each),
      handled: String(this.stats.handled),
      rejected: String(this.stats.rejected),
      dropped: String(this.#replies.dropped),
      pid: String(process.pid),
      // Last: it grows with the watchers.
      watchers: this.#watchers.describe() || 'none',
    };
  }

  #watch(request: Request, leds: readonly number[]): void {
    const replyType = request.replyType!;
    if (request.verb === 'UNWATCH') {
      const known = this.#watchers.unsubscribe(replyType);
      this.#reply(request, formatOk(request.id, this.#board.state(leds[0]!), { watch: known ? 'ended' : 'none' }));
      return;
    }
    if (!this.#watchers.subscribe(replyType, request.id!, request.name ?? 'client', leds, this.#lists(request))) {
      this.#reply(
        request,
        formatError(
          request.id,
          'BUSY',
          `ledd has ${MAX_WATCHERS} watchers already; stop one (ledctl status lists them)`,
        ),
      );
      return;
    }
    const state = this.#board.state(leds[0]!);
    const fields = this.ledFields(leds, this.#lists(request));
    this.#reply(
      request,
      formatOk(request.id, state, { watch: String(WATCH_TTL_MS), ...fields, pid: String(process.pid) }),
    );
  }

  /** When a for= request's timed state ends (epoch ms); undefined for one without, null when the LEDs cannot take it. */
  #until(request: Request, leds: readonly number[]): number | undefined | null {
    if (request.forMs === undefined) return undefined;
    const until = Math.ceil(epochNow()) + request.forMs;
    const problem = this.#board.timedProblem(leds, until);
    if (!problem) return until;
    this.stats.rejected++;
    this.#reply(request, formatError(request.id, 'BUSY', problem));
    return null;
  }

  /** " for 5000ms (until 12:00:05.000)" in a log line of a timed command. */
  #forText(request: Request, until: number | undefined): string {
    return until === undefined ? '' : ` for ${request.forMs}ms (until ${new Date(until).toISOString().slice(11, 23)})`;
  }

  #switch(request: Request, leds: readonly number[]): void {
    const until = this.#until(request, leds);
    if (until === null) return;
    const levels = leds.map((led) => (request.verb === 'TOGGLE' ? !this.#board.on(led) : request.verb === 'ON'));
    if (!this.#carryOut(request, () => this.#board.command(leds, levels, until))) return;
    this.#reply(request, this.#ok(request, leds));
    const shown = leds.map((led) => `${this.#board.names[led]} ${this.#board.state(led)}`).join(', ');
    this.#log.info(
      { leds: shown, verb: request.verb, replyTo: request.replyType, ...(until && { until }) },
      `LED ${shown}${this.#forText(request, until)}`,
    );
    this.#onStateChange(levels[0] ? 'on' : 'off', leds);
  }

  #play(request: Request, leds: readonly number[]): void {
    const until = this.#until(request, leds);
    if (until === null) return;
    const spec = request.pattern!;
    if (!this.#carryOut(request, () => this.#board.play(leds, spec, undefined, until))) return;
    this.#reply(request, this.#ok(request, leds));
    const what = describePattern(spec);
    const names = leds.map((led) => this.#board.names[led]).join(', ');
    this.#log.info(
      { pattern: what, leds: names, replyTo: request.replyType, ...(until && { until }) },
      `playing the ${what}${this.#board.size === 1 ? '' : ` on ${names}`}${this.#forText(request, until)}`,
    );
    this.#onStateChange('pattern', leds);
  }

  /** Runs a change of the LEDs; a GPIO failure is logged and answered (false). */
  #carryOut(request: Request, change: () => void): boolean {
    try {
      change();
      return true;
    } catch (error) {
      const message = error instanceof GpioError ? error.message : String(error);
      this.#log.error({ err: error, verb: request.verb }, 'driving the LED failed');
      this.#reply(request, formatError(request.id, 'GPIO', message));
      return false;
    }
  }

  #reject(rejection: Rejection, message: Message): void {
    this.stats.rejected++;
    const allowed = this.#rejectionLog.take();
    if (allowed) {
      this.#log.warn(
        {
          code: rejection.code,
          type: String(message.type),
          bytes: message.data.length,
          suppressed: allowed.suppressed,
        },
        `rejected a message: ${rejection.reason}${allowed.lastInWindow ? this.#rejectionLog.silenceNote : ''}`,
      );
    }
    if (rejection.replyType !== undefined)
      this.#reply(rejection, formatError(rejection.id, rejection.code, rejection.reason));
  }

  /** Sends `text` to the request's reply address, if it gave one. */
  #reply(request: { replyType?: number }, text: string): void {
    const replyType = request.replyType;
    if (replyType === undefined || !isReplyType(replyType)) return;
    this.#replies.reply(replyType, text, this.#makeRoom);
  }

  /** Sends the acknowledgement of an exit request (before the queue is removed). */
  replyToExit(text: string): void {
    if (this.exitRequest) this.#reply(this.exitRequest, text);
  }
}
