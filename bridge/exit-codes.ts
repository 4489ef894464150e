// ledd-mqtt's exit codes, each with its meaning: --help's "Exit status", the
// README's table and ledd-mqtt.service's RestartPreventExitStatus= (where a
// restart cannot help) follow this table (test/facts checks them).
import { exitCodes } from '../common/exit-codes.js';

export const BRIDGE_EXIT_CODES = {
  ok: { code: 0, meaning: 'stopped by a signal', detail: '--remove: done' },
  failure: { code: 1, meaning: 'unexpected failure' },
  usage: { code: 2, meaning: 'bad option, environment value or unreadable file', final: true },
  /** ledd's queue refuses this user: join its group. */
  queuePermission: { code: 3, meaning: "permission denied on ledd's queue", detail: 'join its group', final: true },
  /** The broker refused the login: wrong user name or password, or not authorised. */
  brokerAuth: {
    code: 4,
    meaning: 'the broker refused the login',
    detail: 'user name or password, or not authorised',
    final: true,
  },
  /** --remove: the broker could not be reached, so nothing was cleared. */
  brokerUnreachable: {
    code: 5,
    meaning: '--remove only: the broker could not be reached',
    detail: 'nothing was removed',
  },
  /** --remove: this node's bridge is online; stop it first, or it publishes everything again. */
  bridgeRunning: { code: 6, meaning: "--remove only: the node's bridge is online", detail: 'stop it first' },
} as const;

export const BridgeExit = exitCodes(BRIDGE_EXIT_CODES);
