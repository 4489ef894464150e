// Several named LEDs on one ledd (--led NAME=LINE), on the simulated backend:
// every verb on one LED, on two and on `*`; unknown, duplicate and mixed
// configurations refused; status, list and watch name each LED; a pattern on
// some LEDs goes on when a command takes one of them; every LED's state
// survives kill -9; a one-LED state file is read as the first LED's.
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';

import { runChild, runOk, spawnChild } from '@ledd/test-kit/process';
import { waitFor } from '@ledd/test-kit/wait';
import { unusedKey } from '@ledd/sysvmq/testing';

import { LEDCTL, ledctl, ledctlOk, queueExists, type RunningLedd, simLeddArgs, startLedd } from './harness.js';
import { tempDir } from '../helpers/temp-dir.js';
import { fromRoot } from '../helpers/paths.js';
import { buildChapterClient } from './chapter-client.js';

const THREE = ['--led', 'red=GPIO17', '--led', 'amber=GPIO27,active-low', '--led', 'green=gpiochip1:22'];

interface LedJson {
  name: string;
  led: 'on' | 'off';
  pattern: { name: string; cyclesLeft: number | null; then: string; label?: string } | null;
  line?: string;
}

/** `ledctl watch --json --led NAMES`, ended with the test. */
function watchLeds(t: Parameters<typeof spawnChild>[0], key: number, names: string) {
  return spawnChild(t, process.execPath, [LEDCTL, '--key', String(key), 'watch', '--json', '--led', names]);
}

const ok = ledctlOk;

async function leds(ledd: RunningLedd): Promise<Record<string, string>> {
  const status = JSON.parse(await ok(ledd, ['status', '--json'])) as { leds: LedJson[] };
  // A pattern's level changes from moment to moment: what plays is what counts.
  return Object.fromEntries(status.leds.map((led) => [led.name, led.pattern ? led.pattern.name : led.led]));
}

test('three LEDs: on, off and toggle on each, on two and on *; no --led is the first LED', async (t) => {
  const ledd = await startLedd(t, { args: THREE });
  assert.deepEqual(await leds(ledd), { red: 'off', amber: 'off', green: 'off' });

  assert.equal(await ok(ledd, ['on']), 'LED ON\n', 'no --led: the first LED, answered as before');
  assert.deepEqual(await leds(ledd), { red: 'on', amber: 'off', green: 'off' });
  assert.equal(await ok(ledd, ['on', '--led', 'amber']), 'LED amber ON\n');
  assert.equal(await ok(ledd, ['toggle', '--led', 'green,red']), 'LED green ON\nLED red OFF\n');
  assert.deepEqual(await leds(ledd), { red: 'off', amber: 'on', green: 'on' });
  assert.equal(await ok(ledd, ['off', '--led', '*']), 'LED red OFF\nLED amber OFF\nLED green OFF\n');
  assert.deepEqual(await leds(ledd), { red: 'off', amber: 'off', green: 'off' });
  const fromEnvironment = await ledctl(ledd.key, ['on'], { env: { ...process.env, LEDCTL_LED: 'green' } });
  assert.equal(fromEnvironment.stdout, 'LED green ON\n', 'LEDCTL_LED is the default --led');
  assert.deepEqual(await leds(ledd), { red: 'off', amber: 'off', green: 'on' });
});

test('patterns on some LEDs: they play together; a command for one takes it out, the others play on', async (t) => {
  const ledd = await startLedd(t, { args: [...THREE, '--log-level', 'debug'] });
  const started = await ok(ledd, ['blink', '--led', 'red,amber', '--on', '50ms', '--off', '50ms']);
  assert.match(started, /^LED red ON; playing: blink 50ms on, 50ms off, forever\nLED amber ON; playing: blink/);
  assert.deepEqual(await leds(ledd), { red: 'blink', amber: 'blink', green: 'off' });
  await ok(ledd, ['heartbeat', '--led', 'green']);
  assert.deepEqual(await leds(ledd), { red: 'blink', amber: 'blink', green: 'heartbeat' });
  // Each step of the blink sets both LEDs at once: its step records name both.
  const stepsSince = (since: number) =>
    ledd.records().filter((record) => record.msg === 'pattern step' && (record.atMs as number) >= since);
  await waitFor(
    'four steps of the blink on red and amber together',
    () => stepsSince(0).filter((record) => record.leds === 'red,amber').length >= 4,
  );

  await ok(ledd, ['off', '--led', 'red']);
  const after = JSON.parse(await ok(ledd, ['status', '--json'])) as { leds: LedJson[] };
  const byName = Object.fromEntries(after.leds.map((led) => [led.name, led]));
  assert.equal(byName.red!.pattern, null, 'off took red out of the blink');
  assert.equal(byName.red!.led, 'off');
  assert.equal(byName.amber!.pattern?.name, 'blink', 'amber blinks on');
  assert.equal(byName.green!.pattern?.name, 'heartbeat', 'green beats on');
  const since = Date.now();
  await waitFor(
    'four steps of the blink on amber alone',
    () => stepsSince(since).filter((record) => record.leds === 'amber').length >= 4,
  );
  assert.ok(!stepsSince(since).some((record) => String(record.leds).split(',').includes('red')), 'and never red');
});

test('status, list and --json describe every LED with its line; an unknown LED is refused naming the LEDs', async (t) => {
  const ledd = await startLedd(t, { args: THREE });
  await ok(ledd, ['on', '--led', 'amber']);
  const text = await ok(ledd, ['status']);
  assert.match(
    text,
    /^LED red \(simulated GPIO17\) is OFF\nLED amber \(simulated GPIO27 \(active-low\)\) is ON\nLED green \(simulated gpiochip1:22\) is OFF\nledd: pid \d+, backend sim, 2 requests handled/,
  );

  const status = JSON.parse(await ok(ledd, ['status', '--json'])) as { led: string; leds: LedJson[] };
  assert.equal(status.led, 'off', 'led: the first LED, as before');
  assert.deepEqual(status.leds, [
    { name: 'red', led: 'off', pattern: null, timed: null, line: 'simulated GPIO17' },
    { name: 'amber', led: 'on', pattern: null, timed: null, line: 'simulated GPIO27 (active-low)' },
    { name: 'green', led: 'off', pattern: null, timed: null, line: 'simulated gpiochip1:22' },
  ]);
  assert.deepEqual(JSON.parse(await ok(ledd, ['list', '--json'])), status.leds, 'list --json: the same LEDs');
  assert.equal(
    await ok(ledd, ['list']),
    'LED    LINE                           STATE\n' +
      'red    simulated GPIO17               OFF\n' +
      'amber  simulated GPIO27 (active-low)  ON\n' +
      'green  simulated gpiochip1:22         OFF\n',
  );
  const one = JSON.parse(await ok(ledd, ['status', '--json', '--led', 'green'])) as { led: string; leds: LedJson[] };
  assert.deepEqual(
    one.leds.map((led) => led.name),
    ['green'],
  );

  const unknown = await ledctl(ledd.key, ['on', '--led', 'red,blue']);
  assert.equal(unknown.code, 1);
  assert.equal(
    unknown.stderr,
    'ledctl: ledd refused: ledd has no LED named blue; its LEDs: red, amber and green (NO_LED)\n',
  );
  const bad = await ledctl(ledd.key, ['on', '--led', 'Red']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^ledctl: --led: Red: "Red" is not an LED name \(1 to 16 lower-case letters/);
  assert.deepEqual(await leds(ledd), { red: 'off', amber: 'on', green: 'off' }, 'nothing changed');
});

test('ledctl watch --led: each notice names the LEDs that changed, of those watched', async (t) => {
  const ledd = await startLedd(t, { args: THREE });
  const watch = watchLeds(t, ledd.key, 'amber,green');
  type Line = { event: string; cause: string | null; leds: LedJson[] };
  const subscribed = await watch.nextJson<Line>(10_000);
  assert.equal(subscribed.event, 'subscribed');
  assert.deepEqual(
    subscribed.leds.map((led) => `${led.name}:${led.led}`),
    ['amber:off', 'green:off'],
  );
  await ok(ledd, ['on', '--led', 'red']);
  await ok(ledd, ['on', '--led', 'green']);
  const change = await watch.nextJson<Line>(10_000);
  assert.equal(change.cause, 'on');
  assert.deepEqual(
    change.leds,
    [{ name: 'green', led: 'on', pattern: null, timed: null }],
    'red is not watched: no line for it',
  );
  await ok(ledd, ['blink', '--led', '*']);
  const blink = await watch.nextJson<Line>(10_000);
  assert.deepEqual(
    blink.leds.map((led) => `${led.name}:${led.pattern?.name}`),
    ['amber:blink', 'green:blink'],
  );
});

test('refused configurations: a name twice, a line twice (exit 4, no queue); --led with --line, a bad --led (exit 2)', async () => {
  const run = async (args: string[]) => {
    const key = unusedKey();
    const result = await runChild(process.execPath, simLeddArgs(key, 'none', args));
    assert.equal(queueExists(key), false, `ledd ${args.join(' ')} left its queue`);
    return result;
  };
  const fatal = (stdout: string): string =>
    stdout
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as { level: number; msg: string })
      .find((record) => record.level === 60)?.msg ?? '';

  const twice = await run(['--led', 'a=GPIO17', '--led', 'b=GPIO27', '--led', 'a=GPIO22']);
  assert.equal(twice.code, 4, twice.stdout);
  assert.equal(
    fatal(twice.stdout),
    'LED a: the name is given to two LEDs (GPIO17 and GPIO22); give each LED a name of its own',
  );
  const line = await run(['--led', 'a=gpiochip0:3', '--led', 'b=gpiochip0:3']);
  assert.equal(line.code, 4, line.stdout);
  assert.equal(
    fatal(line.stdout),
    'LED b: simulated gpiochip0:3 is also the line of LED a; give each LED a line of its own',
  );

  for (const [args, expected] of [
    [
      ['--led', 'a=GPIO17', '--line', 'GPIO27'],
      /--led with --line, --chip or --active-low: give the LEDs either with --led/,
    ],
    [
      ['--led', 'a=GPIO17,inverted'],
      /--led \(LEDD_LEDS\): "a=GPIO17,inverted" is not valid; "inverted" is not active-low/,
    ],
    [['--led', 'A=GPIO17'], /the name "A" is not 1 to 16 lower-case letters/],
    [['--led', 'a=17'], /a line offset needs its chip, e.g. gpiochip4:17/],
    [['--led', 'a'], /"a" is not valid; give NAME=LINE or NAME=LINE,active-low/],
  ] as [string[], RegExp][]) {
    const result = await run(args);
    assert.equal(result.code, 2, `${args.join(' ')}: ${result.stderr}`);
    assert.match(result.stderr, expected);
    assert.equal(result.stderr.trim().split('\n').length, 1, 'one line');
  }
  const many = await run(Array.from({ length: 33 }, (_, led) => ['--led', `l${led}=GPIO${led}`]).flat());
  assert.equal(many.code, 2);
  assert.match(many.stderr, /33 LEDs; ledd drives up to 32/);
});

test('LEDD_LEDS names the LEDs as --led does; 32 LEDs are fine', async (t) => {
  const names = Array.from({ length: 32 }, (_, led) => `l${led}=GPIO${led}`);
  const ledd = await startLedd(t, { env: { LEDD_LEDS: names.join(' ') } });
  await ok(ledd, ['on', '--led', 'l31,l0']);
  const all = await leds(ledd);
  assert.equal(Object.keys(all).length, 32);
  assert.equal(all.l31, 'on');
  assert.equal(all.l0, 'on');
  assert.equal(all.l1, 'off');
});

test("kill -9: every LED comes back, a pattern on some of them resumed; a one-LED state file is the first LED's", async (t) => {
  const stateFile = path.join(tempDir(t), 'state.json');
  const first = await startLedd(t, { stateFile, args: THREE });
  await ok(first, ['on', '--led', 'green']);
  await ok(first, ['blink', '--led', 'red,amber', '--then', 'on']);
  const saved = JSON.parse(readFileSync(stateFile, 'utf8')) as {
    leds: Record<string, string>;
    patterns: { leds: string[] }[];
  };
  assert.deepEqual(saved.leds, { red: 'on', amber: 'on', green: 'on' });
  assert.deepEqual(
    saved.patterns.map((pattern) => pattern.leds),
    [['red', 'amber']],
  );
  first.child.process.kill('SIGKILL');
  await first.child.exited;
  const second = await startLedd(t, { key: first.key, stateFile, args: THREE });
  assert.deepEqual(await leds(second), { red: 'blink', amber: 'blink', green: 'on' });
  await ok(second, ['exit']);
  await second.child.exited;

  // The format of ledd before several LEDs: {"led":"on"} was its one LED's.
  writeFileSync(stateFile, '{"led":"on","at":"2026-01-01T00:00:00.000Z"}');
  const third = await startLedd(t, { stateFile, args: THREE });
  assert.deepEqual(await leds(third), { red: 'on', amber: 'off', green: 'off' });
  assert.deepEqual(JSON.parse(readFileSync(stateFile, 'utf8')).leds ?? null, null, 'not rewritten before a command');
  await ok(third, ['off', '--led', 'red']);
  assert.deepEqual((JSON.parse(readFileSync(stateFile, 'utf8')) as { leds: object }).leds, {
    red: 'off',
    amber: 'off',
    green: 'off',
  });
});

test('a state record longer than a page (16-step patterns on 24 LEDs) is restored whole, and saved by rename', async (t) => {
  const stateFile = path.join(tempDir(t), 'state.json');
  const names = Array.from({ length: 24 }, (_, led) => `l${led}`);
  const env = { LEDD_LEDS: names.map((name, led) => `${name}=gpiochip0:${led}`).join(' ') };
  // As a ledd that was playing a different 16-step pattern on each LED saved it.
  const record = {
    leds: Object.fromEntries(names.map((name) => [name, 'off'])),
    patterns: names.map((name, led) => ({
      leds: [name],
      name: 'pattern',
      steps: Array.from({ length: 16 }, (_, step) => [step % 2, 1000 + led * 16 + step]),
      repeat: -1,
      startedAt: Date.now(),
    })),
    at: new Date().toISOString(),
  };
  writeFileSync(stateFile, JSON.stringify(record));
  assert.ok(readFileSync(stateFile).length > 4096);
  const first = await startLedd(t, { stateFile, env });
  assert.deepEqual(
    Object.values(await leds(first)),
    names.map(() => 'pattern'),
    'every pattern resumed',
  );
  await ok(first, ['off', '--led', 'l0']);
  const saved = readFileSync(stateFile, 'utf8');
  assert.ok(saved.length > 4096, `${saved.length} bytes, written whole`);
  assert.equal((JSON.parse(saved) as { patterns: unknown[] }).patterns.length, 23);
  first.child.process.kill('SIGKILL');
  await first.child.exited;

  const second = await startLedd(t, { key: first.key, stateFile, env });
  const restored = await leds(second);
  assert.equal(restored.l0, 'off');
  assert.deepEqual(
    Object.values(restored).slice(1),
    names.slice(1).map(() => 'pattern'),
  );
  await ok(second, ['off', '--led', '*']);
  assert.equal(readFileSync(stateFile, 'utf8').length, 4096, 'back to one page, written in place from then on');
});

test('a pattern with a level for each LED: a traffic-light cycle plays each LED its own; off for one leaves the others playing', async (t) => {
  const ledd = await startLedd(t, { args: [...THREE, '--log-level', 'debug'] });
  // red 100 ms, red+amber 100 ms, green 100 ms, amber 100 ms: the British cycle, fast.
  const started = await ok(ledd, ['pattern', '--led', 'red,amber,green', '100 100 110 100 001 100 010 100']);
  assert.match(started, /^LED red ON; playing: pattern 100:100,110:100,001:100,010:100, forever\n/);
  const cycle = () =>
    ledd.records().filter((record) => record.msg === 'pattern step' && record.leds === 'red,amber,green');
  await waitFor('six steps of the cycle', () => cycle().length >= 6);
  for (const step of cycle())
    assert.equal(
      step.levels,
      ['100', '110', '001', '010'][((step.step as number) - 1) % 4],
      `step ${String(step.step)}`,
    );

  await ok(ledd, ['off', '--led', 'amber']);
  const since = Date.now();
  const changes = (led: string) =>
    ledd
      .records()
      .filter(
        (record) =>
          /^simulated LED \w+ is (ON|OFF)$/.test(record.msg) && (record.time as number) >= since && record.led === led,
      );
  await waitFor(
    'red and green to change twice more each',
    () => changes('red').length >= 2 && changes('green').length >= 2,
  );
  assert.deepEqual(changes('amber'), [], 'amber stays off');
  assert.deepEqual(await leds(ledd), { red: 'pattern', amber: 'off', green: 'pattern' });

  const wrong = await ledctl(ledd.key, ['pattern', '--led', 'red,amber', '100 100 010 100']);
  assert.equal(wrong.code, 1);
  assert.match(
    wrong.stderr,
    /each step gives 3 levels, one for each LED named, but the pattern is for 2 \(red, amber\).*\(BAD_OPTION\)/,
  );
  const uneven = await ledctl(ledd.key, ['pattern', '--led', 'red,amber', '10 100 1 100']);
  assert.equal(uneven.code, 2);
  assert.match(uneven.stderr, /step 2 gives 1 levels, step 1 2/);
});

test('labels: ledd keeps the name a client gave a pattern, in status, watch, the state file and after kill -9', async (t) => {
  const stateFile = path.join(tempDir(t), 'state.json');
  const first = await startLedd(t, { stateFile, args: THREE });
  const watch = watchLeds(t, first.key, 'green');
  await watch.nextJson(10_000);
  assert.match(
    await ok(first, ['blink', '--led', 'green', '--on', '100ms', '--off', '100ms', '--label', 'fast blink']),
    /^LED green ON; playing: "fast blink" \(blink 100ms on, 100ms off, forever\)\n$/,
  );
  const notice = await watch.nextJson<{ leds: LedJson[] }>(10_000);
  assert.deepEqual(notice.leds[0]!.pattern, { name: 'blink', cyclesLeft: null, then: 'off', label: 'fast blink' });
  assert.match(
    await ok(first, ['status', '--led', 'green']),
    /^LED green \(simulated gpiochip1:22\) is (ON|OFF), playing "fast blink" \(blink, forever\)\n/,
  );
  assert.equal(
    (JSON.parse(readFileSync(stateFile, 'utf8')) as { patterns: { label: string }[] }).patterns[0]!.label,
    'fast blink',
  );
  first.child.process.kill('SIGKILL');
  await first.child.exited;
  const second = await startLedd(t, { key: first.key, stateFile, args: THREE });
  const status = JSON.parse(await ok(second, ['status', '--json', '--led', 'green'])) as { leds: LedJson[] };
  assert.equal(status.leds[0]!.pattern?.label, 'fast blink', 'the label survives a restart');
  const bad = await ledctl(second.key, ['blink', '--label', 'no:colons']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--label: "no:colons" is not 1 to 32 letters, digits, spaces/);
});

test("with three LEDs, the chapter's C client and the README's C example, unchanged, drive the first", async (t) => {
  const ledd = await startLedd(t, { args: THREE });
  const chapter = await buildChapterClient(t, ledd.key);
  await runOk(chapter, ['on']);
  await waitFor('red on', async () => (await leds(ledd)).red === 'on');
  assert.deepEqual(await leds(ledd), { red: 'on', amber: 'off', green: 'off' });

  // The README's example, as a reader would copy it, with only the key changed.
  const readme = readFileSync(fromRoot('README.md'), 'utf8');
  const example = /```c\n([\s\S]*?reply_type[\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(example, "the README's C example that waits for the acknowledgement");
  const keyed = example.replace('msgget(1234, 0)', `msgget(${ledd.key}, 0)`).replace('"ON reply=', '"OFF reply=');
  assert.notEqual(keyed, example);
  const directory = tempDir(t);
  writeFileSync(path.join(directory, 'example.c'), keyed);
  await runOk('cc', ['-Wall', '-o', path.join(directory, 'example'), path.join(directory, 'example.c')]);
  const answer = await runOk(path.join(directory, 'example'), []);
  // The LEDs are named, so the acknowledgement lists the one it concerns after what it always said.
  assert.equal(answer, 'OK OFF leds=red:OFF\n');
  assert.deepEqual(await leds(ledd), { red: 'off', amber: 'off', green: 'off' });

  await runOk(chapter, ['exit']);
  assert.equal((await ledd.child.exited).code, 0);
  assert.equal(queueExists(ledd.key), false);
});
