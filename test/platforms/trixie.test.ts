// Debian 13 "trixie", the base of Raspberry Pi OS trixie, ships libgpiod 2.x,
// which node-libgpiod cannot bind. run-trixie.sh builds (or reuses, from
// ~/.cache/ledd-trixie) a trixie root, runs `npm ci` in it, and boots the
// gpio-sim VM of test/system with that root; this test checks what it left:
// npm ci builds ledd's own libgpiod 2.x binding, skips node-libgpiod without
// failing, and ledd drives, releases and reports the line through the binding.
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';

import { testBuildDir } from '../helpers/paths.js';
import { LINES_BUSY_CHECKS, LINES_CHECKS } from '../helpers/drive-lines.js';
import { outputTail, readEnv, readText, runPlatformScript } from './script-run.js';

const out = path.join(testBuildDir, 'platforms', 'trixie');

// What guest/gpio-backend.sh checks, in order; each must come back "ok".
const expectedChecks = [
  'cycle_ready',
  'cycle_start_off',
  'cycle_consumer',
  'cycle_on_status',
  'cycle_on_sim',
  'cycle_backend',
  'cycle_line_by_name',
  'cycle_off_status',
  'cycle_off_sim',
  'cycle_toggle_status',
  'cycle_toggle_sim',
  'cycle_exit_status',
  'cycle_ledd_exit',
  'cycle_exit_led_off',
  'cycle_exit_released',
  'cycle_exit_no_queue',
  'active_low_ready',
  'active_low_on_drives_low',
  'active_low_off_drives_high',
  'active_low_sigterm_exit',
  'active_low_released',
  ...LINES_CHECKS,
  'other_backend_exit',
  'other_backend_message',
  'busy_holder',
  'busy_exit',
  'busy_names_consumer',
  'busy_no_queue',
  ...LINES_BUSY_CHECKS,
  'permission_exit',
  'permission_names_group',
];

test(
  'Debian trixie with libgpiod 2.x: npm ci builds the native binding and ledd drives gpio-sim through it',
  {
    timeout: 50 * 60_000,
  },
  async (t) => {
    const run = await runPlatformScript('run-trixie.sh', [out]);
    const timings = readEnv(path.join(out, 'timings.env'));
    t.diagnostic(
      `trixie stage: ${run.seconds}s in all; root ${timings.root ?? '?'} in ${timings.root_s ?? '?'}s, ` +
        `npm ci ${timings.npm_ci ?? '?'} in ${timings.npm_ci_s ?? '?'}s, VM ${timings.vm_s ?? '?'}s; results in ${out}`,
    );
    const tail = outputTail(run);
    const build = readEnv(path.join(out, 'build.env'));
    const npmLog = readText(path.join(out, 'npm-ci.log'));

    await t.test('npm ci succeeds, building the libgpiod 2.x binding instead of node-libgpiod', () => {
      assert.equal(build.npm_ci_exit, '0', `npm ci in the trixie root failed:\n${tail}`);
      assert.match(build.libgpiod ?? '', /^2\./, 'the trixie root has libgpiod 2.x');
      assert.equal(build.gpiod2_node, 'built');
      assert.equal(build.node_libgpiod, 'absent', 'node-libgpiod (optional) is dropped where it cannot build');
      assert.match(
        npmLog,
        /^ledd: GPIO: native binding for libgpiod 2\.\d+\.\d+; `ledd --backend auto` uses native binding$/m,
      );
    });

    await t.test('ledd --version names the native binding', () => {
      assert.match(
        readText(path.join(out, 'version.txt')),
        /^ledd \d+\.\d+\.\d+ \(GPIO: native binding for libgpiod 2\.\d+\.\d+\)\n$/,
      );
    });

    const checks = readText(path.join(out, 'vm', 'checks.txt'))
      .split('\n')
      .filter((line) => line.trim() !== '');
    await t.test('the VM scenario ran every check', () => {
      assert.deepEqual(
        checks.map((line) => line.split(' ')[0]),
        expectedChecks,
        `the checks that came back from the VM differ:\n${tail}`,
      );
    });
    for (const line of checks) {
      const [name, ...rest] = line.split(' ');
      await t.test(`vm: ${name}`, () => assert.equal(rest.join(' '), 'ok', `${name}: ${rest.join(' ')}`));
    }

    assert.equal(run.code, 0, `run-trixie.sh failed (exit ${run.code}):\n${tail}`);
  },
);
