// The VM stages' kernels, each built while an earlier long stage runs, so that
// it takes the core that stage leaves idle: the x86 VM's beside the
// foreign-architecture stage (idle while its roots download, and after its
// shorter architecture ends), the Pi 5 twin's beside the x86 VM (whose TCG
// keeps about one core busy). At nice 19 a build takes only what the stage
// does not use. Each goes into build-kernel.sh's cache, where the VM stages
// find it; a build that is cached already takes a second.
import { runChild } from '@ledd/test-kit/process';

import { fromRoot } from '../helpers/paths.js';

export interface KernelBuild {
  /** build-kernel.sh's arguments. */
  args: string[];
  code: number | null;
  seconds: number;
  /** build-kernel.sh's last progress line ("built in 312 s", "using cached ...") or, on failure, its log's tail. */
  summary: string;
}

/** build-kernel.sh's arguments for each VM stage's kernel. */
export const X86_VM_KERNEL: readonly string[] = [];
export const TWIN_KERNEL: readonly string[] = ['--arch', 'arm64'];

/** Off with LEDD_KERNELS_BESIDE=0 (the VM stages then build their kernels themselves). */
export function kernelsBesideWanted(): boolean {
  return process.env.LEDD_KERNELS_BESIDE !== '0';
}

/** Builds (or finds cached) a kernel at the lowest CPU priority. */
export async function buildKernelBeside(args: readonly string[]): Promise<KernelBuild> {
  const started = Date.now();
  const result = await runChild('nice', ['-n', '19', 'bash', fromRoot('test', 'system', 'build-kernel.sh'), ...args], {
    timeoutMs: 45 * 60_000,
  });
  const progress = result.stderr.trim().split('\n');
  return {
    args: [...args],
    code: result.code,
    seconds: Math.round((Date.now() - started) / 1000),
    summary: result.code === 0 ? (progress.at(-1) ?? '') : progress.slice(-40).join('\n'),
  };
}
