// A client's failures, each with ledctl's exit code for it and its meaning
// (ledctl --help's "Exit status" and the README's table follow this table);
// ledd-mqtt logs their messages.
import { exitCodes } from '../common/exit-codes.js';

export const CLIENT_EXIT_CODES = {
  ok: { code: 0, meaning: 'done', detail: 'ledd confirmed' },
  refused: { code: 1, meaning: 'ledd refused or failed the command' },
  usage: { code: 2, meaning: 'bad usage' },
  notRunning: { code: 3, meaning: 'ledd is not running', detail: 'no queue for the key' },
  permission: { code: 4, meaning: 'permission denied on the queue' },
  queueFull: { code: 5, meaning: 'the queue stayed full' },
  timeout: { code: 6, meaning: 'no answer within the timeout' },
  failure: { code: 7, meaning: 'unexpected error, or the answer could not be written' },
} as const;

export const ClientExit = exitCodes(CLIENT_EXIT_CODES);

export class ClientError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string) {
    super(message);
    this.name = 'ClientError';
    this.exitCode = exitCode;
  }
}
