// The broker and the bridge going away in the middle of streams of commands,
// round after round: the broker stopped (SIGTERM: it saves its sessions as it
// goes), killed (SIGKILL: what it took since its last save dies with it) and
// started again on the same port, and the bridge killed (kill -9) and started
// again on its persistent session, as systemd would. Every command the
// publisher saw acknowledged is applied, at least once (QoS 1), unless
// mosquitto's own log shows it took the command after its last save and was
// then killed; the first applications come in the order sent; the LED and the
// retained state end as the last command says.
//
//   LEDD_BRIDGE_STRESS_ROUNDS=50 node --test dist/test/bridge/broker-restart.test.js
//
// runs more rounds than npm test's 3 (each round is about 45 commands and
// three outages, one of each kind, in an order and at points drawn from the
// round's seed).
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { sleep, waitFor, withTimeout } from '@ledd/test-kit/wait';

import { type LogRecord, ledctl, startLedd } from '../daemon/harness.js';
import { type Bridge, type Broker, Recorder, retained, startBridge, startBroker, stateOf } from './harness.js';

const NODE = 'storm';
const PUBLISHER = 'storm-publisher';
const COMMANDS_PER_ROUND = 45;
const OUTAGE_KINDS = ['broker SIGTERM', 'broker SIGKILL', 'bridge SIGKILL'] as const;
type OutageKind = (typeof OUTAGE_KINDS)[number];

function roundsWanted(text: string | undefined): number {
  if (text === undefined || text === '') return 3;
  const rounds = Number(text);
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 1000)
    throw new Error(`LEDD_BRIDGE_STRESS_ROUNDS must be a whole number from 1 to 1000, not "${text}"`);
  return rounds;
}
const ROUNDS = roundsWanted(process.env.LEDD_BRIDGE_STRESS_ROUNDS);

/** A small seeded generator (mulberry32): a failing round can be run again as it was. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let x = Math.imul(state ^ (state >>> 15), 1 | state);
    x ^= x + Math.imul(x ^ (x >>> 7), 61 | x);
    return ((x ^ (x >>> 14)) >>> 0) / 2 ** 32;
  };
}

interface Sent {
  seq: number;
  round: number;
  state: 'ON' | 'OFF';
  /** The publisher's packet id, as mosquitto logs it ("Received PUBLISH from ... m12"). */
  mid: number | undefined;
  startedAt: number;
  ackedAt: number;
}

interface Outage {
  kind: OutageKind;
  at: number;
  /** The broker process that was stopped (an index into broker.instances). */
  instance?: number;
}

const RECEIVED_FROM_PUBLISHER = new RegExp(`Received PUBLISH from ${PUBLISHER} \\(d\\d, q1, r\\d, m(\\d+),`);

/**
 * The publisher's packet ids that a killed mosquitto received (and
 * acknowledged) after its last complete save, and that no later mosquitto received
 * again (the publisher sends again what it saw no PUBACK for): commands that
 * died with the broker, by its own log.
 */
function diedWithBroker(broker: Broker, outages: Outage[]): Set<number> {
  const taken = new Map<number, number>();
  broker.instances.forEach((instance, index) => {
    const lines = instance.log().trimEnd().split('\n');
    const killed = outages.some((outage) => outage.kind === 'broker SIGKILL' && outage.instance === index);
    // mosquitto logs a save as it begins it, and logs nothing else until it has
    // written it: a save is known complete only when a line follows it.
    const lastSave = lines.findLastIndex(
      (line, at) => line.includes('Saving in-memory database') && at < lines.length - 1,
    );
    lines.forEach((line, at) => {
      const mid = RECEIVED_FROM_PUBLISHER.exec(line)?.[1];
      if (mid === undefined) return;
      if (killed && at > lastSave) taken.set(Number(mid), index);
      else if ((taken.get(Number(mid)) ?? index) < index) taken.delete(Number(mid));
    });
  });
  return new Set(taken.keys());
}

function appliedSeqs(bridges: Bridge[]): { seq: number; dup: boolean }[] {
  return bridges.flatMap((bridge) =>
    bridge
      .records()
      .filter((record) => record.msg.startsWith('command applied'))
      .map((record) => ({
        seq: (JSON.parse(record.payload as string) as { seq: number }).seq,
        dup: record.dup === true,
      })),
  );
}

/** What each mosquitto of the round said of the bridge's deliveries, its sessions and its saves. */
function brokerExcerpt(broker: Broker, fromInstance: number): string {
  const wanted = new RegExp(
    `PUBLISH to test-|PUBACK from test-|PUBLISH from ${PUBLISHER}|Saving|connected from .* as test-|Client test-`,
  );
  return broker.instances
    .slice(fromInstance)
    .map(
      (instance, index) =>
        `mosquitto ${fromInstance + index}:\n` +
        instance
          .log()
          .split('\n')
          .filter((line) => wanted.test(line))
          .map((line) => `    ${line}`)
          .join('\n'),
    )
    .join('\n');
}

/** When each command was sent and acknowledged, each outage, and the bridges' log: what a failure needs. */
function timeline(sent: Sent[], outages: Outage[], records: LogRecord[]): string {
  const origin = sent[0]?.startedAt ?? 0;
  const lines = [
    ...sent.map(
      (entry) =>
        [
          entry.startedAt,
          `command ${entry.seq} (m${entry.mid}) sent, acknowledged at +${entry.ackedAt - origin} ms`,
        ] as const,
    ),
    ...outages.map(({ at, kind }) => [at, kind] as const),
    ...records
      .filter((record) => /broker|command|repeated|ledd's LEDs/.test(record.msg))
      .map(
        (record) =>
          [
            Number(record.time),
            `bridge: ${record.msg}` +
              (record.messageId === undefined ? '' : ` (m${String(record.messageId)}${record.dup ? ', dup' : ''})`) +
              (typeof record.payload === 'string' ? ` ${record.payload}` : ''),
          ] as const,
      ),
  ];
  return lines
    .sort((a, b) => a[0] - b[0])
    .map(([at, text]) => `  +${at - origin} ms ${text}`)
    .join('\n');
}

test(
  `${ROUNDS} round${ROUNDS === 1 ? '' : 's'} of commands through broker stops, broker kills and bridge kills: nothing acknowledged is lost`,
  { timeout: ROUNDS * 60_000 + 60_000 },
  async (t) => {
    const broker = await startBroker(t, { verbose: true });
    const ledd = await startLedd(t);
    const bridges = [startBridge(t, broker.url, ledd.key, NODE)];
    await bridges[0]!.ready();
    // A persistent session of its own, so that what it had in flight is sent again after the broker's return.
    const publisher = await Recorder.connect(t, broker.url, { clientId: PUBLISHER, clean: false });
    const sent: Sent[] = [];
    const outages: Outage[] = [];
    const records = (): LogRecord[] => bridges.flatMap((bridge) => bridge.records());
    const totals = { outages: 0, twice: 0, diedWithBroker: 0 };

    for (let round = 0; round < ROUNDS; round++) {
      const seed = 0x1ed + round;
      const draw = random(seed);
      const first = sent.length;
      const firstInstance = broker.instances.length - 1;
      // Each kind once, in a drawn order, at drawn points of the stream.
      const kinds = [...OUTAGE_KINDS].sort(() => draw() - 0.5);
      const points = [6, 18, 30].map((at) => first + at + Math.floor(draw() * 8));

      const stream = (async () => {
        for (let index = 0; index < COMMANDS_PER_ROUND; index++) {
          const seq = first + index;
          const state = seq % 2 === 0 ? 'ON' : 'OFF';
          const startedAt = Date.now();
          const ack = await publisher.client.publishAsync(`ledd/${NODE}/set`, JSON.stringify({ state, seq }), {
            qos: 1,
          });
          sent.push({ seq, round, state, mid: ack?.messageId, startedAt, ackedAt: Date.now() });
          await sleep(5 + Math.floor(draw() * 25));
        }
      })();
      for (const [index, kind] of kinds.entries()) {
        await waitFor(
          `command ${points[index]} acknowledged (round ${round}, seed ${seed})`,
          () => sent.length >= points[index]!,
          {
            timeoutMs: 60_000,
            intervalMs: 5,
          },
        );
        const outage: Outage = { kind, at: Date.now() };
        outages.push(outage);
        if (kind === 'bridge SIGKILL') {
          const bridge = bridges.at(-1)!;
          bridge.child.kill('SIGKILL');
          await bridge.child.exited.catch(() => undefined);
          await sleep(Math.floor(draw() * 300));
          bridges.push(startBridge(t, broker.url, ledd.key, NODE));
        } else {
          outage.instance = broker.instances.length - 1;
          await broker.stop(kind === 'broker SIGTERM' ? 'SIGTERM' : 'SIGKILL');
          await sleep(100 + Math.floor(draw() * 400));
          await broker.restart();
        }
      }
      await withTimeout(`round ${round}'s commands (seed ${seed})`, stream, 60_000);
      totals.outages += kinds.length;

      const roundSent = sent.slice(first);
      const died = diedWithBroker(broker, outages);
      const required = roundSent.filter((entry) => entry.mid === undefined || !died.has(entry.mid));
      const lost = (): Sent[] => {
        const applied = new Set(appliedSeqs(bridges).map(({ seq }) => seq));
        return required.filter(({ seq }) => !applied.has(seq));
      };
      try {
        await waitFor(`every command of round ${round} applied`, () => lost().length === 0, { timeoutMs: 30_000 });
      } catch {
        assert.fail(
          `round ${round} (seed ${seed}): ${lost().length} acknowledged command(s) lost by the bridge: ` +
            `${lost()
              .map(({ seq, mid }) => `${seq} (m${mid})`)
              .join(', ')}\n${timeline(roundSent, outages, records())}\n${brokerExcerpt(broker, firstInstance)}`,
        );
      }
      // Redeliveries still on their way would show within a moment.
      await sleep(300);
      const applied = appliedSeqs(bridges).filter(({ seq }) => seq >= first);
      totals.twice += roundSent.filter(({ seq }) => applied.filter((entry) => entry.seq === seq).length > 1).length;
      const missing = roundSent.filter(({ seq }) => !applied.some((entry) => entry.seq === seq)).length;
      totals.diedWithBroker += missing;
      const last = roundSent.at(-1)!;
      assert.ok(!died.has(last.mid!), 'the last command of a round comes after its outages');
      await waitFor(`round ${round}: the LED shows its last command, ${last.state}`, async () =>
        (await ledctl(ledd.key, ['status'])).stdout.startsWith(`LED is ${last.state}\n`),
      );
      t.diagnostic(
        `round ${round} (seed ${seed}): ${roundSent.length} commands, outages ${kinds.join(', ')}; ` +
          `${required.length} required, all applied; ${missing} died with the broker (its log)`,
      );
    }

    const applied = appliedSeqs(bridges);
    const firsts = applied.map(({ seq }) => seq).filter((seq, index, all) => all.indexOf(seq) === index);
    assert.deepEqual(
      firsts,
      [...firsts].sort((a, b) => a - b),
      'first applied in the order sent',
    );
    t.diagnostic(
      `${ROUNDS} rounds: ${sent.length} commands acknowledged, ${totals.outages} outages, ` +
        `0 lost by the bridge, ${totals.diedWithBroker} died with the broker (by its log), ` +
        `${totals.twice} applied twice (redelivered), ${bridges.length - 1} bridge restarts`,
    );

    // Each bridge connected to the session the broker kept across its restarts.
    const connects = records().filter((record) => record.msg === 'connected to the broker');
    assert.ok(
      connects.some((record) => record.sessionPresent === true),
      'the session survived',
    );
    const last = sent.at(-1)!;
    await waitFor('the last state retained', async () => {
      const text = await retained(t, broker.url, `ledd/${NODE}/state`, 300);
      return text !== undefined && stateOf(text).state === last.state;
    });
    assert.equal(await retained(t, broker.url, `ledd/${NODE}/availability`), 'online');
    assert.ok(await retained(t, broker.url, `homeassistant/light/${NODE}/led/config`), 'discovery republished');
  },
);

test('a command redelivered after the connection broke before its acknowledgement is applied again: the LED shows it', async (t) => {
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
  await waitFor('the redelivery applied', () =>
    bridge.records().some((record) => record.msg.startsWith('command applied') && record.dup === true),
  );
  const applied = bridge.records().filter((record) => record.msg.startsWith('command applied'));
  assert.deepEqual(
    applied.map((record) => [record.messageId, record.dup]),
    [
      [applied[0]!.messageId, false],
      [applied[0]!.messageId, true],
    ],
    'the delivery, then its redelivery (the same packet id, flagged dup)',
  );
  assert.match((await ledctl(ledd.key, ['status'])).stdout, /^LED is ON\n/);
  assert.equal(await retained(t, broker.url, 'ledd/echo/state').then((text) => stateOf(text!).state), 'ON');
});
