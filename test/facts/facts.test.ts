// Each option and exit code is declared once (daemon/options.ts,
// bridge/options.ts, command/options.ts; the *_EXIT_CODES tables). These tests
// hold everything written elsewhere to those declarations: the programs'
// --help, the README's option and exit status tables, systemd/*.default and
// the units' RestartPreventExitStatus=.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

import { runChild } from '@ledd/test-kit/process';

import { BRIDGE_EXIT_CODES } from '../../bridge/exit-codes.js';
import { options as bridgeOptions } from '../../bridge/options.js';
import { CLIENT_EXIT_CODES } from '../../client/errors.js';
import { options as ledctlOptions } from '../../command/options.js';
import { type ExitCodeTable, exitStatusHelp, finalCodes } from '../../common/exit-codes.js';
import { isSwitch, type OptionDeclaration, optionHead, optionHelp } from '../../common/options.js';
import { DAEMON_EXIT_CODES, DaemonExit } from '../../daemon/exit-codes.js';
import { options as leddOptions } from '../../daemon/options.js';
import { fromRoot } from '../helpers/paths.js';

interface Program {
  name: string;
  bundle: string;
  /** The README section ("## ...") holding its tables. */
  section: string;
  options: readonly OptionDeclaration[];
  exitCodes: ExitCodeTable;
  defaultsFile?: string;
  unit?: string;
}

const programs: Program[] = [
  {
    name: 'ledd',
    bundle: 'dist/ledd.cjs',
    section: 'ledd',
    options: Object.values(leddOptions),
    exitCodes: DAEMON_EXIT_CODES,
    defaultsFile: 'systemd/ledd.default',
    unit: 'systemd/ledd.service',
  },
  {
    name: 'ledctl',
    bundle: 'dist/ledctl.cjs',
    section: 'ledctl',
    options: Object.values(ledctlOptions),
    exitCodes: CLIENT_EXIT_CODES,
  },
  {
    name: 'ledd-mqtt',
    bundle: 'dist/ledd-mqtt.cjs',
    section: 'MQTT and Home Assistant',
    options: Object.values(bridgeOptions),
    exitCodes: BRIDGE_EXIT_CODES,
    defaultsFile: 'systemd/ledd-mqtt.default',
    unit: 'systemd/ledd-mqtt.service',
  },
];

/** Every program takes these; the README's tables need not list them. */
const EVERYWHERE = new Set(['--help', '--version']);

/** The text of the README's "## NAME" section, up to the next "## ". */
function readmeSection(name: string): string {
  const readme = readFileSync(fromRoot('README.md'), 'utf8');
  const start = readme.indexOf(`\n## ${name}\n`);
  assert.notEqual(start, -1, `the README has a section "## ${name}"`);
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end === -1 ? undefined : end);
}

/** The rows (cells, trimmed) of the tables in `text` whose header row is `header`. */
function tableRows(text: string, header: string): string[][] {
  const rows: string[][] = [];
  let inTable = false;
  for (const line of text.split('\n')) {
    if (line === header) {
      inTable = true;
      continue;
    }
    if (!line.startsWith('|')) {
      inTable = false;
      continue;
    }
    if (!inTable || /^\|[\s|-]+\|$/.test(line)) continue;
    rows.push(
      line
        .slice(1, -1)
        .split(/(?<!\\)\|/)
        .map((cell) => cell.trim().replaceAll('\\|', '|')),
    );
  }
  return rows;
}

const codeSpans = (cell: string): string[] => [...cell.matchAll(/`([^`]+)`/g)].map((match) => match[1]!);

/** The README's default cell for these options: each default once, literal values as code. */
function defaultCell(options: readonly OptionDeclaration[]): string {
  const shown = options.map((option) =>
    option.default !== undefined ? `\`${option.default}\`` : (option.defaultText ?? ''),
  );
  return [...new Set(shown)].filter(Boolean).join(', ');
}

const envCell = (options: readonly OptionDeclaration[]): string =>
  options
    .filter((option) => option.env !== undefined)
    .map((option) => `\`${isSwitch(option) ? `${option.env}=1` : option.env}\``)
    .join(', ');

for (const program of programs) {
  test(`${program.name}: each default is a value its own option accepts`, () => {
    for (const option of program.options) {
      if (option.default === undefined || !option.parse) continue;
      assert.doesNotThrow(() => option.parse!(option.default!, option), `${option.flag} ${option.default}`);
    }
  });

  test(`${program.name} --help prints each option as declared, and the exit codes`, async () => {
    const help = await runChild(process.execPath, [fromRoot(program.bundle), '--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const option of program.options) {
      assert.ok(help.stdout.includes(optionHelp(option).join('\n')), `--help shows ${option.flag} as declared`);
    }
    assert.ok(help.stdout.includes(exitStatusHelp(program.exitCodes)), 'the exit status paragraph');
  });

  test(`${program.name}: the README's option table agrees with the declarations`, () => {
    const rows = tableRows(readmeSection(program.section), '| option | environment | default | meaning |');
    assert.ok(rows.length > 0, `the README's "${program.section}" section has an option table`);
    const listed = new Set<string>();
    for (const [flags = '', env = '', defaults = ''] of rows) {
      const declared = codeSpans(flags).map((head) => {
        const option = program.options.find((candidate) => optionHead(candidate) === head);
        assert.ok(option, `README row "${flags}": "${head}" is not an option of ${program.name} as declared`);
        listed.add(option.flag);
        return option;
      });
      assert.equal(env, envCell(declared), `README row "${flags}": the environment variable`);
      assert.equal(defaults, defaultCell(declared), `README row "${flags}": the default`);
    }
    const missing = program.options.filter((option) => !listed.has(option.flag) && !EVERYWHERE.has(option.flag));
    assert.deepEqual(
      missing.map((option) => option.flag),
      [],
      'every option has a row in the README',
    );
  });

  test(`${program.name}: the README's exit status table agrees with the declarations`, () => {
    const rows = tableRows(readmeSection(program.section), '| exit status | meaning |');
    const declared = Object.values(program.exitCodes);
    assert.deepEqual(
      rows.map(([code]) => Number(code)),
      declared.map((exit) => exit.code),
      'the same codes, in order',
    );
    for (const [code = '', meaning = ''] of rows) {
      const exit = declared.find((candidate) => candidate.code === Number(code))!;
      assert.ok(
        meaning.replaceAll('`', '').startsWith(exit.meaning),
        `README exit status ${code}: "${meaning}" does not start with "${exit.meaning}"`,
      );
    }
  });

  const { defaultsFile, unit } = program;
  if (defaultsFile !== undefined) {
    test(`${defaultsFile}: each variable is an option's, and a commented one shows its default`, () => {
      const byEnv = new Map(program.options.flatMap((option) => (option.env ? [[option.env, option]] : [])));
      for (const line of readFileSync(fromRoot(defaultsFile), 'utf8').split('\n')) {
        const match = /^(#?)([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
        if (!match) continue;
        const [, commented, name = '', value] = match;
        const option = byEnv.get(name);
        assert.ok(option, `${defaultsFile}: ${name} is no variable of ${program.name}`);
        if (commented === '#' && option.default !== undefined)
          assert.equal(value, option.default, `${defaultsFile}: #${name}= shows the default`);
        if (commented === '#' && isSwitch(option)) assert.equal(value, '0', `${defaultsFile}: #${name}= is off`);
      }
    });
  }
  if (unit !== undefined) {
    test(`${unit}: RestartPreventExitStatus= lists the exit codes a restart cannot mend`, () => {
      const text = readFileSync(fromRoot(unit), 'utf8');
      const line = /^RestartPreventExitStatus=(.*)$/m.exec(text);
      assert.ok(line, 'RestartPreventExitStatus= is set');
      assert.deepEqual(line[1]!.trim().split(/\s+/).map(Number), finalCodes(program.exitCodes));
    });
  }
}

test('ledd.service restarts after a handover whatever its result (RestartForceExitStatus=)', () => {
  const text = readFileSync(fromRoot('systemd/ledd.service'), 'utf8');
  assert.match(text, new RegExp(`^RestartForceExitStatus=${DaemonExit.handover}$`, 'm'));
});
