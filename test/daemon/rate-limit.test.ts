// daemon/log/rate-limit.ts: pure logic, on a clock of its own.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { LogRateLimiter } from '../../daemon/log/rate-limit.js';

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
