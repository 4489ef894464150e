// The request and reply formats (protocol/): pure logic.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { REPLY_TYPE_BASE, REPLY_TYPE_MAX, REQUEST_TYPE_MAX } from '../../protocol/constants.js';
import { formatError, formatOk, parseReply } from '../../protocol/reply.js';
import { blinkSpec, heartbeatSpec } from '../../protocol/pattern.js';
import { formatRequest, parseRequest } from '../../protocol/request.js';
import {
  formatLedReports,
  type LedReport,
  ledReportsOf,
  type LedSelector,
  parseLedReports,
} from '../../protocol/leds.js';

const bytes = (text: string): Buffer => Buffer.from(text, 'latin1');

test('the chapter forms: type 1 ON/OFF in any case, with or without NUL; type 2 with any text', () => {
  for (const [text, verb] of [
    ['ON\0', 'ON'],
    ['OFF', 'OFF'],
    ['on \r\n', 'ON'],
    ['Off\0junk', 'OFF'],
  ] as const) {
    assert.deepEqual(parseRequest(1, bytes(text)), { ok: true, request: { verb } });
  }
  assert.deepEqual(parseRequest(2, bytes('')), { ok: true, request: { verb: 'EXIT' } });
  assert.deepEqual(parseRequest(2, bytes('Goodbye, server\0')), { ok: true, request: { verb: 'EXIT' } });
});

test('our form carries a reply address and an id', () => {
  const replyType = REPLY_TYPE_BASE + 4242;
  const text = formatRequest('TOGGLE', replyType, 'a1b2');
  assert.deepEqual(parseRequest(1, bytes(text)), { ok: true, request: { verb: 'TOGGLE', replyType, id: 'a1b2' } });
  assert.deepEqual(parseRequest(2, bytes(`EXIT reply=${replyType} id=z`)), {
    ok: true,
    request: { verb: 'EXIT', replyType, id: 'z' },
  });
});

test('rejections say what was wrong and keep the address for an error reply', () => {
  const replyType = REPLY_TYPE_BASE + 7;
  const cases: [number | bigint, Buffer, string, RegExp][] = [
    [9, bytes('ON'), 'BAD_TYPE', /message type 9 is not a request/],
    [2n ** 40n, bytes('ON'), 'BAD_TYPE', /message type 1099511627776/],
    [1, Buffer.alloc(300, 0x41), 'TOO_LONG', /at most 256 bytes/],
    [1, Buffer.from([0x4f, 0x4e, 0xff]), 'NOT_TEXT', /not printable ASCII/],
    [
      1,
      bytes(`FLASH reply=${replyType}`),
      'BAD_COMMAND',
      /"FLASH" is not a command: send ON, OFF, TOGGLE, STATUS, BLINK, HEARTBEAT, PATTERN, WATCH or UNWATCH/,
    ],
    [1, bytes('BLINK on=5'), 'BAD_OPTION', /on= must be a whole number of milliseconds from 10 to 3600000, not 5/],
    [1, bytes('BLINK on=fast'), 'BAD_OPTION', /on=fast is not a whole number/],
    [1, bytes('BLINK count=-1'), 'BAD_OPTION', /count=-1 must be 0 \(forever\) to 1000000/],
    [1, bytes('BLINK repeat=3'), 'BAD_OPTION', /BLINK takes on=, off=, count=, then=, label=, not repeat=/],
    [1, bytes('BLINK then=maybe'), 'BAD_OPTION', /then=maybe is not on or off/],
    [1, bytes('HEARTBEAT 1:100'), 'BAD_OPTION', /unexpected "1:100" after HEARTBEAT/],
    [1, bytes('PATTERN'), 'BAD_OPTION', /PATTERN takes one list of steps/],
    [1, bytes('PATTERN 1:100,2:100'), 'BAD_OPTION', /step "2:100" is not LEVEL:MS/],
    [1, bytes('PATTERN 1:100 repeat=0'), 'BAD_OPTION', /repeat count must be -1 \(forever\) or 1 to 1000000, not 0/],
    [1, bytes(`PATTERN ${Array(17).fill('1:10').join(',')}`), 'BAD_OPTION', /1 to 16 steps, not 17/],
    [1, bytes(''), 'BAD_COMMAND', /an empty command/],
    [1, bytes(`ON please reply=${replyType}`), 'BAD_OPTION', /unexpected "please"/],
    [1, bytes('ON reply=5'), 'BAD_OPTION', /reply=5 is not a reply type/],
    [1, bytes(`ON reply=${replyType} id=${'x'.repeat(20)}`), 'BAD_OPTION', /is not 1 to 16 letters/],
  ];
  for (const [type, data, code, reason] of cases) {
    const result = parseRequest(type, data);
    assert.equal(result.ok, false);
    if (result.ok) continue;
    assert.equal(result.rejection.code, code);
    assert.match(result.rejection.reason, reason);
  }
  const addressed = parseRequest(1, bytes(`FLASH reply=${replyType} id=q`));
  assert.ok(!addressed.ok && addressed.rejection.replyType === replyType && addressed.rejection.id === 'q');
});

test('pattern requests round-trip: what ledctl sends is what ledd reads', () => {
  const replyType = REPLY_TYPE_BASE + 99;
  const specs = [
    blinkSpec(500, 500, 0, false),
    blinkSpec(20, 3_600_000, 1_000_000, true),
    heartbeatSpec(),
    {
      name: 'pattern' as const,
      steps: Array.from({ length: 16 }, (_, index) => ({ levels: [index % 2 === 0], ms: 3_600_000 })),
      repeat: -1,
      then: true,
    },
    // An 8-LED chase: a level for each LED in every step.
    {
      name: 'pattern' as const,
      steps: Array.from({ length: 8 }, (_, step) => ({
        levels: Array.from({ length: 8 }, (_, led) => led === step),
        ms: 50,
      })),
      repeat: 3,
      then: false,
      label: 'chase',
    },
    { ...blinkSpec(100, 100, 0, false), label: 'fast blink' },
    { ...heartbeatSpec(true), label: 'alive' },
  ];
  for (const spec of specs) {
    const verb = spec.name.toUpperCase() as 'BLINK' | 'HEARTBEAT' | 'PATTERN';
    const text = formatRequest(verb, replyType, 'p1', { pattern: spec });
    assert.ok(text.length < 256, `${text.length} bytes fit the chapter's text[256]`);
    assert.deepEqual(parseRequest(1, bytes(text)), {
      ok: true,
      request: { verb, pattern: spec, replyType, id: 'p1' },
    });
  }
  assert.deepEqual(parseRequest(1, bytes('blink\0')), {
    ok: true,
    request: { verb: 'BLINK', pattern: blinkSpec(500, 500, 0, false) },
  });
});

test('reply types stay clear of requests and inside a 32-bit long', () => {
  assert.ok(REQUEST_TYPE_MAX < REPLY_TYPE_BASE);
  assert.ok(REPLY_TYPE_MAX <= 2 ** 31 - 1);
  assert.ok(REPLY_TYPE_BASE + 1 > 2, 'a client with PID 1 in its own namespace does not collide with type 2');
});

test('replies round-trip and fit the chapter buffer', () => {
  const ok = formatOk('id9', 'ON', { backend: 'sim', line: 'simulated GPIO17' });
  assert.deepEqual(parseReply(bytes(`${ok}\0`)), {
    id: 'id9',
    ok: true,
    state: 'ON',
    fields: { backend: 'sim', line: 'simulated_GPIO17' },
  });
  assert.deepEqual(parseReply(bytes(formatError(undefined, 'GPIO', 'line busy'))), {
    id: '-',
    ok: false,
    code: 'GPIO',
    message: 'line busy',
  });
  assert.ok(formatError('a', 'X', 'y'.repeat(400)).length <= 255);
  assert.equal(parseReply(bytes('nonsense')), null);
});

test('led= names one LED, several or all; once, in any place after the verb; the rest refused with why', () => {
  const replyType = REPLY_TYPE_BASE + 9;
  const cases: [string, LedSelector][] = [
    ['ON led=status', { kind: 'names', names: ['status'] }],
    ['off led=a,b-2,c_3', { kind: 'names', names: ['a', 'b-2', 'c_3'] }],
    ['STATUS led=*', { kind: 'all' }],
    [`BLINK led=red on=100 off=100 reply=${replyType} id=x`, { kind: 'names', names: ['red'] }],
  ];
  for (const [text, leds] of cases) {
    const parsed = parseRequest(1, bytes(text));
    assert.ok(parsed.ok, text);
    assert.deepEqual(parsed.request.leds, leds, text);
  }
  for (const verb of ['ON', 'TOGGLE', 'HEARTBEAT', 'WATCH'] as const) {
    const text = formatRequest(verb, replyType, 'id1', {
      leds: { kind: 'names', names: ['x', 'y'] },
      ...(verb === 'WATCH' && { name: 'me' }),
    });
    const parsed = parseRequest(1, bytes(text));
    assert.ok(parsed.ok, text);
    assert.deepEqual(parsed.request.leds, { kind: 'names', names: ['x', 'y'] }, text);
  }
  const refused: [string, RegExp][] = [
    ['ON led=Status', /led=Status: "Status" is not an LED name \(1 to 16 lower-case letters/],
    ['ON led=a,a', /led=a,a names a twice/],
    ['ON led=', /led=: "" is not an LED name/],
    ['ON led=a led=b', /led= is given more than once: name every LED in one led=a,b/],
    [`UNWATCH led=a reply=${replyType} id=x`, /UNWATCH ends the whole subscription: it takes no led=/],
    ['ON led=abcdefghijklmnopq', /is not an LED name/],
  ];
  for (const [text, reason] of refused) {
    const parsed = parseRequest(1, bytes(text));
    assert.ok(!parsed.ok, text);
    assert.equal(parsed.rejection.code, 'BAD_OPTION', text);
    assert.match(parsed.rejection.reason, reason, text);
  }
  // Type 2 (the chapter's exit) reads no options: led= there is just text.
  assert.deepEqual(parseRequest(2, bytes('led=nonsense')), { ok: true, request: { verb: 'EXIT' } });
});

test('leds= in a reply: each LED with its level and pattern, read back the same; without it, the one LED', () => {
  const reports: LedReport[] = [
    { name: 'power', state: 'ON', pattern: null },
    { name: 'status', state: 'OFF', pattern: { kind: 'blink', cyclesLeft: 3, then: 'on' } },
    { name: 'error', state: 'ON', pattern: { kind: 'heartbeat', cyclesLeft: null, then: 'off' } },
  ];
  const text = formatOk('q1', 'ON', { leds: formatLedReports(reports) });
  assert.equal(text, 'q1 OK ON leds=power:ON,status:OFF:blink:3:on,error:ON:heartbeat:forever:off');
  const reply = parseReply(bytes(text));
  assert.ok(reply?.ok);
  assert.deepEqual(ledReportsOf(reply), reports);
  for (const bad of [
    'Power:ON',
    'a:DIM',
    'a:ON:strobe:1:on',
    'a:ON:blink:x:on',
    'a:ON:blink:1:on:more:extra',
    'a:ON:blink:1:on:bad,label',
  ])
    assert.equal(parseLedReports(bad), null, bad);
  const old = parseReply(bytes('q2 OK OFF pattern=pattern cycles=forever then=off pid=7'));
  assert.ok(old?.ok);
  assert.deepEqual(ledReportsOf(old), [
    { name: 'led', state: 'OFF', pattern: { kind: 'pattern', cyclesLeft: null, then: 'off' } },
  ]);
  // A status of 32 LEDs with their lines outgrows a request's 255 bytes, not a reply's.
  const lines = Object.fromEntries(
    Array.from({ length: 32 }, (_, led) => [`line.led${led}`, `GPIO${led} on gpiochip4 line ${led}`]),
  );
  const long = formatOk('q3', 'ON', { leds: formatLedReports(reports), ...lines });
  assert.ok(long.length > 1000 && long.endsWith('line.led31=GPIO31_on_gpiochip4_line_31'), long);
});

test('for= on a command that changes the LEDs, once, 10 ms to a week; refused elsewhere with why', () => {
  const replyType = REPLY_TYPE_BASE + 7;
  const text = formatRequest('BLINK', replyType, 'f1', { pattern: blinkSpec(100, 100, 0, false), forMs: 10_000 });
  const parsed = parseRequest(1, bytes(text));
  assert.ok(parsed.ok);
  assert.equal(parsed.request.forMs, 10_000);
  assert.deepEqual(parsed.request.pattern, blinkSpec(100, 100, 0, false), 'for= is not a pattern option');
  for (const verb of ['ON', 'OFF', 'TOGGLE', 'HEARTBEAT', 'PATTERN 1:100,0:100'])
    assert.equal((parseRequest(1, bytes(`${verb} for=10`)) as { request: { forMs: number } }).request.forMs, 10, verb);
  assert.equal((parseRequest(1, bytes('on FOR=604800000')) as { request: { forMs: number } }).request.forMs, 604800000);
  for (const [request, reason] of [
    ['ON for=9', /^for= must be a whole number of milliseconds from 10 to 604800000 \(a week\), not 9$/],
    ['ON for=604800001', /from 10 to 604800000 \(a week\), not 604800001$/],
    ['ON for=1.5', /^for=1\.5 is not a whole number of milliseconds from 10/],
    ['ON for=', /^for= is not a whole number/],
    ['ON for=10 for=20', /^for= is given more than once$/],
    ['STATUS for=100', /^STATUS takes no for=: only a command that changes the LEDs can last a while$/],
    ['WATCH for=100 reply=1073741825 id=a', /^WATCH takes no for=/],
  ] as const) {
    const result = parseRequest(1, bytes(request));
    assert.ok(!result.ok, request);
    assert.equal(result.rejection.code, 'BAD_OPTION', request);
    assert.match(result.rejection.reason, reason, request);
  }
});

test('a timed state in leds= and in until= after=: read back the same', () => {
  const reports: LedReport[] = [
    {
      name: 'red',
      state: 'ON',
      pattern: null,
      timed: { until: 1_796_569_857_668, after: { kind: 'blink', label: 'slow one' } },
    },
    {
      name: 'amber',
      state: 'OFF',
      pattern: { kind: 'heartbeat', cyclesLeft: null, then: 'on' },
      timed: { until: 1_796_569_857_000, after: { kind: 'off' } },
    },
    { name: 'green', state: 'OFF', pattern: null },
  ];
  const text = formatLedReports(reports);
  assert.equal(text, 'red:ON;1796569857668;blink:slow+one,amber:OFF:heartbeat:forever:on;1796569857000;off,green:OFF');
  assert.deepEqual(parseLedReports(text), reports);
  for (const bad of ['red:ON;12', 'red:ON;12;dim', 'red:ON;x;on', 'red:ON;12;on:label', 'red:ON;12;on;3'])
    assert.equal(parseLedReports(bad), null, bad);
  const head = parseReply(bytes(formatOk('a', 'ON', { until: '1796569857668', after: 'pattern:chase' })));
  assert.ok(head?.ok);
  assert.deepEqual(ledReportsOf(head).at(0)?.timed, {
    until: 1_796_569_857_668,
    after: { kind: 'pattern', label: 'chase' },
  });
});
