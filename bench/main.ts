// Benchmark runner: `npm run bench [-- NAME...] [-- --long]`.
// Each benchmark is a module (bench/queue-*.ts, later the daemon's); this file
// lists them, runs those asked for, and prints their tables.
// LEDD_BENCH_LONG=1 or --long: more messages and repeats, for steadier numbers.
import os from 'node:os';

import { daemonIdle } from './daemon-idle.js';
import { daemonLatency } from './daemon-latency.js';
import { daemonLedctl } from './daemon-ledctl.js';
import { manyLeds } from './leds.js';
import { mqttFleet } from './mqtt-fleet.js';
import { patternTiming } from './pattern-timing.js';
import { queuePingPong } from './queue-pingpong.js';
import { queueStream } from './queue-stream.js';
import { queueSync } from './queue-sync.js';
import { type BenchOptions, type Benchmark, formatResult, missedTargets } from './runner.js';

const benchmarks: Benchmark[] = [
  queueSync,
  queueStream,
  queuePingPong,
  daemonLatency,
  daemonLedctl,
  daemonIdle,
  patternTiming,
  manyLeds,
  mqttFleet,
];

function usage(): string {
  return [
    'usage: node dist/bench/main.js [--long] [NAME...]',
    '  --long   (or LEDD_BENCH_LONG=1) longer runs for steadier numbers',
    ...benchmarks.map((b) => `  ${b.name.padEnd(16)} ${b.description}`),
  ].join('\n');
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage());
    return 0;
  }
  const long = argv.includes('--long') || process.env['LEDD_BENCH_LONG'] === '1';
  const names = argv.filter((arg) => !arg.startsWith('-'));
  const unknown = names.filter((name) => !benchmarks.some((b) => b.name === name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}\n${usage()}`);
    return 2;
  }
  const selected = names.length > 0 ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;
  const options: BenchOptions = { long, repeats: long ? 5 : 3, scale: long ? 4 : 1 };
  const load = os.loadavg().map((value) => value.toFixed(2));
  console.log(
    `ledd benchmarks: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ` +
      `load ${load.join(' ')}; ${options.repeats} repeats each, median shown [all samples]` +
      (long ? ', long run' : ''),
  );
  const missed: string[] = [];
  const started = performance.now();
  for (const benchmark of selected) {
    const result = await benchmark.run(options);
    console.log(`\n${formatResult(result)}`);
    missed.push(...missedTargets(result));
  }
  console.log(`\ndone in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (missed.length > 0) console.log(`targets missed:\n  ${missed.join('\n  ')}`);
  else console.log('all targets met');
  return 0;
}

process.exitCode = await main(process.argv.slice(2));
