// What every connection of the bridge's to the broker presents: its
// credentials and the TLS it insists on; and how MQTT.js writes packets.
import type { IClientOptions } from 'mqtt';

import type { BridgeConfig } from './config.js';

export function connectionOptions(config: BridgeConfig): IClientOptions {
  return {
    ...(config.username !== undefined && { username: config.username }),
    ...(config.password !== undefined && { password: config.password }),
    ...(config.ca !== undefined && { ca: config.ca }),
    ...(config.cert !== undefined && { cert: config.cert }),
    ...(config.privateKey !== undefined && { key: config.privateKey }),
    rejectUnauthorized: true,
    // MQTT.js otherwise keeps a ready-made Buffer for each of the 65,536
    // two-byte numbers: 6 MB of a bridge's heap, to spare a few bytes of
    // allocation per packet on a connection that carries a few a minute.
    writeCache: false,
  };
}
