// The bridge's pure parts: command payloads, configuration, duplicate
// deliveries, the payloads it publishes; and its command line as a user meets it.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { parseCommand } from '../../bridge/commands.js';
import { parseCommandLine, sanitiseNodeId } from '../../bridge/config.js';
import { RecentIds } from '../../bridge/duplicates.js';
import { EFFECT_NAMES, effectFor } from '../../bridge/effects.js';
import { discoveryPayload, statePayload, topicsFor } from '../../bridge/topics.js';
import { UsageError } from '../../common/flags.js';
import { tempDir } from '../daemon/harness.js';
import { runChild } from '../helpers/process.js';
import { BRIDGE } from './harness.js';

const parse = (text: string) => parseCommand(Buffer.from(text));

test('commands: Home Assistant JSON light payloads become ledd requests', () => {
  assert.deepEqual(parse('{"state":"ON"}'), { ok: true, command: { verb: 'ON' } });
  assert.deepEqual(parse('{"state":"off"}'), { ok: true, command: { verb: 'OFF' } });
  assert.deepEqual(parse('{"state":"OFF","effect":"heartbeat"}'), { ok: true, command: { verb: 'OFF' } });
  assert.deepEqual(parse('{"state":"ON","brightness":255,"transition":2}'), { ok: true, command: { verb: 'ON' } });
  const heartbeat = parse('{"state":"ON","effect":"heartbeat"}');
  assert.ok(heartbeat.ok);
  assert.equal(heartbeat.command.verb, 'HEARTBEAT');
  assert.equal(heartbeat.command.effect, 'heartbeat');
  const fast = parse('{"state":"ON","effect":"fast blink"}');
  assert.ok(fast.ok);
  assert.equal(fast.command.verb, 'BLINK');
  assert.deepEqual(
    fast.command.pattern?.steps.map((step) => step.ms),
    [100, 100],
  );
  const flash = parse('{"effect":"flash"}');
  assert.ok(flash.ok && flash.command.pattern?.repeat === 3 && flash.command.pattern.then === true);
});

test('commands: every refusal says what was wrong', () => {
  const problems: [string, RegExp][] = [
    ['', /is not JSON/],
    ['ON', /"ON" is not JSON/],
    ['null', /not a JSON object/],
    ['"ON"', /not a JSON object/],
    ['{"state":true}', /"state" must be "ON" or "OFF"/],
    ['{"state":"DIM"}', /"state":"DIM" is not ON or OFF/],
    ['{"state":"ON","effect":7}', /"effect" must be a string/],
    ['{"state":"ON","effect":"strobe"}', /the effect "strobe" is unknown; use one of blink, fast blink/],
    ['{"brightness":3}', /neither "state" nor "effect"/],
    [`{"state":"ON","x":"${'y'.repeat(2000)}"}`, /more than 1024/],
    ['\u0000\u0001', /is not JSON/],
  ];
  for (const [payload, expected] of problems) {
    const result = parse(payload);
    assert.equal(result.ok, false, payload);
    assert.match((result as { problem: string }).problem, expected);
    assert.doesNotMatch((result as { problem: string }).problem, /\n/, 'one line');
  }
});

test('effects: the name published for what ledd plays', () => {
  assert.equal(effectFor(undefined, 'heartbeat'), null);
  assert.equal(effectFor('heartbeat', undefined), 'heartbeat');
  assert.equal(effectFor('blink', 'fast blink'), 'fast blink');
  assert.equal(effectFor('blink', 'heartbeat'), 'blink', 'another kind of pattern than the one asked for');
  assert.equal(effectFor('pattern', undefined), 'pattern');
  // ledd keeps the label the bridge gave the effect's pattern: after a restart of either, the name is still there.
  assert.equal(effectFor('blink', undefined, 'fast blink'), 'fast blink');
  assert.equal(effectFor('blink', 'blink', 'slow blink'), 'slow blink');
  assert.equal(effectFor('pattern', undefined, 'not an effect'), 'pattern');
  assert.equal(effectFor(undefined, undefined, 'fast blink'), null);
  for (const name of ['blink', 'fast blink', 'heartbeat']) assert.ok(EFFECT_NAMES.includes(name));
});

test('duplicates: a redelivery (dup, same id) is recognised, a reused id is a new command', () => {
  const recent = new RecentIds(3);
  assert.equal(recent.isRepeat(1, false), false);
  assert.equal(recent.isRepeat(1, true), true, 'redelivered');
  assert.equal(recent.isRepeat(1, false), false, 'the id reused after the PUBACK: a new command');
  assert.equal(recent.isRepeat(2, true), false, 'dup of a message never seen (sent before a restart)');
  assert.equal(recent.isRepeat(undefined, true), false, 'QoS 0 has no id');
  for (const id of [3, 4, 5]) recent.isRepeat(id, false);
  assert.equal(recent.isRepeat(1, true), false, 'forgotten beyond the limit');
});

test('topics and payloads', () => {
  const topics = topicsFor({ topicPrefix: 'home/leds', nodeId: 'pi5', discoveryPrefix: 'ha' });
  assert.deepEqual(topics, {
    state: 'home/leds/pi5/state',
    set: 'home/leds/pi5/set',
    availability: 'home/leds/pi5/availability',
    discovery: 'ha/light/pi5/led/config',
    haStatus: 'ha/status',
  });
  assert.deepEqual(JSON.parse(statePayload({ state: 'ON', effect: 'heartbeat' })), {
    state: 'ON',
    effect: 'heartbeat',
    color_mode: 'onoff',
  });
  const config = JSON.parse(
    discoveryPayload('pi5', topics, {
      hostname: 'pi5',
      model: 'Raspberry Pi 5 GPIO17',
      manufacturer: 'x',
      version: '1.2.3',
    }),
  ) as Record<string, unknown>;
  assert.equal(config.unique_id, 'ledd_pi5_led');
  assert.equal(config.command_topic, 'home/leds/pi5/set');
  assert.deepEqual((config.device as Record<string, unknown>).identifiers, ['ledd_pi5']);
});

test('config: defaults, environment, flags winning', () => {
  const parsed = parseCommandLine([], {}, 'my.pi-5');
  assert.equal(parsed.kind, 'run');
  const config = (parsed as { config: ReturnType<typeof Object> }).config as Record<string, unknown>;
  assert.equal(config.brokerUrl, 'mqtt://localhost:1883');
  assert.equal(config.clientId, 'ledd-my_pi-5');
  assert.equal(config.nodeId, 'my_pi-5');
  assert.equal(config.topicPrefix, 'ledd');
  assert.equal(config.discoveryPrefix, 'homeassistant');
  assert.equal(config.key, 1234);
  assert.equal(config.password, undefined);
  const fromEnv = parseCommandLine(
    ['--node-id', 'flag'],
    { LEDD_MQTT_NODE_ID: 'env', LEDD_KEY: '0x10', LEDD_MQTT_BROKER: 'mqtts://b:8883' },
    'h',
  );
  assert.ok(fromEnv.kind === 'run');
  assert.equal(fromEnv.config.nodeId, 'flag');
  assert.equal(fromEnv.config.key, 16);
  assert.equal(fromEnv.config.brokerUrl, 'mqtts://b:8883');
  assert.equal(sanitiseNodeId('a b.c/d'), 'a_b_c_d');
});

test('config: secrets only from files', (t) => {
  const directory = tempDir(t);
  const file = path.join(directory, 'password');
  writeFileSync(file, 'hunter2\n');
  const parsed = parseCommandLine(['--username', 'u', '--password-file', file], {}, 'h');
  assert.ok(parsed.kind === 'run');
  assert.equal(parsed.config.password, 'hunter2', 'the trailing newline is not part of it');
  writeFileSync(path.join(directory, 'mqtt-password'), 'from-systemd');
  const credential = parseCommandLine(['--username', 'u'], { CREDENTIALS_DIRECTORY: directory }, 'h');
  assert.ok(credential.kind === 'run');
  assert.equal(credential.config.password, 'from-systemd');
  assert.throws(() => parseCommandLine(['--password', 'x'], {}, 'h'), /--password is not accepted: .*--password-file/);
  assert.throws(() => parseCommandLine(['--password=x'], {}, 'h'), /--password is not accepted/);
  assert.throws(
    () => parseCommandLine([], { LEDD_MQTT_PASSWORD: 'x' }, 'h'),
    /LEDD_MQTT_PASSWORD is not accepted: .*FILE/,
  );
  assert.throws(() => parseCommandLine(['--password-file', file], {}, 'h'), /needs a user name too \(--username\)/);
});

test('config: every bad value names its flag and the accepted form', (t) => {
  const directory = tempDir(t);
  const cases: [string[], RegExp][] = [
    [
      ['--broker', 'http://x'],
      /^--broker \(LEDD_MQTT_BROKER\): "http:\/\/x" is not valid; the scheme must be mqtt:\/\/ or mqtts:\/\//,
    ],
    [['--broker', 'localhost'], /^--broker .*give a URL such as mqtt:\/\/localhost/],
    [['--broker', 'mqtt://u:p@host'], /^--broker .*no user or password in the URL/],
    [['--broker', 'mqtt://host/path'], /^--broker .*no path/],
    [['--topic-prefix', 'a/+/b'], /^--topic-prefix \(LEDD_MQTT_TOPIC_PREFIX\): .*topic levels/],
    [['--topic-prefix', '/ledd'], /^--topic-prefix/],
    [['--discovery-prefix', 'ha#'], /^--discovery-prefix/],
    [['--node-id', 'a.b'], /^--node-id \(LEDD_MQTT_NODE_ID\): .*letters, digits/],
    [['--client-id', 'a b'], /^--client-id .*without spaces/],
    [['--key', 'nope'], /^--key \(LEDD_KEY\)/],
    [['--reconnect-max', '0'], /^--reconnect-max .*from 1 to 3600/],
    [['--log-level', 'loud'], /^--log-level .*use one of fatal, error/],
    [['--log-format', 'pretty'], /^--log-format .*use one of auto, json, journal/],
    [['--ca-file', '/etc/hostname'], /^--ca-file .*need an mqtts:\/\/ broker URL/],
    [
      ['--broker', 'mqtts://h', '--ca-file', path.join(directory, 'missing.pem')],
      /^--ca-file .*cannot read it \(ENOENT\)/,
    ],
    [['--broker', 'mqtts://h', '--cert-file', '/etc/hostname'], /^--cert-file .*needs both --cert-file and --key-file/],
    [['--username', 'u', '--password-file', path.join(directory, 'none')], /^--password-file .*cannot read it/],
    [['--frobnicate'], /unknown option --frobnicate/],
    [['extra'], /unexpected argument "extra"/],
  ];
  for (const [argv, expected] of cases) {
    assert.throws(
      () => parseCommandLine(argv, {}, 'h'),
      (error: Error) => error instanceof UsageError && expected.test(error.message) && !error.message.includes('\n'),
      argv.join(' '),
    );
  }
});

test('ledd-mqtt --help, --version, and a bad value exit 2 with one line on stderr', async () => {
  const help = await runChild(process.execPath, [BRIDGE, '--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /^Usage: ledd-mqtt/);
  assert.match(help.stdout, /--password-file FILE/);
  assert.match(help.stdout, /4 the broker refused the login/);
  const version = await runChild(process.execPath, [BRIDGE, '--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^ledd-mqtt \d+\.\d+\.\d+\n$/);
  const bad = await runChild(process.execPath, [BRIDGE, '--broker', 'ftp://x']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stdout, '');
  assert.match(bad.stderr, /^ledd-mqtt: --broker \(LEDD_MQTT_BROKER\): "ftp:\/\/x" is not valid; .*\n$/);
  const secret = await runChild(process.execPath, [BRIDGE], { env: { ...process.env, LEDD_MQTT_PASSWORD: 'x' } });
  assert.equal(secret.code, 2);
  assert.match(secret.stderr, /^ledd-mqtt: LEDD_MQTT_PASSWORD is not accepted: .*\n$/);
});
