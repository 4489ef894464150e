// The request and reply formats, and the log rate limiter: pure logic.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LogRateLimiter } from '../../daemon/log/rate-limit.js';
import { REPLY_TYPE_BASE, REPLY_TYPE_MAX, REQUEST_TYPE_MAX } from '../../protocol/constants.js';
import { formatError, formatOk, parseReply } from '../../protocol/reply.js';
import { blinkSpec, heartbeatSpec } from '../../protocol/pattern.js';
import { formatRequest, parseRequest } from '../../protocol/request.js';

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
    [1, bytes('BLINK repeat=3'), 'BAD_OPTION', /BLINK takes on=, off=, count=, then=, not repeat=/],
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
      steps: Array.from({ length: 16 }, (_, index) => ({ on: index % 2 === 0, ms: 3_600_000 })),
      repeat: -1,
      then: true,
    },
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

test('the log rate limiter lets a burst through, then counts, then reopens', () => {
  let now = 0;
  const limiter = new LogRateLimiter(3, 1000, () => now);
  assert.deepEqual(limiter.take(), { suppressed: 0, lastInWindow: false });
  assert.deepEqual(limiter.take(), { suppressed: 0, lastInWindow: false });
  assert.deepEqual(limiter.take(), { suppressed: 0, lastInWindow: true });
  assert.equal(limiter.take(), null);
  assert.equal(limiter.take(), null);
  now = 1000;
  assert.deepEqual(limiter.take(), { suppressed: 2, lastInWindow: false });
});
