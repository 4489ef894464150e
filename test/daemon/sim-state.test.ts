// A simulated LED never touches the real service's state: `npm start` as root
// (ledd --backend sim, no --state-file) keeps its state in the user's own
// sim-state.json, not in /var/lib/ledd/state.json, which ledd.service restores.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { spawnChild } from '@ledd/test-kit/process';
import { randomKey } from '@ledd/sysvmq/testing';

import { defaultStateFile } from '../../daemon/config.js';
import { LEDD, ledctl, queueExists } from './harness.js';
import { tempDir } from '../helpers/temp-dir.js';

const PRODUCTION_STATE = '/var/lib/ledd/state.json';

/** What /var/lib/ledd/state.json is now: absent, or its contents and mtime. */
function productionState(): string {
  if (!existsSync(PRODUCTION_STATE)) return 'absent';
  return `${readFileSync(PRODUCTION_STATE, 'utf8')} @ ${statSync(PRODUCTION_STATE).mtimeMs}`;
}

test('the default state file: sim-state.json per user for --backend sim, state.json for a real LED', () => {
  const home = { XDG_STATE_HOME: '/home/pi/.state' };
  assert.equal(defaultStateFile(home, 'sim'), '/home/pi/.state/ledd/sim-state.json');
  assert.equal(defaultStateFile({ STATE_DIRECTORY: '/var/lib/ledd' }, 'sim'), '/var/lib/ledd/sim-state.json');
  assert.equal(defaultStateFile({ STATE_DIRECTORY: '/var/lib/ledd:/x' }, 'auto'), '/var/lib/ledd/state.json');
  if (process.getuid?.() === 0) {
    assert.equal(defaultStateFile(home, 'auto'), PRODUCTION_STATE);
    assert.equal(defaultStateFile(home, 'libgpiod2'), PRODUCTION_STATE);
  } else {
    assert.equal(defaultStateFile(home, 'auto'), '/home/pi/.state/ledd/state.json');
  }
});

test("ledd --backend sim with no --state-file, as `npm start` runs it: the user's sim-state.json, restored at the next start", async (t) => {
  const home = tempDir(t);
  const before = productionState();
  const unset = new Set(['XDG_STATE_HOME', 'STATE_DIRECTORY', 'LEDD_STATE_FILE', 'NOTIFY_SOCKET', 'JOURNAL_STREAM']);
  const env: NodeJS.ProcessEnv = {
    ...Object.fromEntries(Object.entries(process.env).filter(([name]) => !unset.has(name))),
    HOME: home,
  };
  const key = randomKey();
  const start = async (): Promise<void> => {
    const child = spawnChild(
      t,
      process.execPath,
      [LEDD, '--backend', 'sim', '--key', String(key), '--log-format', 'json'],
      {
        env,
      },
    );
    await child.nextLine(/"msg":"ready"/, 15_000);
  };

  await start();
  assert.equal((await ledctl(key, ['on'])).stdout.trim(), 'LED ON');
  assert.equal((await ledctl(key, ['exit'])).code, 0);
  const simState = path.join(home, '.local/state/ledd/sim-state.json');
  assert.match(readFileSync(simState, 'utf8'), /"led":\s*"on"/);
  assert.equal(queueExists(key), false, 'exit removed the queue');

  await start();
  assert.match((await ledctl(key, ['status'])).stdout, /^LED is ON/, 'restored from sim-state.json');
  assert.equal((await ledctl(key, ['exit'])).code, 0);

  assert.equal(productionState(), before, `${PRODUCTION_STATE} is left as it was`);
});
