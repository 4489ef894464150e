// One ledd and one ledd-mqtt alone on a broker, as on a Pi: what each
// process's memory costs (USS and PSS, beside RSS), what the pair holds, and
// how long the bridge takes from its start to announcing its light. The
// programs as they ship (the bundles) beside the same sources loaded as ES
// modules, which is how both ran before they were bundled; and two bare Node
// processes, the floor any pair of Node programs stands on.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { spawnChild } from '@ledd/test-kit/process';

import { BRIDGE, type Broker, type Recorder, startBridge } from '../test/bridge/harness.js';
import { LEDD, startLedd } from '../test/daemon/harness.js';
import { fromRoot } from '../test/helpers/paths.js';
import { footprintMb, type Memory, memoryOf } from './memory.js';

export interface Programs {
  label: string;
  /** Node's options and the program, for each. */
  ledd: readonly string[];
  bridge: readonly string[];
}

export const AS_SHIPPED: Programs = { label: 'bundles (as shipped)', ledd: [LEDD], bridge: [BRIDGE] };
export const AS_MODULES: Programs = {
  label: 'ES modules (as before the bundles)',
  ledd: [fromRoot('dist', 'daemon', 'main.js')],
  bridge: [fromRoot('dist', 'bridge', 'main.js')],
};

type After = { after(fn: () => unknown): void };

/** Runs `body` with a scope whose clean-ups run when it settles. */
async function scoped<T>(body: (t: After) => Promise<T>): Promise<T> {
  const cleanups: (() => unknown)[] = [];
  try {
    return await body({ after: (cleanup) => void cleanups.push(cleanup) });
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup();
  }
}

let nodes = 0;
const freshNodeId = (): string => `alone${process.pid}n${nodes++}`;

/** After start-up, before measuring: the garbage of loading collected, the timers of the first minute not yet. */
const SETTLE_MS = 3000;

export interface PairMemory {
  ledd: Memory;
  bridge: Memory;
  /** The pair's pages, shared ones once: its PSS alone (undefined: page frames not readable). */
  footprintMb: number | undefined;
}

/** ledd and a bridge, both idle after start-up: each one's memory and the pair's. */
export function pairMemory(broker: Broker, programs: Programs): Promise<PairMemory> {
  return scoped(async (t) => {
    const ledd = await startLedd(t, { stateFile: 'none', program: programs.ledd });
    const bridge = startBridge(t, broker.url, ledd.key, freshNodeId(), [], {}, programs.bridge);
    await bridge.ready();
    await sleep(SETTLE_MS);
    const pids = [ledd.child.pid, bridge.child.pid];
    return { ledd: memoryOf(pids[0]!), bridge: memoryOf(pids[1]!), footprintMb: footprintMb(pids) };
  });
}

/** Two Node processes that only keep a timer: each one's memory and the pair's. */
export function bareNodePair(): Promise<PairMemory> {
  return scoped(async (t) => {
    const bare = () => spawnChild(t, process.execPath, ['-e', 'setInterval(() => {}, 5000); console.log("ready")']);
    const pair = [bare(), bare()];
    for (const child of pair) await child.nextLine('ready');
    await sleep(SETTLE_MS);
    const pids = pair.map((child) => child.pid);
    return { ledd: memoryOf(pids[0]!), bridge: memoryOf(pids[1]!), footprintMb: footprintMb(pids) };
  });
}

const READY_WITHIN_MS = 30_000;

/**
 * Milliseconds from the bridge's spawn to its light's discovery arriving at
 * `controller`: connected, subscribed, ledd's LEDs learnt and announced.
 */
export function bridgeStartMs(broker: Broker, programs: Programs, controller: Recorder): Promise<number> {
  return scoped(async (t) => {
    const ledd = await startLedd(t, { stateFile: 'none' });
    const nodeId = freshNodeId();
    const discovery = `homeassistant/light/${nodeId}/led/config`;
    await controller.subscribe(discovery);
    t.after(() => controller.client.unsubscribeAsync(discovery));
    let listener: ((topic: string) => void) | undefined;
    const announced = new Promise<number>((resolve) => {
      listener = (topic) => topic === discovery && resolve(performance.now());
      controller.client.on('message', listener);
    });
    t.after(() => controller.client.off('message', listener!));
    const started = performance.now();
    const bridge = startBridge(t, broker.url, ledd.key, nodeId, [], {}, programs.bridge);
    const arrived = await Promise.race([announced, sleep(READY_WITHIN_MS).then(() => Number.NaN)]);
    if (Number.isNaN(arrived))
      throw new Error(`no discovery on ${discovery} within ${READY_WITHIN_MS / 1000} s: ${bridge.child.describe()}`);
    return arrived - started;
  });
}

/** Milliseconds from spawning `node -e 0` to its exit: the floor of any Node program's start. */
export function bareNodeStartMs(): number {
  const started = performance.now();
  const run = spawnSync(process.execPath, ['-e', '0']);
  if (run.status !== 0) throw new Error(`node -e 0 exited ${run.status}: ${run.stderr}`);
  return performance.now() - started;
}
