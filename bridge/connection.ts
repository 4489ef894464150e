// The connection to the broker: a persistent session (clean: false, a fixed
// client id) so that QoS 1 commands sent while the bridge is away wait at
// the broker; a last will that marks the LED unavailable; reconnection with
// exponential back-off; a refused login ends the bridge instead of retrying
// for ever with credentials that will not start working by themselves.
import type { Socket } from 'node:net';

import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from 'mqtt';

import { connectionOptions } from './broker-options.js';
import type { BridgeConfig } from './config.js';
import type { Logger } from './log.js';
import { NOT_AVAILABLE, type NodeTopics } from './topics.js';

/** CONNACK codes that mean the credentials or their rights: 3.1.1's 4 and 5, MQTT 5's 134 and 135. */
const AUTH_REFUSALS: Record<number, string> = {
  4: 'bad user name or password',
  5: 'not authorised',
  134: 'bad user name or password',
  135: 'not authorised',
};

const FIRST_RETRY_MS = 500;

export interface ConnectionHandlers {
  /** After every successful (re)connection. */
  connected(sessionPresent: boolean): void;
  /** A message; the PUBACK of a QoS 1 message is sent only once this settles. */
  message(packet: IPublishPacket): Promise<void>;
  /** The broker refused the login: the bridge must end. */
  refused(reason: string): void;
}

export class BrokerConnection {
  readonly #client: MqttClient;
  readonly #log: Logger;
  readonly #maxDelayMs: number;
  #attempt = 0;
  #retry: NodeJS.Timeout | undefined;
  #stopping = false;
  #wasConnected = false;
  #lastError: string | undefined;

  constructor(config: BridgeConfig, topics: NodeTopics, log: Logger, handlers: ConnectionHandlers) {
    this.#log = log;
    this.#maxDelayMs = config.reconnectMaxMs;
    const options: IClientOptions = {
      clientId: config.clientId,
      clean: false,
      protocolVersion: 4,
      keepalive: 30,
      connectTimeout: 10_000,
      // Reconnection is ours (below): MQTT.js retries at a fixed period only.
      reconnectPeriod: 0,
      resubscribe: false,
      will: { topic: topics.availability, payload: Buffer.from(NOT_AVAILABLE), qos: 1, retain: true },
      ...connectionOptions(config),
    };
    const client = mqtt.connect(config.brokerUrl, options);
    this.#client = client;
    client.handleMessage = (packet, callback) => {
      handlers.message(packet).then(
        () => callback(),
        (error: unknown) => {
          log.error({ err: error }, `message on ${packet.topic} failed: ${(error as Error).message}`);
          callback();
        },
      );
    };
    client.on('connect', (connack) => {
      // A command's acknowledgement and the state that follows it are small
      // writes in a row: Nagle's algorithm would hold the second for the
      // broker's delayed ACK (40 ms).
      (client.stream as Partial<Socket>).setNoDelay?.(true);
      this.#attempt = 0;
      this.#wasConnected = true;
      log.info({ broker: config.brokerUrl, sessionPresent: connack.sessionPresent }, 'connected to the broker');
      handlers.connected(connack.sessionPresent);
    });
    client.on('error', (error: Error & { code?: number | string }) => {
      const reason = typeof error.code === 'number' ? AUTH_REFUSALS[error.code] : undefined;
      if (reason !== undefined) {
        this.#stopping = true;
        handlers.refused(reason);
        return;
      }
      // Said with the next retry, in one line (a refused connection, an untrusted certificate...).
      this.#lastError = error.message;
      log.debug({ code: error.code }, `broker connection error: ${error.message}`);
    });
    client.on('close', () => this.#scheduleReconnect(config.brokerUrl));
  }

  get connected(): boolean {
    return this.#client.connected;
  }

  #scheduleReconnect(broker: string): void {
    if (this.#stopping || this.#retry !== undefined) return;
    const ceiling = Math.min(this.#maxDelayMs, FIRST_RETRY_MS * 2 ** this.#attempt);
    // Jitter, so that many bridges do not return to a restarted broker at the same instant.
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.#attempt++;
    const message = this.#wasConnected ? 'lost the broker' : 'cannot reach the broker';
    const cause = this.#lastError === undefined ? '' : ` (${this.#lastError})`;
    this.#wasConnected = false;
    this.#lastError = undefined;
    this.#log.warn({ broker, attempt: this.#attempt, retryInMs: delay }, `${message}${cause}; retrying in ${delay} ms`);
    this.#retry = setTimeout(() => {
      this.#retry = undefined;
      if (!this.#stopping) this.#client.reconnect();
    }, delay);
  }

  /** Resolves once the broker granted the subscription (false: it failed, and is logged). */
  subscribe(topics: string[], qos: 0 | 1 = 1): Promise<boolean> {
    return new Promise((resolve) => {
      this.#client.subscribe(topics, { qos }, (error) => {
        if (error) this.#log.warn(`subscribing to ${topics.join(', ')} failed: ${error.message}`);
        resolve(!error);
      });
    });
  }

  /** Resolves once the broker acknowledged it: every message it sent for them before has arrived. */
  unsubscribe(topics: string[]): Promise<void> {
    return new Promise((resolve) => {
      this.#client.unsubscribe(topics, (error) => {
        if (error) this.#log.debug(`unsubscribing from ${topics.join(', ')} failed: ${error.message}`);
        resolve();
      });
    });
  }

  /** Publishes at QoS 1 when connected; otherwise drops it, as every (re)connection republishes everything. */
  publish(topic: string, payload: string, retain: boolean): void {
    if (!this.#client.connected) return;
    this.#client.publish(topic, payload, { qos: 1, retain }, (error) => {
      if (error) this.#log.debug(`publishing on ${topic} failed: ${error.message}`);
    });
  }

  /** Publishes the last words (awaiting their PUBACK, briefly), then disconnects cleanly. */
  async close(last: { topic: string; payload: string }[] = [], timeoutMs = 2000): Promise<void> {
    this.#stopping = true;
    clearTimeout(this.#retry);
    const client = this.#client;
    const work = (async () => {
      if (client.connected) {
        await Promise.all(
          last.map(({ topic, payload }) => client.publishAsync(topic, payload, { qos: 1, retain: true })),
        );
      }
      await client.endAsync();
    })();
    const timer = new Promise<void>((resolve) => setTimeout(resolve, timeoutMs).unref());
    await Promise.race([work.catch(() => undefined), timer]);
    if (!client.disconnected) client.end(true);
  }
}
