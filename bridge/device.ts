// What Home Assistant shows about the device: the host, the board as the
// device tree names it, and the lines of the LEDs as ledd reports them.
import { readFileSync } from 'node:fs';
import os from 'node:os';

import { packageVersion } from '../common/version.js';
import type { DeviceInfo } from './discovery.js';

export function boardModel(file = '/proc/device-tree/model'): string | undefined {
  try {
    const model = readFileSync(file, 'latin1').replace(/\0+$/, '').trim();
    return model === '' ? undefined : model;
  } catch {
    return undefined;
  }
}

/** An LED's line as ledd's status gives it, without the chip: "GPIO17", "simulated GPIO6 (active-low)". */
export function shortLine(location: string): string {
  return location.replace(/ on \S+ line \d+/, '');
}

/**
 * The model: the board, then the line of ledd's one LED ("... GPIO17"), or
 * each LED's name and line ("... red GPIO5, green GPIO6").
 */
export function deviceModel(board: string | undefined, lines: ReadonlyMap<string, string>): string {
  const wiring = [...lines].map(([led, line]) => (lines.size === 1 ? shortLine(line) : `${led} ${shortLine(line)}`));
  // A machine without a device tree (a PC running ledd --backend sim) is named for the LEDs' wiring.
  return `${board ?? 'Raspberry Pi 5'} ${wiring.join(', ')}`.trim();
}

export function deviceInfo(lines: ReadonlyMap<string, string>, board: string | undefined): DeviceInfo {
  return {
    hostname: os.hostname(),
    model: deviceModel(board, lines),
    manufacturer: board?.startsWith('Raspberry Pi') || board === undefined ? 'Raspberry Pi Ltd' : 'ledd',
    version: packageVersion(),
  };
}
