// dist/ledd-cleanup.cjs, bundled from this file by scripts/bundle.mjs: the
// clean-up that ledd.service's ExecStopPost= and ledd-cleanup.service's
// ExecStop= run, the same as `ledd --cleanup` (same options and environment).
// It runs while a removal or an upgrade may be deleting or replacing ledd's
// files, so it is one file, which dpkg or install.sh replace whole, instead of
// a graph of modules loaded one by one. What it still loads from beside itself
// (the queue addon, the GPIO binding) is loaded inside the try below, where a
// missing file becomes one line that names it instead of a stack trace.
import { UsageError } from '../common/flags.js';
import { DaemonExit } from './exit-codes.js';

const name = 'ledd-cleanup';

function say(line: string, priority: 'err' | 'info'): void {
  // Under journald (JOURNAL_STREAM), the <N> prefix is the line's syslog priority.
  const prefix = process.env.JOURNAL_STREAM ? (priority === 'err' ? '<3>' : '<6>') : '';
  process.stderr.write(`${prefix}${name}: ${line.replace(/\s*\n\s*/g, ' ')}\n`);
}

async function main(argv: readonly string[]): Promise<number> {
  let modules;
  try {
    modules = await Promise.all([import('./config.js'), import('./log/logger.js'), import('./cleanup.js')]);
  } catch (error) {
    say(
      'not run: a part of ledd cannot be loaded, so the queue and the LED are left as they are ' +
        `(is ledd being removed, or half installed?): ${(error as Error).message}`,
      'err',
    );
    return DaemonExit.failure;
  }
  const [{ parseCommandLine }, { createLogger }, { cleanup }] = modules;
  let parsed;
  try {
    parsed = parseCommandLine(['--cleanup', ...argv], process.env);
  } catch (error) {
    say((error as Error).message, 'err');
    return error instanceof UsageError || error instanceof RangeError ? DaemonExit.usage : DaemonExit.failure;
  }
  if (parsed.kind !== 'cleanup') {
    say("takes ledd's options and does what `ledd --cleanup` does; see `ledd --help`", 'info');
    return parsed.kind === 'help' ? DaemonExit.ok : DaemonExit.usage;
  }
  return cleanup(parsed.config, createLogger(parsed.config.logLevel, parsed.config.logFormat), process.env);
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
