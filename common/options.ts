// Each program's options are declared once, in a table of OptionDeclaration:
// flag, environment variable, default, parser with its range, and its help.
// The parsing, the environment fallback and the --help section all come from
// that table (as GLib's GOptionEntry carries its own help); test/facts checks
// the README's option tables and systemd/*.default against it.
import { type FlagSpec, type ParsedFlags, parseFlags, UsageError } from './flags.js';

export interface OptionDeclaration<T = unknown> {
  readonly flag: `--${string}`;
  /** A one-letter alias (-h). */
  readonly short?: `-${string}`;
  /** The environment variable of the same meaning (for systemd's EnvironmentFile=). */
  readonly env?: string;
  /** What --help calls the value (KEY); without it the option is a switch. */
  readonly metavar?: string;
  /** The default, written as a user would give it: parsed by `parse` when neither flag nor variable is set. */
  readonly default?: string;
  /** A default that is not one literal value (ledd's own group), as the README writes it (Markdown). */
  readonly defaultText?: string;
  readonly parse?: (text: string, option: OptionDeclaration) => T;
  /** May be given several times; every value is kept. */
  readonly repeatable?: boolean;
  /** The --help heading it is listed under. */
  readonly section: string;
  /** Its --help text, one paragraph: wrapped when printed. */
  readonly help: string;
}

/** --help (-h) and --version, which parseOptions handles for every program: their help lines under `section`. */
export function helpAndVersion(
  section: string,
  versionHelp: string,
): { help: OptionDeclaration<never>; version: OptionDeclaration<never> } {
  return {
    help: { flag: '--help', short: '-h', section, help: 'this text' },
    version: { flag: '--version', section, help: versionHelp },
  };
}

/** Every option's value and the switches given, flags first, then the environment. */
export interface ParsedOptions {
  readonly flags: ParsedFlags;
  /** The text the flag or, failing it, the environment variable gives; undefined if neither does. */
  raw(option: OptionDeclaration): string | undefined;
  /** The option parsed, or its default parsed; undefined when neither is there. */
  read<T>(option: OptionDeclaration<T>): T | undefined;
  /** A switch given as a flag (the environment is the caller's to read: its forms vary). */
  given(option: OptionDeclaration): boolean;
}

export function isSwitch(option: OptionDeclaration): boolean {
  return option.metavar === undefined;
}

export function badValue(option: OptionDeclaration, value: string, expected: string): UsageError {
  const name = option.env === undefined ? option.flag : `${option.flag} (${option.env})`;
  return new UsageError(`${name}: "${value}" is not valid; ${expected}`);
}

/** The first word of `allowed` that `value` is, ignoring case. */
function oneOf<T extends string>(option: OptionDeclaration, value: string, allowed: readonly T[]): T {
  const lower = value.toLowerCase();
  if ((allowed as readonly string[]).includes(lower)) return lower as T;
  throw badValue(option, value, `use one of ${allowed.join(', ')}`);
}

/** A parser of one of `allowed`, for an option's `parse`. */
export function choice<T extends string>(allowed: readonly T[]): (text: string, option: OptionDeclaration) => T {
  return (text, option) => oneOf(option, text, allowed);
}

/** A parser of seconds from `min` to `max`, decimals allowed. */
export function seconds(min: number, max: number): (text: string, option: OptionDeclaration) => number {
  return (text, option) => {
    const value = Number(text);
    if (!/^\d+(\.\d+)?$/.test(text) || value < min || value > max)
      throw badValue(option, text, `give seconds from ${min} to ${max}`);
    return value;
  };
}

/**
 * Parses argv against a program's declarations. --help, -h and --version are
 * every program's (declare them for their help lines); a positional word is
 * refused unless `positionals` allows it.
 */
export function parseOptions(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  declarations: readonly OptionDeclaration[],
  { positionals = false }: { positionals?: boolean } = {},
): ParsedOptions | 'help' | 'version' {
  const specs: Record<string, FlagSpec> = {
    '--help': { value: false },
    '-h': { value: false },
    '--version': { value: false },
  };
  for (const option of declarations) {
    const spec = { value: !isSwitch(option), ...(option.repeatable && { repeatable: true }) };
    specs[option.flag] = spec;
    if (option.short) specs[option.short] = spec;
  }
  const flags = parseFlags(argv, specs);
  if (flags.switches.has('--help') || flags.switches.has('-h')) return 'help';
  if (flags.switches.has('--version')) return 'version';
  if (!positionals && flags.positionals.length > 0)
    throw new UsageError(`unexpected argument "${flags.positionals[0]}" (see --help)`);

  const raw = (option: OptionDeclaration): string | undefined =>
    flags.values.get(option.flag) ?? (option.env === undefined ? undefined : env[option.env] || undefined);
  return {
    flags,
    raw,
    read<T>(option: OptionDeclaration<T>): T | undefined {
      const text = raw(option) ?? option.default;
      if (text === undefined) return undefined;
      if (!option.parse) throw new Error(`${option.flag} has no parser`);
      return option.parse(text, option);
    },
    given: (option) =>
      flags.switches.has(option.flag) || (option.short !== undefined && flags.switches.has(option.short)),
  };
}

/** The default as --help shows it: "default 1234", or "default: ledd's own group". */
function defaultWords(option: OptionDeclaration): string | undefined {
  if (option.default !== undefined) return `default ${option.default}`;
  if (option.defaultText !== undefined) return `default: ${option.defaultText.replaceAll('`', '')}`;
  return undefined;
}

/** "--key KEY", or "-h, --help". */
export function optionHead(option: OptionDeclaration): string {
  const flag = option.metavar === undefined ? option.flag : `${option.flag} ${option.metavar}`;
  return option.short === undefined ? flag : `${option.short}, ${flag}`;
}

const WIDTH = 79;
const HELP_COLUMN = 25;

/** Words filled into lines of at most WIDTH columns, each starting with `indent`. */
export function wrap(text: string, indent: string, firstIndent: string = indent): string[] {
  const lines: string[] = [];
  let line = firstIndent;
  let fresh = true;
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (!fresh && line.length + 1 + word.length > WIDTH) {
      lines.push(line);
      line = indent;
      fresh = true;
    }
    line += fresh ? word : ` ${word}`;
    fresh = false;
  }
  lines.push(line);
  return lines;
}

/** One option's lines in --help: its head, then its help with [ENV, default] after it. */
export function optionHelp(option: OptionDeclaration): string[] {
  const where = [option.env && (isSwitch(option) ? `${option.env}=1` : option.env), defaultWords(option)]
    .filter(Boolean)
    .join(', ');
  const text = where === '' ? option.help : `${option.help} [${where}]`;
  const head = `  ${optionHead(option)}`;
  const indent = ' '.repeat(HELP_COLUMN);
  if (head.length > HELP_COLUMN - 2) return [head, ...wrap(text, indent)];
  return wrap(text, indent, head.padEnd(HELP_COLUMN));
}

/** The options part of --help: each section's heading and its options, in the order declared. */
export function optionsHelp(declarations: readonly OptionDeclaration[]): string {
  const sections = [...new Set(declarations.map((option) => option.section))];
  return sections
    .map((section) =>
      [`${section}:`, ...declarations.filter((option) => option.section === section).flatMap(optionHelp)].join('\n'),
    )
    .join('\n\n');
}
