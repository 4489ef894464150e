// How `ledctl status` shows the daemon's answer and the queue's IPC_STAT data.
import { formatKey, type QueueStatus } from '../native/lib/index.js';
import { describeGroup, describeUser } from '../common/accounts.js';
import type { Reply } from '../protocol/reply.js';

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

/** The pattern playing, from the reply's pattern=, cycles= and then= fields; null when none plays. */
function patternOf(reply: OkReply): { name: string; cyclesLeft: number | null; then: string } | null {
  const { pattern, cycles, then } = reply.fields;
  if (pattern === undefined) return null;
  return { name: pattern, cyclesLeft: cycles === 'forever' ? null : Number(cycles), then: then ?? 'off' };
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
  const pattern = patternOf(reply);
  const playing = pattern
    ? `, playing ${pattern.name} (${pattern.cyclesLeft === null ? 'forever' : `${pattern.cyclesLeft} cycles left, then ${pattern.then}`})`
    : '';
  return [
    `LED is ${reply.state}${playing}`,
    `ledd: pid ${field('pid')}, backend ${field('backend')}, line ${field('line').replace(/_/g, ' ')}; ` +
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
  return JSON.stringify(
    {
      led: reply.state.toLowerCase(),
      pattern: patternOf(reply),
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
