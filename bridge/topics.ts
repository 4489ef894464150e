// The MQTT topics of one LED and what is published on them: the retained
// state (Home Assistant's MQTT light, JSON schema), availability, and the
// discovery config that makes Home Assistant add the light by itself.
import type { BridgeConfig } from './config.js';
import { EFFECT_NAMES } from './effects.js';

export const AVAILABLE = 'online';
export const NOT_AVAILABLE = 'offline';

export interface Topics {
  state: string;
  set: string;
  availability: string;
  discovery: string;
  /** Home Assistant's birth and last will: "online" when it (re)starts. */
  haStatus: string;
}

export function topicsFor(config: Pick<BridgeConfig, 'topicPrefix' | 'nodeId' | 'discoveryPrefix'>): Topics {
  const base = `${config.topicPrefix}/${config.nodeId}`;
  return {
    state: `${base}/state`,
    set: `${base}/set`,
    availability: `${base}/availability`,
    discovery: `${config.discoveryPrefix}/light/${config.nodeId}/led/config`,
    haStatus: `${config.discoveryPrefix}/status`,
  };
}

export interface DeviceInfo {
  hostname: string;
  model: string;
  manufacturer: string;
  version: string;
}

export interface PublishedState {
  state: 'ON' | 'OFF';
  effect: string | null;
}

export function statePayload(state: PublishedState): string {
  return JSON.stringify({ state: state.state, effect: state.effect, color_mode: 'onoff' });
}

export function discoveryPayload(nodeId: string, topics: Topics, device: DeviceInfo): string {
  return JSON.stringify({
    name: 'LED',
    unique_id: `ledd_${nodeId}_led`,
    schema: 'json',
    command_topic: topics.set,
    state_topic: topics.state,
    availability_topic: topics.availability,
    payload_available: AVAILABLE,
    payload_not_available: NOT_AVAILABLE,
    supported_color_modes: ['onoff'],
    brightness: false,
    effect: true,
    effect_list: EFFECT_NAMES,
    qos: 1,
    retain: false,
    optimistic: false,
    device: {
      identifiers: [`ledd_${nodeId}`],
      name: device.hostname,
      manufacturer: device.manufacturer,
      model: device.model,
      sw_version: device.version,
    },
    origin: { name: 'ledd-mqtt', sw_version: device.version },
  });
}
