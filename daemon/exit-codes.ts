// ledd's exit codes (documented in the README and in --help).
export const DaemonExit = {
  ok: 0,
  failure: 1,
  usage: 2,
  queue: 3,
  gpio: 4,
  stateFile: 5,
  /**
   * SIGUSR2: ledd left its queue (with the commands pending on it) and the
   * LED's saved state to the ledd systemd starts next, as after a crash; an
   * upgrade uses it to restart without losing a command (EX_TEMPFAIL).
   */
  handover: 75,
} as const;
