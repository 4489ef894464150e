#!/usr/bin/env node
// ledd: the LED controller daemon.
import { QueueError, formatKey } from '../native/lib/index.js';
import { cleanup } from './cleanup.js';
import { type Config, describeConfig, parseCommandLine } from './config.js';
import { UsageError } from '../common/flags.js';
import { Daemon } from './daemon.js';
import { DaemonExit } from './exit-codes.js';
import { GpioError, type LedLine } from './gpio/line.js';
import { describeGpioBackends, openLedLine } from './gpio/open-line.js';
import { helpText } from './help.js';
import { Led } from './led.js';
import { createLogger, type Logger } from './log/logger.js';
import { ownQueue, QueueOwnershipError } from './queue-owner.js';
import { createServiceNotifier } from './service-notifier.js';
import { StateFile, StateFileError, type StoredState } from './state-file.js';
import { describePattern } from '../protocol/pattern.js';
import { packageVersion } from '../common/version.js';

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/** Stop, leaving the queue and the saved state to the next ledd (see DaemonExit.handover). */
const HANDOVER_SIGNAL = 'SIGUSR2';

/** What the LED starts with: a level, or a pattern to resume (from the state file). */
function startState(config: Config, stateFile: StateFile | null, log: Logger): StoredState {
  if (config.startState !== 'restore') return { on: config.startState === 'on' };
  if (stateFile === null) return { on: false };
  const stored = stateFile.read();
  if (stored.problem) log.warn(`${stored.problem}; starting with the LED ${stored.state?.on ? 'on' : 'off'}`);
  return stored.state ?? { on: false };
}

function exitCodeFor(error: unknown): number {
  if (error instanceof StateFileError) return DaemonExit.stateFile;
  if (error instanceof GpioError) return DaemonExit.gpio;
  if (error instanceof QueueOwnershipError || error instanceof QueueError) return DaemonExit.queue;
  return DaemonExit.failure;
}

async function start(config: Config, log: Logger, stopRequests: string[]): Promise<number> {
  const notifier = createServiceNotifier(process.env);
  const stateFile = config.stateFile === null ? null : new StateFile(config.stateFile);
  const restored = startState(config, stateFile, log);
  const initial = restored.pattern ? restored.pattern.spec.steps[0]!.on : restored.on;
  const { queue, adopted } = ownQueue({ key: config.key, mode: config.mode, gid: config.gid });
  log.info(
    { key: formatKey(config.key), queueId: queue.id, adopted, mode: `0${config.mode.toString(8)}` },
    adopted ? 'adopted the queue this user created earlier' : 'created the queue',
  );

  let line: LedLine;
  try {
    line = await openLedLine(
      config.backend,
      { chip: config.chip, line: config.line, activeLow: config.activeLow, consumer: 'ledd', initial },
      (on) => log.debug({ led: on ? 'ON' : 'OFF' }, `simulated LED is ${on ? 'ON' : 'OFF'}`),
    );
  } catch (error) {
    if (!adopted) queue.remove();
    throw error;
  }
  const housekeepingMs = Math.min(config.housekeepingSeconds * 1000, notifier.watchdogPingMs || Infinity);
  const traceEdges = log.isLevelEnabled('debug');
  const led = new Led(line, stateFile, {
    onPersistError: (error) =>
      log.error({ err: error }, `the LED changed but its state could not be saved: ${error.message}`),
    onPatternEnd: (spec, error) => daemon.patternEnded(spec, error),
    ...(traceEdges && {
      onEdge: (edge) =>
        log.debug({ ...edge, lateMs: edge.atMs - edge.dueMs, led: edge.on ? 'ON' : 'OFF' }, 'pattern step'),
    }),
  });
  if (restored.pattern) {
    const resumed = led.play(restored.pattern.spec, restored.pattern.startedAt);
    const what = describePattern(restored.pattern.spec);
    log.info({ pattern: what, resumed }, resumed ? `resumed the ${what}` : `the ${what} ended while ledd was down`);
  }
  const daemon = new Daemon({
    queue,
    led,
    log,
    notifier,
    exitState: config.exitState,
    housekeepingMs,
  });
  for (const signal of STOP_SIGNALS) process.on(signal, () => daemon.stop(signal));
  process.on(HANDOVER_SIGNAL, () => daemon.handOver(HANDOVER_SIGNAL));
  for (const reason of stopRequests) {
    if (reason === HANDOVER_SIGNAL) daemon.handOver(reason);
    else daemon.stop(reason);
  }
  return (await daemon.run()) ? DaemonExit.handover : DaemonExit.ok;
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof RangeError)) throw error;
    process.stderr.write(`ledd: ${error.message}\n`);
    return DaemonExit.usage;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(helpText);
    return DaemonExit.ok;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`ledd ${packageVersion()} (GPIO: ${await describeGpioBackends()})\n`);
    return DaemonExit.ok;
  }
  const { config } = parsed;
  const log = createLogger(config.logLevel, config.logFormat);
  if (parsed.kind === 'cleanup') return cleanup(config, log, process.env);
  log.debug({ config: describeConfig(config) }, 'configuration');

  // A signal during start-up is remembered and honoured once the daemon runs,
  // so that the queue it may already have created is removed.
  const early: string[] = [];
  const remember = (signal: string) => () => early.push(signal);
  const handlers = [...STOP_SIGNALS, HANDOVER_SIGNAL].map((signal) => [signal, remember(signal)] as const);
  for (const [signal, handler] of handlers) process.on(signal, handler);
  try {
    return await start(config, log, early);
  } catch (error) {
    const known =
      error instanceof GpioError ||
      error instanceof QueueOwnershipError ||
      error instanceof QueueError ||
      error instanceof StateFileError;
    log.fatal(known ? { code: (error as { code?: string }).code } : { err: error }, (error as Error).message);
    return exitCodeFor(error);
  } finally {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  }
}

process.exitCode = await main(process.argv.slice(2));
