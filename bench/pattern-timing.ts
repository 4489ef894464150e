// Patterns: how exactly ledd's steps land on their schedule, and what a blink
// costs. (a) 10 000 steps of a 50 Hz blink (10 ms steps) on the sim backend: each step's
// lateness against its absolute due time, from ledd's debug log; beside it, a
// naive setTimeout(20 ms) chain in a bare Node process, whose error adds up.
// Targets: p99 under 1 ms, drift after the run under 2 ms. (b) CPU time and
// context switches of ledd over a 2 Hz blink against the same time idle.
// Targets: at most 2 wake-ups per step, under 0.5 % of a core.
import { setTimeout as sleep } from 'node:timers/promises';

import { Child } from '@ledd/test-kit/process';
import { runChild } from '@ledd/test-kit/process';
import { type BenchOptions, type BenchResult, type Benchmark } from '@ledd/test-kit/bench';

import { LEDCTL } from '../test/daemon/harness.js';
import { usage } from './daemon-idle.js';
import { startBenchDaemon } from './daemon-process.js';

// A 50 Hz blink: 10 ms on, 10 ms off.
const STEP_MS = 10;

const NAIVE_CHAIN = `
const step = ${STEP_MS}, edges = Number(process.argv[1]);
const now = () => performance.timeOrigin + performance.now();
const start = now(); const late = [];
let n = 0;
const tick = () => { n++; late.push(now() - (start + n * step)); if (n < edges) setTimeout(tick, step); else console.log(JSON.stringify(late)); };
setTimeout(tick, step);
`;

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

async function ledctl(key: number, args: string[]): Promise<void> {
  const result = await runChild(process.execPath, [LEDCTL, '--key', String(key), ...args], { timeoutMs: 20_000 });
  if (result.code !== 0) throw new Error(`ledctl ${args.join(' ')}: ${result.stderr}`);
}

async function leddLateness(edges: number): Promise<number[]> {
  const daemon = await startBenchDaemon(['--log-level', 'debug']);
  try {
    await ledctl(daemon.key, ['blink', '--on', `${STEP_MS}ms`, '--off', `${STEP_MS}ms`]);
    await sleep(edges * STEP_MS + 500);
    await ledctl(daemon.key, ['off']);
    const late = daemon.child.stdout
      .split('\n')
      .filter((line) => line.includes('"msg":"pattern step"'))
      .map((line) => (JSON.parse(line) as { lateMs: number }).lateMs);
    return late.slice(0, edges);
  } finally {
    await daemon.stop();
  }
}

async function naiveLateness(edges: number): Promise<number[]> {
  const child = new Child(process.execPath, ['-e', NAIVE_CHAIN, String(edges)]);
  const line = await child.nextLine(undefined, edges * STEP_MS * 3 + 10_000);
  return JSON.parse(line) as number[];
}

function describe(late: number[]): string {
  return (
    `median ${percentile(late, 0.5).toFixed(3)} ms, p99 ${percentile(late, 0.99).toFixed(3)} ms, ` +
    `max ${Math.max(...late).toFixed(3)} ms, drift after ${late.length} steps ${late.at(-1)!.toFixed(3)} ms`
  );
}

export const patternTiming: Benchmark = {
  name: 'pattern-timing',
  description: "blink steps against their schedule (50 Hz), and a 2 Hz blink's CPU and wake-ups",
  async run(options: BenchOptions): Promise<BenchResult> {
    const edges = 10_000;
    const [ours, naive] = await Promise.all([leddLateness(edges), naiveLateness(edges)]);
    const p99 = percentile(ours, 0.99);
    const drift = ours.at(-1)!;

    const seconds = 30 * options.scale;
    const daemon = await startBenchDaemon();
    let idle, blinking;
    try {
      await sleep(1000);
      const idleStart = usage(daemon.child.pid);
      await sleep(seconds * 1000);
      const idleEnd = usage(daemon.child.pid);
      await ledctl(daemon.key, ['blink', '--on', '250ms', '--off', '250ms']);
      const blinkStart = usage(daemon.child.pid);
      await sleep(seconds * 1000);
      const blinkEnd = usage(daemon.child.pid);
      idle = { cpuMs: idleEnd.cpuMs - idleStart.cpuMs, switches: idleEnd.switches - idleStart.switches };
      blinking = { cpuMs: blinkEnd.cpuMs - blinkStart.cpuMs, switches: blinkEnd.switches - blinkStart.switches };
    } finally {
      await daemon.stop();
    }
    const steps = seconds * 4;
    const wakeups = (blinking.switches - idle.switches) / steps;
    const core = (blinking.cpuMs / (seconds * 1000)) * 100;
    return {
      title: `pattern timing: ${edges} steps of ${STEP_MS} ms (50 Hz), then ${seconds} s idle and ${seconds} s of a 2 Hz blink`,
      rows: [
        { label: 'ledd blink, lateness p99 (µs)', rate: p99 * 1000, samples: [], unit: describe(ours) },
        {
          label: 'naive setTimeout chain, lateness p99 (µs)',
          rate: percentile(naive, 0.99) * 1000,
          samples: [],
          unit: describe(naive),
        },
        {
          label: 'ledd idle',
          rate: idle.switches,
          samples: [],
          unit: `context switches in ${seconds} s; CPU ${idle.cpuMs.toFixed(0)} ms`,
        },
        {
          label: 'ledd 2 Hz blink',
          rate: blinking.switches,
          samples: [],
          unit: `context switches in ${seconds} s; CPU ${blinking.cpuMs.toFixed(0)} ms (${steps} steps)`,
        },
      ],
      notes: [
        `step lateness p99 ${p99.toFixed(3)} ms (target under 1 ms: ${p99 < 1 ? 'met' : 'MISSED'})`,
        `drift after ${ours.length} steps ${drift.toFixed(3)} ms against the naive chain's ${naive.at(-1)!.toFixed(1)} ms ` +
          `(ratio ${(naive.at(-1)! / Math.max(drift, 0.001)).toFixed(0)}; target under 2 ms: ${Math.abs(drift) < 2 ? 'met' : 'MISSED'})`,
        `wake-ups per step beyond idle ${wakeups.toFixed(2)} (target at most 2: ${wakeups <= 2 ? 'met' : 'MISSED'})`,
        `CPU while blinking ${core.toFixed(3)} % of a core (target under 0.5 %: ${core < 0.5 ? 'met' : 'MISSED'})`,
      ],
    };
  },
};
