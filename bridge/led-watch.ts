// ledd's state changes as the bridge sees them: client/watch.ts's events, in
// this process beside the bridge's own requests (client/reply-router.ts gives
// both one receiver). Ends when `signal` aborts; throws WatchFailure for what
// waiting will not mend (permission denied on ledd's queue, ledd refusing).
import { ClientError } from '../client/errors.js';
import { type WatchEvent, watchLed } from '../client/watch.js';

export class WatchFailure extends Error {
  readonly clientExitCode: number;

  constructor(clientExitCode: number, message: string) {
    super(message);
    this.name = 'WatchFailure';
    this.clientExitCode = clientExitCode;
  }
}

export async function* watchLedd(key: number, name: string, signal: AbortSignal): AsyncGenerator<WatchEvent> {
  try {
    yield* watchLed({ key, name, signal });
  } catch (error) {
    if (error instanceof ClientError) throw new WatchFailure(error.exitCode, error.message);
    throw error;
  }
}
