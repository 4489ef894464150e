// Home Assistant discovery and availability, against a real mosquitto, a real
// ledd (simulated LED) and the real ledd-mqtt.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { startLedd } from '../daemon/harness.js';
import { Recorder, retained, startBridge, startBroker } from './harness.js';

/** Checks the keys Home Assistant's MQTT light (JSON schema) reads, and their types. */
function assertLightConfig(config: Record<string, unknown>, nodeId: string): void {
  assert.equal(config.schema, 'json');
  for (const key of ['unique_id', 'name', 'command_topic', 'state_topic', 'availability_topic']) {
    assert.equal(typeof config[key], 'string', `${key} is a string`);
  }
  assert.equal(config.command_topic, `ledd/${nodeId}/set`);
  assert.equal(config.state_topic, `ledd/${nodeId}/state`);
  assert.equal(config.availability_topic, `ledd/${nodeId}/availability`);
  assert.equal(config.payload_available, 'online');
  assert.equal(config.payload_not_available, 'offline');
  assert.deepEqual(config.supported_color_modes, ['onoff']);
  assert.equal(config.effect, true);
  assert.ok(Array.isArray(config.effect_list), 'effect_list is a list');
  for (const effect of ['blink', 'fast blink', 'heartbeat'])
    assert.ok((config.effect_list as string[]).includes(effect));
  assert.ok((config.effect_list as unknown[]).every((effect) => typeof effect === 'string'));
  assert.equal(config.qos, 1);
  assert.equal(config.retain, false, 'commands are not retained: a stale one would replay at every connect');
  const device = config.device as Record<string, unknown>;
  assert.equal(typeof device, 'object');
  assert.ok(Array.isArray(device.identifiers) && device.identifiers.length > 0);
  for (const key of ['name', 'manufacturer', 'model', 'sw_version']) assert.equal(typeof device[key], 'string', key);
  assert.match(device.model as string, / GPIO17$/);
  assert.match(device.sw_version as string, /^\d+\.\d+\.\d+/);
}

test('discovery is retained, republished on Home Assistant birth; availability online, then offline by the last will', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t);
  const bridge = startBridge(t, broker.url, ledd.key, 'disco');
  await bridge.ready();
  const configTopic = 'homeassistant/light/disco/led/config';

  const text = await retained(t, broker.url, configTopic);
  assert.ok(text, 'a retained discovery config');
  const config = JSON.parse(text) as Record<string, unknown>;
  assertLightConfig(config, 'disco');
  assert.equal(config.unique_id, 'ledd_disco_led');

  const viewer = await Recorder.connect(t, broker.url);
  await viewer.subscribe('homeassistant/light/#');
  await viewer.subscribe('ledd/disco/#');
  assert.equal(
    (await viewer.waitFor('ledd/disco/availability', (payload) => payload === 'online')).retain,
    true,
    'availability is retained',
  );
  const from = viewer.messages.length;
  await viewer.publish('homeassistant/status', 'online');
  const again = await viewer.waitFor(configTopic, () => true, from);
  assert.deepEqual(JSON.parse(again.payload), config, 'the same config, published again after the birth message');
  await viewer.waitFor('ledd/disco/state', (payload) => JSON.parse(payload).state === 'OFF', from);
  await viewer.waitFor('ledd/disco/availability', (payload) => payload === 'online', from);
  await bridge.waitLog(/Home Assistant is online/);

  const beforeKill = viewer.messages.length;
  bridge.child.kill('SIGKILL');
  await bridge.child.wait();
  // The broker notices the dead connection at once (the socket closes) and publishes the will.
  await viewer.waitFor('ledd/disco/availability', (payload) => payload === 'offline', beforeKill);
  assert.equal(await retained(t, broker.url, 'ledd/disco/availability'), 'offline', 'the will is retained');
});

test('a clean stop publishes offline itself and exits 0', async (t) => {
  const broker = await startBroker(t);
  const ledd = await startLedd(t);
  const bridge = startBridge(t, broker.url, ledd.key, 'stopper');
  await bridge.ready();
  assert.equal(await retained(t, broker.url, 'ledd/stopper/availability'), 'online');
  bridge.child.kill('SIGTERM');
  const result = await bridge.child.wait();
  assert.equal(result.code, 0, bridge.child.describe());
  assert.equal(await retained(t, broker.url, 'ledd/stopper/availability'), 'offline');
});
