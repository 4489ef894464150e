// Simulated LEDs for machines without GPIO: each level is held in memory and
// every change reported through a listener (ledd logs it). Like a real chip,
// the LEDs of one simulated chip (--chip, or "sim" for lines given by name)
// are one request, set in one call.
import { type ChipRequest, groupByChip, type LedPlace, LineBank } from './line-bank.js';
import { GpioError, type LedLines, type LinesSpec } from './line.js';

export type LevelListener = (led: number, on: boolean) => void;

class SimulatedChip implements ChipRequest {
  readonly #leds: readonly number[];
  readonly #onChange: LevelListener;
  readonly #levels: boolean[];
  #released = false;

  constructor(leds: readonly number[], initial: readonly boolean[], onChange: LevelListener) {
    this.#leds = leds;
    this.#levels = [...initial];
    this.#onChange = onChange;
  }

  set(slots: readonly number[], levels: readonly boolean[]): void {
    if (this.#released) throw new GpioError('io', 'the simulated lines were released');
    slots.forEach((slot, index) => {
      const on = levels[index]!;
      if (this.#levels[slot] === on) return;
      this.#levels[slot] = on;
      this.#onChange(this.#leds[slot]!, on);
    });
  }

  release(): void {
    this.#released = true;
  }
}

export function openSimulatedLines(spec: LinesSpec, onChange: LevelListener): LedLines {
  const { leds } = spec;
  const location = (led: number): string => {
    const { chip, line, activeLow } = leds[led]!;
    return `simulated ${chip === undefined ? '' : `${chip}:`}${String(line)}${activeLow ? ' (active-low)' : ''}`;
  };
  // Without a chip to look in, a line's name is what tells two lines apart.
  const chips = groupByChip(
    leds,
    (led) => leds[led]!.chip ?? 'sim',
    (led) => leds[led]!.line,
    location,
  );
  const places = new Array<LedPlace>(leds.length);
  for (const members of chips.values()) {
    const request = new SimulatedChip(
      members,
      members.map((led) => leds[led]!.initial),
      onChange,
    );
    members.forEach((led, slot) => (places[led] = { request, slot, location: location(led) }));
  }
  leds.forEach((led, index) => onChange(index, led.initial));
  return new LineBank(
    'sim',
    places,
    leds.map((led) => led.initial),
  );
}
