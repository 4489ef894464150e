#!/usr/bin/env node
// ledctl: commands ledd over its message queue.
import { packageVersion } from '../common/version.js';
import { parseArguments } from './arguments.js';
import { exchange } from '../client/exchange.js';
import { ClientError, ClientExit } from '../client/errors.js';
import { usageText } from './usage.js';
import { writeOut } from './output.js';

async function main(argv: readonly string[]): Promise<number> {
  const parsed = parseArguments(argv, process.env);
  if (parsed.kind === 'help') {
    writeOut(usageText);
    return ClientExit.ok;
  }
  if (parsed.kind === 'version') {
    writeOut(`ledctl ${packageVersion()}\n`);
    return ClientExit.ok;
  }
  const { verb, key, timeoutMs, json, pattern } = parsed.options;
  if (verb === 'WATCH') {
    const { watch } = await import('./watch.js');
    return watch(key, json);
  }
  const { reply, status, queueId } = await exchange(verb, key, timeoutMs, pattern);
  if (!reply.ok) {
    throw new ClientError(ClientExit.refused, `ledd refused: ${reply.message} (${reply.code})`);
  }
  if (verb === 'STATUS' && status) {
    const { statusJson, statusText } = await import('./status-format.js');
    writeOut(`${json ? statusJson(reply, queueId, status) : statusText(reply, queueId, status)}\n`);
  } else if (pattern) {
    const { describePattern } = await import('../protocol/pattern.js');
    writeOut(`LED ${reply.state}; playing: ${describePattern(pattern)}\n`);
  } else if (verb === 'EXIT') {
    writeOut(`ledd exited; LED ${reply.state}\n`);
  } else {
    writeOut(`LED ${reply.state}\n`);
  }
  return ClientExit.ok;
}

// Not a top-level await: ledctl ships as one CommonJS file (dist/ledctl.cjs), which starts faster.
main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const known = error instanceof ClientError;
    process.stderr.write(`ledctl: ${known ? error.message : `unexpected error: ${(error as Error).stack}`}\n`);
    process.exitCode = known ? error.exitCode : ClientExit.failure;
  },
);
