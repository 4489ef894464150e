// Start-up: the saved state, the queue, the line, the LED and the daemon, in
// an order where nothing can call into a part not yet built. A failure at any
// step gives back what earlier steps took (the line, a queue created here)
// and is thrown for main to turn into its exit code.
import { QueueError, formatKey } from '@ledd/sysvmq';

import { type Config, ledLineSpecs } from './config.js';
import { Daemon } from './daemon.js';
import { GpioError, type LedLines, type LinesSpec } from './gpio/line.js';
import type { LevelListener } from './gpio/sim-line.js';
import { openLedLines } from './gpio/open-line.js';
import { Board, type BoardHooks } from './board.js';
import type { Logger } from './log/logger.js';
import { ownQueue, QueueOwnershipError } from './queue-owner.js';
import { createServiceNotifier } from './service-notifier.js';
import { DaemonExit } from './exit-codes.js';
import {
  firstLevel,
  StateFile,
  StateFileError,
  type StoredLed,
  type StoredPattern,
  type StoredState,
  type StoredTimed,
} from './state-file.js';
import { describePattern } from '../protocol/pattern.js';
import { epochNow } from './edge-clock.js';

/** How the lines are opened: the backend's, or a test's. */
export type LinesOpener = (
  backend: Config['backend'],
  spec: LinesSpec,
  onSimulatedChange: LevelListener,
) => Promise<LedLines>;

/** What each LED starts with: a level, or a pattern to resume (from the state file), by name. */
function startState(config: Config, stateFile: StateFile | null, log: Logger): StoredState {
  const names = config.leds.map((led) => led.name);
  if (config.startState !== 'restore' || stateFile === null) {
    const on = config.startState === 'on';
    return new Map(names.map((name) => [name, { on }]));
  }
  const stored = stateFile.read(names[0]!);
  const state = stored.state ?? new Map();
  const unknown = [...state.keys()].filter((name) => !names.includes(name));
  const fresh = names.filter((name) => !state.has(name));
  if (stored.problem) {
    const first = state.get(names[0]!)?.on ? 'on' : 'off';
    log.warn(
      `${stored.problem}; starting with ${names.length === 1 ? `the LED ${first}` : 'the LEDs it does not describe off'}`,
    );
  }
  if (unknown.length > 0)
    log.warn(
      { leds: unknown.join(', ') },
      `the state file has LEDs ledd no longer drives (${unknown.join(', ')}); forgotten`,
    );
  if (stored.state && fresh.length > 0) log.info({ leds: fresh.join(', ') }, 'LEDs new to the state file start off');
  return new Map(names.map((name) => [name, state.get(name) ?? { on: false }]));
}

/** The LEDs a saved pattern plays on: for one that gives each its own level, the LED of each (null: gone). */
function patternLeds(pattern: StoredPattern, leds: readonly number[], names: readonly string[]): (number | null)[] {
  if (!pattern.columns) return [...leds];
  return pattern.columns.map((column) => (column === null || !names.includes(column) ? null : names.indexOf(column)));
}

/** The saved base patterns, each once with the LEDs that play it. */
function savedPatterns(state: StoredState, names: readonly string[]): Map<StoredPattern, (number | null)[]> {
  const members = new Map<StoredPattern, number[]>();
  names.forEach((name, led) => {
    const pattern = state.get(name)?.pattern;
    if (pattern) members.set(pattern, [...(members.get(pattern) ?? []), led]);
  });
  const patterns = new Map<StoredPattern, (number | null)[]>();
  for (const [pattern, leds] of members) {
    const played = patternLeds(pattern, leds, names);
    // A pattern none of whose LEDs is configured any more plays for nobody.
    if (played.some((led) => led !== null)) patterns.set(pattern, played);
  }
  return patterns;
}

/** The saved timed states, each once with its LEDs and their levels, the one ending last first. */
function savedTimed(state: StoredState, names: readonly string[]): Map<StoredTimed, Map<number, boolean>> {
  const timed = new Map<StoredTimed, Map<number, boolean>>();
  names.forEach((name, led) => {
    for (const layer of state.get(name)?.timed ?? [])
      timed.set(layer.timed, (timed.get(layer.timed) ?? new Map<number, boolean>()).set(led, layer.on));
  });
  return new Map([...timed].sort(([a], [b]) => b.until - a.until));
}

/** The level an LED shows first: its top unexpired timed state's, else its own. */
function initialLevel(stored: StoredLed, name: string, now: number): boolean {
  const top = stored.timed?.findLast((layer) => layer.timed.until > now);
  const layer = top ? { on: top.on, pattern: top.timed.pattern } : stored;
  return layer.pattern ? firstLevel(layer.pattern, name) : layer.on;
}

/** Builds a running daemon; the caller wires its signals and runs it. */
export async function startDaemon(config: Config, log: Logger, openLines: LinesOpener = openLedLines): Promise<Daemon> {
  const notifier = createServiceNotifier(process.env);
  const stateFile = config.stateFile === null ? null : new StateFile(config.stateFile);
  const names = config.leds.map((led) => led.name);
  const restored = startState(config, stateFile, log);
  const openedAt = epochNow();
  const initial = (led: number): boolean => initialLevel(restored.get(names[led]!)!, names[led]!, openedAt);
  const { queue, adopted } = ownQueue({ key: config.key, mode: config.mode, gid: config.gid });
  log.info(
    { key: formatKey(config.key), queueId: queue.id, adopted, mode: `0${config.mode.toString(8)}` },
    adopted ? 'adopted the queue this user created earlier' : 'created the queue',
  );

  const traceEdges = log.isLevelEnabled('debug');
  const simulatedChange = traceEdges
    ? (led: number, on: boolean): void =>
        log.debug({ led: names[led], state: on ? 'ON' : 'OFF' }, `simulated LED ${names[led]} is ${on ? 'ON' : 'OFF'}`)
    : (): void => undefined;
  let lines: LedLines | undefined;
  try {
    lines = await openLines(config.backend, { leds: ledLineSpecs(config, initial), consumer: 'ledd' }, simulatedChange);
    // The daemon is built before anything can play: a pattern's end or failure is reported to it.
    const hooks: BoardHooks = {
      onPersistError: (error) =>
        log.error({ err: error }, `the LEDs changed but their state could not be saved: ${error.message}`),
      onPatternEnd: (leds, spec, error) => daemon.patternEnded(leds, spec, error),
      onTimedEnd: (leds, error) => daemon.timedEnded(leds, error),
      ...(traceEdges && {
        onEdge: (edge, leds) =>
          log.debug(
            {
              ...edge,
              lateMs: edge.atMs - edge.dueMs,
              leds: leds.map((led) => names[led]).join(','),
              state: edge.on ? 'ON' : 'OFF',
            },
            'pattern step',
          ),
      }),
    };
    const board = new Board(lines, names, stateFile, hooks);
    const housekeepingMs = Math.min(config.housekeepingSeconds * 1000, notifier.watchdogPingMs || Infinity);
    const daemon = new Daemon({
      queue,
      board,
      named: config.named,
      log,
      notifier,
      exitState: config.exitState,
      housekeepingMs,
    });
    for (const [pattern, leds] of savedPatterns(restored, names)) {
      // A line that fails on a resumed pattern's first level throws here, like one that cannot be opened.
      const resumed = board.play(leds, pattern.spec, pattern.startedAt);
      const what = describePattern(pattern.spec);
      const on = leds
        .filter((led): led is number => led !== null)
        .map((led) => names[led])
        .join(', ');
      const where = names.length === 1 ? '' : ` on ${on}`;
      log.info(
        { pattern: what, leds: on, resumed },
        resumed ? `resumed the ${what}${where}` : `the ${what}${where} ended while ledd was down`,
      );
    }
    resumeTimed(board, savedTimed(restored, names), log);
    return daemon;
  } catch (error) {
    lines?.release();
    stateFile?.close();
    if (!adopted) queue.remove();
    throw error;
  }
}

/** Lays the saved timed states that have not ended over the LEDs again; the ended ones are gone. */
function resumeTimed(board: Board, saved: Map<StoredTimed, Map<number, boolean>>, log: Logger): void {
  const { names } = board;
  for (const [timed, levels] of saved) {
    const leds = [...levels.keys()];
    const on = leds.map((led) => names[led]).join(', ');
    const where = names.length === 1 ? '' : ` on ${on}`;
    const until = new Date(timed.until).toISOString();
    if (timed.until <= epochNow()) {
      log.info({ leds: on, until }, `the timed state${where} ended while ledd was down (at ${until})`);
      continue;
    }
    if (timed.pattern)
      board.play(patternLeds(timed.pattern, leds, names), timed.pattern.spec, timed.pattern.startedAt, timed.until);
    else board.command(leds, [...levels.values()], timed.until);
    log.info({ leds: on, until }, `resumed the timed state${where} until ${until}`);
  }
}

/** The exit code for what stopped ledd from starting or running. */
export function exitCodeFor(error: unknown): number {
  if (error instanceof StateFileError) return DaemonExit.stateFile;
  if (error instanceof GpioError) return DaemonExit.gpio;
  if (error instanceof QueueOwnershipError || error instanceof QueueError) return DaemonExit.queue;
  return DaemonExit.failure;
}
