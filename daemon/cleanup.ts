// `ledd --cleanup`: what systemd runs after the daemon stopped (ledd.service's
// ExecStopPost=, and ledd-cleanup.service's ExecStop= once ledd.service is down
// with no restart to come). When systemd is about to restart ledd it leaves the
// queue (with any pending commands) and the LED to the new daemon; otherwise it
// removes the queue and drives the LED to its exit state, so that a crash or
// kill -9 does not leave either behind. The units run it as one bundled file,
// dist/ledd-cleanup.cjs (cleanup-entry.ts); `ledd --cleanup` runs the same.
import { formatKey, MessageQueue, QueueError } from '@ledd/sysvmq';

import { type Config, ledLineSpecs } from './config.js';
import { DaemonExit, NO_RESTART_EXIT_STATUSES } from './exit-codes.js';
import { GpioError } from './gpio/line.js';
import { openLedLines } from './gpio/open-line.js';
import { BUSY_ADVICE } from './gpio/chips.js';
import { driveToExitState } from './exit-state-lines.js';
import type { Logger } from './log/logger.js';

/**
 * With Restart=on-failure, systemd restarts after any result but "success",
 * unless the exit status is one of RestartPreventExitStatus=. ($SERVICE_RESULT,
 * $EXIT_CODE and $EXIT_STATUS are set for ExecStopPost=.) When no restart
 * comes after all (the start limit, Restart=no, a stop during the restart
 * delay), ledd-cleanup.service's ExecStop= runs the clean-up, with its own
 * result: success.
 */
export function restartExpected(env: NodeJS.ProcessEnv): boolean {
  const result = env.SERVICE_RESULT;
  if (result === undefined || result === 'success') return false;
  const status = Number(env.EXIT_STATUS);
  return !(env.EXIT_CODE === 'exited' && NO_RESTART_EXIT_STATUSES.includes(status));
}

function removeOwnQueue(key: number, log: Logger): void {
  let queue: MessageQueue;
  try {
    queue = MessageQueue.open(key);
  } catch (error) {
    if (error instanceof QueueError && error.code === 'ENOENT') {
      log.info({ key: formatKey(key) }, 'no queue left to remove');
      return;
    }
    throw error;
  }
  const status = queue.stat();
  const uid = process.geteuid!();
  if (status.uid !== uid || status.cuid !== uid) {
    log.warn(
      { key: formatKey(key), uid: status.uid, cuid: status.cuid },
      "the queue under ledd's key is not ledd's; left alone",
    );
    return;
  }
  queue.remove();
  log.warn({ key: formatKey(key), messages: status.qnum }, 'removed the queue the daemon left behind');
}

/** Never throws: a failure is logged in one line and returned as an exit code. */
export async function cleanup(config: Config, log: Logger, env: NodeJS.ProcessEnv): Promise<number> {
  const context = { result: env.SERVICE_RESULT, exitCode: env.EXIT_CODE, exitStatus: env.EXIT_STATUS };
  if (restartExpected(env)) {
    log.info(context, 'systemd restarts ledd: the queue and the LED are left to the new daemon');
    return DaemonExit.ok;
  }
  try {
    removeOwnQueue(config.key, log);
  } catch (error) {
    const known = error instanceof QueueError;
    log.fatal(known ? { code: error.code } : { err: error }, `clean-up failed: ${(error as Error).message}`);
    return known ? DaemonExit.queue : DaemonExit.failure;
  }
  if (config.exitState === 'keep' || config.backend === 'sim') return DaemonExit.ok;
  const on = config.exitState === 'on';
  const outcome = await driveToExitState(
    ledLineSpecs(config, () => on),
    (spec) => openLedLines(config.backend, { leds: [spec], consumer: 'ledd-cleanup' }, () => undefined),
  );
  for (const held of outcome.held) {
    const busy = held.message.endsWith(BUSY_ADVICE) ? held.message.slice(0, -BUSY_ADVICE.length) : held.message;
    log.warn({ kind: held.kind }, `${busy}; it is left to its holder`);
  }
  for (const error of outcome.failed) {
    const known = error instanceof GpioError;
    log.error(
      known ? { kind: error.kind } : { err: error },
      `could not drive the LED to its exit state: ${(error as Error).message}`,
    );
  }
  if (outcome.driven.length > 0) {
    const every = outcome.driven.length === config.leds.length;
    const what =
      config.leds.length === 1
        ? 'LED driven to its exit state'
        : every
          ? 'every LED driven to its exit state'
          : 'the other LEDs driven to their exit state';
    log.info({ ...context, led: on ? 'ON' : 'OFF', line: outcome.driven.join(', ') }, what);
  }
  if (outcome.failed.length > 0) return DaemonExit.gpio;
  return DaemonExit.ok;
}
