// The running daemon: the receive loop, housekeeping, and an orderly exit
// (every LED to its exit state, the lines released, the queue removed).
import type { MessageQueue } from '@ledd/sysvmq';

import type { ExitState } from './config.js';
import type { Board } from './board.js';
import type { Logger } from './log/logger.js';
import { RECEIVE_BYTES, REQUEST_TYPE_MAX } from '../protocol/constants.js';
import { type PatternName, type PatternSpec, describePattern } from '../protocol/pattern.js';
import { formatOk } from '../protocol/reply.js';
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
  board: Board;
  /** The LEDs were named (--led): replies list them. */
  named: boolean;
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
  /** Each LED's commanded state the watchers were last told of. */
  #announced: string[] = [];
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
      board: parts.board,
      named: parts.named,
      log: parts.log,
      replies,
      makeRoom,
      watchers: this.#watchers,
      onStateChange: (cause, leds) => this.#changed(cause, leds),
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
    const { board } = this.#parts;
    const leds = board.names.map((name, led) => `${name} ${board.state(led)} (${board.lines.location(led)})`);
    log.info({ led: board.state(0), leds: leds.join(', '), queueId: queue.id }, 'ready');
    this.#announced = board.names.map((_, led) => this.#commandedState(led));
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

  /** A finite pattern ended by itself on `leds`, or the lines failed under one. */
  patternEnded(leds: readonly number[], spec: PatternSpec, error?: unknown): void {
    const what = describePattern(spec);
    const names = leds.map((led) => this.#parts.board.names[led]).join(', ');
    // ledd's one LED needs no name in its messages.
    const where = this.#parts.board.size === 1 ? '' : ` on ${names}`;
    if (error)
      this.#parts.log.error(
        { err: error, pattern: what, leds: names },
        `the ${what}${where} stopped: driving the LED failed`,
      );
    else this.#parts.log.info({ pattern: what, leds: names }, `the ${what}${where} ended`);
    this.#changed('pattern-end', leds);
  }

  /** Timed states ended: `leds` show what lay under them again (unless driving the lines failed). */
  timedEnded(leds: readonly number[], error?: unknown): void {
    const { board } = this.#parts;
    const shown = leds.map((led) => `${board.names[led]} ${this.#shown(led)}`).join(', ');
    const what = board.size === 1 ? `the timed state ended: LED ${this.#shown(0)}` : `timed state ended: ${shown}`;
    if (error) this.#parts.log.error({ err: error, leds: shown }, `${what}, but driving the LEDs failed`);
    else this.#parts.log.info({ leds: shown }, what);
    this.#changed('timed-end', leds);
  }

  /** "ON", "OFF", or what plays ("blinking"). */
  #shown(led: number): string {
    const { board } = this.#parts;
    const pattern = board.pattern(led)?.spec.name;
    return pattern === undefined ? board.state(led) : PATTERN_STATUS[pattern];
  }

  #changed(cause: ChangeCause, leds: readonly number[]): void {
    this.#reportStatus();
    // An `on` while on changes nothing a watcher needs to hear of; a pattern started on
    // some LEDs takes them out of the one they played, which the others play on unchanged.
    const changed = leds.filter((led) => this.#commandedState(led) !== this.#announced[led]);
    if (changed.length === 0) return;
    for (const led of changed) this.#announced[led] = this.#commandedState(led);
    this.#announce(cause, changed);
  }

  #announce(cause: ChangeCause, leds: readonly number[]): void {
    try {
      this.#watchers.notify(cause, leds, (watched, list) => ({
        state: this.#parts.board.state(watched[0]!),
        fields: this.#handler.ledFields(watched, list),
      }));
    } catch (error) {
      this.#parts.log.error({ err: error, cause }, 'could not tell the watchers of a change');
    }
  }

  /** The LED's level, or the pattern and when it started, and a timed state's end: what a change is measured against. */
  #commandedState(led: number): string {
    const { board } = this.#parts;
    const progress = board.pattern(led);
    const shown = progress ? `${describePattern(progress.spec)} from ${progress.startedAt}` : board.state(led);
    const until = board.until(led);
    return until === undefined ? shown : `${shown} until ${until}`;
  }

  /** systemd's STATUS=: "LED ON" for one LED, "3 LEDs: a ON, b blinking, c OFF" for several. */
  #reportStatus(): void {
    const { board } = this.#parts;
    const { handled, rejected } = this.#handler.stats;
    const shown = (led: number): string => this.#shown(led);
    const leds =
      board.size === 1
        ? `LED ${shown(0)}`
        : `${board.size} LEDs: ${board.names.map((name, led) => `${name} ${shown(led)}`).join(', ')}`;
    const counts = `; ${handled} commands, ${rejected} rejected`;
    // systemctl status shows one line: a long list is cut, the counts kept.
    const room = 200 - counts.length;
    this.#parts.notifier.status(`${leds.length > room ? `${leds.slice(0, room - 3)}...` : leds}${counts}`);
  }

  async #handOverShutdown(): Promise<void> {
    const { board, log, notifier } = this.#parts;
    clearTimeout(this.#timer);
    notifier.stopping();
    notifier.status(`handing over to the next ledd (${this.#stopReason})`);
    // The saved state (patterns with their starts included) is what the next ledd restores; the levels stay as they are.
    board.stopPatterns();
    const states = this.#levels();
    board.lines.release();
    await board.close();
    const pending = this.#parts.queue.stat().qnum;
    log.info(
      { led: board.state(0), leds: states, reason: this.#stopReason, pending },
      `handing over: ${board.size === 1 ? 'line' : 'lines'} released, queue and saved state left to the next ledd; exiting`,
    );
  }

  /** "a ON, b OFF" for the logs. */
  #levels(): string {
    const { board } = this.#parts;
    return board.names.map((name, led) => `${name} ${board.state(led)}`).join(', ');
  }

  async #shutdown(): Promise<void> {
    const { queue, board, log, notifier, exitState } = this.#parts;
    clearTimeout(this.#timer);
    notifier.stopping();
    notifier.status(`stopping (${this.#stopReason ?? 'exit requested'})`);
    board.stopPatterns();
    const every = board.names.map((_, led) => led);
    try {
      if (exitState !== 'keep') board.lines.set(new Map(every.map((led) => [led, exitState === 'on'])));
    } catch (error) {
      log.error({ err: error }, 'could not drive the LEDs to their exit state');
    }
    const fields = this.#handler.ledFields(every, this.#parts.named);
    const finalState = board.state(0);
    const states = this.#levels();
    board.lines.release();
    await board.close();
    // Every LED is at its exit state now, as far as a watcher is concerned (the lines keep their last levels).
    this.#announce('exit', every);
    try {
      this.#handler.replyToExit(formatOk(this.#handler.exitRequest?.id, finalState, { ...fields, exiting: 'yes' }));
      queue.remove();
    } catch (error) {
      log.error({ err: error }, 'could not remove the queue');
    }
    log.info(
      { led: finalState, leds: states, reason: this.#stopReason ?? 'exit requested' },
      `${board.size === 1 ? 'line' : 'lines'} released, queue removed; exiting`,
    );
  }
}
