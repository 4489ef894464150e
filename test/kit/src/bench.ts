// The benchmark runner: a benchmark is a module that measures some rows;
// runBenchmarks() runs those asked for and prints them. Rates are messages (or round trips) per
// second; `ratio` compares a row with its reference (C).
import os from 'node:os';

export interface BenchOptions {
  /** Longer runs: more messages and repeats, for steadier numbers. */
  long: boolean;
  /** Times each measurement is repeated; the median is reported. */
  repeats: number;
  /** Multiplies message counts and durations. */
  scale: number;
}

export interface Row {
  label: string;
  /** Operations per second (median of the repeats). */
  rate: number;
  /** Every repeat's rate, to show the spread. */
  samples: number[];
  /** What an operation is, e.g. "msg/s" or "round trips/s". */
  unit: string;
  /** Label of the reference row this one is compared with. */
  against?: string;
  /** Minimum ratio to the reference the issue asks for. */
  target?: number;
}

export interface BenchResult {
  title: string;
  rows: Row[];
  notes?: string[];
}

export interface Benchmark {
  name: string;
  description: string;
  run(options: BenchOptions): Promise<BenchResult>;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export interface RowSpec extends Omit<Row, 'rate' | 'samples'> {
  /** One measurement: operations per second. */
  measure: () => Promise<number> | number;
}

/**
 * Measures each row `repeats` times, taking the rows in turn in every round, so
 * that a row and its reference see the same moments of a shared machine's load.
 * A row's rate is the median of its samples.
 */
export async function measureRows(options: BenchOptions, specs: RowSpec[]): Promise<Row[]> {
  const samples = specs.map(() => [] as number[]);
  for (let round = 0; round < options.repeats; round++) {
    for (const [i, spec] of specs.entries()) samples[i]!.push(await spec.measure());
  }
  return specs.map((spec, i) => {
    const { label, unit, against, target } = spec;
    return { label, unit, against, target, rate: median(samples[i]!), samples: samples[i]! };
  });
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)} M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)} k`;
  return rate.toFixed(0);
}

/** A result as a text table, with ratios to the reference rows and whether targets are met. */
export function formatResult(result: BenchResult): string {
  const byLabel = new Map(result.rows.map((row) => [row.label, row]));
  const lines = [result.title];
  const width = Math.max(...result.rows.map((row) => row.label.length));
  for (const row of result.rows) {
    const spread = row.samples.length > 1 ? ` [${row.samples.map(formatRate).join(', ')}]` : '';
    let line = `  ${row.label.padEnd(width)}  ${formatRate(row.rate).padStart(8)} ${row.unit}`;
    const reference = row.against ? byLabel.get(row.against) : undefined;
    if (reference) {
      const ratio = row.rate / reference.rate;
      line += `  ratio ${ratio.toFixed(2)} of ${reference.label}`;
      if (row.target !== undefined) {
        line += ratio >= row.target ? ` (target >= ${row.target}: met)` : ` (target >= ${row.target}: MISSED)`;
      }
    }
    lines.push(line + spread);
  }
  for (const note of result.notes ?? []) lines.push(`  note: ${note}`);
  return lines.join('\n');
}

/** Ratios below target, and notes that report a missed target, for the summary. */
export function missedTargets(result: BenchResult): string[] {
  const byLabel = new Map(result.rows.map((row) => [row.label, row]));
  const missed: string[] = (result.notes ?? [])
    .filter((note) => note.includes('MISSED'))
    .map((note) => `${result.title}: ${note}`);
  for (const row of result.rows) {
    const reference = row.against ? byLabel.get(row.against) : undefined;
    if (reference && row.target !== undefined && row.rate / reference.rate < row.target) {
      missed.push(`${result.title}: ${row.label} at ${(row.rate / reference.rate).toFixed(2)} < ${row.target}`);
    }
  }
  return missed;
}

/**
 * A benchmark program's main: `[--long] [NAME...]` (LEDD_BENCH_LONG=1 is
 * --long: more messages and repeats, for steadier numbers). Runs the named
 * benchmarks (all without a name) and prints their tables; the exit status.
 */
export async function runBenchmarks(
  title: string,
  command: string,
  benchmarks: Benchmark[],
  argv: string[],
): Promise<number> {
  const usage = [
    `usage: ${command} [--long] [NAME...]`,
    '  --long   (or LEDD_BENCH_LONG=1) longer runs for steadier numbers',
    ...benchmarks.map((b) => `  ${b.name.padEnd(16)} ${b.description}`),
  ].join('\n');
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(usage);
    return 0;
  }
  const long = argv.includes('--long') || process.env['LEDD_BENCH_LONG'] === '1';
  const names = argv.filter((arg) => !arg.startsWith('-'));
  const unknown = names.filter((name) => !benchmarks.some((b) => b.name === name));
  if (unknown.length > 0) {
    console.error(`unknown benchmark ${unknown.join(', ')}\n${usage}`);
    return 2;
  }
  const selected = names.length > 0 ? benchmarks.filter((b) => names.includes(b.name)) : benchmarks;
  const options: BenchOptions = { long, repeats: long ? 5 : 3, scale: long ? 4 : 1 };
  const load = os.loadavg().map((value) => value.toFixed(2));
  console.log(
    `${title}: node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? 'unknown'}), ` +
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
