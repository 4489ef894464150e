// PatternPlayer's schedule, in process, on a manual clock: which step is set
// when, what lateness does (it skips, never shifts the schedule), resuming a
// pattern started earlier, its end, and a failing line. The timing of real
// edges on a real timer is pattern-timing.test.ts's.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { EdgeScheduler, TimedEdge } from '../../daemon/edge-clock.js';
import { type EdgeRecord, PatternPlayer } from '../../daemon/pattern-player.js';
import { blinkSpec, type PatternSpec } from '../../protocol/pattern.js';

/** Time that moves only when told, and fires the edges due, earliest first, as EdgeClock does. */
class ManualClock implements EdgeScheduler {
  now = 1_000_000;
  readonly #waiting = new Set<TimedEdge>();

  add(edge: TimedEdge): void {
    this.#waiting.add(edge);
  }

  remove(edge: TimedEdge): void {
    this.#waiting.delete(edge);
  }

  get waiting(): number {
    return this.#waiting.size;
  }

  /** Moves to `now + ms`, firing each edge due by then at the time the clock has got to. */
  advance(ms: number, { late = false }: { late?: boolean } = {}): void {
    const target = this.now + ms;
    for (;;) {
      const due = [...this.#waiting].filter((edge) => edge.dueMs <= target).sort((a, b) => a.dueMs - b.dueMs)[0];
      if (!due) break;
      this.#waiting.delete(due);
      // late: the timer fires only once the whole wait is over, as a blocked event loop would.
      this.now = late ? target : Math.max(this.now, due.dueMs);
      due.fire();
    }
    this.now = target;
  }
}

interface Played {
  clock: ManualClock;
  player: PatternPlayer;
  sets: boolean[][];
  edges: EdgeRecord[];
  ended: PatternSpec[];
  failures: unknown[];
}

function playerOn(clock = new ManualClock(), failAt?: number): Played {
  const played: Played = { clock, player: undefined!, sets: [], edges: [], ended: [], failures: [] };
  played.player = new PatternPlayer(
    {
      set: (levels) => {
        if (played.sets.length === failAt) throw new Error('line gone');
        played.sets.push([...levels]);
      },
      onEnd: (spec) => played.ended.push(spec),
      onFailure: (_spec, error) => played.failures.push(error),
      onEdge: (edge) => played.edges.push(edge),
    },
    clock,
    () => clock.now,
  );
  return played;
}

const onOff = (sets: boolean[][]): string => sets.map((levels) => (levels[0] ? '1' : '0')).join('');

test('a blink sets each step at its time, counts its cycles down and ends on its last step', () => {
  const { clock, player, sets, edges, ended } = playerOn();
  const spec = blinkSpec(200, 300, 3, true);
  const start = clock.now;
  assert.equal(player.start(spec), true);
  assert.equal(onOff(sets), '1', 'the first level at once');
  assert.equal(player.dueMs, start + 200);
  assert.equal(player.progress()!.cyclesLeft, 3);
  clock.advance(999);
  assert.equal(onOff(sets), '1010');
  assert.deepEqual(
    edges.map((edge) => [edge.step, edge.dueMs - start, edge.atMs - start]),
    [
      [1, 0, 0],
      [2, 200, 200],
      [3, 500, 500],
      [4, 700, 700],
    ],
  );
  assert.equal(player.progress()!.cyclesLeft, 2);
  clock.advance(1000);
  assert.equal(onOff(sets), '101010', 'three cycles');
  assert.deepEqual(ended, [spec], 'the end is reported once, at the end of the third cycle');
  assert.equal(player.progress(), undefined);
  assert.equal(clock.waiting, 0, 'nothing left on the clock');
});

test('a late timer skips to the step due now and keeps the schedule: lateness never adds up', () => {
  const { clock, player, sets, edges } = playerOn();
  const start = clock.now;
  player.start(blinkSpec(100, 100, 0, false));
  clock.advance(350, { late: true });
  assert.equal(onOff(sets), '10', 'one set for the late wake-up: the step due at 300 ms (off)');
  assert.deepEqual(
    edges.map((edge) => [edge.step, edge.dueMs - start, edge.atMs - start]),
    [
      [1, 0, 0],
      [4, 300, 350],
    ],
  );
  assert.equal(player.dueMs - start, 400, 'the next step keeps its time on the schedule from the start');
  clock.advance(10_000 * 200);
  assert.equal(player.dueMs - start, 400 + 10_000 * 200, 'still on the schedule after 20,000 more steps');
  assert.equal(player.progress()!.cyclesLeft, null, 'forever');
});

test('a pattern started earlier resumes where its schedule has got to; one that would have ended plays nothing', () => {
  const { clock, player, sets } = playerOn();
  const spec: PatternSpec = {
    name: 'pattern',
    steps: [
      { levels: [true], ms: 100 },
      { levels: [false], ms: 400 },
    ],
    repeat: 4,
    then: false,
  };
  assert.equal(player.start(spec, clock.now - 1150), true);
  assert.equal(onOff(sets), '0', 'the off step of the third cycle, under way');
  assert.equal(player.progress()!.cyclesLeft, 2);
  assert.equal(player.dueMs, clock.now + 350, 'the fourth cycle starts 1500 ms after the start');

  const other = playerOn();
  assert.equal(other.player.start(spec, other.clock.now - 2000), false, 'four cycles of 500 ms are over');
  assert.deepEqual(other.sets, [], 'no level set');
  assert.equal(other.clock.waiting, 0);
});

test('a start in the future (the clock was set back) starts now', () => {
  const { clock, player, sets } = playerOn();
  assert.equal(player.start(blinkSpec(100, 100, 0, false), clock.now + 60_000), true);
  assert.equal(onOff(sets), '1');
  assert.equal(player.progress()!.startedAt, clock.now);
  assert.equal(player.dueMs, clock.now + 100);
});

test('a line that fails: at the start the error is thrown and nothing plays; later it ends the pattern through onFailure', () => {
  const first = playerOn(new ManualClock(), 0);
  assert.throws(() => first.player.start(blinkSpec(100, 100, 0, false)), /line gone/);
  assert.equal(first.player.progress(), undefined);
  assert.equal(first.clock.waiting, 0);

  const later = playerOn(new ManualClock(), 2);
  later.player.start(blinkSpec(100, 100, 0, false));
  later.clock.advance(1000);
  assert.equal(onOff(later.sets), '10', 'two steps set, the third failed');
  assert.equal(later.failures.length, 1);
  assert.equal(later.player.progress(), undefined, 'the pattern has ended');
  assert.equal(later.clock.waiting, 0);
});

test('stop takes the player off the clock; currentLevels follows the step under way', () => {
  const { clock, player } = playerOn();
  player.start(blinkSpec(100, 100, 0, false));
  assert.deepEqual(player.currentLevels(), [true]);
  clock.advance(150);
  assert.deepEqual(player.currentLevels(), [false]);
  player.stop();
  assert.equal(player.currentLevels(), undefined);
  assert.equal(clock.waiting, 0);
});
