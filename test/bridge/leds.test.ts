// Several LEDs: one Home Assistant light each, in one device; each switched
// alone; bad commands refused in one line; the lights of LEDs that left
// ledd's configuration cleared, and ledd-mqtt --remove leaving nothing of
// the node at the broker. Real mosquitto, real ledd (simulated LEDs), the real ledd-mqtt.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';

import { ledctl, startLedd } from '../daemon/harness.js';
import { BRIDGE, Recorder, retained, startBridge, startBroker, stateOf } from './harness.js';

const THREE_LEDS = ['--led', 'red=GPIO5', '--led', 'green=GPIO6,active-low', '--led', 'blue=GPIO13'];
const COLOURS = ['red', 'green', 'blue'] as const;

async function ledStates(key: number): Promise<Record<string, string>> {
  const result = await ledctl(key, ['list', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const leds = JSON.parse(result.stdout) as { name: string; led: string }[];
  return Object.fromEntries(leds.map((led) => [led.name, led.led]));
}

/** Every retained message a fresh subscriber to `filter` gets within `ms`. */
async function retainedUnder(t: Parameters<typeof Recorder.connect>[0], url: string, filter: string, ms = 1000) {
  const recorder = await Recorder.connect(t, url);
  await recorder.subscribe(filter);
  await new Promise((resolve) => setTimeout(resolve, ms));
  await recorder.client.endAsync(true);
  return recorder.messages.filter((message) => message.retain);
}

test('three LEDs: three lights in one device, the model naming their lines; each switched alone', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t, { args: THREE_LEDS });
  const bridge = startBridge(t, broker.url, ledd.key, 'trio');
  await bridge.ready();

  const configs = new Map<string, Record<string, unknown>>();
  for (const led of COLOURS) {
    const text = await retained(t, broker.url, `homeassistant/light/trio/${led}/config`);
    assert.ok(text, `a discovery config for ${led}`);
    configs.set(led, JSON.parse(text) as Record<string, unknown>);
  }
  const devices = new Set<string>();
  for (const [led, config] of configs) {
    assert.equal(config.unique_id, `ledd_trio_${led}`);
    assert.equal(config.name, `LED ${led}`);
    assert.equal(config.command_topic, `ledd/trio/${led}/set`);
    assert.equal(config.state_topic, `ledd/trio/${led}/state`);
    assert.equal(config.availability_topic, 'ledd/trio/availability');
    assert.equal(config.flash, true);
    assert.equal(config.flash_time_short, 2);
    assert.equal(config.flash_time_long, 10);
    assert.equal(config.transition, false);
    assert.equal(config.brightness, false);
    devices.add(JSON.stringify(config.device));
  }
  assert.equal(devices.size, 1, 'one device for the three lights');
  const device = JSON.parse([...devices][0]!) as Record<string, unknown>;
  assert.deepEqual(device.identifiers, ['ledd_trio']);
  assert.match(
    device.model as string,
    / red simulated GPIO5, green simulated GPIO6 \(active-low\), blue simulated GPIO13$/,
    'the lines ledd reports, not a GPIO17 of its own',
  );
  assert.equal(await retained(t, broker.url, 'homeassistant/light/trio/led/config', 300), undefined);
  assert.equal(await retained(t, broker.url, 'ledd/trio/state', 300), undefined);

  const ha = await Recorder.connect(t, broker.url);
  await ha.subscribe('ledd/trio/#');
  for (const led of COLOURS) {
    await ha.waitFor(`ledd/trio/${led}/state`, (payload) => stateOf(payload).state === 'OFF');
  }
  for (const led of COLOURS) {
    const from = ha.messages.length;
    await ha.publish(`ledd/trio/${led}/set`, '{"state":"ON"}');
    await ha.waitFor(`ledd/trio/${led}/state`, (payload) => stateOf(payload).state === 'ON', from);
    const states = await ledStates(ledd.key);
    const lit = COLOURS.slice(0, COLOURS.indexOf(led) + 1);
    for (const other of COLOURS)
      assert.equal(states[other], lit.includes(other) ? 'on' : 'off', `${other} after ${led}`);
    const others = ha.messages.slice(from).filter((message) => message.topic.endsWith('/state'));
    assert.deepEqual(
      others.map((message) => message.topic),
      [`ledd/trio/${led}/state`],
      'only its own state is published',
    );
  }

  let from = ha.messages.length;
  await ha.publish('ledd/trio/green/set', '{"state":"ON","effect":"slow blink"}');
  await ha.waitFor('ledd/trio/green/state', (payload) => stateOf(payload).effect === 'slow blink', from);
  from = ha.messages.length;
  await ha.publish('ledd/trio/red/set', '{"state":"OFF"}');
  await ha.waitFor('ledd/trio/red/state', (payload) => stateOf(payload).state === 'OFF', from);
  const states = await ledStates(ledd.key);
  assert.equal(states.red, 'off');
  assert.equal(states.blue, 'on', 'blue untouched by the commands for the others');
  assert.match((await ledctl(ledd.key, ['--led', 'green', 'status'])).stdout, /playing "slow blink"/);

  // A change made beside the bridge reaches only that LED's state.
  from = ha.messages.length;
  assert.equal((await ledctl(ledd.key, ['--led', 'blue', 'off'])).code, 0);
  await ha.waitFor('ledd/trio/blue/state', (payload) => stateOf(payload).state === 'OFF', from);
});

test('three LEDs: bad commands, a flash with a bad value and a transition, are refused in one line each', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t, { args: THREE_LEDS });
  const bridge = startBridge(t, broker.url, ledd.key, 'picky');
  await bridge.ready();
  const ha = await Recorder.connect(t, broker.url);
  await ha.subscribe('ledd/picky/#');
  await ha.publish('ledd/picky/blue/set', '{"state":"ON"}');
  await ha.waitFor('ledd/picky/blue/state', (payload) => stateOf(payload).state === 'ON');

  const cases: [string, RegExp][] = [
    [
      '{"state":"ON","flash":"medium"}',
      /^command refused: "flash" must be "short" \(2 s\), "long" \(10 s\) or a number/,
    ],
    ['{"state":"ON","flash":0}', /^command refused: "flash" must be .*0 s is not: for= must be/],
    ['{"state":"ON","transition":1.5}', /^command refused: "transition" is not supported: the LED switches at once/],
  ];
  for (const [payload, expected] of cases) {
    const from = ha.messages.length;
    await ha.publish('ledd/picky/blue/set', payload);
    const line = await bridge.waitLog(expected);
    assert.equal(line.level, 40, 'a warning');
    assert.equal(line.led, 'blue');
    const again = await ha.waitFor('ledd/picky/blue/state', () => true, from);
    assert.deepEqual(stateOf(again.payload), { state: 'ON', effect: null }, `unchanged after ${payload}`);
  }
  // A set topic of no LED of ledd's.
  await ha.publish('ledd/picky/purple/set', '{"state":"ON"}');
  await bridge.waitLog(
    /^command on ledd\/picky\/purple\/set not applied: no LED of ledd's has this topic \(its LEDs: red, green, blue; ledctl list\)/,
  );
  assert.ok(bridge.child.running);
  assert.deepEqual(await ledStates(ledd.key), { red: 'off', green: 'off', blue: 'on' });
});

test('an LED taken out of ledd and the bridge restarted: its light is cleared, no ghost left', async (t) => {
  const broker = await startBroker(t);
  const first = await startLedd(t, { args: THREE_LEDS });
  const bridge = startBridge(t, broker.url, first.key, 'fewer');
  await bridge.ready();
  for (const led of COLOURS) assert.ok(await retained(t, broker.url, `homeassistant/light/fewer/${led}/config`));
  assert.ok(await retained(t, broker.url, 'ledd/fewer/blue/state'));
  bridge.child.kill('SIGTERM');
  assert.equal((await bridge.child.wait()).code, 0);
  first.child.kill('SIGTERM');
  await first.child.wait();

  // blue leaves ledd's configuration while no bridge runs.
  const second = await startLedd(t, {
    key: first.key,
    stateFile: first.stateFile,
    args: ['--led', 'red=GPIO5', '--led', 'green=GPIO6,active-low'],
  });
  const watcher = await Recorder.connect(t, broker.url);
  await watcher.subscribe('homeassistant/light/fewer/blue/config');
  await watcher.waitFor('homeassistant/light/fewer/blue/config', (payload) => payload !== '');
  const from = watcher.messages.length;
  const again = startBridge(t, broker.url, second.key, 'fewer');
  await again.ready();
  const cleared = await watcher.waitFor('homeassistant/light/fewer/blue/config', () => true, from);
  assert.equal(cleared.payload, '', 'an empty payload: Home Assistant removes the light');
  await again.waitLog(/^clearing ledd\/fewer\/blue\/state: /);
  const left = await retainedUnder(t, broker.url, '#');
  const topics = left.map((message) => message.topic).sort();
  assert.deepEqual(topics, [
    'homeassistant/light/fewer/green/config',
    'homeassistant/light/fewer/red/config',
    'ledd/fewer/availability',
    'ledd/fewer/green/state',
    'ledd/fewer/red/state',
  ]);
});

test('ledd-mqtt --remove: no retained topic of the node is left; refused while the bridge runs; one line without a broker', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t, { args: THREE_LEDS });
  const bridge = startBridge(t, broker.url, ledd.key, 'gone');
  await bridge.ready();
  // Another node's topics stay.
  const other = await Recorder.connect(t, broker.url);
  await other.publish('ledd/gone-too/state', '{"state":"ON"}', true);
  await other.publish('homeassistant/light/other/led/config', '{"name":"LED"}', true);
  t.after(async () => {
    await other.publish('ledd/gone-too/state', '', true).catch(() => undefined);
    await other.publish('homeassistant/light/other/led/config', '', true).catch(() => undefined);
  });
  const remove = (url = broker.url) =>
    runChild(process.execPath, [BRIDGE, '--remove', '--broker', url, '--node-id', 'gone', '--client-id', 'test-gone']);

  const refused = await remove();
  assert.equal(refused.code, 6, refused.stderr);
  assert.match(
    refused.stderr,
    /^ledd-mqtt: the bridge of node gone on .* is online .*stop it first .*nothing was removed\n$/,
  );
  assert.ok(await retained(t, broker.url, 'homeassistant/light/gone/red/config'), 'nothing removed');

  bridge.child.kill('SIGTERM');
  assert.equal((await bridge.child.wait()).code, 0);
  const done = await remove();
  assert.equal(done.code, 0, done.stderr);
  assert.match(
    done.stdout,
    /^ledd-mqtt: cleared 7 retained topics of node gone on mqtt:\/\/127\.0\.0\.1:\d+ \(.*\); its session there is ended\n$/,
  );
  const left = await retainedUnder(t, broker.url, '#');
  assert.deepEqual(
    left.map((message) => message.topic).sort(),
    ['homeassistant/light/other/led/config', 'ledd/gone-too/state'],
    "only the other nodes' topics",
  );
  const again = await remove();
  assert.equal(again.code, 0);
  assert.match(again.stdout, /^ledd-mqtt: nothing retained for node gone on /);

  await broker.stop('SIGTERM');
  const unreachable = await remove();
  assert.equal(unreachable.code, 5);
  assert.equal(unreachable.stdout, '');
  assert.match(
    unreachable.stderr,
    /^ledd-mqtt: cannot reach the broker mqtt:\/\/127\.0\.0\.1:\d+: .*; nothing was removed\n$/,
  );
});
