// Clients nobody here wrote drive ledd: the chapter's C program, Python's
// sysv_ipc and Perl's IPC::Msg.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { runOk } from '@ledd/test-kit/process';
import { requirePerlModule, requirePythonModule } from '@ledd/test-kit/tools';

import { ledctl, queueExists, startLedd } from './harness.js';
import { buildChapterClient } from './chapter-client.js';
import { REPLY_TYPE_BASE } from '../../protocol/constants.js';

async function ledState(key: number): Promise<string> {
  const status = await ledctl(key, ['status', '--json']);
  assert.equal(status.code, 0, status.stderr);
  return (JSON.parse(status.stdout) as { led: string }).led;
}

test("the chapter's C client (common.h + command.c) switches the LED and stops ledd", async (t) => {
  const ledd = await startLedd(t);
  const command = await buildChapterClient(t, ledd.key);

  assert.match(await runOk(command, ['on']), /Message sent successfully/);
  assert.equal(await ledState(ledd.key), 'on');
  await runOk(command, ['off']);
  assert.equal(await ledState(ledd.key), 'off');
  await runOk(command, ['on']);
  assert.equal(await ledState(ledd.key), 'on');

  await runOk(command, ['exit']);
  const ended = await ledd.child.wait();
  assert.equal(ended.code, 0, ledd.child.describe());
  assert.equal(queueExists(ledd.key), false);
  assert.equal(ledd.records().at(-1)!.led, 'OFF');
});

test('seed-form variants: no NUL, lower case, trailing whitespace', async (t) => {
  const ledd = await startLedd(t);
  const python = requirePythonModule('sysv_ipc', 'python3-sysv-ipc');
  const variants: [string, string][] = [
    ['ON', 'on'],
    ['off', 'off'],
    ['On \\n', 'on'],
    ['OFF\\r\\n\\x00', 'off'],
    ['on\\t\\x00garbage after the NUL', 'on'],
  ];
  for (const [text, expected] of variants) {
    await runOk(python, ['-c', `import sysv_ipc; sysv_ipc.MessageQueue(${ledd.key}).send(b"${text}", type=1)`]);
    assert.equal(await ledState(ledd.key), expected, `text ${text}`);
  }
});

test('a Python sysv_ipc client, with and without a reply address', async (t) => {
  const ledd = await startLedd(t);
  const python = requirePythonModule('sysv_ipc', 'python3-sysv-ipc');
  const script = `
import os, sysv_ipc
q = sysv_ipc.MessageQueue(${ledd.key})
q.send(b"ON\\0", type=1)
reply_type = ${REPLY_TYPE_BASE} + os.getpid()
q.send(("TOGGLE reply=%d id=py1" % reply_type).encode(), type=1)
text, kind = q.receive(type=reply_type)
print(kind == reply_type, text.decode())
`;
  const out = await runOk(python, ['-c', script]);
  assert.equal(out, 'True py1 OK OFF\n');
});

test('a Perl IPC::Msg client, with and without a reply address', async (t) => {
  const ledd = await startLedd(t);
  const perl = requirePerlModule('IPC::Msg', 'libperl5.36');
  const script = `
use strict; use IPC::SysV qw(S_IRUSR); use IPC::Msg;
my $q = IPC::Msg->new(${ledd.key}, 0) or die "msgget: $!";
$q->snd(1, "OFF") or die "msgsnd: $!";
my $reply_type = ${REPLY_TYPE_BASE} + $$;
$q->snd(1, "toggle reply=$reply_type id=pl1") or die "msgsnd: $!";
my $buffer;
$q->rcv($buffer, 256, $reply_type) or die "msgrcv: $!";
$buffer =~ s/\\0.*//s;
print "$buffer\\n";
`;
  const out = await runOk(perl, ['-e', script]);
  assert.equal(out, 'pl1 OK ON\n');
  assert.equal(await ledState(ledd.key), 'on');
});
