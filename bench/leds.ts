// Many LEDs from one ledd (--backend sim), side by side with ledd driving one:
// (a) 16 LEDs each blinking at 10 Hz (each its own schedule) plus an 8-LED
//     chase at 20 Hz: every step's lateness against its due time (from the
//     debug log), and the CPU ledd takes (a second run without the debug log,
//     whose writing is not ledd's own cost); reference: one LED at 10 Hz.
//     Targets: p99 lateness under 1 ms, CPU under 2 % of a core.
// (b) private memory (USS, and PSS) of an idle ledd with 16 LEDs and with one.
//     Target: within 2 MB of each other.
// (c) `ledctl on --led x` against `node -e 0`, interleaved. Target: under 15 ms over.
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import { Child, runChild } from '@ledd/test-kit/process';
import { type BenchOptions, type BenchResult, type Benchmark, median } from '@ledd/test-kit/bench';

import { LEDCTL } from '../test/daemon/harness.js';
import { usage } from './daemon-idle.js';
import { type Memory, memoryOf } from './memory.js';
import { type BenchDaemon, startBenchDaemon } from './daemon-process.js';

const BLINKERS = Array.from({ length: 16 }, (_, led) => `b${led}`);
const CHASERS = Array.from({ length: 8 }, (_, led) => `c${led}`);
/** Every LED on the simulated chip, by a line name of its own. */
const ledFlags = (names: readonly string[]): string[] =>
  names.flatMap((name, line) => ['--led', `${name}=GPIO${line}`]);
const CHASE = CHASERS.map((_, lit) => `${CHASERS.map((__, led) => (led === lit ? 1 : 0)).join('')} 50`).join(' ');

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))] ?? NaN;
}

async function ledctl(key: number, args: string[]): Promise<void> {
  const result = await runChild(process.execPath, [LEDCTL, '--key', String(key), ...args], { timeoutMs: 20_000 });
  if (result.code !== 0) throw new Error(`ledctl ${args.join(' ')}: ${result.stderr}`);
}

/** Starts every pattern of the load: 16 blinks (or one) at 10 Hz, and the chase at 20 Hz. */
async function startLoad(daemon: BenchDaemon, many: boolean): Promise<void> {
  if (!many) {
    await ledctl(daemon.key, ['blink', '--on', '50ms', '--off', '50ms']);
    return;
  }
  for (const name of BLINKERS) await ledctl(daemon.key, ['--led', name, 'blink', '--on', '50ms', '--off', '50ms']);
  await ledctl(daemon.key, ['--led', CHASERS.join(','), 'pattern', CHASE]);
}

const leds = (many: boolean): string[] => (many ? ledFlags([...BLINKERS, ...CHASERS]) : []);

async function lateness(many: boolean, seconds: number): Promise<number[]> {
  const daemon = await startBenchDaemon([...leds(many), '--log-level', 'debug']);
  try {
    await startLoad(daemon, many);
    const since = Date.now();
    await sleep(seconds * 1000);
    return daemon.child.stdout
      .split('\n')
      .filter((line) => line.includes('"msg":"pattern step"'))
      .map((line) => JSON.parse(line) as { lateMs: number; atMs: number })
      .filter((step) => step.atMs >= since)
      .map((step) => step.lateMs);
  } finally {
    await daemon.stop();
  }
}

async function cpuShare(many: boolean, seconds: number): Promise<number> {
  const daemon = await startBenchDaemon(leds(many));
  try {
    await startLoad(daemon, many);
    await sleep(1000);
    const before = usage(daemon.child.pid);
    await sleep(seconds * 1000);
    const after = usage(daemon.child.pid);
    return ((after.cpuMs - before.cpuMs) / (seconds * 1000)) * 100;
  } finally {
    await daemon.stop();
  }
}

// The floor under any design that wakes once for each edge: a bare Node
// process whose timer fires as often as the many-LED load has edges
// (16 x 20 + 20 = 340 a second), doing nothing else.
const WAKER = `const period = 1000 / 340; let next = performance.now() + period;
const tick = () => { next += period; setTimeout(tick, Math.max(0, Math.floor(next - performance.now()))); };
setTimeout(tick, period);`;

async function bareWakesShare(seconds: number): Promise<number> {
  const waker = new Child(process.execPath, ['-e', WAKER]);
  try {
    await sleep(1000);
    const before = usage(waker.pid);
    await sleep(seconds * 1000);
    const after = usage(waker.pid);
    return ((after.cpuMs - before.cpuMs) / (seconds * 1000)) * 100;
  } finally {
    waker.kill('SIGKILL');
    await waker.wait(5000).catch(() => undefined);
  }
}

async function idleMemory(many: boolean): Promise<Memory> {
  const daemon = await startBenchDaemon(many ? ledFlags(BLINKERS) : []);
  try {
    // As a user would have it: every LED commanded once, then quiet.
    await ledctl(daemon.key, ['on', ...(many ? ['--led', '*'] : [])]);
    await ledctl(daemon.key, ['status']);
    await sleep(2000);
    return memoryOf(daemon.child.pid);
  } finally {
    await daemon.stop();
  }
}

function wallMs(args: string[]): number {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

async function ledctlStart(runs: number): Promise<[number, number]> {
  const daemon = await startBenchDaemon(ledFlags(BLINKERS));
  try {
    const bare: number[] = [];
    const named: number[] = [];
    for (let run = 0; run < runs; run++) {
      bare.push(wallMs(['-e', '0']));
      named.push(wallMs([LEDCTL, '--key', String(daemon.key), 'on', '--led', 'b7']));
    }
    return [median(bare), median(named)];
  } finally {
    await daemon.stop();
  }
}

export const manyLeds: Benchmark = {
  name: 'leds',
  description: '16 blinking LEDs and an 8-LED chase against one LED: lateness, CPU, memory; ledctl --led',
  async run(options: BenchOptions): Promise<BenchResult> {
    const seconds = 10 * options.scale;
    const late = { many: await lateness(true, seconds), one: await lateness(false, seconds) };
    const cpu = {
      many: await cpuShare(true, seconds),
      one: await cpuShare(false, seconds),
      bare: await bareWakesShare(seconds),
    };
    const mem = { many: await idleMemory(true), one: await idleMemory(false) };
    const [bareMs, ledctlMs] = await ledctlStart(20 * options.scale);
    const p99 = { many: percentile(late.many, 0.99), one: percentile(late.one, 0.99) };
    const describe = (values: number[]): string =>
      `${values.length} steps: median ${percentile(values, 0.5).toFixed(3)} ms, p99 ${percentile(values, 0.99).toFixed(3)} ms, ` +
      `max ${Math.max(...values).toFixed(3)} ms`;
    const extraUss = mem.many.ussMb - mem.one.ussMb;
    const addedMs = ledctlMs - bareMs;
    return {
      title: `many LEDs: ${seconds} s of 16 LEDs blinking at 10 Hz and an 8-LED chase at 20 Hz, against one LED at 10 Hz`,
      rows: [
        { label: 'one LED at 10 Hz: lateness p99 (µs)', rate: p99.one * 1000, samples: [], unit: describe(late.one) },
        {
          label: '16 blinks + 8-LED chase: lateness p99 (µs)',
          rate: p99.many * 1000,
          samples: [],
          unit: describe(late.many),
          against: 'one LED at 10 Hz: lateness p99 (µs)',
        },
        { label: 'one LED at 10 Hz: CPU (% of a core)', rate: cpu.one, samples: [], unit: '% of a core' },
        {
          label: 'bare node, a timer 340 times a second: CPU (% of a core)',
          rate: cpu.bare,
          samples: [],
          unit: '% of a core (the wake-ups alone)',
        },
        {
          label: '16 blinks + 8-LED chase: CPU (% of a core)',
          rate: cpu.many,
          samples: [],
          unit: '% of a core',
          against: 'bare node, a timer 340 times a second: CPU (% of a core)',
        },
        {
          label: 'idle, one LED: USS (MB)',
          rate: mem.one.ussMb,
          samples: [],
          unit: `MB private (PSS ${mem.one.pssMb.toFixed(1)} MB)`,
        },
        {
          label: 'idle, 16 LEDs: USS (MB)',
          rate: mem.many.ussMb,
          samples: [],
          unit: `MB private (PSS ${mem.many.pssMb.toFixed(1)} MB)`,
          against: 'idle, one LED: USS (MB)',
        },
        { label: 'node -e 0 (ms)', rate: bareMs, samples: [], unit: 'ms, median' },
        {
          label: 'ledctl on --led b7 (ms)',
          rate: ledctlMs,
          samples: [],
          unit: 'ms, median (16 LEDs configured)',
          against: 'node -e 0 (ms)',
        },
      ],
      notes: [
        `lateness p99 with 16 blinks and the chase ${p99.many.toFixed(3)} ms (target under 1 ms: ${p99.many < 1 ? 'met' : 'MISSED'})`,
        `CPU ${cpu.many.toFixed(2)} % of a core (target under 2 %: ${cpu.many < 2 ? 'met' : 'MISSED'}); ` +
          `a bare timer waking as often takes ${cpu.bare.toFixed(2)} % here`,
        `private memory (USS) with 16 LEDs ${extraUss >= 0 ? '+' : ''}${extraUss.toFixed(2)} MB against one ` +
          `(target within 2 MB: ${Math.abs(extraUss) <= 2 ? 'met' : 'MISSED'})`,
        `ledctl on --led b7 adds ${addedMs.toFixed(1)} ms over node -e 0 (target under 15 ms: ${addedMs < 15 ? 'met' : 'MISSED'})`,
      ],
    };
  },
};
