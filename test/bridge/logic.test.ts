// The bridge's pure parts: command payloads, configuration, duplicate
// deliveries, the payloads it publishes; and its command line as a user meets it.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';

import { parseCommand } from '../../bridge/commands.js';
import { parseCommandLine, sanitiseNodeId } from '../../bridge/config.js';
import { EFFECT_NAMES, effectFor } from '../../bridge/effects.js';
import { deviceModel } from '../../bridge/device.js';
import { discoveryPayload } from '../../bridge/discovery.js';
import { isFlashLabel, shownReport } from '../../bridge/flash.js';
import { ghostTopics, topicMatches } from '../../bridge/ghosts.js';
import { lightTopics, nodeTopics, statePayload } from '../../bridge/topics.js';
import { UsageError } from '../../common/flags.js';
import { tempDir } from '../helpers/temp-dir.js';
import { BRIDGE } from './harness.js';

const TIMES = { flashTimeShort: 2, flashTimeLong: 10 };
const parse = (text: string) => parseCommand(Buffer.from(text), TIMES);
/** The steps of a command that parses: verb, for= and label of each. */
const steps = (text: string) => {
  const result = parse(text);
  assert.ok(result.ok, `${text}: ${(result as { problem?: string }).problem}`);
  return result.command.steps.map((step) => ({
    verb: step.verb,
    ...(step.forMs !== undefined && { forMs: step.forMs }),
    ...(step.pattern?.label !== undefined && { label: step.pattern.label }),
  }));
};

test('commands: Home Assistant JSON light payloads become ledd requests', () => {
  assert.deepEqual(steps('{"state":"ON"}'), [{ verb: 'ON' }]);
  assert.deepEqual(steps('{"state":"off"}'), [{ verb: 'OFF' }]);
  assert.deepEqual(steps('{"state":"OFF","effect":"heartbeat"}'), [{ verb: 'OFF' }]);
  assert.deepEqual(steps('{"state":"ON","brightness":255}'), [{ verb: 'ON' }]);
  assert.deepEqual(steps('{"state":"ON","effect":"heartbeat"}'), [{ verb: 'HEARTBEAT', label: 'heartbeat' }]);
  const fast = parse('{"state":"ON","effect":"fast blink"}');
  assert.ok(fast.ok);
  assert.equal(fast.command.steps[0]!.verb, 'BLINK');
  assert.equal(fast.command.steps[0]!.effect, 'fast blink');
  assert.deepEqual(
    fast.command.steps[0]!.pattern?.steps.map((step) => step.ms),
    [100, 100],
  );
  const flash = parse('{"effect":"flash"}');
  assert.ok(flash.ok && flash.command.steps[0]!.pattern?.repeat === 3 && flash.command.steps[0]!.pattern.then === true);
});

test('commands: flash is a timed blink of flash_time_short or flash_time_long, alone or after OFF or an effect', () => {
  assert.deepEqual(steps('{"state":"ON","flash":"short"}'), [{ verb: 'BLINK', forMs: 2000, label: 'flash short' }]);
  assert.deepEqual(steps('{"state":"ON","flash":"LONG"}'), [{ verb: 'BLINK', forMs: 10_000, label: 'flash long' }]);
  // What Home Assistant sends: the discovery's flash time in seconds.
  assert.deepEqual(steps('{"state":"ON","flash":2}'), [{ verb: 'BLINK', forMs: 2000, label: 'flash short' }]);
  assert.deepEqual(steps('{"state":"ON","flash":10}'), [{ verb: 'BLINK', forMs: 10_000, label: 'flash long' }]);
  assert.deepEqual(steps('{"flash":0.5}'), [{ verb: 'BLINK', forMs: 500, label: 'flash 0.5s' }]);
  assert.deepEqual(steps('{"state":"OFF","flash":2}'), [
    { verb: 'OFF' },
    { verb: 'BLINK', forMs: 2000, label: 'flash short' },
  ]);
  assert.deepEqual(steps('{"state":"ON","effect":"heartbeat","flash":"short"}'), [
    { verb: 'HEARTBEAT', label: 'heartbeat' },
    { verb: 'BLINK', forMs: 2000, label: 'flash short' },
  ]);
  const times = parseCommand(Buffer.from('{"state":"ON","flash":"short"}'), { flashTimeShort: 3, flashTimeLong: 7 });
  assert.ok(times.ok);
  assert.equal(times.command.steps[0]!.forMs, 3000, 'the configured flash_time_short');
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
    [
      '{"state":"ON","flash":"medium"}',
      /"flash" must be "short" \(2 s\), "long" \(10 s\) or a number of seconds.*not "medium"/,
    ],
    ['{"state":"ON","flash":true}', /"flash" must be .*, not true/],
    ['{"state":"ON","flash":-1}', /"flash" must be .*-1 s is not: for= must be/],
    ['{"state":"ON","flash":1e9}', /"flash" must be .*s is not: for= must be/],
    ['{"state":"ON","transition":2}', /"transition" is not supported: .*"transition": false.*without it/],
    ['{"state":"OFF","transition":0}', /"transition" is not supported/],
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

test("topics: ledd's unnamed LED keeps the node-level topics; named LEDs get their own", () => {
  const config = { topicPrefix: 'home/leds', nodeId: 'pi5', discoveryPrefix: 'ha' };
  assert.deepEqual(nodeTopics(config), {
    availability: 'home/leds/pi5/availability',
    haStatus: 'ha/status',
    setFilters: ['home/leds/pi5/set', 'home/leds/pi5/+/set'],
    retainedFilters: ['home/leds/pi5/state', 'home/leds/pi5/+/state', 'ha/light/pi5/+/config'],
    everything: ['home/leds/pi5/#', 'ha/light/pi5/+/config'],
  });
  assert.deepEqual(lightTopics(config, 'led'), {
    led: 'led',
    state: 'home/leds/pi5/state',
    set: 'home/leds/pi5/set',
    discovery: 'ha/light/pi5/led/config',
  });
  assert.deepEqual(lightTopics(config, 'red'), {
    led: 'red',
    state: 'home/leds/pi5/red/state',
    set: 'home/leds/pi5/red/set',
    discovery: 'ha/light/pi5/red/config',
  });
  assert.deepEqual(JSON.parse(statePayload({ state: 'ON', effect: 'heartbeat' })), {
    state: 'ON',
    effect: 'heartbeat',
    color_mode: 'onoff',
  });
  const discovery = JSON.parse(
    discoveryPayload(
      'pi5',
      nodeTopics(config),
      lightTopics(config, 'red'),
      { hostname: 'pi5', model: 'Raspberry Pi 5 red GPIO5', manufacturer: 'x', version: '1.2.3' },
      { flashTimeShort: 3, flashTimeLong: 12 },
    ),
  ) as Record<string, unknown>;
  assert.equal(discovery.name, 'LED red');
  assert.equal(discovery.unique_id, 'ledd_pi5_red');
  assert.equal(discovery.command_topic, 'home/leds/pi5/red/set');
  assert.equal(discovery.availability_topic, 'home/leds/pi5/availability');
  assert.equal(discovery.flash, true);
  assert.equal(discovery.flash_time_short, 3);
  assert.equal(discovery.flash_time_long, 12);
  assert.equal(discovery.transition, false);
  assert.deepEqual((discovery.device as Record<string, unknown>).identifiers, ['ledd_pi5']);
});

test('ghosts: topic filters, and the retained topics no LED owns', () => {
  assert.ok(topicMatches('a/+/c', 'a/b/c'));
  assert.ok(!topicMatches('a/+/c', 'a/b/c/d'));
  assert.ok(!topicMatches('a/+', 'a'));
  assert.ok(topicMatches('a/#', 'a/b/c'));
  assert.ok(topicMatches('a/b', 'a/b'));
  assert.ok(!topicMatches('a/b', 'a/x'));
  const config = { topicPrefix: 'ledd', nodeId: 'pi', discoveryPrefix: 'homeassistant' };
  const retained = [
    'ledd/pi/red/state',
    'homeassistant/light/pi/red/config',
    'ledd/pi/blue/state',
    'homeassistant/light/pi/blue/config',
    'ledd/pi/state',
    'homeassistant/light/pi/led/config',
  ];
  assert.deepEqual(ghostTopics(retained, [lightTopics(config, 'red')]), retained.slice(2));
  assert.deepEqual(ghostTopics(retained, [lightTopics(config, 'led')]), retained.slice(0, 4));
});

test("device: the model names the board and the LEDs' lines as ledd reports them", () => {
  assert.equal(
    deviceModel('Raspberry Pi 5 Model B Rev 1.0', new Map([['led', 'GPIO17 on gpiochip4 line 17']])),
    'Raspberry Pi 5 Model B Rev 1.0 GPIO17',
  );
  assert.equal(deviceModel(undefined, new Map([['led', 'simulated GPIO17']])), 'Raspberry Pi 5 simulated GPIO17');
  assert.equal(
    deviceModel(
      'Raspberry Pi 5 Model B Rev 1.0',
      new Map([
        ['red', 'GPIO5 on gpiochip4 line 5'],
        ['green', 'GPIO6 on gpiochip4 line 6'],
      ]),
    ),
    'Raspberry Pi 5 Model B Rev 1.0 red GPIO5, green GPIO6',
  );
});

test("flash: while the bridge's flash plays, the state published is what the LED returns to", () => {
  const flashing = {
    name: 'red',
    state: 'ON' as const,
    pattern: { kind: 'blink' as const, cyclesLeft: null, then: 'off' as const, label: 'flash short' },
  };
  assert.deepEqual(shownReport({ ...flashing, timed: { until: 1, after: { kind: 'off' } } }), {
    name: 'red',
    state: 'OFF',
    pattern: null,
  });
  assert.deepEqual(
    shownReport({ ...flashing, timed: { until: 1, after: { kind: 'heartbeat', label: 'heartbeat' } } }),
    {
      name: 'red',
      state: 'ON',
      pattern: { kind: 'heartbeat', cyclesLeft: null, then: 'off', label: 'heartbeat' },
    },
  );
  // Not the bridge's flash (a timed blink from ledctl), or no timed state: as ledd reports it.
  const other = {
    ...flashing,
    pattern: { ...flashing.pattern, label: 'party' },
    timed: { until: 1, after: { kind: 'off' as const } },
  };
  assert.deepEqual(shownReport(other), other);
  assert.deepEqual(shownReport(flashing), flashing);
  assert.ok(isFlashLabel('flash long') && isFlashLabel('flash 2.5s') && !isFlashLabel('flash'));
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
  assert.equal(config.flashTimeShort, 2);
  assert.equal(config.flashTimeLong, 10);
  const flash = parseCommandLine(['--flash-time-short', '1'], { LEDD_MQTT_FLASH_TIME_LONG: '30' }, 'h');
  assert.ok(flash.kind === 'run');
  assert.deepEqual([flash.config.flashTimeShort, flash.config.flashTimeLong], [1, 30]);
  assert.equal(parseCommandLine(['--remove'], {}, 'h').kind, 'remove');
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
    [
      ['--flash-time-short', '0'],
      /^--flash-time-short \(LEDD_MQTT_FLASH_TIME_SHORT\): .*whole seconds from 1 to 86400/,
    ],
    [['--flash-time-long', '1.5'], /^--flash-time-long .*whole seconds/],
    [['--flash-time-short', '20'], /^--flash-time-short .*cannot last longer than a long one \(--flash-time-long 10\)/],
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
  assert.match(help.stdout, /--remove +take this node off the broker/);
  assert.match(help.stdout, /--flash-time-short S .*\n.*LEDD_MQTT_FLASH_TIME_SHORT, default 2/);
  assert.match(help.stdout, /5 --remove only: the broker could not be\s+reached/);
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
  const socks = await runChild(process.execPath, [BRIDGE], {
    env: { ...process.env, MQTTJS_SOCKS_PROXY: 'socks5://127.0.0.1:1080' },
  });
  assert.equal(socks.code, 2, socks.stderr);
  assert.match(
    socks.stderr,
    /^ledd-mqtt: MQTTJS_SOCKS_PROXY is set \(socks5:\/\/127\.0\.0\.1:1080\), but ledd-mqtt connects to the broker directly, never through a SOCKS proxy: unset it\n$/,
  );
});

test('the ledd-mqtt bundle leaves out the parts of MQTT.js it never runs, and says so if one is reached', () => {
  const bundle = readFileSync(BRIDGE, 'utf8');
  // esbuild heads each module it bundles with a comment naming its file.
  for (const package_ of ['ws', 'socks', 'worker-timers'])
    assert.ok(!bundle.includes(`// node_modules/${package_}/`), `${package_} is in ${BRIDGE}`);
  for (const missing of ['MQTT over WebSockets', 'a SOCKS proxy'])
    assert.match(bundle, new RegExp(`ledd-mqtt does not support ${missing}`));
  for (const kept of ['mqtt/build/lib/connect/tcp.js', 'mqtt/build/lib/connect/tls.js', 'mqtt-packet/'])
    assert.ok(bundle.includes(`// node_modules/${kept}`), `${kept} is missing from ${BRIDGE}`);
});
