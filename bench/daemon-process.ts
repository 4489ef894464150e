// A real ledd --backend sim for the daemon benchmarks, on a fresh key.
import { randomInt } from 'node:crypto';

import { Child } from '@ledd/test-kit/process';

import { simLeddArgs } from '../test/daemon/harness.js';

export interface BenchDaemon {
  child: Child;
  key: number;
  stop(): Promise<void>;
}

export async function startBenchDaemon(extraArgs: string[] = []): Promise<BenchDaemon> {
  const key = 0x7c00_0000 + randomInt(1, 0x0100_0000);
  const env = { ...process.env };
  delete env.NOTIFY_SOCKET;
  delete env.JOURNAL_STREAM;
  const child = new Child(process.execPath, simLeddArgs(key, 'none', extraArgs), { env });
  await child.nextLine(/"msg":"ready"/, 15_000);
  return {
    child,
    key,
    async stop() {
      child.kill('SIGTERM');
      await child.wait(15_000);
    },
  };
}
