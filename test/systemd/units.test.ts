// The systemd units as install.sh writes them: clean for systemd-analyze
// verify, and exposure 1.0 or lower for systemd-analyze security (2.0 for
// ledd-mqtt.service, a network client, which cannot do without the network).
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';
import { requireCommand } from '@ledd/test-kit/tools';

import { fromRoot, repoRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const units = ['ledd.service', 'ledd-cleanup.service', 'ledd-mqtt.service'];
const maxExposure: Record<string, number> = {
  'ledd.service': 1.0,
  'ledd-cleanup.service': 1.0,
  'ledd-mqtt.service': 2.0,
};

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
  const limit = maxExposure[unit]!;
  test(`systemd-analyze security --offline=true rates ${unit} at ${limit.toFixed(1)} or lower`, async (t) => {
    const [file] = renderUnits(tempDir(t)).filter((candidate) => candidate.endsWith(`/${unit}`));
    const result = await runChild('systemd-analyze', ['security', '--offline=true', '--no-pager', file!], {
      timeoutMs: 60_000,
    });
    const match = /Overall exposure level for \S+: (\d+\.\d+) (\w+)/.exec(result.stdout);
    assert.ok(match, result.stdout + result.stderr);
    assert.ok(Number(match[1]) <= limit, `exposure ${match[1]} ${match[2]}`);
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

test('ledd-mqtt.service: a user of its own in the queue group, restarted on failure (test/facts: not after a bad configuration or login)', () => {
  const text = readFileSync(fromRoot('systemd', 'ledd-mqtt.service'), 'utf8');
  for (const setting of [
    'Wants=ledd.service',
    'After=ledd.service',
    'DynamicUser=yes',
    'SupplementaryGroups=gpio',
    'EnvironmentFile=-/etc/default/ledd-mqtt',
    'Restart=on-failure',
    'RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX',
    'IPAddressDeny=any',
    'IPAddressAllow=localhost',
    'ExecStart=@NODE@ @PREFIX@/dist/ledd-mqtt.cjs',
  ]) {
    assert.ok(text.includes(setting), setting);
  }
  assert.doesNotMatch(text, /^\[Install\][^]*^Alias=/m);
  for (const absent of ['PrivateNetwork', 'PrivateIPC', 'MemoryDenyWriteExecute', 'PrivateUsers']) {
    assert.doesNotMatch(text, new RegExp(`^${absent}=`, 'm'));
    assert.match(text, new RegExp(`^# - ${absent}=: .+`, 'm'), `a comment says why ${absent}= is absent`);
  }
  const defaults = readFileSync(fromRoot('systemd', 'ledd-mqtt.default'), 'utf8');
  assert.doesNotMatch(defaults, /^LEDD_MQTT_PASSWORD=/m, 'no password in the environment file');
});
