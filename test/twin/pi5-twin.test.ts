// The Raspberry Pi 5 twin (issue 19): ledd's arm64 package installed by apt
// and run by systemd 257 on a 16K-page Cortex-A76 kernel, against gpio-sim
// chips laid out as on a 2026 Pi 5. run-twin.sh builds (or reuses) the kernel,
// the arm64 root and the package, and boots the guest scenario
// guest/pi5-twin.sh; the tests below judge its facts, first of all that the
// twin is what it claims to be: a twin booted on a 4K-page kernel fails here.
//
// Needs qemu-system-arm, gcc-aarch64-linux-gnu and what the platform stage
// needs (qemu-user-static, binfmt-support, mmdebstrap): a missing one fails
// the test naming the package. Alone: node --test dist/test/twin/
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { type ChildResult, runChild } from '@ledd/test-kit/process';
import { requireCommand } from '@ledd/test-kit/tools';

import { fromRoot, testBuildDir } from '../helpers/paths.js';
import { FactChecks, parseFacts } from '../helpers/vm-facts.js';

const outDir = path.join(testBuildDir, 'twin');
const vmDir = path.join(outDir, 'vm');
/** run-twin.sh's whole run: a cold one builds the kernel and the root (about 15 min); a hang guard. */
const STAGE_TIMEOUT_MS = 60 * 60_000;

interface Stage {
  result: ChildResult;
  seconds: number;
  facts: Map<string, string>;
  timings: Map<string, string>;
}
let stage: Stage | undefined;

function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

function report(): string {
  if (!stage) return 'the twin did not run (see the failure of the before hook)';
  const { result, seconds } = stage;
  return (
    `twin stage: run-twin.sh exited ${result.code ?? result.signal} after ${seconds} s; results in ${outDir}\n` +
    `--- run-twin.sh output ---\n${(result.stdout + result.stderr).trim().slice(-4000)}\n` +
    `--- scenario.log (tail) ---\n${readText(path.join(vmDir, 'scenario.log')).trim().split('\n').slice(-30).join('\n')}`
  );
}

class Item extends FactChecks {
  constructor(prefixes: string[]) {
    super(stage?.facts ?? new Map(), prefixes, report);
  }
}

/** The counts at the end of a node --test TAP stream. */
function tapCounts(file: string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const match of readText(file).matchAll(/^# (tests|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) {
    counts[match[1]!] = Number(match[2]);
  }
  return counts;
}

describe('the Raspberry Pi 5 twin: arm64 package, systemd, 16K pages, a Pi 5-shaped header', () => {
  before(
    async () => {
      requireCommand('qemu-system-aarch64', 'qemu-system-arm');
      requireCommand('aarch64-linux-gnu-gcc', 'gcc-aarch64-linux-gnu');
      requireCommand('mmdebstrap', 'mmdebstrap');
      requireCommand('dpkg-deb', 'dpkg');
      // Never judge an earlier run's results.
      rmSync(outDir, { recursive: true, force: true });
      const started = performance.now();
      const result = await runChild('bash', [fromRoot('test', 'twin', 'run-twin.sh'), outDir], {
        timeoutMs: STAGE_TIMEOUT_MS,
      });
      const seconds = Math.round((performance.now() - started) / 1000);
      stage = {
        result,
        seconds,
        facts: parseFacts(readText(path.join(vmDir, 'facts.env'))),
        timings: parseFacts(readText(path.join(outDir, 'timings.env'))),
      };
      const time = (key: string): string => stage?.timings.get(key) ?? '?';
      console.log(
        `twin stage: ${seconds} s in all; kernel ${time('kernel')}${stage.timings.has('kernel_s') ? ` in ${time('kernel_s')} s` : ''}, ` +
          `root ${time('root_state')}, kernel and package side by side ${time('prepare_s')} s ` +
          `(root and package ${time('package_s')} s), VM ${time('vm_s')} s; results in ${outDir}`,
      );
    },
    { timeout: STAGE_TIMEOUT_MS + 60_000 },
  );

  test('the twin boots, runs the whole scenario and ends', (t) => {
    t.diagnostic(`twin stage: ${stage?.seconds} s`);
    const item = new Item(['end', 'machine.not_a_twin']);
    item.equal('run-twin.sh exit code (0: the scenario ran to its end)', stage?.result.code, 0);
    const wrong = stage?.facts.get('machine.not_a_twin');
    item.ok('the guest is shaped like a Pi 5', wrong === undefined, `the scenario stopped at once: ${wrong}`);
    item.is('end', 'ok', 'the scenario reached its end');
    item.done();
  });

  test('the twin is shaped like a Pi 5: 16K pages, aarch64 on a Cortex-A76, the RP1 header off gpiochip0', (t) => {
    const item = new Item(['machine.']);
    t.diagnostic(`getconf PAGESIZE: ${item.fact('machine.page_size')}; uname -m: ${item.fact('machine.uname_m')}`);
    t.diagnostic(`gpiodetect:\n${item.fact('machine.gpiodetect.out')}`);
    item.is(
      'machine.page_size',
      '16384',
      "getconf PAGESIZE (the Pi 5's kernel_2712 runs with 16K pages; a 4K-page kernel is not the Pi 5's)",
    );
    item.is('machine.uname_m', 'aarch64');
    item.is('machine.cpu_part', '0xd0b ', 'CPU part in /proc/cpuinfo (0xd0b: Cortex-A76, the Pi 5 core)');
    item.match('the root is Debian trixie', item.fact('machine.os'), /trixie/);
    item.match('systemd 257 is PID 1', item.fact('machine.systemd'), /^systemd 257\b/);
    const chips = item.fact('machine.gpiodetect.out');
    const header = item.fact('machine.header_chip');
    item.match('the header chip', chips, new RegExp(`^${header} \\[pinctrl-rp1\\] \\(54 lines\\)$`, 'm'));
    item.ok('the header is not gpiochip0', header !== 'gpiochip0', header);
    item.ok('there is no gpiochip0 (as on 2026 Pi 5 kernels)', !/^gpiochip0 /m.test(chips), chips);
    item.equal('the SoC banks beside it', (chips.match(/\[gpio-brcmstb@[0-9a-f]+\]/g) ?? []).length, 3);
    item.match('GPIO17 by its name', item.fact('machine.gpioinfo.out'), new RegExp(`^${header} 17\\s+"GPIO17"`, 'm'));
    item.done();
  });

  test('apt installs the arm64 package: ledd enabled, READY, its user, the gpio group and the queue', (t) => {
    const item = new Item(['install.']);
    const ready =
      (item.num('install.show.ActiveEnterTimestampMonotonic') -
        item.num('install.show.ExecMainStartTimestampMonotonic')) /
      1e6;
    t.diagnostic(
      `apt-get install: ${item.num('install.ms') / 1000} s; ledd's start to READY under TCG: ${ready.toFixed(1)} s`,
    );
    item.is('install.show.NRestarts', '0', 'ledd started at the first try');
    item.is('install.rc', '0', 'apt-get install ./ledd_*_arm64.deb');
    item.is('install.show.ActiveState', 'active');
    item.is('install.show.SubState', 'running');
    item.is('install.show.Type', 'notify', 'Type=notify: systemctl returned after READY=1');
    item.is('install.enabled', 'enabled');
    item.match('the ledd user', item.fact('install.user'), /^ledd:/);
    item.match('the gpio group', item.fact('install.gpio_group'), /^gpio:/);
    item.is('install.chip_access', 'root:gpio 660', "the header chip's owner and mode (the udev rule)");
    item.is('install.ledctl', '/usr/bin/ledctl');
    item.match(
      'the queue under key 1234 (not world-writable)',
      item.fact('install.queue'),
      /^id=\d+ qnum=0 uid=\d+ gid=\d+ perms=6[0-6]0$/,
    );
    item.done();
  });

  test('ledctl on, off, blink and status drive GPIO17 of the header', () => {
    const item = new Item(['ledctl.']);
    for (const [step, level] of [
      ['on', '1'],
      ['off', '0'],
      ['on_again', '1'],
    ] as const) {
      item.is(`ledctl.${step}.rc`, '0', `ledctl ${step} exit code`);
      item.is(`ledctl.${step}.sim`, level, `the line after ledctl ${step}`);
    }
    item.is('ledctl.blink.rc', '0');
    item.ok(
      'blink 300ms/300ms changed the line over 3 s',
      item.num('ledctl.blink.changes') >= 4,
      item.fact('ledctl.blink.changes'),
    );
    item.is('ledctl.status.rc', '0');
    item.match('ledctl status', item.fact('ledctl.status.out'), /blink/);
    item.done();
  });

  test("the chapter's C client, compiled in the guest, switches the LED", () => {
    const item = new Item(['client.']);
    item.is('client.cc.rc', '0', 'cc of the chapter client');
    item.is('client.off.sim', '0');
    item.is('client.on.sim', '1');
    item.done();
  });

  test('kill -9: systemd restarts ledd and the LED is back to its state', () => {
    const item = new Item(['kill.']);
    item.is('kill.after.ActiveState', 'active');
    item.is('kill.after.SubState', 'running');
    item.ok('a new main process', item.fact('kill.after.MainPID') !== item.fact('kill.before.MainPID'));
    item.is('kill.sim', '1', 'the line on again, as before the crash');
    item.match('ledctl status', item.fact('kill.status.out'), /^LED is ON$/m);
    item.done();
  });

  test('systemctl stop: LED off and the queue removed; start: READY again with the state restored', () => {
    const item = new Item(['stop', 'start']);
    item.is('stop.rc', '0');
    item.is('stop.queue', 'none', 'no queue under key 1234 after the stop');
    item.is('stop.sim', '0', 'the line low (the exit state)');
    item.ok(
      'ipcs -q lists no queue 0x000004d2',
      !/0x000004d2/.test(item.fact('stop.ipcs.out')),
      item.fact('stop.ipcs.out'),
    );
    item.is('start.rc', '0');
    item.is('start.after.ActiveState', 'active');
    item.is('start.after.SubState', 'running');
    item.is('start.sim', '1', 'the LED on again (the state file)');
    item.ok('the queue again', item.fact('start.queue') !== 'none', item.fact('start.queue'));
    item.done();
  });

  test('ledd-mqtt against a Mosquitto on the loopback: discovery, availability, a command', () => {
    const item = new Item(['mqtt.']);
    item.is('mqtt.start.rc', '0', 'systemctl start ledd-mqtt');
    item.is('mqtt.discovery.rc', '0', "the light's discovery config on homeassistant/light/pi5twin/led/config");
    item.is('mqtt.online.rc', '0', 'availability online');
    item.is('mqtt.set.sim', '0', 'the line after {"state":"OFF"} on ledd/pi5twin/set');
    item.is('mqtt.state_off.rc', '0', 'the state OFF published');
    item.done();
  });

  test('an upgrade by apt hands over to the new ledd without losing the commands pending on the queue', () => {
    const item = new Item(['upgrade.']);
    item.is('upgrade.watchdog_usec', '10min', 'ledd held stopped under a watchdog that waits out apt');
    item.match('both commands were pending', item.fact('upgrade.pending_queue'), /qnum=2 /);
    item.is('upgrade.apt.rc', '0', 'apt-get install of the newer build');
    item.match('the newer version is installed', item.fact('upgrade.version'), /\+twin1$/);
    item.is('upgrade.after.ActiveState', 'active');
    item.ok('a new main process', item.fact('upgrade.after.MainPID') !== item.fact('upgrade.before.MainPID'));
    item.is('upgrade.sim', '0', 'ON then OFF carried out, in order: the LED off');
    item.done();
  });

  test('apt purge leaves no user, no state, no queue', () => {
    const item = new Item(['purge.']);
    item.is('purge.rc', '0');
    item.is('purge.queue', 'none');
    item.is('purge.active', 'inactive');
    item.is('purge.user', 'gone');
    item.is('purge.state', 'gone');
    item.is('purge.conffiles', '');
    item.is('purge.ledctl', 'gone');
    item.done();
  });

  test("the queue binding's tests and ledd's startup and handover tests pass on the 16K-page kernel", (t) => {
    const item = new Item(['tests.']);
    for (const suite of ['native', 'daemon']) {
      const counts = tapCounts(path.join(vmDir, `${suite}.tap`));
      t.diagnostic(`${suite} in the guest: ${JSON.stringify(counts)} in ${item.fact(`tests.${suite}.ms`)} ms`);
      item.is(`tests.${suite}.rc`, '0', `node --test ${suite} exit code`);
      item.ok(`${suite}: tests ran`, (counts.pass ?? 0) > 0, JSON.stringify(counts));
      for (const bad of ['fail', 'cancelled', 'skipped', 'todo']) {
        item.equal(`${suite}: ${bad}`, counts[bad] ?? 0, 0);
      }
    }
    item.is('tests.queue_after', 'none', 'the tests left no queue under key 1234');
    item.done();
  });
});
