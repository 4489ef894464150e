// Reading what ledd-system.sh sampled of several gpio-sim lines: runs of one
// reading ("1000*12 0100*11 ..."), each reading the lines' levels in turn.
// A reading taken while ledd switched the lines may show some of the old step
// and some of the new (the guest reads the files one after the other); such a
// mix lasts one reading, never two.

export interface Run {
  levels: string;
  count: number;
}

export function parseRuns(text: string): Run[] {
  return text
    .trim()
    .split(/\s+/)
    .filter(Boolean)
    .map((word) => {
      const [levels = '', count = '0'] = word.split('*');
      return { levels, count: Number(count) };
    });
}

/** The readings of the lines at `positions` only, as runs again ("1000*3 1001*2" at 0..2: "100*5"). */
export function project(runs: readonly Run[], positions: readonly number[]): Run[] {
  const projected: Run[] = [];
  for (const run of runs) {
    const levels = positions.map((position) => run.levels[position] ?? '?').join('');
    const last = projected.at(-1);
    if (last && last.levels === levels) last.count += run.count;
    else projected.push({ levels, count: run.count });
  }
  return projected;
}

/** The runs of readings that are none of `steps` and last more than one reading. */
export function lastingMixes(runs: readonly Run[], steps: readonly string[]): Run[] {
  return runs.filter((run) => !steps.includes(run.levels) && run.count > 1);
}

/**
 * The moves from one step of `steps` (a cycle, in order) to the next seen:
 * 1 is the next step, 2 one skipped, and so on (mixed readings are passed over).
 */
export function stepMoves(runs: readonly Run[], steps: readonly string[]): number[] {
  const seen = runs.map((run) => steps.indexOf(run.levels)).filter((index) => index !== -1);
  const moves: number[] = [];
  for (let index = 1; index < seen.length; index++) {
    const move = (seen[index]! - seen[index - 1]! + steps.length) % steps.length;
    if (move !== 0) moves.push(move);
  }
  return moves;
}

/** How often the level at `position` changed between readings. */
export function changesAt(runs: readonly Run[], position: number): number {
  let changes = 0;
  for (let index = 1; index < runs.length; index++) {
    if (runs[index]!.levels[position] !== runs[index - 1]!.levels[position]) changes++;
  }
  return changes;
}
