// ledctl's answer, written with write(2) on fd 1: the first use of
// process.stdout builds Node's stream machinery, 3 to 8 ms of a start-up that
// is otherwise mostly Node's own.
import { writeSync } from 'node:fs';

import { ClientError, ClientExit } from '../client/errors.js';

export function writeOut(text: string): void {
  const bytes = Buffer.from(text);
  let offset = 0;
  while (offset < bytes.length) {
    try {
      offset += writeSync(1, bytes, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // A non-blocking fd 1 (shared with a parent that set O_NONBLOCK): the stream waits for it.
      if (code === 'EAGAIN') {
        process.stdout.write(bytes.subarray(offset));
        return;
      }
      // The reader has gone (ledctl status | head -1): the rest has nobody to read it.
      if (code === 'EPIPE') return;
      throw new ClientError(ClientExit.failure, `could not write to standard output (${code ?? String(error)})`);
    }
  }
}
