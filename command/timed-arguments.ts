// ledctl's --for: how long a command lasts before the LEDs give way to what
// they showed. `500ms`, `5s`, `1.5m`, `2h`, `1d`; a bare number is seconds.
import { ClientError, ClientExit } from '../client/errors.js';
import { MAX_FOR_MS, MIN_FOR_MS } from '../protocol/timed.js';

const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const FOR_DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/;

export function parseForDuration(text: string): number {
  const match = FOR_DURATION.exec(text.trim());
  const fail = (why: string): ClientError =>
    new ClientError(ClientExit.usage, `--for: "${text}" ${why} (see ledctl --help)`);
  if (!match) throw fail('is not a duration; give e.g. 500ms, 10s, 5m, 2h or 1d');
  const ms = Number(match[1]) * UNIT_MS[(match[2] ?? 's') as keyof typeof UNIT_MS];
  if (!Number.isInteger(ms)) throw fail('is not a whole number of milliseconds');
  if (ms < MIN_FOR_MS || ms > MAX_FOR_MS) throw fail(`is out of range: give ${MIN_FOR_MS}ms to 7d`);
  return ms;
}
