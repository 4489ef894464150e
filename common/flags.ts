// A small command-line parser shared by ledd, ledctl and ledd-mqtt: --name
// value, --name=value, boolean switches, and positional words. Errors say
// which flag was wrong. The options themselves are declared in tables
// (options.ts).

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export interface FlagSpec {
  /** Takes a value (true) or is a switch (false). */
  value: boolean;
  /** May be given several times: every value is kept, in order, in `lists`. */
  repeatable?: boolean;
}

export interface ParsedFlags {
  /** The last value of each flag. */
  values: Map<string, string>;
  /** Every value of a repeatable flag. */
  lists: Map<string, string[]>;
  switches: Set<string>;
  positionals: string[];
}

export function parseFlags(argv: readonly string[], specs: Record<string, FlagSpec>): ParsedFlags {
  const parsed: ParsedFlags = { values: new Map(), lists: new Map(), switches: new Set(), positionals: [] };
  for (let index = 0; index < argv.length; index++) {
    const word = argv[index]!;
    if (word === '--') {
      parsed.positionals.push(...argv.slice(index + 1));
      break;
    }
    if (!word.startsWith('-') || word === '-') {
      parsed.positionals.push(word);
      continue;
    }
    const [name, inline] = word.includes('=')
      ? [word.slice(0, word.indexOf('=')), word.slice(word.indexOf('=') + 1)]
      : [word, undefined];
    const spec = specs[name];
    if (!spec) throw new UsageError(`unknown option ${name} (see --help)`);
    if (!spec.value) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      parsed.switches.add(name);
      continue;
    }
    const value = inline ?? argv[++index];
    if (value === undefined) throw new UsageError(`${name} needs a value (see --help)`);
    parsed.values.set(name, value);
    if (spec.repeatable) parsed.lists.set(name, [...(parsed.lists.get(name) ?? []), value]);
  }
  return parsed;
}
