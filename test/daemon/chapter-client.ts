// The chapter's C client, built for a given key: common.h and command.c copied
// as they are, with only MSG_QUEUE_KEY's value replaced.
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestContext } from 'node:test';

import { runOk } from '@ledd/test-kit/process';

import { fromRoot } from '../helpers/paths.js';
import { tempDir } from '../helpers/temp-dir.js';

const fixtures = fromRoot('test', 'daemon', 'fixtures', 'chapter');

export async function buildChapterClient(t: Pick<TestContext, 'after'>, key: number): Promise<string> {
  const directory = tempDir(t);
  const header = readFileSync(path.join(fixtures, 'common.h'), 'utf8');
  const keyed = header.replace('#define MSG_QUEUE_KEY 1234', `#define MSG_QUEUE_KEY ${key}`);
  if (keyed === header) throw new Error('common.h no longer defines MSG_QUEUE_KEY 1234');
  writeFileSync(path.join(directory, 'common.h'), keyed);
  copyFileSync(path.join(fixtures, 'command.c'), path.join(directory, 'command.c'));
  const binary = path.join(directory, 'command');
  await runOk('cc', ['-Wall', '-o', binary, path.join(directory, 'command.c')], { timeoutMs: 60_000 });
  return binary;
}
