// A watch and requests in one process (as in ledd-mqtt): ledd addresses both
// to the process's one reply type, and client/reply-router.ts must give each
// its own replies. On a real queue with a real ledd.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { exchange } from '../../client/exchange.js';
import { type WatchEvent, watchLed } from '../../client/watch.js';
import { startLedd } from '../daemon/harness.js';

test('one process: 100 requests while it watches; every request answered, every change seen, in order', async (t) => {
  const ledd = await startLedd(t);
  const stop = new AbortController();
  t.after(() => stop.abort());
  const events: WatchEvent[] = [];
  let subscribed!: () => void;
  const ready = new Promise<void>((resolve) => (subscribed = resolve));
  const watching = (async () => {
    for await (const event of watchLed({ key: ledd.key, name: 'router-test', signal: stop.signal })) {
      events.push(event);
      if (event.kind === 'subscribed') subscribed();
    }
  })();
  await ready;
  const expected: string[] = [];
  for (let index = 0; index < 100; index++) {
    const verb = index % 2 === 0 ? 'ON' : 'OFF';
    // Status requests in between: answered, and no change to be told of.
    const [{ reply }, status] = await Promise.all([exchange(verb, ledd.key, 5000), exchange('STATUS', ledd.key, 5000)]);
    assert.ok(reply.ok && reply.state === verb, JSON.stringify(reply));
    assert.ok(status.reply.ok, JSON.stringify(status.reply));
    expected.push(verb === 'ON' ? 'on' : 'off');
  }
  const deadline = Date.now() + 10_000;
  while (events.filter((event) => event.kind === 'change').length < 100 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  stop.abort();
  await watching;
  const causes = events.flatMap((event) => (event.kind === 'change' ? [event.cause] : []));
  assert.deepEqual(causes, expected);
  assert.deepEqual(
    events.filter((event) => event.kind !== 'change').map((event) => event.kind),
    ['subscribed'],
  );
});
