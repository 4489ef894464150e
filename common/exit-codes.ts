// Each program's exit codes are declared once, with their meaning: the code
// the program exits with, the "Exit status" paragraph of its --help, and (for
// the daemons) the unit's RestartPreventExitStatus= come from, or are checked
// against, that table (test/facts).
import { wrap } from './options.js';

export interface ExitCodeDeclaration {
  readonly code: number;
  /** What it means, as --help and the README's exit status table start it. */
  readonly meaning: string;
  /** More, in parentheses after the meaning in --help. */
  readonly detail?: string;
  /** systemd does not restart the service after it (RestartPreventExitStatus=): a restart cannot help. */
  readonly final?: boolean;
}

export type ExitCodeTable = Readonly<Record<string, ExitCodeDeclaration>>;

/** The table's codes by name: `Exit.usage` is 2. */
export function exitCodes<const Table extends ExitCodeTable>(
  table: Table,
): { readonly [Name in keyof Table]: Table[Name]['code'] } {
  return Object.fromEntries(Object.entries(table).map(([name, { code }]) => [name, code])) as {
    [Name in keyof Table]: Table[Name]['code'];
  };
}

/** The codes after which systemd must not restart the service, in ascending order. */
export function finalCodes(table: ExitCodeTable): number[] {
  return Object.values(table)
    .filter((exit) => exit.final)
    .map((exit) => exit.code)
    .sort((a, b) => a - b);
}

/** "Exit status: 0 clean exit; 1 unexpected failure; ...", wrapped. */
export function exitStatusHelp(table: ExitCodeTable): string {
  const items = Object.values(table).map(
    (exit) => `${exit.code} ${exit.meaning}${exit.detail === undefined ? '' : ` (${exit.detail})`}`,
  );
  return wrap(`Exit status: ${items.join('; ')}.`, '').join('\n');
}
