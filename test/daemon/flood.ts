// A flood of random payloads of random types and sizes, as a hostile or
// careless local user could send: an ES module for a child node process
// (argv: the queue key, a seed), which prints "sent 10000" at its end.
import { sysvmqUrl } from '../helpers/paths.js';

// Our own binding sends the flood: Python's sysv_ipc cannot send types beyond a C int.
export const FLOOD = `
import { randomBytes } from 'node:crypto';
import { MessageQueue } from ${JSON.stringify(sysvmqUrl)};
const queue = MessageQueue.open(Number(process.argv[1]));
let seed = Number(process.argv[2]);
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const between = (low, high) => low + Math.floor(random() * (high - low + 1));
const size = () => { const r = random(); return r < 0.6 ? between(0, 64) : r < 0.9 ? between(65, 512) : between(513, 8192); };
const bigBetween = (low, high) => low + (BigInt(Math.floor(random() * 2 ** 52)) * (high - low)) / 2n ** 52n;
function kind() {
  const r = random();
  if (r < 0.5) return 1;                                   // a command with garbage text
  if (r < 0.7) return between(3, 2 ** 30 - 1);             // unknown request types
  if (r < 0.85) return between(2 ** 30, 2 ** 31 - 1);      // the reply range: never read by ledd
  return bigBetween(2n ** 31n, 2n ** 63n - 1n);            // beyond 32 bits: never read by ledd
}
// Type 2 is left out: a valid exit from an authorized user is not an attack.
for (let i = 0; i < 10000; i++) await queue.send(kind(), randomBytes(size()));
console.log('sent', 10000);
`;
