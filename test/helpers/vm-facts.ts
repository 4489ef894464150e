// What a VM scenario brings back (facts.env: KEY=VALUE lines, newlines as \n)
// and the way its tests judge it: every check of an item runs, and a failed
// item lists all that failed with the item's facts and the stage's report.
import assert from 'node:assert/strict';

export function parseFacts(text: string): Map<string, string> {
  const facts = new Map<string, string>();
  for (const line of text.split('\n')) {
    const at = line.indexOf('=');
    if (at > 0) facts.set(line.slice(0, at), line.slice(at + 1).replaceAll('\\n', '\n'));
  }
  return facts;
}

export function show(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

export class FactChecks {
  readonly #prefixes: string[];
  readonly #failures: string[] = [];
  readonly #facts: Map<string, string>;
  readonly #report: () => string;

  /** Checks on the facts whose keys start with one of `prefixes`; `report` tells how the stage went. */
  constructor(facts: Map<string, string>, prefixes: string[], report: () => string) {
    this.#prefixes = prefixes;
    this.#facts = facts;
    this.#report = report;
  }

  /** A fact the scenario recorded; undefined (and a failed check) when it is missing. */
  fact(key: string): string {
    const value = this.#facts.get(key);
    const missing = `${key}: not recorded (the scenario did not get there)`;
    if (value === undefined && !this.#failures.includes(missing)) this.#failures.push(missing);
    return value ?? '';
  }

  num(key: string): number {
    return Number(this.fact(key));
  }

  equal(label: string, actual: unknown, expected: unknown): void {
    if (actual !== expected) this.#failures.push(`${label}: expected ${show(expected)}, got ${show(actual)}`);
  }

  match(label: string, actual: string, pattern: RegExp): void {
    if (!pattern.test(actual)) this.#failures.push(`${label}: expected to match ${pattern}, got ${show(actual)}`);
  }

  ok(label: string, condition: boolean, detail = ''): void {
    if (!condition) this.#failures.push(`${label}${detail ? `: ${detail}` : ''}`);
  }

  /** `key` equals `expected`. */
  is(key: string, expected: string, label = key): void {
    this.equal(label, this.fact(key), expected);
  }

  /** Fails the test, naming every failed check, unless all passed. */
  done(extra = ''): void {
    if (this.#failures.length === 0) return;
    const facts = [...this.#facts]
      .filter(([key]) => this.#prefixes.some((prefix) => key.startsWith(prefix)))
      .map(([key, value]) => `  ${key}=${value.replaceAll('\n', '\\n').slice(0, 300)}`)
      .join('\n');
    assert.fail(
      `${this.#failures.length} check(s) failed:\n${this.#failures.map((failure) => `- ${failure}`).join('\n')}\n` +
        `--- facts ${this.#prefixes.join(', ')} ---\n${facts || '  (none)'}\n` +
        (extra ? `--- ${extra}\n` : '') +
        this.#report(),
    );
  }
}
