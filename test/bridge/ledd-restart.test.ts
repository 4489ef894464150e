// ledd going away and coming back: the light is unavailable meanwhile, and
// available again with the state ledd restored.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startLedd } from '../daemon/harness.js';
import { Recorder, retained, startBridge, startBroker, stateOf } from './harness.js';

for (const signal of ['SIGKILL', 'SIGTERM'] as const) {
  test(`ledd killed (${signal}) and started again: offline, then online with the restored state`, async (t) => {
    const broker = await startBroker(t);
    const first = await startLedd(t);
    const bridge = startBridge(t, broker.url, first.key, 'phoenix');
    await bridge.ready();
    const ha = await Recorder.connect(t, broker.url);
    await ha.subscribe('ledd/phoenix/#');
    await ha.publish('ledd/phoenix/set', '{"state":"ON"}');
    await ha.waitFor('ledd/phoenix/state', (payload) => stateOf(payload).state === 'ON');

    let from = ha.messages.length;
    first.child.kill(signal);
    await first.child.wait();
    await ha.waitFor('ledd/phoenix/availability', (payload) => payload === 'offline', from);
    await bridge.waitLog(/^ledd is gone: /);
    assert.equal(await retained(t, broker.url, 'ledd/phoenix/availability'), 'offline');

    // A command while ledd is away is refused in one line, and the last state stays published.
    from = ha.messages.length;
    await ha.publish('ledd/phoenix/set', '{"state":"OFF"}');
    const refusal = await bridge.waitLog(/^command OFF not applied: /, 15_000);
    assert.match(refusal.msg, signal === 'SIGKILL' ? /no answer from ledd within/ : /ledd is not running/);
    const republished = await ha.waitFor('ledd/phoenix/state', () => true, from);
    assert.equal(stateOf(republished.payload).state, signal === 'SIGKILL' ? 'ON' : 'OFF');

    // After SIGTERM ledd removed its queue: the command was refused at once, and the state file's
    // ON (the last command ledd took) is restored. After SIGKILL the queue stayed: the command
    // waited on it (the bridge gave up waiting for the answer) and the new ledd, adopting the
    // queue, carries it out. Either way the bridge publishes what ledd reports.
    const expected = signal === 'SIGKILL' ? 'OFF' : 'ON';
    from = ha.messages.length;
    const second = await startLedd(t, { key: first.key, stateFile: first.stateFile });
    await ha.waitFor('ledd/phoenix/availability', (payload) => payload === 'online', from);
    const restored = await ha.waitFor('ledd/phoenix/state', (payload) => stateOf(payload).state === expected, from);
    assert.deepEqual(stateOf(restored.payload), { state: expected, effect: null });
    const watching = bridge.records().filter((record) => record.msg === 'watching ledd');
    assert.equal(watching.at(-1)!.leddPid, second.child.pid, 'subscribed to the new ledd');
    assert.equal(await retained(t, broker.url, 'ledd/phoenix/availability'), 'online');
    assert.ok(bridge.child.running);
  });
}

test('the watch and the commands share one process: 40 commands in a row, each acknowledged and published', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t);
  const bridge = startBridge(t, broker.url, ledd.key, 'shared');
  await bridge.ready();
  const ha = await Recorder.connect(t, broker.url);
  await ha.subscribe('ledd/shared/#');
  await ha.waitFor('ledd/shared/availability', (payload) => payload === 'online');
  for (let index = 0; index < 40; index++) {
    const state = index % 2 === 0 ? 'ON' : 'OFF';
    const from = ha.messages.length;
    await ha.publish('ledd/shared/set', JSON.stringify({ state }));
    await ha.waitFor('ledd/shared/state', (payload) => stateOf(payload).state === state, from);
  }
  const failed = bridge.records().filter((record) => record.level >= 40);
  assert.deepEqual(failed, [], 'no command timed out or failed: the watch took none of their replies');
  assert.equal(bridge.records().filter((record) => record.msg === 'watching ledd').length, 1);
});
