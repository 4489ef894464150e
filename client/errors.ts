// A client's failures, each with ledctl's exit code for it (documented in the
// README and in ledctl --help); ledd-mqtt logs their messages.
export const ClientExit = {
  ok: 0,
  refused: 1,
  usage: 2,
  notRunning: 3,
  permission: 4,
  queueFull: 5,
  timeout: 6,
  failure: 7,
} as const;

export class ClientError extends Error {
  readonly exitCode: number;

  constructor(exitCode: number, message: string) {
    super(message);
    this.name = 'ClientError';
    this.exitCode = exitCode;
  }
}
