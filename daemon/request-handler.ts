// What the daemon does with each message it takes off the queue.
import type { Message } from '../native/lib/index.js';
import { GpioError } from './gpio/line.js';
import type { Led } from './led.js';
import type { Logger } from './log/logger.js';
import { LogRateLimiter } from './log/rate-limit.js';
import { isReplyType } from '../protocol/constants.js';
import { describePattern } from '../protocol/pattern.js';
import { formatError, formatOk } from '../protocol/reply.js';
import { type Rejection, type Request, parseRequest } from '../protocol/request.js';
import { type ChangeCause, MAX_WATCHERS, WATCH_TTL_MS } from '../protocol/watch.js';
import type { ReplySender } from './reply-sender.js';
import type { Watchers } from './watchers.js';

export interface ExitRequest {
  replyType?: number;
  id?: string;
}

export interface HandlerStats {
  handled: number;
  rejected: number;
}

export class RequestHandler {
  readonly stats: HandlerStats = { handled: 0, rejected: 0 };
  /** Set by an exit request; the daemon stops after the current batch. */
  exitRequest: ExitRequest | undefined;

  readonly #led: Led;
  readonly #log: Logger;
  readonly #replies: ReplySender;
  readonly #makeRoom: () => void;
  readonly #watchers: Watchers;
  readonly #onStateChange: (cause: ChangeCause) => void;
  readonly #rejectionLog = new LogRateLimiter(10, 60_000);

  constructor(deps: {
    led: Led;
    log: Logger;
    replies: ReplySender;
    /** Called when a reply finds the queue full, before one retry. */
    makeRoom: () => void;
    watchers: Watchers;
    /** A command changed (or may have changed) the LED's commanded state. */
    onStateChange: (cause: ChangeCause) => void;
  }) {
    this.#led = deps.led;
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
    // A subscription is not a command: renewals every few seconds would swamp the count.
    if (request.verb === 'WATCH' || request.verb === 'UNWATCH') {
      this.#watch(request);
      return;
    }
    this.stats.handled++;
    switch (request.verb) {
      case 'ON':
      case 'OFF':
      case 'TOGGLE':
        this.#switch(request);
        break;
      case 'BLINK':
      case 'HEARTBEAT':
      case 'PATTERN':
        this.#play(request);
        break;
      case 'STATUS':
        this.#reply(request, formatOk(request.id, this.#led.state, this.statusFields()));
        break;
      case 'EXIT':
        this.#log.info({ replyTo: request.replyType }, 'exit requested over the queue');
        this.exitRequest ??= {
          ...(request.replyType !== undefined && { replyType: request.replyType }),
          ...(request.id !== undefined && { id: request.id }),
        };
        break;
    }
  }

  statusFields(): Record<string, string> {
    return {
      ...this.patternFields(),
      backend: this.#led.line.backend,
      line: this.#led.line.location,
      handled: String(this.stats.handled),
      rejected: String(this.stats.rejected),
      dropped: String(this.#replies.dropped),
      pid: String(process.pid),
      // Last: a reply is cut at 255 bytes, and this one grows with the watchers.
      watchers: this.#watchers.describe() || 'none',
    };
  }

  #watch(request: Request): void {
    const replyType = request.replyType!;
    if (request.verb === 'UNWATCH') {
      const known = this.#watchers.unsubscribe(replyType);
      this.#reply(request, formatOk(request.id, this.#led.state, { watch: known ? 'ended' : 'none' }));
      return;
    }
    if (!this.#watchers.subscribe(replyType, request.id!, request.name ?? 'client')) {
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
    this.#reply(
      request,
      formatOk(request.id, this.#led.state, {
        watch: String(WATCH_TTL_MS),
        ...this.patternFields(),
        pid: String(process.pid),
      }),
    );
  }

  #switch(request: Request): void {
    const on = request.verb === 'TOGGLE' ? !this.#led.on : request.verb === 'ON';
    try {
      this.#led.command(on);
    } catch (error) {
      const message = error instanceof GpioError ? error.message : String(error);
      this.#log.error({ err: error, verb: request.verb }, 'driving the LED failed');
      this.#reply(request, formatError(request.id, 'GPIO', message));
      return;
    }
    this.#reply(request, formatOk(request.id, this.#led.state));
    this.#log.info({ led: this.#led.state, verb: request.verb, replyTo: request.replyType }, `LED ${this.#led.state}`);
    this.#onStateChange(on ? 'on' : 'off');
  }

  /** pattern=blink cycles=3 (or forever) then=off, while one plays (its steps would not fit every reply). */
  patternFields(): Record<string, string> {
    const progress = this.#led.pattern;
    if (!progress) return {};
    const { spec, cyclesLeft } = progress;
    return {
      pattern: spec.name,
      cycles: cyclesLeft === null ? 'forever' : String(cyclesLeft),
      then: spec.then ? 'on' : 'off',
    };
  }

  #play(request: Request): void {
    const spec = request.pattern!;
    try {
      this.#led.play(spec);
    } catch (error) {
      const message = error instanceof GpioError ? error.message : String(error);
      this.#log.error({ err: error, verb: request.verb }, 'driving the LED failed');
      this.#reply(request, formatError(request.id, 'GPIO', message));
      return;
    }
    this.#reply(request, formatOk(request.id, this.#led.state, this.patternFields()));
    this.#log.info(
      { pattern: describePattern(spec), replyTo: request.replyType },
      `playing the ${describePattern(spec)}`,
    );
    this.#onStateChange('pattern');
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
