// A scratch directory for one test, removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';

/** A temporary directory removed when the test ends. */
export function tempDir(t: Pick<TestContext, 'after'>): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'ledd-test-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}
