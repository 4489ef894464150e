// ledctl watch: a line for every change of the LEDs watched, until SIGINT or SIGTERM.
import { type LedSnapshot, type WatchEvent, watchLed } from '../client/watch.js';
import { ClientExit } from '../client/errors.js';
import { type LedReport, ledJson, type LedSelector } from '../protocol/leds.js';
import { timedText } from './timed-format.js';

function describeLed(led: LedReport, named: boolean): string {
  return led.timed ? `${describeShown(led, named)}, ${timedText(led.timed)}` : describeShown(led, named);
}

function describeShown(led: LedReport, named: boolean): string {
  const { pattern } = led;
  const head = named ? `LED ${led.name} ${led.state}` : `LED ${led.state}`;
  if (!pattern) return head;
  const cycles = pattern.cyclesLeft === null ? 'forever' : `${pattern.cyclesLeft} cycles left`;
  const labelled = pattern.label !== undefined && pattern.label !== pattern.kind;
  const what = labelled ? `"${pattern.label}" (${pattern.kind})` : pattern.kind;
  return `${head}, ${what} playing (${cycles}, then ${pattern.then})`;
}

function describeState(snapshot: LedSnapshot): string {
  return snapshot.leds.map((led) => describeLed(led, snapshot.named)).join('; ');
}

function textLine(event: WatchEvent, ledSeen: boolean): string {
  switch (event.kind) {
    case 'subscribed':
      return `${ledSeen ? 'ledd is back' : 'watching ledd'} (pid ${event.pid}): ${describeState(event)}`;
    case 'change':
      if (event.cause === 'exit') return `ledd is exiting: ${describeState(event)}`;
      if (event.cause === 'pattern-end') return `the pattern ended: ${describeState(event)}`;
      if (event.cause === 'timed-end') return `the timed state ended: ${describeState(event)}`;
      return describeState(event);
    case 'gone':
      return `ledd went away: ${event.reason}; waiting for it to come back`;
  }
}

function jsonLine(event: WatchEvent, time: string): string {
  if (event.kind === 'gone') return JSON.stringify({ time, event: 'gone', reason: event.reason });
  const cause = event.kind === 'change' ? event.cause : null;
  return JSON.stringify({
    time,
    event: event.kind,
    cause,
    state: event.state,
    pattern: event.pattern ?? null,
    leds: event.leds.map((led) => ledJson(led)),
    pid: event.pid,
  });
}

export async function watch(key: number, json: boolean, leds?: LedSelector): Promise<number> {
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  let ledSeen = false;
  for await (const event of watchLed({ key, name: 'ledctl', signal: stop.signal, ...(leds && { leds }) })) {
    const time = new Date().toISOString();
    process.stdout.write(`${json ? jsonLine(event, time) : `${time} ${textLine(event, ledSeen)}`}\n`);
    if (event.kind === 'subscribed') ledSeen = true;
  }
  return ClientExit.ok;
}
