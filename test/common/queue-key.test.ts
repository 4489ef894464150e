// The key forms ledd, ledctl and ledd-mqtt accept (--key, LEDD_KEY).
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import test from 'node:test';

import { ftok } from '@ledd/sysvmq';

import { DEFAULT_FTOK_PROJ_ID, parseKey } from '../../common/queue-key.js';
import { tempDir } from '../helpers/temp-dir.js';

test('numbers in decimal, 0x hex and 0o octal; a key above 0x7fffffff as the kernel signed key_t', () => {
  assert.equal(parseKey('1234'), 1234);
  assert.equal(parseKey(' 0x4D2 '), 1234);
  assert.equal(parseKey('0o2322'), 1234);
  assert.equal(parseKey('0xffffffff'), -1);
  assert.equal(parseKey('-5'), -5);
});

test('a path is ftok(3) of it, with project id L unless path:N gives one', (t) => {
  const file = path.join(tempDir(t), 'ledd.key');
  writeFileSync(file, '');
  assert.equal(parseKey(file), ftok(file, DEFAULT_FTOK_PROJ_ID));
  assert.equal(parseKey(`${file}:76`), ftok(file, 76));
  assert.notEqual(parseKey(`${file}:77`), parseKey(`${file}:76`));
  assert.throws(() => parseKey(`${file}.missing`), { code: 'ENOENT', syscall: 'ftok' });
});

test('key 0 (IPC_PRIVATE), keys beyond 32 bits and words are refused, saying which forms are taken', () => {
  for (const text of ['0', '0x0']) assert.throws(() => parseKey(text), { name: 'RangeError', message: /IPC_PRIVATE/ });
  assert.throws(() => parseKey('0x100000000'), RangeError);
  assert.throws(() => parseKey('twelve'), { name: 'RangeError', message: /is not a queue key: give a decimal number/ });
});
