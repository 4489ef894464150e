// A fleet on one broker: DEVICES ledd --backend sim (each on a key of its
// own) with a ledd-mqtt bridge each, and one mosquitto; a controller
// publishes a command to every device's set topic at once and times each
// until that device's state topic reports the new state. Beside it: the same
// controller against one device, and the broker alone (a publish coming back
// to the publisher's own subscription), the floor any bridge stands on.
// Targets: p99 under 50 ms for the fleet, none lost; ledd + bridge under
// 100 MB of RSS per device.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Broker, Recorder, startBridge, startBroker } from '../test/bridge/harness.js';
import { type RunningLedd, startLedd } from '../test/daemon/harness.js';
import type { Child } from '../test/helpers/process.js';
import { usage } from './daemon-idle.js';
import { buildChapterClient } from './daemon-ledctl.js';
import { type BenchOptions, type BenchResult, type Benchmark, type Row, median } from './runner.js';

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

export const mqttFleet: Benchmark = {
  name: 'mqtt-fleet',
  description: `${DEVICES} ledd + ledd-mqtt on one mosquitto: publish-to-state latency, memory per device`,
  async run(options: BenchOptions): Promise<BenchResult> {
    const cleanups: (() => unknown)[] = [];
    const t = { after: (fn: () => unknown) => void cleanups.push(fn) };
    try {
      const broker = await startBroker(t);
      const devices = await startFleet(t, broker, DEVICES);
      const controller = await Recorder.connect(t, broker.url);
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
      const used = devices.map((device) => [usage(device.ledd.child.pid), usage(device.bridge.pid)] as const);
      const rss = used.map(([ledd, bridge]) => ledd.rssMb + bridge.rssMb);
      const pss = used.map(([ledd, bridge]) => ledd.pssMb + bridge.pssMb);
      const perDevice = median(rss);
      return {
        title: `MQTT fleet: ${DEVICES} devices on one broker`,
        rows: [fleet.row, sequential.row, single.row, chapter.row, floor.row],
        notes: [
          `fleet, one command after another: p99 ${sequential.p99.toFixed(1)} ms ` +
            `(target: under 50 ms: ${sequential.p99 < 50 ? 'met' : 'MISSED'}); ${sequential.lost + fleet.lost} lost ` +
            `(target: none: ${sequential.lost + fleet.lost === 0 ? 'met' : 'MISSED'})`,
          `fleet, all ${DEVICES} at once: p99 ${fleet.p99.toFixed(1)} ms (${DEVICES} commands queue for the ` +
            `machine's ${os.cpus().length} CPUs; no target)`,
          `a change by the chapter's client published: p99 ${chapter.p99.toFixed(1)} ms ` +
            `(target: within 100 ms: ${chapter.p99 < 100 ? 'met' : 'MISSED'})`,
          `memory per device, ledd + ledd-mqtt RSS: median ${perDevice.toFixed(1)} MB, largest ${Math.max(...rss).toFixed(1)} MB ` +
            `(target: under 100 MB: ${Math.max(...rss) < 100 ? 'met' : 'MISSED'}); ledd ${median(used.map(([ledd]) => ledd.rssMb)).toFixed(1)} MB, ` +
            `ledd-mqtt ${median(used.map(([, bridge]) => bridge.rssMb)).toFixed(1)} MB; PSS (node's shared code counted once ` +
            `across the ${DEVICES * 2} processes) ${median(pss).toFixed(1)} MB per device`,
        ],
      };
    } finally {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }
  },
};
