// `ledctl on` as a person or a script runs it: wall time from spawn to exit,
// median of many runs, side by side (interleaved) with a bare Node start and
// with the chapter's C client, and with the same client run from its ES
// modules (dist/command/main.js) instead of the shipped one-file bundle
// (dist/ledctl.cjs). The target: ledctl adds less than 15 ms over a bare
// Node start.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type BenchOptions, type BenchResult, type Benchmark, median } from '@ledd/test-kit/bench';

import { fromRoot } from '../test/helpers/paths.js';
import { startBenchDaemon } from './daemon-process.js';

export function buildChapterClient(directory: string, key: number): string {
  const fixtures = fromRoot('test/daemon/fixtures/chapter');
  const header = readFileSync(path.join(fixtures, 'common.h'), 'utf8');
  writeFileSync(
    path.join(directory, 'common.h'),
    header.replace('#define MSG_QUEUE_KEY 1234', `#define MSG_QUEUE_KEY ${key}`),
  );
  copyFileSync(path.join(fixtures, 'command.c'), path.join(directory, 'command.c'));
  const binary = path.join(directory, 'command');
  const built = spawnSync('cc', ['-O2', '-o', binary, path.join(directory, 'command.c')], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`cc failed: ${built.stderr}`);
  return binary;
}

function wallMs(command: string, args: string[]): number {
  const start = performance.now();
  const result = spawnSync(command, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  const elapsed = performance.now() - start;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed: ${result.stderr}`);
  return elapsed;
}

export const daemonLedctl: Benchmark = {
  name: 'ledctl-start',
  description: 'ledctl on, wall time, against node -e 0 and the chapter C client',
  async run(options: BenchOptions): Promise<BenchResult> {
    const runs = 20 * options.scale;
    const daemon = await startBenchDaemon();
    const directory = mkdtempSync(path.join(os.tmpdir(), 'ledd-bench-'));
    try {
      const chapterClient = buildChapterClient(directory, daemon.key);
      const programs: [string, string, string[]][] = [
        ['node -e 0 (bare Node start)', process.execPath, ['-e', '0']],
        [
          'ledctl on (waits for the acknowledgement)',
          process.execPath,
          [fromRoot('dist/ledctl.cjs'), '--key', String(daemon.key), 'on'],
        ],
        ["chapter's C client (fire and forget)", chapterClient, ['on']],
        [
          'ledctl on from its ES modules (unbundled)',
          process.execPath,
          [fromRoot('dist/command/main.js'), '--key', String(daemon.key), 'on'],
        ],
      ];
      const times = programs.map(() => [] as number[]);
      for (let run = 0; run < runs; run++) {
        programs.forEach(([, command, args], index) => times[index]!.push(wallMs(command, args)));
      }
      const medians = times.map(median);
      const rows = programs.map(([label], index) => ({
        label,
        rate: 1000 / medians[index]!,
        samples: [],
        unit: `runs/s (median ${medians[index]!.toFixed(1)} ms)`,
        ...((index === 1 || index === 3) && { against: programs[0]![0] }),
      }));
      const added = medians[1]! - medians[0]!;
      return {
        title: `ledctl start-up: ${runs} runs each, interleaved`,
        rows,
        notes: [
          `ledctl adds ${added.toFixed(1)} ms over a bare Node start (target: under 15 ms: ${added < 15 ? 'met' : 'MISSED'}); ` +
            `from its ES modules it adds ${(medians[3]! - medians[0]!).toFixed(1)} ms`,
          `ledctl takes ${(medians[1]! / medians[2]!).toFixed(1)}x the C client's time; the C client does not wait for a reply`,
        ],
      };
    } finally {
      rmSync(directory, { recursive: true, force: true });
      await daemon.stop();
    }
  },
};
