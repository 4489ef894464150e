// npm run demo: the whole cycle on a machine without GPIO. Starts ledd with
// the simulated LED, drives it with ledctl as a person would, and shows that
// the queue is gone afterwards.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
// The programs as installed: the bundles.
const ledd = path.join(here, '../ledd.cjs');
const ledctl = path.join(here, '../ledctl.cjs');
const key = process.env.LEDD_KEY || '1234';
const stateDirectory = mkdtempSync(path.join(os.tmpdir(), 'ledd-demo-'));

const bold = process.stdout.isTTY ? (text: string) => `\x1b[1m${text}\x1b[0m` : (text: string) => text;

function say(text: string): void {
  process.stdout.write(`\n${bold(text)}\n`);
}

const daemon = spawn(
  process.execPath,
  [
    ledd,
    '--backend',
    'sim',
    '--key',
    key,
    '--state-file',
    path.join(stateDirectory, 'state.json'),
    '--log-format',
    'pretty',
  ],
  { stdio: ['ignore', 'pipe', 'inherit'] },
);
const ready = new Promise<void>((resolve, reject) => {
  daemon.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    for (const line of chunk.split('\n').filter(Boolean)) {
      process.stdout.write(`  ledd | ${line}\n`);
      if (/ ready /.test(line)) resolve();
    }
  });
  daemon.once('exit', (code) => reject(new Error(`ledd exited with status ${code} before it was ready`)));
});
const exited = new Promise<number | null>((resolve) => daemon.once('exit', (code) => resolve(code)));

async function ledctlRun(...args: string[]): Promise<void> {
  say(`$ ledctl ${args.join(' ')}`);
  const child = spawn(process.execPath, [ledctl, '--key', key, ...args], { stdio: 'inherit' });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  // Lets ledd's log lines for this command arrive before the next prompt.
  await new Promise((resolve) => setTimeout(resolve, 100));
  if (code !== 0) throw new Error(`ledctl ${args.join(' ')} exited with status ${code}`);
}

try {
  say(`Starting ledd with a simulated LED on queue key ${key}`);
  await ready;
  await ledctlRun('on');
  await ledctlRun('status');
  await ledctlRun('toggle');
  await ledctlRun('off');
  await ledctlRun('exit');
  const code = await exited;
  say(`ledd exited with status ${code}`);
  say('$ ipcs -q');
  spawnSync('ipcs', ['-q'], { stdio: 'inherit' });
  process.exitCode = code === 0 ? 0 : 1;
} catch (error) {
  process.stderr.write(`demo failed: ${(error as Error).message}\n`);
  daemon.kill('SIGTERM');
  process.exitCode = 1;
} finally {
  rmSync(stateDirectory, { recursive: true, force: true });
}
