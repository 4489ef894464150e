// ledd's exit codes (documented in the README and in --help).
export const DaemonExit = {
  ok: 0,
  failure: 1,
  usage: 2,
  queue: 3,
  gpio: 4,
  stateFile: 5,
} as const;
