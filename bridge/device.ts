// What Home Assistant shows about the device: the host, and the board as the
// device tree names it.
import { readFileSync } from 'node:fs';
import os from 'node:os';

import { packageVersion } from '../common/version.js';
import type { DeviceInfo } from './topics.js';

export function boardModel(file = '/proc/device-tree/model'): string | undefined {
  try {
    const model = readFileSync(file, 'latin1').replace(/\0+$/, '').trim();
    return model === '' ? undefined : model;
  } catch {
    return undefined;
  }
}

export function deviceInfo(): DeviceInfo {
  const board = boardModel();
  return {
    hostname: os.hostname(),
    // A machine without a device tree (a PC running ledd --backend sim) is named for the LED's wiring.
    model: `${board ?? 'Raspberry Pi 5'} GPIO17`,
    manufacturer: board?.startsWith('Raspberry Pi') || board === undefined ? 'Raspberry Pi Ltd' : 'ledd',
    version: packageVersion(),
  };
}
