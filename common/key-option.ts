// The queue key as ledd and ledd-mqtt take it (--key, LEDD_KEY), refused
// with the forms it may take.
import { badValue, type OptionDeclaration } from './options.js';
import { KEY_FORMS, parseKey } from './queue-key.js';

export function parseKeyOption(option: OptionDeclaration, text: string): number {
  try {
    return parseKey(text);
  } catch (error) {
    throw badValue(option, text, `give ${KEY_FORMS} (${(error as Error).message})`);
  }
}

/** --key KEY [LEDD_KEY, default `defaultKey`], listed under `section` with its own help. */
export function queueKeyOption(defaultKey: number, section: string, help: string): OptionDeclaration<number> {
  return {
    flag: '--key',
    metavar: 'KEY',
    env: 'LEDD_KEY',
    default: String(defaultKey),
    parse: (text, option) => parseKeyOption(option, text),
    section,
    help,
  };
}
