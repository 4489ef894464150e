// ledd's exit codes, each with its meaning: --help's "Exit status", the
// README's table and ledd.service's RestartPreventExitStatus= follow this
// table (test/facts checks them).
import { exitCodes, finalCodes } from '../common/exit-codes.js';

export const DAEMON_EXIT_CODES = {
  ok: { code: 0, meaning: 'clean exit' },
  failure: { code: 1, meaning: 'unexpected failure' },
  usage: { code: 2, meaning: 'bad option or environment value', final: true },
  queue: { code: 3, meaning: 'the queue cannot be created or adopted', final: true },
  gpio: {
    code: 4,
    meaning: 'a GPIO line cannot be used',
    detail: 'missing, busy, given to two LEDs, or two LEDs of one name',
  },
  stateFile: {
    code: 5,
    meaning: 'the state file cannot be read',
    detail: 'one that does not parse is reported and ignored',
    final: true,
  },
  /**
   * SIGUSR2: ledd left its queue (with the commands pending on it) and the
   * LED's saved state to the ledd systemd starts next, as after a crash; an
   * upgrade uses it to restart without losing a command (EX_TEMPFAIL).
   */
  handover: { code: 75, meaning: 'handed over', detail: 'SIGUSR2' },
} as const;

export const DaemonExit = exitCodes(DAEMON_EXIT_CODES);

/** ledd.service's RestartPreventExitStatus=: exits that a restart cannot mend. */
export const NO_RESTART_EXIT_STATUSES = finalCodes(DAEMON_EXIT_CODES);
