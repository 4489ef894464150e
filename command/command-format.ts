// What ledctl prints for a command that changed LEDs: "LED ON" for ledd's
// first LED (no --led), one line per LED when LEDs were named.
import { ledReportsOf } from '../protocol/leds.js';
import { describePattern, type PatternSpec } from '../protocol/pattern.js';
import type { Reply } from '../protocol/reply.js';
import { timedText } from './timed-format.js';

export function commandText(reply: Extract<Reply, { ok: true }>, named: boolean, pattern?: PatternSpec): string {
  const playing = pattern ? `; playing: ${describePattern(pattern)}` : '';
  return ledReportsOf(reply)
    .map((led) => {
      const timed = led.timed ? `; ${timedText(led.timed)}` : '';
      return `LED ${named ? `${led.name} ` : ''}${led.state}${playing}${timed}\n`;
    })
    .join('');
}
