// Home Assistant's MQTT discovery: one light per LED (JSON schema), all in
// one device per node. What the config declares is exactly what the bridge
// honours: on/off, the effects, flash (a timed blink of flash_time_short or
// flash_time_long seconds); no brightness, no transition (a GPIO line
// switches at once).
import { EFFECT_NAMES } from './effects.js';
import { AVAILABLE, type LightTopics, NOT_AVAILABLE, type NodeTopics } from './topics.js';
import { DEFAULT_LED_NAME } from '../protocol/leds.js';

export interface DeviceInfo {
  hostname: string;
  /** The board and the LEDs' lines, e.g. "Raspberry Pi 5 Model B Rev 1.0 GPIO17". */
  model: string;
  manufacturer: string;
  version: string;
}

export interface FlashTimes {
  flashTimeShort: number;
  flashTimeLong: number;
}

/** The entity's name, shown after the device's: "LED" for ledd's one unnamed LED, else "LED red". */
export function lightName(led: string): string {
  return led === DEFAULT_LED_NAME ? 'LED' : `LED ${led}`;
}

export function lightUniqueId(nodeId: string, led: string): string {
  return `ledd_${nodeId}_${led}`;
}

export function discoveryPayload(
  nodeId: string,
  node: NodeTopics,
  light: LightTopics,
  device: DeviceInfo,
  flash: FlashTimes,
): string {
  return JSON.stringify({
    name: lightName(light.led),
    unique_id: lightUniqueId(nodeId, light.led),
    schema: 'json',
    command_topic: light.set,
    state_topic: light.state,
    availability_topic: node.availability,
    payload_available: AVAILABLE,
    payload_not_available: NOT_AVAILABLE,
    supported_color_modes: ['onoff'],
    brightness: false,
    effect: true,
    effect_list: EFFECT_NAMES,
    flash: true,
    flash_time_short: flash.flashTimeShort,
    flash_time_long: flash.flashTimeLong,
    transition: false,
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
