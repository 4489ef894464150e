// ledctl watch: a line for every change of the LED, until SIGINT or SIGTERM.
import { type LedSnapshot, type WatchEvent, watchLed } from '../client/watch.js';
import { ClientExit } from '../client/errors.js';

function describeState(snapshot: LedSnapshot): string {
  const { pattern } = snapshot;
  if (!pattern) return `LED ${snapshot.state}`;
  const cycles = pattern.cycles === 'forever' ? 'forever' : `${pattern.cycles} cycles left`;
  return `LED ${snapshot.state}, ${pattern.name} playing (${cycles}, then ${pattern.then})`;
}

function textLine(event: WatchEvent, ledSeen: boolean): string {
  switch (event.kind) {
    case 'subscribed':
      return `${ledSeen ? 'ledd is back' : 'watching ledd'} (pid ${event.pid}): ${describeState(event)}`;
    case 'change':
      if (event.cause === 'exit') return `ledd is exiting: LED ${event.state}`;
      if (event.cause === 'pattern-end') return `the pattern ended: ${describeState(event)}`;
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
    pid: event.pid,
  });
}

export async function watch(key: number, json: boolean): Promise<number> {
  const stop = new AbortController();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stop.abort());
  let ledSeen = false;
  for await (const event of watchLed({ key, name: 'ledctl', signal: stop.signal })) {
    const time = new Date().toISOString();
    process.stdout.write(`${json ? jsonLine(event, time) : `${time} ${textLine(event, ledSeen)}`}\n`);
    if (event.kind === 'subscribed') ledSeen = true;
  }
  return ClientExit.ok;
}
