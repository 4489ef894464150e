// The other process of the two-process queue benchmarks, in Node:
//   node dist/bench/queue-peer.js produce KEY SIZE COUNT   sends COUNT messages of type 1
//   node dist/bench/queue-peer.js pong KEY SIZE COUNT [POLL_MICROS]
//                                  prints "ready", answers COUNT pings (type 1) with type 2, each
//                                  receive polling for POLL_MICROS (the binding's default when absent)
// Prints one JSON line when done.
import { MessageQueue } from '../lib/index.js';

async function main(): Promise<void> {
  const [mode, keyText, sizeText, countText, pollText] = process.argv.slice(2);
  const queue = MessageQueue.open(Number(keyText));
  const data = Buffer.alloc(Number(sizeText), 'x');
  const count = Number(countText);
  if (mode === 'produce') {
    let waited = 0;
    for (let i = 0; i < count; i++) {
      if (!queue.trySend(1, data)) {
        waited++;
        await queue.send(1, data);
      }
    }
    console.log(JSON.stringify({ count, waited }));
  } else if (mode === 'pong') {
    const pollMicros = pollText === undefined ? undefined : Number(pollText);
    console.log('ready');
    const start = performance.now();
    for (let i = 0; i < count; i++) {
      const ping = await queue.receive({ type: 1, pollMicros });
      if (!queue.trySend(2, ping.data)) await queue.send(2, ping.data);
    }
    console.log(JSON.stringify({ count, seconds: (performance.now() - start) / 1000 }));
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
}

await main();
