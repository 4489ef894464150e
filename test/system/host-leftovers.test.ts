// The planting of host leftovers (host-leftovers.ts) in a scratch directory:
// the host is put back as it was, after a normal run and after a killed one.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { tempDir } from '../helpers/temp-dir.js';
import { plantLeftovers } from './host-leftovers.js';

/** Every file under root with its contents, and every directory. */
function snapshot(root: string): Record<string, string> {
  const seen: Record<string, string> = {};
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        seen[full + '/'] = '';
        walk(full);
      } else seen[full] = readFileSync(full, 'utf8');
    }
  };
  walk(root);
  return seen;
}

function setUp(scratch: string): { host: string; journal: string; leftovers: Record<string, string> } {
  const host = path.join(scratch, 'host');
  mkdirSync(path.join(host, 'etc/default'), { recursive: true });
  writeFileSync(path.join(host, 'etc/default/ledd'), 'LEDD_KEY=1234\n'); // the host's own
  return {
    host,
    journal: path.join(scratch, 'journal.json'),
    leftovers: {
      [path.join(host, 'etc/default/ledd')]: 'planted\n',
      [path.join(host, 'var/lib/ledd/state.json')]: 'planted\n',
    },
  };
}

test('planted, then put back: the host as it was, no journal left', (t) => {
  const { host, journal, leftovers } = setUp(tempDir(t));
  const before = snapshot(host);
  const restore = plantLeftovers(leftovers, journal);
  for (const [file, text] of Object.entries(leftovers)) assert.equal(readFileSync(file, 'utf8'), text, file);
  restore();
  assert.deepEqual(snapshot(host), before);
  assert.equal(existsSync(journal), false, 'journal removed');
});

test('a run killed after planting: the next run puts the host back first, then as it was at its end', (t) => {
  const { host, journal, leftovers } = setUp(tempDir(t));
  const before = snapshot(host);
  plantLeftovers(leftovers, journal); // killed: its restore never runs
  assert.equal(existsSync(journal), true, 'the killed run left its journal');
  const restore = plantLeftovers(leftovers, journal);
  restore();
  assert.deepEqual(snapshot(host), before, "the host's own file is back, the planted tree gone");
  assert.equal(existsSync(journal), false, 'journal removed');
});
