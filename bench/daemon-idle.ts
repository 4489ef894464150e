// ledd's idle cost: CPU time and context switches of all its threads over a
// quiet period, and its resident memory; side by side with a bare Node
// process that only keeps a timer. Targets: nothing beyond housekeeping and
// watchdog pings, RSS under 60 MB.
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { Child } from '../test/helpers/process.js';
import { startBenchDaemon } from './daemon-process.js';
import { type BenchOptions, type BenchResult, type Benchmark } from './runner.js';

export interface Usage {
  cpuMs: number;
  switches: number;
  rssMb: number;
  /** Proportional set size: shared pages (node's own code) divided among the processes sharing them. */
  pssMb: number;
}

export function usage(pid: number): Usage {
  let runtimeNs = 0;
  let switches = 0;
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    // The scheduler's own count of the time each thread ran, in ns (utime and
    // stime are sampled at the 100 Hz tick, which misjudges a process that
    // wakes for a few microseconds hundreds of times a second).
    runtimeNs += Number(readFileSync(`/proc/${pid}/task/${task}/schedstat`, 'utf8').split(' ')[0]);
    const status = readFileSync(`/proc/${pid}/task/${task}/status`, 'utf8');
    for (const match of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) switches += Number(match[1]);
  }
  const cpuMs = runtimeNs / 1e6;
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  const pss = /^Pss:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
  return { cpuMs, switches, rssMb: Number(rss?.[1] ?? 0) / 1024, pssMb: Number(pss?.[1] ?? 0) / 1024 };
}

export const daemonIdle: Benchmark = {
  name: 'daemon-idle',
  description: "ledd's CPU time, context switches and RSS while idle",
  async run(options: BenchOptions): Promise<BenchResult> {
    const seconds = 30 * options.scale;
    const daemon = await startBenchDaemon();
    const bare = new Child(process.execPath, ['-e', 'setInterval(() => {}, 5000); console.log("ready")']);
    try {
      await bare.nextLine('ready');
      await sleep(1000);
      const before = [usage(daemon.child.pid), usage(bare.pid)];
      await sleep(seconds * 1000);
      const after = [usage(daemon.child.pid), usage(bare.pid)];
      // In the order of the samples: ledd first, then the bare Node process.
      const labels = ['ledd --backend sim, idle (housekeeping every 5 s)', 'bare node with a 5 s timer'];
      const rows = labels.map((label, index) => {
        const cpu = after[index]!.cpuMs - before[index]!.cpuMs;
        const switches = after[index]!.switches - before[index]!.switches;
        return {
          label,
          rate: switches,
          samples: [],
          unit: `context switches in ${seconds} s; CPU ${cpu.toFixed(0)} ms; RSS ${after[index]!.rssMb.toFixed(1)} MB`,
        };
      });
      const rss = after[0]!.rssMb;
      return {
        title: `idle cost over ${seconds} s (no messages)`,
        rows,
        notes: [
          `ledd RSS ${rss.toFixed(1)} MB (target: under 60 MB: ${rss < 60 ? 'met' : 'MISSED'})`,
          `ledd's wake-ups beyond bare Node's come from its housekeeping timer (one IPC_STAT each)`,
        ],
      };
    } finally {
      bare.kill('SIGKILL');
      await daemon.stop();
    }
  },
};
