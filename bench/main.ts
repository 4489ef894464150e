// ledd's benchmarks: `npm run bench [-- --long] [-- NAME...]`. Each is a
// module of bench/; the queue binding's own are in native/sysvmq/bench/
// (`npm run bench -w @ledd/sysvmq`).
import { type Benchmark, runBenchmarks } from '@ledd/test-kit/bench';

import { daemonIdle } from './daemon-idle.js';
import { daemonLatency } from './daemon-latency.js';
import { daemonLedctl } from './daemon-ledctl.js';
import { manyLeds } from './leds.js';
import { mqttFleet } from './mqtt-fleet.js';
import { patternTiming } from './pattern-timing.js';

const benchmarks: Benchmark[] = [daemonLatency, daemonLedctl, daemonIdle, patternTiming, manyLeds, mqttFleet];

process.exitCode = await runBenchmarks('ledd benchmarks', 'npm run bench --', benchmarks, process.argv.slice(2));
