// The MQTT topics of one node (one Pi, one ledd) and of each of its LEDs.
// The node has one availability topic, shared by its lights; each LED has
// its own state, set and discovery topics. ledd's one unnamed LED (named
// "led", as ledd without --led calls it) keeps the node-level state and set
// topics it had before ledd drove several LEDs, so that what a user built
// on them goes on working.
import type { BridgeConfig } from './config.js';
import { DEFAULT_LED_NAME } from '../protocol/leds.js';

export const AVAILABLE = 'online';
export const NOT_AVAILABLE = 'offline';

export type TopicConfig = Pick<BridgeConfig, 'topicPrefix' | 'nodeId' | 'discoveryPrefix'>;

export interface NodeTopics {
  availability: string;
  /** Home Assistant's birth and last will: "online" when it (re)starts. */
  haStatus: string;
  /** Every LED's command topic: the node-level one and the per-LED ones. */
  setFilters: string[];
  /** Where this node's retained state and discovery may lie: looked at for ghosts at every connection. */
  retainedFilters: string[];
  /** Everything this node has ever published under its prefix (ledd-mqtt --remove). */
  everything: string[];
}

export interface LightTopics {
  /** The LED's name in ledd (ledctl list). */
  led: string;
  state: string;
  set: string;
  discovery: string;
}

function base(config: TopicConfig): string {
  return `${config.topicPrefix}/${config.nodeId}`;
}

function discoveryBase(config: TopicConfig): string {
  return `${config.discoveryPrefix}/light/${config.nodeId}`;
}

export function nodeTopics(config: TopicConfig): NodeTopics {
  return {
    availability: `${base(config)}/availability`,
    haStatus: `${config.discoveryPrefix}/status`,
    setFilters: [`${base(config)}/set`, `${base(config)}/+/set`],
    retainedFilters: [`${base(config)}/state`, `${base(config)}/+/state`, `${discoveryBase(config)}/+/config`],
    everything: [`${base(config)}/#`, `${discoveryBase(config)}/+/config`],
  };
}

export function lightTopics(config: TopicConfig, led: string): LightTopics {
  const own = led === DEFAULT_LED_NAME ? base(config) : `${base(config)}/${led}`;
  return {
    led,
    state: `${own}/state`,
    set: `${own}/set`,
    discovery: `${discoveryBase(config)}/${led}/config`,
  };
}

export interface PublishedState {
  state: 'ON' | 'OFF';
  effect: string | null;
}

export function statePayload(state: PublishedState): string {
  return JSON.stringify({ state: state.state, effect: state.effect, color_mode: 'onoff' });
}
