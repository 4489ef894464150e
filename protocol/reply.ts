// Reply texts: "<id> OK <ON|OFF> [name=value ...]" or "<id> ERR <CODE> <message>".
import { MAX_REPLY_BYTES, MAX_TEXT_BYTES } from './constants.js';

export type LedState = 'ON' | 'OFF';

export type Reply =
  | { id: string; ok: true; state: LedState; fields: Record<string, string> }
  | { id: string; ok: false; code: string; message: string };

const NO_ID = '-';

const fit = (text: string, limit: number): string => (text.length <= limit ? text : text.slice(0, limit));

export function formatOk(id: string | undefined, state: LedState, fields: Record<string, string> = {}): string {
  const extra = Object.entries(fields).map(([name, value]) => ` ${name}=${value.replace(/\s+/g, '_')}`);
  return fit(`${id ?? NO_ID} OK ${state}${extra.join('')}`, MAX_REPLY_BYTES);
}

export function formatError(id: string | undefined, code: string, message: string): string {
  return fit(`${id ?? NO_ID} ERR ${code} ${message.replace(/[^\x20-\x7e]/g, '?')}`, MAX_TEXT_BYTES - 1);
}

export function parseReply(data: Uint8Array): Reply | null {
  const nul = data.indexOf(0);
  const text = Buffer.from(nul === -1 ? data : data.subarray(0, nul)).toString('latin1');
  const ok = /^(\S+) OK (ON|OFF)((?: \S+=\S*)*)$/.exec(text);
  if (ok) {
    const fields: Record<string, string> = {};
    for (const pair of ok[3]!.trim().split(' ').filter(Boolean)) {
      const at = pair.indexOf('=');
      fields[pair.slice(0, at)] = pair.slice(at + 1);
    }
    return { id: ok[1]!, ok: true, state: ok[2] as LedState, fields };
  }
  const error = /^(\S+) ERR (\S+) (.*)$/.exec(text);
  if (error) return { id: error[1]!, ok: false, code: error[2]!, message: error[3]! };
  return null;
}
