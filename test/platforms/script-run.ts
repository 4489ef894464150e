// Running a platform script (run-trixie.sh, run-foreign-arch.sh) and reading
// the KEY=value files it leaves in its output folder.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

import { fromRoot } from '../helpers/paths.js';

export interface ScriptResult {
  code: number | null;
  /** stdout and stderr, interleaved as they came. */
  output: string;
  seconds: number;
}

/** Runs test/platforms/NAME with ARGS to its end; never rejects for a non-zero exit. */
export function runPlatformScript(name: string, args: string[]): Promise<ScriptResult> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('bash', [fromRoot('test', 'platforms', name), ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

/** The last 30 lines of a script's output, for a failure message. */
export function outputTail(result: ScriptResult): string {
  return result.output.split('\n').slice(-30).join('\n');
}

/** A KEY=value file as an object; {} when it does not exist. */
export function readEnv(file: string): Record<string, string> {
  if (!existsSync(file)) return {};
  return Object.fromEntries(
    readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.includes('='))
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
}

export function readText(file: string): string {
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}
