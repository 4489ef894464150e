// Real parts for the bridge's tests: a mosquitto broker of the test's own on
// a free loopback port, ledd-mqtt child processes, and an MQTT client that
// records what it receives. Everything is stopped and removed when the test ends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import net, { type Socket } from 'node:net';
import path from 'node:path';
import type { TestContext } from 'node:test';

import mqtt, { type MqttClient } from 'mqtt';
import { type Child, spawnChild } from '@ledd/test-kit/process';
import { MissingToolError } from '@ledd/test-kit/tools';
import { sleep, waitFor } from '@ledd/test-kit/wait';

import { type LogRecord, parseRecords } from '../daemon/harness.js';
import { fromRoot } from '../helpers/paths.js';

type After = Pick<TestContext, 'after'>;

/** ledd-mqtt as installed: the bundle. */
export const BRIDGE = fromRoot('dist', 'ledd-mqtt.cjs');

/** Fails (never skips) when the mosquitto broker is not installed. */
export function requireMosquitto(): void {
  const probe = spawnSync('mosquitto', ['-h'], { encoding: 'utf8' });
  if (probe.error || !/mosquitto version/.test(probe.stdout + probe.stderr))
    throw new MissingToolError('the MQTT broker mosquitto', 'mosquitto', probe.error?.message ?? 'no version line');
}

export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

async function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export interface BrokerOptions {
  /** Port to listen on (default: a free one). */
  port?: number;
  /** A mosquitto_passwd file: anonymous clients are refused. */
  passwordFile?: string;
  /** Serve TLS with this certificate and key (PEM files). */
  tls?: { cert: string; key: string };
  /** mosquitto's log_type all: every packet it receives and sends, and each save of its sessions. */
  verbose?: boolean;
}

export interface Broker {
  port: number;
  url: string;
  child: Child;
  /**
   * Every mosquitto process this broker has been, the current one last, with
   * its log when `verbose` (a file: mosquitto flushes it at each line, so a
   * SIGKILL loses none of it, as it would of a pipe's buffer).
   */
  instances: { child: Child; log(): string }[];
  /** Stops the broker with `signal` and waits for it. */
  stop(signal: NodeJS.Signals): Promise<void>;
  /** Starts it again on the same port with the same configuration and persistence. */
  restart(): Promise<void>;
}

/**
 * A mosquitto of the test's own, with its configuration and persistence (saved at every change) in a
 * directory of its own, removed once the broker is down.
 */
export async function startBroker(t: After, options: BrokerOptions = {}): Promise<Broker> {
  requireMosquitto();
  const directory = mkdtempSync(path.join(os.tmpdir(), 'ledd-mqtt-test-'));
  const port = options.port ?? (await freePort());
  const config = path.join(directory, `mosquitto-${port}.conf`);
  const configLines = (logFile: string): string[] => [
    // As root mosquitto would become the user mosquitto, who cannot read the test's private directory.
    ...(process.getuid?.() === 0 ? ['user root'] : []),
    `listener ${port} 127.0.0.1`,
    options.passwordFile ? `password_file ${options.passwordFile}` : 'allow_anonymous true',
    ...(options.passwordFile ? ['allow_anonymous false'] : []),
    ...(options.tls ? [`certfile ${options.tls.cert}`, `keyfile ${options.tls.key}`] : []),
    'persistence true',
    `persistence_location ${directory}/`,
    'autosave_on_changes true',
    'autosave_interval 1',
    // As the README advises for a broker of ledd bridges: no Nagle delay on small messages.
    'set_tcp_nodelay true',
    ...(options.verbose
      ? [`log_dest file ${logFile}`, 'log_type all']
      : ['log_dest stdout', 'log_type error', 'log_type warning', 'log_type notice', 'log_type information']),
  ];
  const scheme = options.tls ? 'mqtts' : 'mqtt';
  const broker: Broker = {
    port,
    url: `${scheme}://${options.tls ? 'localhost' : '127.0.0.1'}:${port}`,
    child: undefined as unknown as Child,
    instances: [],
    async stop(signal) {
      broker.child.kill(signal);
      await broker.child.wait(10_000);
    },
    async restart() {
      const logFile = path.join(directory, `mosquitto-${broker.instances.length}.log`);
      writeFileSync(config, configLines(logFile).join('\n') + '\n');
      broker.child = spawnChild(t, 'mosquitto', ['-c', config]);
      broker.instances.push({
        child: broker.child,
        log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
      });
      await waitFor(`mosquitto on port ${port}`, () => !broker.child.running || accepts(port), { intervalMs: 50 });
      if (!broker.child.running) throw new Error(`mosquitto did not start: ${broker.child.describe()}`);
    },
  };
  t.after(async () => {
    if (broker.child?.running) {
      broker.child.kill('SIGKILL');
      await broker.child.exited.catch(() => undefined);
    }
    rmSync(directory, { recursive: true, force: true });
  });
  // A port just freed can still be taken by the previous broker's sockets for a moment.
  for (let attempt = 0; ; attempt++) {
    await broker.restart();
    if (broker.child.running) break;
    if (attempt >= 20) throw new Error(broker.child.describe());
    await sleep(100);
  }
  return broker;
}

export interface Bridge {
  child: Child;
  /**
   * Watching ledd and online on the broker (its retained availability says so):
   * subscribed to its command topic, since it subscribes before it publishes.
   */
  ready(options?: mqtt.IClientOptions): Promise<void>;
  records(): LogRecord[];
  /** Waits for a log line whose msg matches. */
  waitLog(match: RegExp, timeoutMs?: number): Promise<LogRecord>;
}

/** Starts ledd-mqtt (JSON logs) against `brokerUrl` and ledd's `key`; killed when the test ends. */
export function startBridge(
  t: After,
  brokerUrl: string,
  key: number,
  nodeId: string,
  extra: string[] = [],
  env: NodeJS.ProcessEnv = {},
  /** Node's options and the program: the bundle by default (the benchmarks compare others). */
  program: readonly string[] = [BRIDGE],
): Bridge {
  // The test's own settings only: none of a developer's LEDD_* variables, journald or credentials.
  const inherited = Object.entries(process.env).filter(
    ([name]) => !/^(LEDD_|JOURNAL_STREAM$|CREDENTIALS_DIRECTORY$)/.test(name),
  );
  const childEnv: NodeJS.ProcessEnv = { ...Object.fromEntries(inherited), ...env };
  const child = spawnChild(
    t,
    process.execPath,
    [
      ...program,
      '--broker',
      brokerUrl,
      '--key',
      String(key),
      '--node-id',
      nodeId,
      '--client-id',
      `test-${nodeId}`,
      '--reconnect-max',
      '2',
      '--log-format',
      'json',
      ...extra,
    ],
    { env: childEnv },
  );
  const records = (): LogRecord[] => parseRecords(child.stdout);
  const waitLog = (match: RegExp, timeoutMs = 10_000): Promise<LogRecord> =>
    waitFor(
      `a log line ${match} from ledd-mqtt\n${child.describe()}`,
      () => {
        if (!child.running && !records().some((record) => match.test(record.msg))) {
          throw new Error(`ledd-mqtt exited before logging ${match}: ${child.describe()}`);
        }
        return records().find((record) => match.test(record.msg));
      },
      { timeoutMs, intervalMs: 20 },
    );
  return {
    child,
    records,
    waitLog,
    async ready(options = {}) {
      await waitLog(/^watching ledd$/);
      const topic = `ledd/${nodeId}/availability`;
      await waitFor(
        `${topic} to say online`,
        async () => (await retained(t, brokerUrl, topic, 200, options)) === 'online',
        {
          intervalMs: 50,
        },
      );
    },
  };
}

export interface Received {
  topic: string;
  payload: string;
  retain: boolean;
}

/** An MQTT client that records every message it receives. */
export class Recorder {
  readonly client: MqttClient;
  readonly messages: Received[] = [];

  private constructor(client: MqttClient) {
    this.client = client;
    client.on('message', (topic, payload, packet) => {
      this.messages.push({ topic, payload: payload.toString('utf8'), retain: packet.retain });
    });
  }

  static async connect(t: After, url: string, options: mqtt.IClientOptions = {}): Promise<Recorder> {
    const client = await mqtt.connectAsync(url, { reconnectPeriod: 200, connectTimeout: 5000, ...options });
    // As a controller should (and ledd-mqtt does): no Nagle delay on small messages.
    const noDelay = (): void => void (client.stream as Partial<Socket>).setNoDelay?.(true);
    noDelay();
    client.on('connect', noDelay);
    t.after(() => client.endAsync(true).catch(() => undefined));
    return new Recorder(client);
  }

  async subscribe(topic: string): Promise<void> {
    await this.client.subscribeAsync(topic, { qos: 1 });
  }

  on(topic: string): Received[] {
    return this.messages.filter((message) => message.topic === topic);
  }

  /** The first message on `topic`, from message number `from` on, for which `match` holds. */
  async waitFor(topic: string, match: (payload: string) => boolean, from = 0, timeoutMs = 10_000): Promise<Received> {
    return waitFor(
      `a message on ${topic} (seen: ${JSON.stringify(this.on(topic).map((m) => m.payload))})`,
      () => this.messages.slice(from).find((message) => message.topic === topic && match(message.payload)),
      { timeoutMs, intervalMs: 20 },
    );
  }

  async publish(topic: string, payload: string, retain = false): Promise<void> {
    await this.client.publishAsync(topic, payload, { qos: 1, retain });
  }
}

/** What a fresh subscriber gets as the retained message on `topic` (undefined: none within `ms`). */
export async function retained(
  t: After,
  url: string,
  topic: string,
  ms = 1000,
  options: mqtt.IClientOptions = {},
): Promise<string | undefined> {
  const recorder = await Recorder.connect(t, url, options);
  try {
    await recorder.subscribe(topic);
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      const found = recorder.messages.find((message) => message.topic === topic && message.retain);
      if (found) return found.payload;
      await sleep(20);
    }
    return undefined;
  } finally {
    await recorder.client.endAsync(true);
  }
}

/** The state and effect of a state payload (which also says color_mode onoff). */
export function stateOf(payload: string): { state: string; effect: string | null } {
  const { state, effect, color_mode: colorMode } = JSON.parse(payload) as Record<string, unknown>;
  assert.equal(colorMode, 'onoff', payload);
  return { state: state as string, effect: effect as string | null };
}
