// ledd's idle cost: CPU time and context switches of all its threads over a
// quiet period, and its memory (private, USS, and PSS, beside RSS); side by
// side with a bare Node process that only keeps a timer. Targets: nothing
// beyond housekeeping and watchdog pings, USS under 10 MB.
import { readFileSync, readdirSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

import { Child } from '@ledd/test-kit/process';
import { type BenchOptions, type BenchResult, type Benchmark } from '@ledd/test-kit/bench';

import { startBenchDaemon } from './daemon-process.js';
import { memoryOf } from './memory.js';

export interface Usage {
  cpuMs: number;
  switches: number;
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
  return { cpuMs: runtimeNs / 1e6, switches };
}

export const daemonIdle: Benchmark = {
  name: 'daemon-idle',
  description: "ledd's CPU time, context switches and memory while idle",
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
      const memory = [memoryOf(daemon.child.pid), memoryOf(bare.pid)];
      // In the order of the samples: ledd first, then the bare Node process.
      const labels = ['ledd --backend sim, idle (housekeeping every 5 s)', 'bare node with a 5 s timer'];
      const rows = labels.map((label, index) => {
        const cpu = after[index]!.cpuMs - before[index]!.cpuMs;
        const switches = after[index]!.switches - before[index]!.switches;
        return {
          label,
          rate: switches,
          samples: [],
          unit:
            `context switches in ${seconds} s; CPU ${cpu.toFixed(0)} ms; USS ${memory[index]!.ussMb.toFixed(1)} MB, ` +
            `PSS ${memory[index]!.pssMb.toFixed(1)} MB, RSS ${memory[index]!.rssMb.toFixed(1)} MB`,
        };
      });
      const uss = memory[0]!.ussMb;
      return {
        title: `idle cost over ${seconds} s (no messages)`,
        rows,
        notes: [
          `ledd USS ${uss.toFixed(1)} MB (target: under 10 MB: ${uss < 10 ? 'met' : 'MISSED'})`,
          `ledd's wake-ups beyond bare Node's come from its housekeeping timer (one IPC_STAT each)`,
        ],
      };
    } finally {
      bare.kill('SIGKILL');
      await daemon.stop();
    }
  },
};
