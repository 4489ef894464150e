// ledd on the Pi's own architectures, under qemu-user: a Debian trixie root
// for arm64 (the Pi 5 with a 64-bit OS) and one for armhf (32-bit ARM, where a
// C long has 32 bits). run-foreign-arch.sh builds (or reuses, from
// ~/.cache/ledd-arch) each root, runs `npm ci` in it (both native modules, our
// queue addon and the libgpiod 2.x binding, are built there by the root's own
// compiler) and runs test suites inside it; this test checks what it left.
//   arm64: the queue binding's tests (native/sysvmq/test) and the daemon's tests that
//          can differ by architecture (run-foreign-arch.sh's suite_files says which)
//   armhf: the queue binding's tests, and the chapter's C client, compiled in
//          the root, driving `ledd --backend sim` (test/daemon/foreign-clients)
//   both:  ledd's Debian package for the architecture, built in the root by
//          dpkg-buildpackage (scripts/package.sh --prebuilt), checked as
//          test/package checks this machine's: contents, control, lintian.
// The two run at once (one core each on a 2-core machine; LEDD_FOREIGN_SERIAL=1
// runs them one after the other). A missing tool (qemu-user-static,
// binfmt-support, arch-test, mmdebstrap) fails the test naming the Debian package.
// Beside them, at nice 19, the x86 VM stage's kernel is built into its cache
// (test/system/kernels-beside.ts; LEDD_KERNELS_BESIDE=0 leaves it to that stage).
import assert from 'node:assert/strict';
import path from 'node:path';
import test from 'node:test';

import {
  checkConffiles,
  checkControl,
  checkFiles,
  checkLintian,
  checkManPages,
  checkNativeModules,
  checkNoDevelopmentFiles,
  openDeb,
} from '../helpers/deb-checks.js';
import { projectVersion } from '../helpers/deb.js';
import { testBuildDir } from '../helpers/paths.js';
import { type KernelBuild, X86_VM_KERNEL, buildKernelBeside, kernelsBesideWanted } from '../system/kernels-beside.js';
import { type ScriptResult, outputTail, readEnv, readText, runPlatformScript } from './script-run.js';

interface Arch {
  name: 'arm64' | 'armhf';
  nodeArch: string;
  longBits: number;
  /** e_machine of the ELF files built in the root. */
  elfMachine: number;
  /** The node --test suites run in the root. */
  suites: Record<string, string>;
}

/** The package suite's line in results.env: exit:0 deb:ledd_0.1.0_arm64.deb seconds:200 */
const PACKAGE_SUITE = 'package';

const ARCHES: Arch[] = [
  {
    name: 'arm64',
    nodeArch: 'arm64',
    longBits: 64,
    elfMachine: 183, // EM_AARCH64
    suites: {
      native: 'the queue binding (native/sysvmq/test)',
      daemon:
        "the daemon's tests that can differ by architecture (native modules, ledctl, the chapter's client, hostile senders)",
    },
  },
  {
    name: 'armhf',
    nodeArch: 'arm',
    longBits: 32,
    elfMachine: 40, // EM_ARM
    suites: {
      native: 'the queue binding (native/sysvmq/test)',
      chapter: "the chapter's C client and other foreign clients against ledd (test/daemon/foreign-clients)",
    },
  },
];

/** "exit:0 tests:12 pass:12 ..." as numbers (NaN where unknown). */
function parseCounts(line: string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const field of (line ?? '').split(' ')) {
    const [name, value] = field.split(':');
    if (name && value !== undefined) counts[name] = Number(value);
  }
  return counts;
}

/** The failing tests' names and the first lines of why, from the spec reporter's log. */
function failures(log: string): string {
  const start = log.lastIndexOf('failing tests:');
  return start === -1 ? log.split('\n').slice(-40).join('\n') : log.slice(start).split('\n').slice(0, 80).join('\n');
}

const outDir = (arch: Arch): string => path.join(testBuildDir, 'platforms', arch.name);

// Started when the file loads, so that both architectures build and test concurrently.
const runs = new Map<Arch['name'], Promise<ScriptResult>>();
let previous: Promise<unknown> = Promise.resolve();
for (const arch of ARCHES) {
  const start = (): Promise<ScriptResult> => runPlatformScript('run-foreign-arch.sh', [arch.name, outDir(arch)]);
  const run = process.env.LEDD_FOREIGN_SERIAL === '1' ? previous.then(start, start) : start();
  run.catch(() => undefined);
  runs.set(arch.name, run);
  previous = run;
}
const kernel: Promise<KernelBuild> | undefined = kernelsBesideWanted() ? buildKernelBeside(X86_VM_KERNEL) : undefined;
kernel?.catch(() => undefined);

for (const arch of ARCHES) {
  test(
    `${arch.name} under qemu-user: npm ci builds both native modules in a trixie ${arch.name} root and the tests pass there`,
    {
      timeout: 60 * 60_000,
    },
    async (t) => {
      const out = outDir(arch);
      const run = await runs.get(arch.name)!;
      const timings = readEnv(path.join(out, 'timings.env'));
      const build = readEnv(path.join(out, 'build.env'));
      const probe = readEnv(path.join(out, 'probe.txt'));
      const results = readEnv(path.join(out, 'results.env'));
      const tail = outputTail(run);
      // Wall-clock seconds, and CPU seconds (user + system: what other load on the machine does not inflate).
      const both = (name: string): string => `${timings[`${name}_s`] ?? '?'}s (CPU ${timings[`${name}_cpu`] ?? '?'}s)`;
      t.diagnostic(
        `${arch.name}: ${run.seconds}s in all; root ${timings.root ?? '?'} in ${both('root')}, ` +
          `copy + ${timings.install ?? '?'} ${both('build')}; ` +
          Object.keys(arch.suites)
            .map((suite) => `${suite} suite ${both(suite)}`)
            .join(', ') +
          `; results in ${out}`,
      );
      if (build.qemu_msqid_bug === 'yes') {
        t.diagnostic(
          `${arch.name}: this qemu-user reports msg_lrpid as 0 from IPC_STAT (fixed in QEMU 10.2); ` +
            `the tests ran with ${build.qemu_msqid_fix} preloaded, which reads it from /proc/sysvipc/msg`,
        );
      }
      for (const suite of [...Object.keys(arch.suites), PACKAGE_SUITE]) {
        t.diagnostic(`${arch.name} ${suite}: ${results[suite] ?? 'did not run'}`);
      }

      await t.test('the root is set up (qemu-user, binfmt_misc, mmdebstrap)', () => {
        assert.ok(run.code !== 2, `prerequisites missing:\n${tail}`);
        assert.equal(build.uname_m, arch.name === 'arm64' ? 'aarch64' : 'armv7l', `uname -m in the root:\n${tail}`);
        assert.equal(build.node_arch, arch.nodeArch);
        assert.match(build.node ?? '', /^v(2[0-9]|[3-9][0-9])\./, 'Node.js 20 or later in the root');
        assert.match(build.libgpiod ?? '', /^2\./, 'the trixie root has libgpiod 2.x');
      });

      await t.test(`npm ci builds sysv_mq, edge_timer and gpiod2 for ${arch.name} in the root`, () => {
        assert.equal(build.npm_exit, '0', `${build.install ?? 'npm ci'} failed in the root:\n${tail}`);
        assert.equal(build.sysv_mq_node, 'built', 'our queue addon native/sysvmq/build/Release/sysv_mq.node');
        assert.equal(build.edge_timer_node, 'built', 'our pattern edge timer native/build/Release/edge_timer.node');
        assert.equal(build.gpiod2_node, 'built', 'the libgpiod 2.x binding native/build/Release/gpiod2.node');
        assert.equal(build.notify_node, 'built', "sd-notify's addon");
        for (const addon of ['sysv_mq', 'edge_timer', 'gpiod2', 'notify']) {
          assert.equal(Number(build[`${addon}_machine`]), arch.elfMachine, `${addon}.node is an ${arch.name} ELF file`);
        }
        assert.equal(build.node_libgpiod, 'absent', 'node-libgpiod (optional, libgpiod 1.x only) is dropped');
        assert.equal(build.dist, 'built', 'tsc built dist/ in the root');
      });

      await t.test(
        `message types fit the ${arch.longBits}-bit long of ${arch.name}; the protocol's reply types fit it`,
        () => {
          assert.equal(probe.arch, arch.nodeArch, readText(path.join(out, 'probe.txt')) || tail);
          assert.equal(Number(probe.long_bits), arch.longBits);
          assert.equal(BigInt(probe.long_max ?? 'NaN'), 2n ** BigInt(arch.longBits - 1) - 1n);
          assert.equal(probe.send_2_31_minus_1, 'ok');
          assert.equal(probe.type_2_31_minus_1_back, 'number 2147483647');
          if (arch.longBits === 32) {
            assert.match(
              probe.send_2_31 ?? '',
              /^RangeError: message type must be an integer between -2147483648 and 2147483647/,
            );
            assert.match(probe.send_2_31n ?? '', /^RangeError: .*the range of a C long/);
            assert.match(probe.receive_2_31 ?? '', /^RangeError: /);
            assert.equal(probe.type_long_max_back, 'number 2147483647');
          } else {
            assert.equal(probe.send_2_31, 'ok');
            assert.equal(probe.type_long_max_back, `bigint ${2n ** 63n - 1n}`);
          }
          // 2^30 + the largest PID.
          assert.equal(probe.reply_type_max, String(2 ** 30 + 2 ** 22));
          assert.equal(probe.reply_type_max_fits, 'true');
          assert.equal(probe.send_reply_type_max, 'ok');
          assert.equal(probe.type_reply_type_max_back, `number ${2 ** 30 + 2 ** 22}`);
          // The payload follows the long type, whatever its width.
          assert.equal(probe.payload_back, 'abcdefgh');
        },
      );

      for (const [suite, what] of Object.entries(arch.suites)) {
        await t.test(`${arch.name}: ${what} pass inside the root`, () => {
          const counts = parseCounts(results[suite]);
          const log = readText(path.join(out, `${suite}.log`));
          assert.ok(results[suite] !== undefined, `the ${suite} suite did not run:\n${tail}`);
          assert.ok(counts.tests! > 0, `no tests ran:\n${log.slice(-3000)}`);
          assert.equal(counts.fail, 0, `${counts.fail} failed:\n${failures(log)}`);
          assert.equal(counts.cancelled, 0, `${counts.cancelled} cancelled:\n${failures(log)}`);
          assert.equal(counts.pass, counts.tests, results[suite]);
          assert.equal(counts.exit, 0, `node --test exited ${counts.exit}:\n${failures(log)}`);
        });
      }

      await t.test(
        `the ${arch.name} Debian package: built in the root, its contents and control as on amd64, lintian`,
        async (st) => {
          const line = results[PACKAGE_SUITE];
          const built = /^exit:(\d+) deb:(\S*)/.exec(line ?? '');
          const log = readText(path.join(out, 'package.log'));
          assert.ok(built, `the package suite did not run:\n${tail}`);
          assert.equal(built[1], '0', `scripts/package.sh failed in the root:\n${log.slice(-3000)}`);
          const version = projectVersion();
          assert.equal(built[2], `ledd_${version}_${arch.name}.deb`);
          const opened = await openDeb(path.join(out, built[2]));
          try {
            const archive = new Set(readText(path.join(out, 'archive-packages.txt')).split('\n').filter(Boolean));
            assert.ok(archive.has('libgpiod3'), "archive-packages.txt lists trixie's packages");
            await checkControl(opened, {
              version,
              arch: arch.name,
              libgpiodRuntime: 'libgpiod3',
              isDebianPackage: (name) => Promise.resolve(archive.has(name)),
            });
            checkFiles(opened);
            await checkConffiles(opened);
            checkNoDevelopmentFiles(opened);
            // The trixie root builds the libgpiod 2.x binding; node-libgpiod (libgpiod 1.x) is left out.
            checkNativeModules(opened, arch.name, [
              '/usr/lib/ledd/node_modules/@ledd/sysvmq/build/Release/sysv_mq.node',
              '/usr/lib/ledd/native/build/Release/edge_timer.node',
              '/usr/lib/ledd/native/build/Release/gpiod2.node',
              '/usr/lib/ledd/node_modules/sd-notify/build/Release/notify.node',
            ]);
            await checkManPages(opened);
            await checkLintian(opened.deb, (line) => st.diagnostic(line));
          } finally {
            opened.close();
          }
        },
      );

      assert.equal(run.code, 0, `run-foreign-arch.sh ${arch.name} failed (exit ${run.code}):\n${tail}`);
    },
  );
}

if (kernel) {
  const beside = kernel;
  test(
    "the x86 VM stage's kernel, built beside this stage at nice 19 (or found cached)",
    { timeout: 60 * 60_000 },
    async (t) => {
      const build = await beside;
      t.diagnostic(
        `build-kernel.sh (x86_64): exit ${build.code} in ${build.seconds} s: ${build.summary.split('\n').at(-1)}`,
      );
      assert.equal(build.code, 0, `build-kernel.sh (x86_64) failed:\n${build.summary}`);
    },
  );
}
