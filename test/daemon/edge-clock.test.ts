// The one clock every pattern's edges wait on, with real timers: edges of
// patterns at different phases are each set once, never before they are due,
// in the order they are due; an edge taken off the clock is never set. And
// the timerfd addon under it.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';
import { waitFor } from '@ledd/test-kit/wait';

import { EdgeClock, epochNow, type TimedEdge } from '../../daemon/edge-clock.js';
import { createEdgeTimer } from '../../daemon/edge-timer.js';
import { fromRoot } from '../helpers/paths.js';

interface Fired {
  edge: string;
  dueMs: number;
  atMs: number;
}

/** An edge every `periodMs` from `firstMs` on, `count` times, recording each one set. */
function repeating(clock: EdgeClock, name: string, firstMs: number, periodMs: number, count: number, fired: Fired[]) {
  let left = count;
  const edge: TimedEdge & { dueMs: number } = {
    dueMs: firstMs,
    fire() {
      fired.push({ edge: name, dueMs: edge.dueMs, atMs: epochNow() });
      if (--left === 0) return;
      edge.dueMs += periodMs;
      clock.add(edge);
    },
  };
  clock.add(edge);
  return edge;
}

test('sixteen edges at random phases: each set once, never before it is due, in the order they are due', async (t) => {
  const clock = new EdgeClock();
  t.after(() => clock.close());
  const fired: Fired[] = [];
  const start = epochNow() + 20;
  for (let index = 0; index < 16; index++) repeating(clock, `e${index}`, start + Math.random() * 50, 50, 10, fired);
  await waitFor('every edge set', () => fired.length === 160);
  for (const { edge, dueMs, atMs } of fired)
    assert.ok(atMs >= dueMs, `${edge} set ${dueMs - atMs} ms before it was due`);
  const dues = fired.map((one) => one.dueMs);
  assert.deepEqual(
    dues,
    [...dues].sort((a, b) => a - b),
    'set in the order they were due',
  );
  for (let index = 0; index < 16; index++)
    assert.equal(fired.filter((one) => one.edge === `e${index}`).length, 10, `e${index} set ten times`);
});

test('an edge removed from the clock is never set; the others are', async (t) => {
  const clock = new EdgeClock();
  t.after(() => clock.close());
  const fired: Fired[] = [];
  const start = epochNow() + 30;
  const removed = repeating(clock, 'removed', start, 10, 5, fired);
  repeating(clock, 'kept', start + 5, 10, 5, fired);
  clock.remove(removed);
  await waitFor('the kept edge set five times', () => fired.length === 5);
  assert.deepEqual(
    fired.map((one) => one.edge),
    ['kept', 'kept', 'kept', 'kept', 'kept'],
  );
});

test('an edge added while the clock waits for a later one is set first', async (t) => {
  const clock = new EdgeClock();
  t.after(() => clock.close());
  const fired: Fired[] = [];
  repeating(clock, 'later', epochNow() + 300, 10, 1, fired);
  repeating(clock, 'sooner', epochNow() + 30, 10, 1, fired);
  await waitFor('both set', () => fired.length === 2);
  assert.deepEqual(
    fired.map((one) => one.edge),
    ['sooner', 'later'],
  );
});

test('the edge timer addon: arming again replaces the time, disarm stops it, close ends it, bad arguments are TypeErrors', async () => {
  const calls: number[] = [];
  const timer = createEdgeTimer(() => calls.push(epochNow()));
  const armedAt = epochNow();
  timer.arm(5_000);
  timer.arm(20);
  await waitFor('the re-armed timer fired', () => calls.length === 1);
  assert.ok(calls[0]! - armedAt >= 20, 'not before its time');
  timer.arm(20);
  timer.disarm();
  timer.arm(0);
  await waitFor('a timer armed for now fired', () => calls.length === 2);
  assert.throws(() => timer.arm(Number.NaN), { name: 'TypeError', message: /not a number/ });
  assert.throws(() => timer.arm('5' as unknown as number), { name: 'TypeError', message: /arm\(delayMs\)/ });
  timer.close();
  timer.close();
  assert.throws(() => timer.arm(1), /the timer is closed/);
  assert.equal(calls.length, 2, 'the disarmed time never fired');
});

test('an armed edge timer keeps the process alive until it fires; a throw in its callback is an uncaught exception', async () => {
  const addon = fromRoot('native', 'build', 'Release', 'edge_timer.node');
  const waited = await runChild(process.execPath, [
    '-e',
    `const { EdgeTimer } = require(${JSON.stringify(addon)}); const t0 = Date.now();
     new EdgeTimer(() => console.log('fired after', Date.now() - t0 >= 100)).arm(100);`,
  ]);
  assert.equal(waited.code, 0, waited.stderr);
  assert.equal(waited.stdout.trim(), 'fired after true');
  const thrown = await runChild(process.execPath, [
    '-e',
    `const { EdgeTimer } = require(${JSON.stringify(addon)});
     process.on('uncaughtException', (error) => { console.log('uncaught:', error.message); process.exit(3); });
     new EdgeTimer(() => { throw new Error('boom'); }).arm(1);`,
  ]);
  assert.equal(thrown.stdout.trim(), 'uncaught: boom', thrown.stderr);
  assert.equal(thrown.code, 3);
});
