// ledd-mqtt's exit codes (documented in the README, in --help, and listed in
// ledd-mqtt.service's RestartPreventExitStatus= where a restart cannot help).
export const BridgeExit = {
  ok: 0,
  failure: 1,
  usage: 2,
  /** ledd's queue refuses this user: join its group. */
  queuePermission: 3,
  /** The broker refused the login: wrong user name or password, or not authorised. */
  brokerAuth: 4,
  /** --remove: the broker could not be reached, so nothing was cleared. */
  brokerUnreachable: 5,
  /** --remove: this node's bridge is online; stop it first, or it publishes everything again. */
  bridgeRunning: 6,
} as const;
