// ledd-mqtt --remove: takes this node off the broker for good. Every
// retained payload the bridge publishes for the node (each light's discovery
// config and state, the availability) is replaced by an empty retained one,
// which the broker takes as "forget it" and Home Assistant as "remove the
// light"; the bridge's persistent session is ended too. Run once the bridge
// has stopped: a running one would publish everything again.
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';

import { connectionOptions } from './broker-options.js';
import type { BridgeConfig } from './config.js';
import { BridgeExit } from './exit-codes.js';
import { AVAILABLE, nodeTopics } from './topics.js';

const CONNECT_TIMEOUT_MS = 10_000;
/** CONNACK codes that mean the credentials or their rights: 3.1.1's 4 and 5, MQTT 5's 134 and 135. */
const AUTH_REFUSALS = new Set([4, 5, 134, 135]);

export interface RemoveOutput {
  done(line: string): void;
  failed(line: string): void;
}

class ConnectFailure extends Error {
  constructor(
    message: string,
    readonly auth: boolean,
  ) {
    super(message);
  }
}

function connect(config: BridgeConfig, clientId: string): Promise<MqttClient> {
  const options: IClientOptions = {
    clientId,
    clean: true,
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    ...connectionOptions(config),
  };
  return new Promise((resolve, reject) => {
    const client = mqtt.connect(config.brokerUrl, options);
    let lastError = 'no answer';
    const fail = (failure: ConnectFailure): void => {
      clearTimeout(timer);
      client.end(true);
      reject(failure);
    };
    const timer = setTimeout(
      () => fail(new ConnectFailure(`no connection within ${CONNECT_TIMEOUT_MS / 1000} s (${lastError})`, false)),
      CONNECT_TIMEOUT_MS,
    );
    client.once('connect', () => {
      clearTimeout(timer);
      resolve(client);
    });
    client.on('error', (error: Error & { code?: number | string }) => {
      lastError = error.message;
      if (typeof error.code === 'number' && AUTH_REFUSALS.has(error.code))
        fail(new ConnectFailure(`the broker refused the login (${error.message})`, true));
    });
    client.on('close', () => {
      if (!client.connected) fail(new ConnectFailure(lastError, false));
    });
  });
}

/** The retained, non-empty payloads under `filters` as the broker holds them now. */
async function retainedUnder(client: MqttClient, filters: string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  client.on('message', (topic, payload, packet) => {
    if (packet.retain && payload.length > 0) found.set(topic, payload.toString('utf8'));
  });
  // QoS 0: the broker sends every retained message at once, before it acknowledges the end of the subscription.
  await client.subscribeAsync(filters, { qos: 0 });
  await client.unsubscribeAsync(filters);
  return found;
}

export async function removeNode(config: BridgeConfig, output: RemoveOutput): Promise<number> {
  const node = nodeTopics(config);
  const where = `node ${config.nodeId} on ${config.brokerUrl}`;
  let client: MqttClient;
  try {
    // A client id of its own: the bridge's would take over (and end) a bridge still connected.
    client = await connect(config, `${config.clientId.slice(0, 56)}-remove`);
  } catch (error) {
    const failure = error as ConnectFailure;
    output.failed(`cannot reach the broker ${config.brokerUrl}: ${failure.message}; nothing was removed`);
    return failure.auth ? BridgeExit.brokerAuth : BridgeExit.brokerUnreachable;
  }
  try {
    const retained = await retainedUnder(client, node.everything);
    if (retained.get(node.availability) === AVAILABLE) {
      output.failed(
        `the bridge of ${where} is online (ledd-mqtt runs, here or elsewhere with this node id): ` +
          'stop it first (systemctl stop ledd-mqtt), then run ledd-mqtt --remove again; nothing was removed',
      );
      return BridgeExit.bridgeRunning;
    }
    await Promise.all([...retained.keys()].map((topic) => client.publishAsync(topic, '', { qos: 1, retain: true })));
    await client.endAsync();
    // The bridge's persistent session (its subscriptions, commands queued for it) ends with a clean connection.
    const session = await connect(config, config.clientId);
    await session.endAsync();
    output.done(
      retained.size === 0
        ? `nothing retained for ${where}; its session there is ended`
        : `cleared ${retained.size} retained topics of ${where} (${[...retained.keys()].sort().join(', ')}); ` +
            'its session there is ended',
    );
    return BridgeExit.ok;
  } catch (error) {
    output.failed(`removing ${where} failed: ${(error as Error).message}`);
    return BridgeExit.brokerUnreachable;
  } finally {
    client.end(true);
  }
}
