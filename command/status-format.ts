// How `ledctl status` shows the daemon's answer and the queue's IPC_STAT data,
// and `ledctl list` the LEDs alone.
import { formatKey, type QueueStatus } from '@ledd/sysvmq';

import { describeGroup, describeUser } from '../common/accounts.js';
import { type LedReport, ledJson, ledReportsOf } from '../protocol/leds.js';
import type { Reply } from '../protocol/reply.js';
import { timedText } from './timed-format.js';

type OkReply = Extract<Reply, { ok: true }>;

function when(date: Date | null): string {
  return date === null
    ? 'never'
    : date
        .toISOString()
        .replace('T', ' ')
        .replace(/\.\d+Z$/, ' UTC');
}

function pidAt(pid: number, date: Date | null): string {
  return pid === 0 ? 'none' : `pid ${pid} at ${when(date)}`;
}

/** The line of an LED: its line.NAME= field, or line= for ledd's one unnamed LED. */
function lineOf(reply: OkReply, name: string): string {
  return (reply.fields[`line.${name}`] ?? reply.fields.line ?? '?').replace(/_/g, ' ');
}

/** "ON, playing blink (3 cycles left, then off)", and a timed state's end */
function describeLed(led: LedReport): string {
  return led.timed ? `${describeShown(led)}, ${timedText(led.timed)}` : describeShown(led);
}

function describeShown(led: LedReport): string {
  const { pattern } = led;
  if (!pattern) return led.state;
  const cycles = pattern.cyclesLeft === null ? 'forever' : `${pattern.cyclesLeft} cycles left, then ${pattern.then}`;
  // A label that only repeats the kind (ledd-mqtt's "heartbeat") says nothing more.
  if (pattern.label === undefined || pattern.label === pattern.kind)
    return `${led.state}, playing ${pattern.kind} (${cycles})`;
  return `${led.state}, playing "${pattern.label}" (${pattern.kind}, ${cycles})`;
}

/** ledd's watchers= field ("ledd-mqtt:812,ledctl:901,+3"): who is subscribed to the LED's changes. */
function watchersOf(reply: OkReply): { list: { name: string; pid: number }[]; more: number } | null {
  const text = reply.fields.watchers;
  if (text === undefined) return null;
  const list: { name: string; pid: number }[] = [];
  let more = 0;
  for (const entry of text === 'none' ? [] : text.split(',')) {
    const rest = /^\+(\d+)$/.exec(entry);
    if (rest) more = Number(rest[1]);
    const at = entry.lastIndexOf(':');
    if (!rest && at > 0) list.push({ name: entry.slice(0, at), pid: Number(entry.slice(at + 1)) });
  }
  return { list, more };
}

function watchersText(reply: OkReply): string[] {
  const watchers = watchersOf(reply);
  if (watchers === null) return [];
  const shown = watchers.list.map(({ name, pid }) => `${name} (pid ${pid})`);
  if (watchers.more > 0) shown.push(`${watchers.more} more`);
  return [`watched by: ${shown.length > 0 ? shown.join(', ') : 'nobody (no ledctl watch, no ledd-mqtt bridge)'}`];
}

export function statusText(reply: OkReply, queueId: number, status: QueueStatus): string {
  const field = (name: string): string => reply.fields[name] ?? '?';
  // ledd's one unnamed LED as it always was shown; named LEDs one line each, with their lines.
  const named = reply.fields.leds !== undefined;
  const leds = ledReportsOf(reply).map((led) =>
    named ? `LED ${led.name} (${lineOf(reply, led.name)}) is ${describeLed(led)}` : `LED is ${describeLed(led)}`,
  );
  const line = named ? '' : ` line ${field('line').replace(/_/g, ' ')};`;
  return [
    ...leds,
    `ledd: pid ${field('pid')}, backend ${field('backend')},${line} ` +
      `${field('handled')} requests handled, ${field('rejected')} rejected, ${field('dropped')} replies dropped`,
    ...watchersText(reply),
    `queue: key ${formatKey(status.key)}, id ${queueId}: ${status.qnum} messages, ${status.cbytes} of ${status.qbytes} bytes`,
    `  last send:     ${pidAt(status.lspid, status.stime)}`,
    `  last receive:  ${pidAt(status.lrpid, status.rtime)}`,
    `  last change:   ${when(status.ctime)}`,
    `  owner ${describeUser(status.uid)}, group ${describeGroup(status.gid)}, created by ${describeUser(status.cuid)}, ` +
      `mode 0${status.mode.toString(8)}`,
  ].join('\n');
}

export function statusJson(reply: OkReply, queueId: number, status: QueueStatus): string {
  const numeric = (name: string): number | null =>
    reply.fields[name] === undefined ? null : Number(reply.fields[name]);
  const leds = ledReportsOf(reply);
  const first = ledJson(leds[0]!);
  return JSON.stringify(
    {
      // The first LED's, as before there were several.
      led: first.led,
      pattern: first.pattern,
      leds: leds.map((led) => ledJson(led, lineOf(reply, led.name))),
      daemon: {
        pid: numeric('pid'),
        backend: reply.fields.backend ?? null,
        line: reply.fields.line?.replace(/_/g, ' ') ?? null,
        handled: numeric('handled'),
        rejected: numeric('rejected'),
        repliesDropped: numeric('dropped'),
      },
      watchers: watchersOf(reply),
      queue: {
        key: formatKey(status.key),
        id: queueId,
        messages: status.qnum,
        bytes: status.cbytes,
        maxBytes: status.qbytes,
        lastSendPid: status.lspid || null,
        lastReceivePid: status.lrpid || null,
        lastSend: status.stime,
        lastReceive: status.rtime,
        lastChange: status.ctime,
        uid: status.uid,
        gid: status.gid,
        cuid: status.cuid,
        cgid: status.cgid,
        mode: `0${status.mode.toString(8)}`,
      },
    },
    null,
    2,
  );
}

/** `ledctl list`: one line per LED, its name, line and state. */
export function listText(reply: OkReply): string {
  const rows = ledReportsOf(reply).map((led) => [led.name, lineOf(reply, led.name), describeLed(led)]);
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length), column ? 4 : 3));
  const pad = (row: string[]): string =>
    row
      .map((cell, column) => cell.padEnd(widths[column] ?? 0))
      .join('  ')
      .trimEnd();
  return [pad(['LED', 'LINE', 'STATE']), ...rows.map(pad)].join('\n');
}

export function listJson(reply: OkReply): string {
  return JSON.stringify(
    ledReportsOf(reply).map((led) => ledJson(led, lineOf(reply, led.name))),
    null,
    2,
  );
}
