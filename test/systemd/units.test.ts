// The systemd units as install.sh writes them: clean for systemd-analyze
// verify, and exposure 1.0 or lower for systemd-analyze security.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { fromRoot, repoRoot } from '../helpers/paths.js';
import { runChild } from '../helpers/process.js';
import { requireCommand } from '../helpers/tools.js';
import { tempDir } from '../daemon/harness.js';

const units = ['ledd.service', 'ledd-cleanup.service'];

function renderUnits(directory: string): string[] {
  return units.map((unit) => {
    const text = readFileSync(fromRoot('systemd', unit), 'utf8')
      .replaceAll('@NODE@', process.execPath)
      .replaceAll('@PREFIX@', repoRoot);
    assert.doesNotMatch(text, /@[A-Z]+@/);
    const target = path.join(directory, unit);
    writeFileSync(target, text);
    return target;
  });
}

test('systemd-analyze verify is clean for the installed units', async (t) => {
  requireCommand('systemd-analyze', 'systemd');
  const files = renderUnits(tempDir(t));
  const result = await runChild('systemd-analyze', ['verify', ...files], { timeoutMs: 60_000 });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stderr.trim(), '', 'no warnings');
});

for (const unit of units) {
  test(`systemd-analyze security --offline=true rates ${unit} at 1.0 or lower`, async (t) => {
    const [file] = renderUnits(tempDir(t)).filter((candidate) => candidate.endsWith(`/${unit}`));
    const result = await runChild('systemd-analyze', ['security', '--offline=true', '--no-pager', file!], {
      timeoutMs: 60_000,
    });
    const match = /Overall exposure level for \S+: (\d+\.\d+) (\w+)/.exec(result.stdout);
    assert.ok(match, result.stdout + result.stderr);
    assert.ok(Number(match[1]) <= 1.0, `exposure ${match[1]} ${match[2]}`);
  });
}

test('ledd.service keeps what the daemon needs and says why the rest is absent', () => {
  const text = readFileSync(fromRoot('systemd', 'ledd.service'), 'utf8');
  for (const setting of [
    'Type=notify',
    'NotifyAccess=main',
    'DeviceAllow=char-gpiochip rw',
    'DevicePolicy=closed',
    'StateDirectory=ledd',
    'WatchdogSec=',
    'Restart=on-failure',
    'ExecStopPost=',
    'EnvironmentFile=-/etc/default/ledd',
  ]) {
    assert.ok(text.includes(setting), setting);
  }
  for (const absent of ['PrivateIPC', 'PrivateDevices', 'MemoryDenyWriteExecute', 'RemoveIPC']) {
    assert.doesNotMatch(text, new RegExp(`^${absent}=`, 'm'));
    assert.match(text, new RegExp(`^# - ${absent}=: .+`, 'm'), `a comment says why ${absent}= is absent`);
  }
});
