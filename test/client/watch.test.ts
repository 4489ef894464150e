// ledctl watch and the WATCH subscription against a real ledd (sim backend)
// on a real queue: every change whoever made it, ledd going away and coming
// back, and dead watchers that must never fill the queue.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type Child, runOk, spawnChild } from '@ledd/test-kit/process';
import { waitFor } from '@ledd/test-kit/wait';
import { MessageQueue } from '@ledd/sysvmq';

import { buildChapterClient } from '../daemon/chapter-client.js';
import { LEDCTL, ledctl, startLedd } from '../daemon/harness.js';
import { MAX_WATCHERS } from '../../protocol/watch.js';
import { sysvmqUrl } from '../helpers/paths.js';

interface WatchLine {
  event: 'subscribed' | 'change' | 'gone';
  cause?: string | null;
  state?: string;
  pattern?: { name: string; cycles: number | 'forever'; then: string } | null;
  pid?: number;
  reason?: string;
}

type After = Parameters<typeof spawnChild>[0];

function watcher(t: After, key: number, json = true): Child {
  return spawnChild(t, process.execPath, [LEDCTL, '--key', String(key), 'watch', ...(json ? ['--json'] : [])]);
}

/** The next line of `ledctl watch --json`, without its time. */
async function nextEvent(child: Child): Promise<WatchLine> {
  const { time, ...event } = await child.nextJson<WatchLine & { time: string }>(10_000);
  assert.match(time, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
  return event;
}

async function statusJson(key: number): Promise<{ watchers: { list: { name: string; pid: number }[] } | null }> {
  const result = await ledctl(key, ['status', '--json']);
  assert.equal(result.code, 0, result.stderr);
  return JSON.parse(result.stdout) as { watchers: { list: { name: string; pid: number }[] } | null };
}

test('ledctl watch --json: a line for each change from ledctl, the chapter client and a pattern ending; exit', async (t) => {
  const ledd = await startLedd(t);
  const chapter = await buildChapterClient(t, ledd.key);
  const watch = watcher(t, ledd.key);
  const first = await nextEvent(watch);
  // leds: the LED as status --json shows it too (one LED, unnamed: "led").
  const led = (state: 'on' | 'off') => [{ name: 'led', led: state, pattern: null, timed: null }];
  assert.deepEqual(first, {
    event: 'subscribed',
    cause: null,
    state: 'OFF',
    pattern: null,
    leds: led('off'),
    pid: ledd.child.pid,
  });
  assert.deepEqual((await statusJson(ledd.key)).watchers?.list, [{ name: 'ledctl', pid: watch.pid }]);

  await ledctl(ledd.key, ['on']);
  assert.deepEqual(await nextEvent(watch), { ...first, event: 'change', cause: 'on', state: 'ON', leds: led('on') });
  // No change, no line: the next line must be the chapter client's OFF.
  await ledctl(ledd.key, ['on']);
  await runOk(chapter, ['off']);
  const off = await nextEvent(watch);
  assert.equal(off.cause, 'off', JSON.stringify(off));
  assert.equal(off.state, 'OFF');

  await ledctl(ledd.key, ['blink', '--on', '20ms', '--off', '20ms', '--count', '2', '--then', 'on']);
  const started = await nextEvent(watch);
  assert.equal(started.cause, 'pattern');
  assert.deepEqual(started.pattern, { name: 'blink', cycles: 2, then: 'on' });
  const ended = await nextEvent(watch);
  assert.equal(ended.cause, 'pattern-end');
  assert.equal(ended.state, 'ON');
  assert.equal(ended.pattern, null);

  await ledctl(ledd.key, ['exit']);
  const exiting = await nextEvent(watch);
  // The exit notice races the queue's removal: either is "ledd exited" to a watcher.
  if (exiting.event === 'change') {
    assert.equal(exiting.cause, 'exit');
    assert.equal((await nextEvent(watch)).event, 'gone');
  } else {
    assert.equal(exiting.event, 'gone', JSON.stringify(exiting));
  }
  assert.ok(watch.running, 'the watch outlives ledd');
  watch.kill('SIGINT');
  const result = await watch.wait();
  assert.equal(result.code, 0, watch.describe());
});

test('ledctl watch (text): ledd killed with kill -9 and restarted on its queue: gone, then back with the restored state', async (t) => {
  const ledd = await startLedd(t);
  const watch = watcher(t, ledd.key, false);
  assert.match(await watch.nextLine(), /^\S+Z watching ledd \(pid \d+\): LED OFF$/);
  await ledctl(ledd.key, ['heartbeat']);
  assert.match(await watch.nextLine(), /^\S+Z LED (ON|OFF), heartbeat playing \(forever, then off\)$/);
  ledd.child.kill('SIGKILL');
  await ledd.child.wait();
  assert.match(await watch.nextLine(), /ledd went away: ledd \(pid \d+\) has exited; waiting for it to come back$/);
  const again = await startLedd(t, { key: ledd.key, stateFile: ledd.stateFile });
  assert.match(
    await watch.nextLine(),
    new RegExp(`ledd is back \\(pid ${again.child.pid}\\): LED (ON|OFF), heartbeat playing \\(forever, then off\\)$`),
  );
  await ledctl(ledd.key, ['off']);
  assert.match(await watch.nextLine(), /^\S+Z LED OFF$/);
  watch.kill('SIGTERM');
  assert.equal((await watch.wait()).code, 0);
  await waitFor(
    'ledd to drop the watcher that ended (UNWATCH)',
    async () => (await statusJson(ledd.key)).watchers?.list.length === 0,
  );
});

test('ledctl watch started before ledd: says ledd is not running, then follows it once it starts', async (t) => {
  const { randomKey } = await import('@ledd/sysvmq/testing');
  const key = randomKey();
  const watch = watcher(t, key);
  const gone = await nextEvent(watch);
  assert.equal(gone.event, 'gone');
  assert.match(gone.reason!, /not running/);
  const ledd = await startLedd(t, { key });
  const subscribed = await nextEvent(watch);
  assert.equal(subscribed.event, 'subscribed');
  assert.equal(subscribed.pid, ledd.child.pid);
});

test('200 watchers killed with kill -9: no stale notices stay on the queue, ledd answers at once, nobody is listed', async (t) => {
  const ledd = await startLedd(t);
  const rounds = 20;
  const batch = 10;
  for (let round = 0; round < rounds; round++) {
    const watchers = Array.from({ length: batch }, () => watcher(t, ledd.key));
    for (const child of watchers) assert.equal((await nextEvent(child)).event, 'subscribed');
    for (const child of watchers) child.kill('SIGKILL');
    await Promise.all(watchers.map((child) => child.exited));
    // A change for the dead: ledd finds them gone and takes back what it sent.
    await ledctl(ledd.key, [round % 2 === 0 ? 'on' : 'off']);
  }
  const on = await ledctl(ledd.key, ['toggle']);
  assert.equal(on.code, 0, on.stderr);
  const status = await statusJson(ledd.key);
  assert.deepEqual(status.watchers?.list, [], 'dead watchers are dropped');
  const queue = MessageQueue.open(ledd.key);
  const left = queue.stat().qnum;
  queue.close();
  assert.equal(left, 0, `messages left on the queue: ${left}`);
  const rejected = ledd.records().filter((record) => /dropped|discarded/.test(record.msg));
  assert.deepEqual(rejected, [], 'nothing had to be dropped or discarded');
});

test(`WATCH on the wire: refused without reply=, with a bad name, and beyond ${MAX_WATCHERS} watchers; UNWATCH`, async (t) => {
  const ledd = await startLedd(t);
  const script = `
    import { MessageQueue } from ${JSON.stringify(sysvmqUrl)};
    const queue = MessageQueue.open(Number(process.argv[1]));
    const base = 0x40000000;
    const ask = async (text, type) => {
      queue.trySend(1, text);
      const reply = await queue.receive({ type, maxBytes: 512, noError: true, signal: AbortSignal.timeout(5000) });
      return reply.data.toString('latin1').replace(/\\0.*$/, '');
    };
    const out = [];
    out.push(await ask('WATCH name=x reply=' + (base + process.pid) + ' id=a1', base + process.pid));
    out.push(await ask('WATCH name=bad/name reply=' + (base + process.pid) + ' id=a2', base + process.pid));
    queue.trySend(1, 'WATCH');
    out.push(await ask('UNWATCH reply=' + (base + process.pid) + ' id=a3', base + process.pid));
    out.push(await ask('UNWATCH reply=' + (base + process.pid) + ' id=a4', base + process.pid));
    console.log(JSON.stringify(out));
  `;
  const stdout = await runOk(process.execPath, ['--input-type=module', '--eval', script, '--', String(ledd.key)]);
  const [subscribed, badName, unwatched, again] = JSON.parse(stdout) as string[];
  assert.match(subscribed!, /^a1 OK OFF watch=30000 pid=\d+$/);
  assert.match(badName!, /^a2 ERR BAD_OPTION name=bad\/name is not 1 to 24 letters/);
  assert.equal(unwatched, 'a3 OK OFF watch=ended');
  assert.equal(again, 'a4 OK OFF watch=none');
  await waitFor('the bare WATCH to be rejected', () =>
    ledd.records().some((record) => /WATCH needs reply=N and id=X/.test(record.msg)),
  );

  const watchers = Array.from({ length: MAX_WATCHERS }, () => watcher(t, ledd.key));
  for (const child of watchers) assert.equal((await nextEvent(child)).event, 'subscribed');
  const refused = spawnChild(t, process.execPath, [LEDCTL, '--key', String(ledd.key), 'watch']);
  const result = await refused.wait();
  assert.equal(result.code, 1, refused.describe());
  assert.match(result.stderr, /^ledctl: ledd refused to be watched: ledd has 16 watchers already; stop one/);
});

test('ledctl watch: a timed state shows its end and what follows; its end is a change of its own', async (t) => {
  const ledd = await startLedd(t);
  await ledctl(ledd.key, ['on']);
  const json = watcher(t, ledd.key);
  const text = watcher(t, ledd.key, false);
  await nextEvent(json);
  await text.nextLine(/watching ledd/, 10_000);

  await ledctl(ledd.key, ['blink', '--on', '50ms', '--off', '50ms', '--label', 'alarm', '--for', '2s']);
  const started = (await nextEvent(json)) as WatchLine & { leds: { timed: { until: string; after: unknown } }[] };
  assert.equal(started.cause, 'pattern');
  assert.match(started.leds[0]!.timed.until, /^\d{4}-\d\d-\d\dT[\d:.]+Z$/);
  assert.deepEqual(started.leds[0]!.timed.after, { kind: 'on' });
  assert.match(
    await text.nextLine(/alarm/, 10_000),
    /LED ON, "alarm" \(blink\) playing \(forever, then off\), until \d\d:\d\d:\d\d UTC \([\d.]+ s left\), then on$/,
  );

  const ended = (await nextEvent(json)) as WatchLine & { leds: { timed: unknown }[] };
  assert.equal(ended.cause, 'timed-end');
  assert.equal(ended.state, 'ON');
  assert.equal(ended.pattern, null);
  assert.equal(ended.leds[0]!.timed, null);
  assert.match(await text.nextLine(/timed state ended/, 10_000), /the timed state ended: LED ON$/);
});
