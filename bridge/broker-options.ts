// What every connection of the bridge's to the broker presents: its
// credentials and the TLS it insists on.
import type { IClientOptions } from 'mqtt';

import type { BridgeConfig } from './config.js';

export function credentialOptions(config: BridgeConfig): IClientOptions {
  return {
    ...(config.username !== undefined && { username: config.username }),
    ...(config.password !== undefined && { password: config.password }),
    ...(config.ca !== undefined && { ca: config.ca }),
    ...(config.cert !== undefined && { cert: config.cert }),
    ...(config.privateKey !== undefined && { key: config.privateKey }),
    rejectUnauthorized: true,
  };
}
