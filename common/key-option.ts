// The queue key as ledd and ledd-mqtt take it (--key, LEDD_KEY), refused
// with the forms it may take.
import { KEY_FORMS, parseKey } from '../native/lib/key.js';
import { badValue, type OptionDeclaration } from './options.js';

export function parseKeyOption(option: OptionDeclaration, text: string): number {
  try {
    return parseKey(text);
  } catch (error) {
    throw badValue(option, text, `give ${KEY_FORMS} (${(error as Error).message})`);
  }
}
