// The broker going away in the middle of a stream of commands: stopped
// (SIGTERM, it saves its sessions) and killed (SIGKILL), each time started
// again on the same port. The bridge reconnects to its persistent session and
// republishes; every command the broker acknowledged is applied exactly once,
// in order; the retained state is the last command's.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { type LogRecord, ledctl, startLedd } from '../daemon/harness.js';
import { sleep, waitFor, withTimeout } from '../helpers/wait.js';
import { Recorder, retained, startBridge, startBroker, stateOf } from './harness.js';

const COMMANDS = 60;
/** How long before a SIGKILL an acknowledged command may still be only in mosquitto's memory. */
const KILL_WINDOW_MS = 200;

interface Outage {
  at: number;
  signal: NodeJS.Signals;
}

interface Sent {
  seq: number;
  state: 'ON' | 'OFF';
  startedAt: number;
  ackedAt: number;
}

/** When each command was sent and acknowledged, each outage, and the bridge's connection log: what a failure needs. */
function timeline(sent: Sent[], outages: Outage[], records: LogRecord[]): string {
  const origin = sent[0]?.startedAt ?? 0;
  const lines = [
    ...sent.map(
      (entry) => [entry.startedAt, `command ${entry.seq} sent, acknowledged at +${entry.ackedAt - origin} ms`] as const,
    ),
    ...outages.map(({ at, signal }) => [at, `broker ${signal}`] as const),
    ...records
      .filter((record) => /broker|command applied|repeated/.test(record.msg))
      .map((record) => [Number(record.time), `bridge: ${record.msg}`] as const),
  ];
  return lines
    .sort((a, b) => a[0] - b[0])
    .map(([at, text]) => `  +${at - origin} ms ${text}`)
    .join('\n');
}

test('the broker stopped and killed during a stream of commands: nothing acknowledged is lost or applied twice', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t);
  const bridge = startBridge(t, broker.url, ledd.key, 'storm');
  await bridge.ready();
  // A persistent session of its own, so that what it had in flight is sent again after the broker's return.
  const publisher = await Recorder.connect(t, broker.url, { clientId: 'storm-publisher', clean: false });

  const sent: Sent[] = [];
  const stream = (async () => {
    for (let seq = 0; seq < COMMANDS; seq++) {
      const state = seq % 2 === 0 ? 'ON' : 'OFF';
      const startedAt = Date.now();
      await publisher.client.publishAsync('ledd/storm/set', JSON.stringify({ state, seq }), { qos: 1 });
      sent.push({ seq, state, startedAt, ackedAt: Date.now() });
      await sleep(25);
    }
  })();

  const outages: Outage[] = [];
  await sleep(400);
  outages.push({ at: Date.now(), signal: 'SIGTERM' });
  await broker.stop('SIGTERM');
  await sleep(300);
  await broker.restart();
  await waitFor('a few more commands after the first outage', () => sent.length > 25, { timeoutMs: 15_000 });
  outages.push({ at: Date.now(), signal: 'SIGKILL' });
  await broker.stop('SIGKILL');
  await sleep(300);
  await broker.restart();
  await withTimeout('the stream of commands', stream, 30_000);

  const appliedSeqs = (): number[] =>
    bridge
      .records()
      .filter((record) => record.msg.startsWith('command applied'))
      .map((record) => (JSON.parse(record.payload as string) as { seq: number }).seq);
  // A command in flight at an outage (sent before it, acknowledged after it) was not yet
  // acknowledged when the broker went: the publisher sends it again, and QoS 1 may deliver both.
  const straddling = new Set(
    sent
      .filter((entry) => outages.some(({ at }) => entry.startedAt <= at && entry.ackedAt >= at))
      .map((entry) => entry.seq),
  );
  // mosquitto saves its sessions after it acknowledges (autosave), and SIGKILL gives it no
  // chance to save at exit: what it acknowledged just before being killed, and had not yet
  // forwarded, dies with it. No client can have it; every other command must arrive.
  const lostWithBroker = new Set(
    sent
      .filter((entry) =>
        outages.some(
          ({ at, signal }) => signal === 'SIGKILL' && entry.ackedAt <= at && entry.ackedAt > at - KILL_WINDOW_MS,
        ),
      )
      .map((entry) => entry.seq),
  );
  const required = sent.filter(({ seq }) => !lostWithBroker.has(seq)).map(({ seq }) => seq);
  await waitFor(
    `every command that must arrive applied (so far: ${appliedSeqs().join(',')})`,
    () => required.every((seq) => appliedSeqs().includes(seq)),
    { timeoutMs: 20_000 },
  );
  // Redeliveries still in flight would show up within a moment.
  await sleep(500);

  const applied = appliedSeqs();
  for (const { seq } of sent) {
    const times = applied.filter((candidate) => candidate === seq).length;
    const allowed = straddling.has(seq) ? [1, 2] : lostWithBroker.has(seq) ? [0, 1] : [1];
    assert.ok(
      allowed.includes(times),
      `command ${seq} applied ${times} times, not ${allowed.join(' or ')} (applied: ${applied.join(',')})\n` +
        timeline(sent, outages, bridge.records()),
    );
  }
  const firsts = applied.filter((seq, index) => applied.indexOf(seq) === index);
  assert.deepEqual(
    firsts,
    [...firsts].sort((a, b) => a - b),
    'applied in the order sent',
  );

  // Once after the outages at least (the bridge may still have been waiting to retry after the
  // first when the second came), to the session it had: the broker kept it across its restarts.
  const connects = bridge.records().filter((record) => record.msg === 'connected to the broker');
  assert.ok(connects.length >= 2, `connected ${connects.length} times`);
  assert.ok((connects.at(-1)!.time as number) > outages.at(-1)!.at, 'connected again after the last outage');
  assert.ok(
    connects.slice(1).some((record) => record.sessionPresent === true),
    'the session survived',
  );

  const last = sent.at(-1)!;
  await waitFor('the last state retained', async () => {
    const text = await retained(t, broker.url, 'ledd/storm/state', 300);
    return text !== undefined && stateOf(text).state === last.state;
  });
  assert.equal(await retained(t, broker.url, 'ledd/storm/availability'), 'online');
  assert.ok(await retained(t, broker.url, 'homeassistant/light/storm/led/config'), 'discovery republished');
  assert.match((await ledctl(ledd.key, ['status'])).stdout, new RegExp(`^LED is ${last.state}\\n`));
});

test('a command redelivered after the connection broke before its acknowledgement is not applied twice', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t);
  const bridge = startBridge(t, broker.url, ledd.key, 'echo');
  await bridge.ready();
  const publisher = await Recorder.connect(t, broker.url);

  // ledd paused: the bridge takes the command and waits for ledd's answer, so its PUBACK is not sent yet.
  process.kill(ledd.child.pid, 'SIGSTOP');
  t.after(() => {
    if (ledd.child.running) process.kill(ledd.child.pid, 'SIGCONT');
  });
  await publisher.publish('ledd/echo/set', JSON.stringify({ state: 'ON', seq: 1 }));
  await sleep(300);
  // The broker saves the unacknowledged delivery with the bridge's session as it stops.
  await broker.stop('SIGTERM');
  process.kill(ledd.child.pid, 'SIGCONT');
  await bridge.waitLog(/^command applied/);
  await broker.restart();
  await waitFor('the bridge back', () =>
    bridge
      .records()
      .some((record, index) => index > 0 && record.msg === 'connected to the broker' && record.sessionPresent),
  );
  const repeat = await bridge.waitLog(/^a repeated delivery of a command already applied: ignored$/);
  assert.equal(typeof repeat.messageId, 'number');
  await sleep(500);
  const applied = bridge.records().filter((record) => record.msg.startsWith('command applied'));
  assert.equal(applied.length, 1, bridge.child.describe());
  assert.equal(await retained(t, broker.url, 'ledd/echo/state').then((text) => stateOf(text!).state), 'ON');
});
