// The queue binding's benchmarks, as ratios against C: `npm run bench -w
// @ledd/sysvmq [-- --long] [-- NAME...]` (which builds bench/floor/ first).
import { type Benchmark, runBenchmarks } from '@ledd/test-kit/bench';

import { queuePingPong } from './queue-pingpong.js';
import { queueStream } from './queue-stream.js';
import { queueSync } from './queue-sync.js';

const benchmarks: Benchmark[] = [queueSync, queueStream, queuePingPong];

process.exitCode = await runBenchmarks(
  'queue binding benchmarks',
  'npm run bench -w @ledd/sysvmq --',
  benchmarks,
  process.argv.slice(2),
);
