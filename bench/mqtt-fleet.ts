// A fleet on one broker: DEVICES ledd --backend sim (each on a key of its
// own) with a ledd-mqtt bridge each, and one mosquitto; a controller
// publishes a command to every device's set topic at once and times each
// until that device's state topic reports the new state. Beside it: the same
// controller against one device, and the broker alone (a publish coming back
// to the publisher's own subscription), the floor any bridge stands on.
// Before the fleet, one device alone (bench/bridge-alone.ts): its memory and
// the bridge's start-up, as shipped and as ES modules.
// Targets: p99 under 50 ms for the fleet, none lost; alone, ledd-mqtt's
// private memory (USS) under 18 MB, ledd's under 10 MB, the pair's PSS under
// 40 MB.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import type { Child } from '@ledd/test-kit/process';
import {
  type BenchOptions,
  type BenchResult,
  type Benchmark,
  type Row,
  measureRows,
  median,
} from '@ledd/test-kit/bench';

import { type Broker, Recorder, startBridge, startBroker } from '../test/bridge/harness.js';
import { type RunningLedd, startLedd } from '../test/daemon/harness.js';
import {
  AS_MODULES,
  AS_SHIPPED,
  type PairMemory,
  type Programs,
  bareNodePair,
  bareNodeStartMs,
  bridgeStartMs,
  pairMemory,
} from './bridge-alone.js';
import { buildChapterClient } from './daemon-ledctl.js';
import { type Memory, memoryOf } from './memory.js';

const DEVICES = 50;
const ROUNDS = 20;
const LOST_AFTER_MS = 10_000;

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

interface Device {
  nodeId: string;
  ledd: RunningLedd;
  bridge: Child;
}

/** Resolves with each state message's arrival time, by node id and state. */
class StateArrivals {
  readonly #waiting = new Map<string, (at: number) => void>();

  constructor(controller: Recorder, prefix: string) {
    controller.client.on('message', (topic, payload) => {
      const at = performance.now();
      const nodeId = topic.slice(prefix.length + 1, -'/state'.length);
      let state: unknown;
      try {
        state = (JSON.parse(payload.toString('utf8')) as { state?: unknown }).state;
      } catch {
        return;
      }
      this.#waiting.get(`${nodeId} ${String(state)}`)?.(at);
    });
  }

  /** Milliseconds from `sentAt` to the state's arrival; NaN when it never came. */
  expect(nodeId: string, state: string, sentAt: () => number): Promise<number> {
    return new Promise((resolve) => {
      const key = `${nodeId} ${state}`;
      const timer = setTimeout(() => {
        this.#waiting.delete(key);
        resolve(Number.NaN);
      }, LOST_AFTER_MS);
      this.#waiting.set(key, (at) => {
        clearTimeout(timer);
        this.#waiting.delete(key);
        resolve(at - sentAt());
      });
    });
  }
}

/** Toggles every device `rounds` times, all at once each round; the latencies (NaN: lost). */
async function toggleAll(
  controller: Recorder,
  arrivals: StateArrivals,
  devices: Device[],
  rounds: number,
  firstRound = 0,
) {
  const latencies: number[] = [];
  for (let round = firstRound; round < firstRound + rounds; round++) {
    const state = round % 2 === 0 ? 'ON' : 'OFF';
    const sent = new Map<string, number>();
    const arrived = devices.map((device) =>
      arrivals.expect(device.nodeId, state, () => sent.get(device.nodeId) ?? Number.NaN),
    );
    await Promise.all(
      devices.map((device) => {
        sent.set(device.nodeId, performance.now());
        return controller.publish(`ledd/${device.nodeId}/set`, JSON.stringify({ state }));
      }),
    );
    latencies.push(...(await Promise.all(arrived)));
  }
  return latencies;
}

/** A change made beside the bridge, by the chapter's C client: from its start to the state on the broker. */
async function chapterChanges(arrivals: StateArrivals, device: Device, count: number): Promise<number[]> {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'ledd-bench-'));
  try {
    const client = buildChapterClient(directory, device.ledd.key);
    const latencies: number[] = [];
    for (let index = 0; index < count; index++) {
      const state = index % 2 === 0 ? 'ON' : 'OFF';
      const sentAt = performance.now();
      const arrived = arrivals.expect(device.nodeId, state, () => sentAt);
      const run = spawnSync(client, [state.toLowerCase()]);
      if (run.status !== 0) throw new Error(`the chapter's client failed: ${run.stderr}`);
      latencies.push(await arrived);
    }
    return latencies;
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

/** Toggles the devices one command at a time, round after round; the latencies (NaN: lost). */
async function toggleEach(controller: Recorder, arrivals: StateArrivals, devices: Device[], rounds: number) {
  const latencies: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const device of devices) latencies.push(...(await toggleAll(controller, arrivals, [device], 1, round)));
  }
  return latencies;
}

async function brokerFloor(controller: Recorder, count: number): Promise<number[]> {
  const topic = 'bench/echo';
  await controller.subscribe(topic);
  const latencies: number[] = [];
  for (let index = 0; index < count; index++) {
    const sentAt = performance.now();
    const back = new Promise<number>((resolve) => {
      const listener = (received: string, payload: Buffer): void => {
        if (received !== topic || payload.toString() !== String(index)) return;
        controller.client.off('message', listener);
        resolve(performance.now() - sentAt);
      };
      controller.client.on('message', listener);
    });
    await controller.publish(topic, String(index));
    latencies.push(await back);
  }
  return latencies;
}

async function startFleet(t: { after(fn: () => unknown): void }, broker: Broker, count: number): Promise<Device[]> {
  const devices: Device[] = [];
  // A few at a time: a hundred Node processes starting at once would only queue for the two CPUs.
  for (let first = 0; first < count; first += 5) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(5, count - first) }, async (_, offset) => {
        const nodeId = `fleet${first + offset}`;
        const ledd = await startLedd(t, { stateFile: 'none' });
        const bridge = startBridge(t, broker.url, ledd.key, nodeId);
        await bridge.waitLog(/^connected to the broker/, 60_000);
        await bridge.waitLog(/^watching ledd/, 60_000);
        return { nodeId, ledd, bridge: bridge.child };
      }),
    );
    devices.push(...batch);
  }
  return devices;
}

interface Latencies {
  row: Row;
  p99: number;
  lost: number;
}

function latencyRow(label: string, latencies: number[], against?: string): Latencies {
  const delivered = latencies.filter((value) => !Number.isNaN(value));
  const p50 = median(delivered);
  const p99 = percentile(delivered, 0.99);
  const lost = latencies.length - delivered.length;
  return {
    row: {
      label,
      rate: 1000 / p50,
      samples: [],
      unit: `round trips/s (median ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, ${lost} lost of ${latencies.length})`,
      ...(against && { against }),
    },
    p99,
    lost,
  };
}

const mb = (value: number | undefined): string =>
  value === undefined ? 'unreadable (not root)' : `${value.toFixed(1)} MB`;
const verdict = (value: number | undefined, limit: number): string =>
  `target: under ${limit} MB: ${value !== undefined && value < limit ? 'met' : 'MISSED'}`;
const describeMemory = (memory: Memory): string =>
  `USS ${mb(memory.ussMb)}, PSS ${mb(memory.pssMb)}, RSS ${mb(memory.rssMb)}`;

/** One device alone, for each way of running it; and two bare Node processes. */
async function aloneNotes(broker: Broker): Promise<string[]> {
  const describePair = (programs: Programs, pair: PairMemory): string =>
    `alone, ${programs.label}: ledd-mqtt ${describeMemory(pair.bridge)}; ledd ${describeMemory(pair.ledd)}; ` +
    `the pair ${mb(pair.footprintMb)} (its pages, shared ones once: its PSS were it alone; the sum of the ` +
    `two PSS above, beside this benchmark's own Node process, is ${mb(pair.ledd.pssMb + pair.bridge.pssMb)})`;
  const modules = await pairMemory(broker, AS_MODULES);
  const shipped = await pairMemory(broker, AS_SHIPPED);
  const notes = [describePair(AS_MODULES, modules), describePair(AS_SHIPPED, shipped)];
  const bare = await bareNodePair();
  notes.push(
    `alone, two bare Node processes (a timer each): ${describeMemory(bare.bridge)} each; the pair ` +
      `${mb(bare.footprintMb)}, node's own code counted once: no pair of Node programs holds less`,
  );
  notes.push(
    `as shipped: ledd-mqtt USS ${mb(shipped.bridge.ussMb)} (${verdict(shipped.bridge.ussMb, 18)}); ` +
      `ledd USS ${mb(shipped.ledd.ussMb)} (${verdict(shipped.ledd.ussMb, 10)}); ` +
      `the pair's PSS alone ${mb(shipped.footprintMb)} (${verdict(shipped.footprintMb, 40)}; ` +
      `two bare Node processes alone: ${mb(bare.footprintMb)})`,
  );
  return notes;
}

const NODE_E_0 = 'node -e 0: from its start to its exit';

/** The bridge's start, to its light announced on the broker, as shipped and as ES modules, beside node -e 0. */
async function startRows(options: BenchOptions, broker: Broker, controller: Recorder): Promise<Row[]> {
  const bridgeRow = (programs: Programs) => ({
    label: `ledd-mqtt, ${programs.label}: from its start to its discovery on the broker`,
    unit: 'starts/s',
    against: NODE_E_0,
    measure: async () => 1000 / (await bridgeStartMs(broker, programs, controller)),
  });
  const rows = await measureRows(options, [
    { label: NODE_E_0, unit: 'starts/s', measure: () => 1000 / bareNodeStartMs() },
    bridgeRow(AS_MODULES),
    bridgeRow(AS_SHIPPED),
  ]);
  return rows.map((row) => ({ ...row, unit: `starts/s (median ${(1000 / row.rate).toFixed(0)} ms)` }));
}

export const mqttFleet: Benchmark = {
  name: 'mqtt-fleet',
  description: `${DEVICES} ledd + ledd-mqtt on one mosquitto: publish-to-state latency, memory per device`,
  async run(options: BenchOptions): Promise<BenchResult> {
    const cleanups: (() => unknown)[] = [];
    const t = { after: (fn: () => unknown) => void cleanups.push(fn) };
    try {
      const broker = await startBroker(t);
      const controller = await Recorder.connect(t, broker.url);
      // Alone first: the fleet's hundred Node processes would share node's pages among them.
      const alone = await aloneNotes(broker);
      const starts = await startRows(options, broker, controller);
      const devices = await startFleet(t, broker, DEVICES);
      await controller.subscribe('ledd/+/state');
      const arrivals = new StateArrivals(controller, 'ledd');

      const rounds = ROUNDS * options.scale;
      const fleet = latencyRow(
        `fleet: ${DEVICES} devices toggled at once, ${rounds} rounds`,
        await toggleAll(controller, arrivals, devices, rounds),
        'the broker alone (publish back to own subscription)',
      );
      const sequential = latencyRow(
        `fleet: ${DEVICES} devices toggled one after another, ${rounds} rounds`,
        await toggleEach(controller, arrivals, devices, rounds),
        'the broker alone (publish back to own subscription)',
      );
      const single = latencyRow(
        'one device, toggled one command at a time',
        await toggleAll(controller, arrivals, devices.slice(0, 1), rounds * 10),
        'the broker alone (publish back to own subscription)',
      );
      const chapter = latencyRow(
        "one device, changed by the chapter's C client (its start to the new state on the broker)",
        await chapterChanges(arrivals, devices[0]!, rounds * 2),
        'the broker alone (publish back to own subscription)',
      );
      const floor = latencyRow(
        'the broker alone (publish back to own subscription)',
        await brokerFloor(controller, 200),
      );
      const used = devices.map((device) => [memoryOf(device.ledd.child.pid), memoryOf(device.bridge.pid)] as const);
      const perDevice = (field: keyof Memory): string =>
        mb(median(used.map(([ledd, bridge]) => ledd[field] + bridge[field])));
      return {
        title: `MQTT fleet: ${DEVICES} devices on one broker`,
        rows: [fleet.row, sequential.row, single.row, chapter.row, floor.row, ...starts],
        notes: [
          `fleet, one command after another: p99 ${sequential.p99.toFixed(1)} ms ` +
            `(target: under 50 ms: ${sequential.p99 < 50 ? 'met' : 'MISSED'}); ${sequential.lost + fleet.lost} lost ` +
            `(target: none: ${sequential.lost + fleet.lost === 0 ? 'met' : 'MISSED'})`,
          `fleet, all ${DEVICES} at once: p99 ${fleet.p99.toFixed(1)} ms (${DEVICES} commands queue for the ` +
            `machine's ${os.cpus().length} CPUs; no target)`,
          `a change by the chapter's client published: p99 ${chapter.p99.toFixed(1)} ms ` +
            `(target: within 100 ms: ${chapter.p99 < 100 ? 'met' : 'MISSED'})`,
          ...alone,
          `memory per device in the fleet, ledd + ledd-mqtt (median): USS ${perDevice('ussMb')}, PSS ` +
            `${perDevice('pssMb')} (node's code shared by the ${DEVICES * 2} processes), RSS ${perDevice('rssMb')}`,
        ],
      };
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  },
};
