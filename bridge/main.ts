#!/usr/bin/env node
// ledd-mqtt: ledd on an MQTT broker, with Home Assistant discovery.
import { UsageError } from '../common/flags.js';
import { packageVersion } from '../common/version.js';
import { Bridge } from './bridge.js';
import { describeConfig, parseCommandLine } from './config.js';
import { BridgeExit } from './exit-codes.js';
import { helpText } from './help.js';
import { createLogger } from './log.js';
import { removeNode } from './remove.js';

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseCommandLine(argv, process.env);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`ledd-mqtt: ${error.message}\n`);
    return BridgeExit.usage;
  }
  if (parsed.kind === 'help') {
    process.stdout.write(helpText);
    return BridgeExit.ok;
  }
  if (parsed.kind === 'version') {
    process.stdout.write(`ledd-mqtt ${packageVersion()}\n`);
    return BridgeExit.ok;
  }
  const { config } = parsed;
  if (parsed.kind === 'remove') {
    return removeNode(config, {
      done: (line) => process.stdout.write(`ledd-mqtt: ${line}\n`),
      failed: (line) => process.stderr.write(`ledd-mqtt: ${line}\n`),
    });
  }
  const log = createLogger(config.logLevel, config.logFormat);
  const stop = new AbortController();
  for (const signal of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (!stop.signal.aborted) log.info({ signal }, 'stopping');
      stop.abort();
    });
  }
  log.info(describeConfig(config), 'starting');
  try {
    const code = await new Bridge(config, log).run(stop.signal);
    if (code === BridgeExit.ok) log.info('stopped');
    return code;
  } catch (error) {
    log.fatal({ err: error }, `unexpected failure: ${(error as Error).message}`);
    return BridgeExit.failure;
  }
}

// No top-level await: this file is bundled as CommonJS (dist/ledd-mqtt.cjs).
void main(process.argv.slice(2)).then((code) => {
  // MQTT.js and the watcher may hold timers or sockets for a moment after the goodbye.
  process.exit(code);
});
