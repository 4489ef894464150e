// Acceptance 5 (across processes and threads): a blocked receive is immune to
// the process's own signals, keeps the process alive unless unref()'d, and a
// worker_threads Worker can be terminated while it waits.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import os from 'node:os';

import { compileC } from '@ledd/test-kit/cc';
import { threadsSleepingIn } from '@ledd/test-kit/proc';
import { nodeScript, runOk, spawnChild } from '@ledd/test-kit/process';
import { sleep, waitFor } from '@ledd/test-kit/wait';

import { fromPackage, libUrl, programsDir } from './paths.js';
import { createTestQueue } from '../lib/testing.js';

/** A child that waits in receive() (type 1) with a handler for `signal`, and reports what happens. */
function receiverWithHandler(signal: string): string {
  return `
    import { MessageQueue } from ${JSON.stringify(libUrl)};
    let handled = 0;
    process.on(${JSON.stringify(signal)}, () => console.log('handled ' + ++handled));
    const q = MessageQueue.open(Number(process.argv[1]));
    q.receive({ type: 1 }).then(
      (m) => { console.log(JSON.stringify({ data: m.data.toString(), handled })); process.exit(0); },
      (e) => { console.log(JSON.stringify({ error: String(e), code: e.code })); process.exit(1); },
    );
    console.log('waiting');
  `;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} to a process with a handler does not disturb its blocked receive`, async (t) => {
    const signalThreads = compileC(fromPackage('test/fixtures/signal-threads.c'), { outDir: programsDir });
    const queue = createTestQueue(t);
    const child = spawnChild(t, ...nodeScript(receiverWithHandler(signal), [String(queue.key)]));
    await child.nextLine('waiting');
    await waitFor('the child to block in msgrcv', () => threadsSleepingIn(child.pid, /msgrcv/) === 1);

    // As a shell or systemd sends it: to the process, which picks a thread.
    for (let i = 0; i < 5; i++) {
      child.process.kill(signal);
      await child.nextLine(/^handled \d+$/);
    }
    // And to every thread of it in turn, the waiter thread included: the worst case.
    const signalled = Number(await runOk(signalThreads, [String(child.pid), String(os.constants.signals[signal])]));
    assert.ok(signalled > 2, `signalled ${signalled} threads`);
    await child.nextLine(/^handled \d+$/);
    await sleep(50);
    assert.ok(child.running, `the child must still wait: ${child.describe()}`);
    assert.equal(threadsSleepingIn(child.pid, /msgrcv/), 1, 'the receive must still be blocked in msgrcv');
    assert.equal(queue.stat().qnum, 0);

    queue.trySend(1, 'after the signals');
    await child.succeeds();
    const report = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { data: string; handled: number };
    assert.equal(report.data, 'after the signals');
    assert.ok(report.handled >= 6);
  });
}

function lifetimeScript(mode: 'ref' | 'unref-before' | 'unref-after' | 'unref-then-ref'): string {
  return `
    import { MessageQueue } from ${JSON.stringify(libUrl)};
    const q = MessageQueue.open(Number(process.argv[1]));
    const mode = ${JSON.stringify(mode)};
    if (mode === 'unref-before' || mode === 'unref-then-ref') q.unref();
    q.receive().then((m) => console.log('received ' + m.data.toString()), (e) => console.log('failed ' + e));
    if (mode === 'unref-after') q.unref();
    if (mode === 'unref-then-ref') q.ref();
    process.on('exit', () => console.log('exit'));
    console.log('waiting');
  `;
}

test('a pending receive keeps a process alive until a message comes', async (t) => {
  for (const mode of ['ref', 'unref-then-ref'] as const) {
    const queue = createTestQueue(t);
    const child = spawnChild(t, ...nodeScript(lifetimeScript(mode), [String(queue.key)]));
    await child.nextLine('waiting');
    await waitFor('the child to block in msgrcv', () => threadsSleepingIn(child.pid, /msgrcv/) === 1);
    // A process with nothing to wait for exits in a few milliseconds; this one must not.
    await sleep(300);
    assert.ok(child.running, `${mode}: the child exited with a receive pending: ${child.describe()}`);
    queue.trySend(1, 'wake up');
    await child.succeeds();
    assert.deepEqual(child.stdout.trim().split('\n'), ['waiting', 'received wake up', 'exit'], mode);
  }
});

test('after unref() a pending receive does not keep a process alive, and takes no message', async (t) => {
  for (const mode of ['unref-before', 'unref-after'] as const) {
    const queue = createTestQueue(t);
    const child = spawnChild(t, ...nodeScript(lifetimeScript(mode), [String(queue.key)]));
    const result = await child.wait(10_000);
    assert.equal(result.code, 0, `${mode}: ${child.describe()}`);
    assert.equal(result.signal, null);
    assert.deepEqual(result.stdout.trim().split('\n'), ['waiting', 'exit'], mode);
    queue.trySend(1, 'for nobody');
    await sleep(20);
    assert.equal(queue.stat().qnum, 1, `${mode}: the receive of the exited child must not take a message`);
  }
});

test('terminating Workers blocked in receive or send neither crashes nor hangs the process', async (t) => {
  const queue = createTestQueue(t);
  const full = createTestQueue(t);
  full.set({ qbytes: 8 });
  full.trySend(1, Buffer.alloc(8));
  const script = `
    import { Worker } from 'node:worker_threads';
    import { MessageQueue } from ${JSON.stringify(libUrl)};
    const [key, fullKey] = process.argv.slice(1).map(Number);
    const workerSource = \`
      import { parentPort, workerData } from 'node:worker_threads';
      const { MessageQueue } = await import(workerData.lib);
      const q = MessageQueue.open(workerData.key);
      const full = MessageQueue.open(workerData.fullKey);
      const round = workerData.round;
      if (round % 3 === 2) full.send(1, 'blocked').catch(() => {});
      q.receive({ type: 1 }).then((m) => parentPort.postMessage('received ' + m.data), (e) => parentPort.postMessage('failed ' + e));
      q.receive({ type: 2 }).catch(() => {});
      if (round % 4 === 3) q.unref();
      parentPort.postMessage('waiting');
    \`;
    const q = MessageQueue.open(key);
    const rounds = 12;
    for (let round = 0; round < rounds; round++) {
      const worker = new Worker(new URL('data:text/javascript,' + encodeURIComponent(workerSource)), {
        workerData: { lib: ${JSON.stringify(libUrl)}, key, fullKey, round },
      });
      const messages = [];
      worker.on('message', (m) => messages.push(m));
      await new Promise((resolve, reject) => {
        worker.once('error', reject);
        worker.on('message', (m) => m === 'waiting' && resolve());
      });
      // Sometimes terminate at once, sometimes once the threads sit in the kernel, sometimes
      // just as a message arrives (its delivery racing the teardown).
      if (round % 3 === 1) await new Promise((resolve) => setTimeout(resolve, 20));
      if (round % 4 === 1) q.trySend(1, 'racing');
      const code = await worker.terminate();
      console.log(JSON.stringify({ round, code, messages }));
    }
    // The addon still works in this thread. Racing messages a terminated worker did not take are still queued.
    let racers = 0;
    while (q.tryReceive({ type: 1 })) racers++;
    q.trySend(3, 'main');
    const m = await q.receive({ type: 3 });
    console.log('done ' + m.data + ' ' + q.stat().qnum + ' racers left ' + racers);
  `;
  const child = spawnChild(t, ...nodeScript(script, [String(queue.key), String(full.key)]));
  const result = await child.wait(30_000);
  assert.equal(result.signal, null, `the process died of a signal: ${child.describe()}`);
  assert.equal(result.code, 0, child.describe());
  const lines = result.stdout.trim().split('\n');
  assert.match(lines.at(-1)!, /^done main 0 racers left [0-3]$/, child.describe());
  assert.equal(lines.length, 13);
  for (const line of lines.slice(0, -1)) {
    const { round, messages } = JSON.parse(line) as { round: number; messages: string[] };
    assert.equal(messages[0], 'waiting', `round ${round}`);
    // A worker can only have received a message of its round's racer.
    for (const message of messages.slice(1)) assert.equal(message, 'received racing', `round ${round}`);
  }
  assert.equal(full.stat().qnum, 1, 'no cancelled send may have queued its message');
  assert.equal(queue.stat().qnum, 0);
});
