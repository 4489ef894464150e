// (a) One process sending and receiving in a loop, without blocking:
// ours trySend + tryReceive (a new Buffer per message) and trySend +
// tryReceiveInto (into one Buffer, as the C loop does), C msgsnd + msgrcv
// with IPC_NOWAIT, and as further references Python sysv_ipc's send/receive
// with block=False and the bare Node-API floor (bench/floor/): the same two
// system calls behind the least a Node-API function can do.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

import { type BenchOptions, type BenchResult, type Benchmark, type RowSpec, measureRows } from '@ledd/test-kit/bench';
import { SYSTEM_PYTHON } from '@ledd/test-kit/tools';

import { MessageQueue, queueLimits } from '../lib/index.js';
import { fromPackage } from '../test/paths.js';
import { queueReference } from './queues.js';

interface FloorAddon {
  send(id: number, data: Uint8Array): number;
  receive(id: number): number;
}

const floorPath = fromPackage('bench/floor/build/Release/napi_floor.node');
let floorAddon: FloorAddon | undefined;

/** The floor addon, which `npm run bench` builds (it is not part of the binding's build). */
function floor(): FloorAddon {
  try {
    floorAddon ??= createRequire(import.meta.url)(floorPath) as FloorAddon;
  } catch (error) {
    throw new Error(
      `the bare Node-API floor is not built (${floorPath}): run the benchmarks with \`npm run bench\`, ` +
        `or build it with \`npx node-gyp rebuild --directory=bench/floor\` (${(error as Error).message.split('\n')[0]})`,
    );
  }
  return floorAddon;
}

/** Pairs per second of `pair(queue, data, into)` over `seconds`, on a private queue. */
function nodeRate(
  size: number,
  seconds: number,
  pair: (queue: MessageQueue, data: Buffer, into: Buffer) => void,
): number {
  const queue = MessageQueue.createPrivate();
  const data = Buffer.alloc(size, 'x');
  const into = Buffer.alloc(queueLimits().msgmax);
  try {
    let count = 0;
    let elapsed = 0;
    const start = performance.now();
    do {
      for (let i = 0; i < 1024; i++) pair(queue, data, into);
      count += 1024;
      elapsed = (performance.now() - start) / 1000;
    } while (elapsed < seconds);
    return count / elapsed;
  } finally {
    queue.remove();
  }
}

function nodeLoop(size: number, seconds: number): number {
  return nodeRate(size, seconds, (queue, data) => {
    if (!queue.trySend(1, data)) throw new Error('queue full');
    if (queue.tryReceive() === null) throw new Error('queue empty');
  });
}

function nodeIntoLoop(size: number, seconds: number): number {
  return nodeRate(size, seconds, (queue, data, into) => {
    if (!queue.trySend(1, data)) throw new Error('queue full');
    if (queue.tryReceiveInto(into)?.length !== size) throw new Error('queue empty');
  });
}

function floorLoop(size: number, seconds: number): number {
  const addon = floor();
  return nodeRate(size, seconds, (queue, data) => {
    if (addon.send(queue.id, data) !== 0) throw new Error('queue full');
    if (addon.receive(queue.id) !== size) throw new Error('queue empty');
  });
}

function runJson(command: string, args: string[]): { count: number; seconds: number } {
  const result = spawnSync(command, args, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr || result.error}`);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as { count: number; seconds: number };
}

function cLoop(size: number, seconds: number): number {
  const { count, seconds: elapsed } = runJson(queueReference(), ['sync', String(size), String(seconds)]);
  return count / elapsed;
}

const PYTHON_LOOP = `
import json, sys, time, sysv_ipc
size, seconds = int(sys.argv[1]), float(sys.argv[2])
q = sysv_ipc.MessageQueue(None, sysv_ipc.IPC_CREX, max_message_size=8192)
data = b"x" * size
count, start = 0, time.perf_counter()
try:
    while True:
        for _ in range(1024):
            q.send(data, block=False, type=1)
            q.receive(block=False)
        count += 1024
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
finally:
    q.remove()
print(json.dumps({"count": count, "seconds": elapsed}))
`;

function pythonLoop(size: number, seconds: number): number {
  const { count, seconds: elapsed } = runJson(SYSTEM_PYTHON, ['-c', PYTHON_LOOP, String(size), String(seconds)]);
  return count / elapsed;
}

function pythonAvailable(): boolean {
  return spawnSync(SYSTEM_PYTHON, ['-c', 'import sysv_ipc']).status === 0;
}

export const queueSync: Benchmark = {
  name: 'queue-sync',
  description: 'one process, msgsnd + msgrcv without blocking, in a loop',
  async run(options: BenchOptions): Promise<BenchResult> {
    const seconds = 0.6 * options.scale;
    // Warm-up: JIT and the addons' buffers.
    for (const loop of [nodeLoop, nodeIntoLoop, floorLoop]) loop(64, 0.1);
    const specs: RowSpec[] = [];
    const notes: string[] = [];
    const python = pythonAvailable();
    if (!python)
      notes.push(`Python sysv_ipc rows left out: ${SYSTEM_PYTHON} cannot import sysv_ipc (python3-sysv-ipc)`);
    for (const size of [64, 4096]) {
      const c = `C msgsnd+msgrcv ${size} B`;
      specs.push({ label: c, unit: 'msg/s', measure: () => cLoop(size, seconds) });
      specs.push({
        label: `bare Node-API floor ${size} B`,
        unit: 'msg/s',
        against: c,
        measure: () => floorLoop(size, seconds),
      });
      specs.push({
        label: `ours trySend+tryReceiveInto ${size} B`,
        unit: 'msg/s',
        against: c,
        target: 0.8,
        measure: () => nodeIntoLoop(size, seconds),
      });
      specs.push({
        label: `ours trySend+tryReceive ${size} B`,
        unit: 'msg/s',
        against: c,
        target: 0.8,
        measure: () => nodeLoop(size, seconds),
      });
      if (python) {
        specs.push({
          label: `Python sysv_ipc ${size} B`,
          unit: 'msg/s',
          against: c,
          measure: () => pythonLoop(size, seconds),
        });
      }
    }
    const rows = await measureRows(options, specs);
    notes.push(
      'the floor row is what any Node-API binding pays for these two calls: no target above it can be met',
      "tryReceive() returns a new Buffer per message; tryReceiveInto() reuses the caller's, as the C loop does",
    );
    return { title: '(a) synchronous send+receive loop, one process', rows, notes };
  },
};
