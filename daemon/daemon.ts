// The running daemon: the receive loop, housekeeping, and an orderly exit
// (LED to its exit state, line released, queue removed).
import type { MessageQueue } from '../native/lib/index.js';
import type { ExitState } from './config.js';
import type { Led } from './led.js';
import type { Logger } from './log/logger.js';
import { RECEIVE_BYTES, REQUEST_TYPE_MAX } from '../protocol/constants.js';
import { type PatternName, type PatternSpec, describePattern } from '../protocol/pattern.js';
import { formatOk, type LedState } from '../protocol/reply.js';
import { QueueSweeper } from './queue-sweeper.js';
import { ReplyBook } from './replies.js';
import { ReplySender } from './reply-sender.js';
import { RequestHandler } from './request-handler.js';
import type { ServiceNotifier } from './service-notifier.js';
import type { ChangeCause } from '../protocol/watch.js';
import { Watchers } from './watchers.js';

const PATTERN_STATUS: Record<PatternName, string> = { blink: 'blinking', heartbeat: 'heartbeat', pattern: 'pattern' };

/** After finding garbage, look again soon: someone may be flooding the queue. */
const BUSY_HOUSEKEEPING_MS = 20;

export interface DaemonParts {
  queue: MessageQueue;
  led: Led;
  log: Logger;
  notifier: ServiceNotifier;
  exitState: ExitState;
  housekeepingMs: number;
}

export class Daemon {
  readonly #parts: DaemonParts;
  readonly #handler: RequestHandler;
  readonly #sweeper: QueueSweeper;
  readonly #watchers: Watchers;
  /** The commanded state the watchers were last told of. */
  #announced: string | undefined;
  readonly #stop = new AbortController();
  #stopReason: string | undefined;
  #handingOver = false;
  #timer: NodeJS.Timeout | undefined;

  constructor(parts: DaemonParts) {
    this.#parts = parts;
    const book = new ReplyBook();
    const replies = new ReplySender(parts.queue, book, parts.log);
    this.#sweeper = new QueueSweeper(parts.queue, book, replies, parts.log);
    const makeRoom = (): void => void this.#sweeper.sweep();
    this.#watchers = new Watchers({ queue: parts.queue, replies, makeRoom });
    this.#handler = new RequestHandler({
      led: parts.led,
      log: parts.log,
      replies,
      makeRoom,
      watchers: this.#watchers,
      onStateChange: (cause) => this.#changed(cause),
    });
    this.#sweeper.attach(this.#handler);
  }

  /** Asks the loop to stop (signals); safe to call any number of times. */
  stop(reason: string): void {
    if (this.#stopReason !== undefined) {
      this.#parts.log.info({ reason }, 'already stopping');
      return;
    }
    this.#stopReason = reason;
    this.#parts.log.info({ reason }, 'stopping');
    this.#stop.abort();
  }

  /**
   * Asks the loop to stop and leave the queue, its pending commands and the
   * saved state to the next ledd (SIGUSR2): what an upgrade restarts with.
   */
  handOver(reason: string): void {
    if (this.#stopReason === undefined) this.#handingOver = true;
    this.stop(reason);
  }

  /** Runs until exit or a signal; true when it handed over (the queue is left). */
  async run(): Promise<boolean> {
    const { queue, notifier, log } = this.#parts;
    notifier.ready();
    this.#reportStatus();
    log.info({ led: this.#parts.led.state, line: this.#parts.led.line.location, queueId: queue.id }, 'ready');
    this.#announced = this.#commandedState();
    this.#scheduleHousekeeping(this.#parts.housekeepingMs);

    try {
      while (!this.#stop.signal.aborted && !this.#handler.exitRequest) {
        const batch = await queue.receiveBatch({
          type: -REQUEST_TYPE_MAX,
          maxBytes: RECEIVE_BYTES,
          noError: true,
          batch: 64,
          signal: this.#stop.signal,
        });
        // Every message taken is handled, even after an exit request or a signal.
        for (const message of batch) this.#handler.handle(message);
        if (batch.length > 0 && !this.#handler.exitRequest) this.#sweeper.maintain(false);
      }
    } catch (error) {
      // The queue was removed under us (ipcrm) or became unusable: the LED is
      // still put to its exit state and the line released.
      this.#stopReason ??= `queue failure: ${(error as Error).message}`;
      this.#handingOver = false;
      await this.#shutdown();
      throw error;
    }
    if (this.#handingOver && !this.#handler.exitRequest) {
      await this.#handOverShutdown();
      return true;
    }
    await this.#shutdown();
    return false;
  }

  #scheduleHousekeeping(delayMs: number): void {
    this.#timer = setTimeout(() => this.#housekeep(), delayMs);
  }

  #housekeep(): void {
    this.#parts.notifier.watchdog();
    let discarded = 0;
    try {
      this.#watchers.prune();
      discarded = this.#sweeper.maintain(true).discarded;
    } catch (error) {
      this.#parts.log.error({ err: error }, 'housekeeping failed');
    }
    if (!this.#stop.signal.aborted) {
      this.#scheduleHousekeeping(discarded > 0 ? BUSY_HOUSEKEEPING_MS : this.#parts.housekeepingMs);
    }
  }

  /** A finite pattern ended by itself, or the line failed under one. */
  patternEnded(spec: PatternSpec, error?: unknown): void {
    const what = describePattern(spec);
    if (error) this.#parts.log.error({ err: error, pattern: what }, `the ${what} stopped: driving the LED failed`);
    else this.#parts.log.info({ pattern: what, led: this.#parts.led.state }, `the ${what} ended`);
    this.#changed('pattern-end');
  }

  #changed(cause: ChangeCause): void {
    this.#reportStatus();
    const now = this.#commandedState();
    // An `on` while on changes nothing a watcher needs to hear of.
    if (now === this.#announced) return;
    this.#announced = now;
    this.#announce(cause);
  }

  #announce(cause: ChangeCause, state: LedState = this.#parts.led.state): void {
    try {
      this.#watchers.notify(cause, state, cause === 'exit' ? {} : this.#handler.patternFields());
    } catch (error) {
      this.#parts.log.error({ err: error, cause }, 'could not tell the watchers of a change');
    }
  }

  /** The level, or the pattern and when it started: what a change is measured against. */
  #commandedState(): string {
    const progress = this.#parts.led.pattern;
    return progress ? `${describePattern(progress.spec)} from ${progress.startedAt}` : this.#parts.led.state;
  }

  #reportStatus(): void {
    const { handled, rejected } = this.#handler.stats;
    const pattern = this.#parts.led.pattern?.spec.name;
    const shown = pattern === undefined ? `LED ${this.#parts.led.state}` : `LED ${PATTERN_STATUS[pattern]}`;
    this.#parts.notifier.status(`${shown}; ${handled} commands, ${rejected} rejected`);
  }

  async #handOverShutdown(): Promise<void> {
    const { led, log, notifier } = this.#parts;
    clearTimeout(this.#timer);
    notifier.stopping();
    notifier.status(`handing over to the next ledd (${this.#stopReason})`);
    // The saved state (a pattern with its start included) is what the next ledd restores; the level stays as it is.
    led.stopPattern();
    const state = led.state;
    led.line.release();
    await led.close();
    const pending = this.#parts.queue.stat().qnum;
    log.info(
      { led: state, reason: this.#stopReason, pending },
      'handing over: line released, queue and saved state left to the next ledd; exiting',
    );
  }

  async #shutdown(): Promise<void> {
    const { queue, led, log, notifier, exitState } = this.#parts;
    clearTimeout(this.#timer);
    notifier.stopping();
    notifier.status(`stopping (${this.#stopReason ?? 'exit requested'})`);
    led.stopPattern();
    try {
      if (exitState !== 'keep') led.line.set(exitState === 'on');
    } catch (error) {
      log.error({ err: error }, 'could not drive the LED to its exit state');
    }
    const finalState = led.state;
    led.line.release();
    await led.close();
    this.#announce('exit', finalState);
    try {
      this.#handler.replyToExit(formatOk(this.#handler.exitRequest?.id, finalState, { exiting: 'yes' }));
      queue.remove();
    } catch (error) {
      log.error({ err: error }, 'could not remove the queue');
    }
    log.info(
      { led: finalState, reason: this.#stopReason ?? 'exit requested' },
      'line released, queue removed; exiting',
    );
  }
}
