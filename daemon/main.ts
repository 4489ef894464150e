#!/usr/bin/env node
// ledd: the LED controller daemon.
import { QueueError } from '@ledd/sysvmq';
import { cleanup } from './cleanup.js';
import { type Config, describeConfig, parseCommandLine } from './config.js';
import { UsageError } from '../common/flags.js';
import { DaemonExit } from './exit-codes.js';
import { GpioError } from './gpio/line.js';
import { describeGpioBackends } from './gpio/open-line.js';
import { helpText } from './help.js';
import { createLogger, type Logger } from './log/logger.js';
import { QueueOwnershipError } from './queue-owner.js';
import { exitCodeFor, startDaemon } from './start.js';
import { StateFileError } from './state-file.js';
import { packageVersion } from '../common/version.js';

const STOP_SIGNALS = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
/** Stop, leaving the queue and the saved state to the next ledd (see DaemonExit.handover). */
const HANDOVER_SIGNAL = 'SIGUSR2';

async function start(config: Config, log: Logger, stopRequests: string[]): Promise<number> {
  const daemon = await startDaemon(config, log);
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

// No top-level await: this file is bundled as CommonJS (dist/ledd.cjs).
void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
