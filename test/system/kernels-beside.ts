// The two VM stages' kernels (the x86 VM's and the Pi 5 twin's), built while
// another long stage runs: the foreign-architecture stage leaves a core idle
// for long stretches (while its roots download, and after its shorter
// architecture ends). At nice 19 the builds take only what that stage does not
// use. Each goes into build-kernel.sh's cache, where the VM stages find it; a
// build that is cached already takes a second.
import { runChild } from '../helpers/process.js';
import { fromRoot } from '../helpers/paths.js';

export interface KernelBuild {
  /** build-kernel.sh's arguments. */
  args: string[];
  code: number | null;
  seconds: number;
  /** build-kernel.sh's last progress line ("built in 312 s", "using cached ...") or, on failure, its log's tail. */
  summary: string;
}

const KERNELS: string[][] = [[], ['--arch', 'arm64']];

/** Off with LEDD_KERNELS_BESIDE=0 (the VM stages then build their kernels themselves). */
export function kernelsBesideWanted(): boolean {
  return process.env.LEDD_KERNELS_BESIDE !== '0';
}

/** Builds (or finds cached) both kernels, one after the other, at the lowest CPU priority. */
export async function buildKernelsBeside(): Promise<KernelBuild[]> {
  const builds: KernelBuild[] = [];
  for (const args of KERNELS) {
    const started = Date.now();
    const result = await runChild(
      'nice',
      ['-n', '19', 'bash', fromRoot('test', 'system', 'build-kernel.sh'), ...args],
      {
        timeoutMs: 45 * 60_000,
      },
    );
    const progress = result.stderr.trim().split('\n');
    builds.push({
      args,
      code: result.code,
      seconds: Math.round((Date.now() - started) / 1000),
      summary: result.code === 0 ? (progress.at(-1) ?? '') : progress.slice(-40).join('\n'),
    });
  }
  return builds;
}
