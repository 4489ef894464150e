#!/usr/bin/env node
// ledctl: commands ledd over its message queue.
import { packageVersion } from '../common/version.js';
import { parseArguments } from './arguments.js';
import { exchange } from '../client/exchange.js';
import { ClientError, ClientExit } from '../client/errors.js';
import { usageText } from './usage.js';
import { writeOut } from './output.js';
import type { LedSelector } from '../protocol/leds.js';

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
  const { verb, key, timeoutMs, json, pattern, leds, list, forMs } = parsed.options;
  if (verb === 'WATCH') {
    const { watch } = await import('./watch.js');
    return watch(key, json, leds);
  }
  const selector: LedSelector | undefined = list ? { kind: 'all' } : leds;
  const { reply, status, queueId } = await exchange(verb, key, timeoutMs, {
    ...(selector && { leds: selector }),
    ...(pattern && { pattern }),
    ...(forMs !== undefined && { forMs }),
  });
  if (!reply.ok) {
    throw new ClientError(ClientExit.refused, `ledd refused: ${reply.message} (${reply.code})`);
  }
  if (verb === 'STATUS' && status) {
    const format = await import('./status-format.js');
    if (list) writeOut(`${json ? format.listJson(reply) : format.listText(reply)}\n`);
    else writeOut(`${json ? format.statusJson(reply, queueId, status) : format.statusText(reply, queueId, status)}\n`);
  } else if (verb === 'EXIT') {
    writeOut(`ledd exited; LED ${reply.state}\n`);
  } else {
    const { commandText } = await import('./command-format.js');
    writeOut(commandText(reply, leds !== undefined, pattern));
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
