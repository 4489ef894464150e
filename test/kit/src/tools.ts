// Outside tools the tests rely on. A missing one makes the test FAIL (never
// skip) with the Debian package that provides it, as listed in .ci/packages.
import { spawnSync } from 'node:child_process';

/** Debian's python3, which has python3-sysv-ipc; `python3` on PATH may be another interpreter. */
export const SYSTEM_PYTHON = '/usr/bin/python3';

export class MissingToolError extends Error {
  constructor(what: string, debianPackage: string, detail = '') {
    super(
      `${what} is not available${detail ? ` (${detail})` : ''}: install the Debian package ${debianPackage} ` +
        `(apt-get install ${debianPackage}; the CI installs what .ci/packages lists)`,
    );
    this.name = 'MissingToolError';
  }
}

const checked = new Map<string, string | null>();

function probe(id: string, command: string, args: string[]): string | null {
  if (!checked.has(id)) {
    const result = spawnSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
    const failure = result.error
      ? result.error.message
      : result.status !== 0
        ? (result.stderr || result.stdout || `exit code ${result.status}`).trim().split('\n').slice(-1)[0]!
        : null;
    checked.set(id, failure);
  }
  return checked.get(id) ?? null;
}

/** Fails unless `command` can be run (checked with `versionArgs`, by default --version). */
export function requireCommand(command: string, debianPackage: string, versionArgs = ['--version']): string {
  const failure = probe(`command:${command}`, command, versionArgs);
  if (failure !== null) throw new MissingToolError(`the command ${command}`, debianPackage, failure);
  return command;
}

/** Fails unless SYSTEM_PYTHON can import `module`. */
export function requirePythonModule(module: string, debianPackage: string): string {
  const failure = probe(`python:${module}`, SYSTEM_PYTHON, ['-c', `import ${module}`]);
  if (failure !== null)
    throw new MissingToolError(`the Python module ${module} for ${SYSTEM_PYTHON}`, debianPackage, failure);
  return SYSTEM_PYTHON;
}

/** Fails unless perl can load `module`. */
export function requirePerlModule(module: string, debianPackage: string): string {
  const failure = probe(`perl:${module}`, 'perl', [`-M${module}`, '-e', '1']);
  if (failure !== null) throw new MissingToolError(`the Perl module ${module}`, debianPackage, failure);
  return 'perl';
}

/** setpriv, for running a child as another user. */
export function requireSetpriv(): string {
  return requireCommand('setpriv', 'util-linux');
}
