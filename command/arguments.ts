// ledctl's command line.
import { KEY_FORMS, parseKey } from '../native/lib/key.js';
import { parseFlags } from '../common/flags.js';
import { DEFAULT_KEY } from '../protocol/constants.js';
import type { Verb } from '../protocol/request.js';
import { ClientError, ClientExit } from './exit-codes.js';

export interface ClientOptions {
  verb: Verb;
  key: number;
  timeoutMs: number;
  json: boolean;
}

export type ParsedArguments = { kind: 'help' } | { kind: 'version' } | { kind: 'run'; options: ClientOptions };

const verbs: Record<string, Verb> = { on: 'ON', off: 'OFF', toggle: 'TOGGLE', status: 'STATUS', exit: 'EXIT' };

function usage(message: string): ClientError {
  return new ClientError(ClientExit.usage, `${message} (see ledctl --help)`);
}

export function parseArguments(argv: readonly string[], env: NodeJS.ProcessEnv): ParsedArguments {
  let flags;
  try {
    flags = parseFlags(argv, {
      '--key': { value: true },
      '--timeout': { value: true },
      '--json': { value: false },
      '--help': { value: false },
      '-h': { value: false },
      '--version': { value: false },
    });
  } catch (error) {
    throw usage((error as Error).message.replace(/ \(see --help\)$/, ''));
  }
  if (flags.switches.has('--help') || flags.switches.has('-h')) return { kind: 'help' };
  if (flags.switches.has('--version')) return { kind: 'version' };

  if (flags.positionals.length === 0) throw usage('no command given: use on, off, toggle, status or exit');
  if (flags.positionals.length > 1) throw usage(`one command at a time, not "${flags.positionals.join(' ')}"`);
  const word = flags.positionals[0]!;
  const verb = verbs[word.toLowerCase()];
  if (!verb) throw usage(`"${word}" is not a command: use on, off, toggle, status or exit`);

  const keyText = flags.values.get('--key') ?? (env.LEDCTL_KEY || env.LEDD_KEY || undefined);
  let key = DEFAULT_KEY;
  if (keyText !== undefined) {
    try {
      key = parseKey(keyText);
    } catch (error) {
      throw usage(`--key: "${keyText}" is not valid (${(error as Error).message}); give ${KEY_FORMS}`);
    }
  }
  const timeoutText = flags.values.get('--timeout') ?? '5';
  const timeout = Number(timeoutText);
  if (!/^\d+(\.\d+)?$/.test(timeoutText) || timeout < 0.1 || timeout > 3600) {
    throw usage(`--timeout: "${timeoutText}" is not valid; give seconds from 0.1 to 3600`);
  }
  const json = flags.switches.has('--json');
  if (json && verb !== 'STATUS') throw usage('--json goes with status');
  return { kind: 'run', options: { verb, key, timeoutMs: Math.round(timeout * 1000), json } };
}
