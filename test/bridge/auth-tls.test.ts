// A broker that wants a password, and one that speaks TLS with a certificate
// made here by a CA made here.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test, type TestContext } from 'node:test';

import { runChild, runOk } from '@ledd/test-kit/process';
import { MissingToolError, requireCommand } from '@ledd/test-kit/tools';

import { startLedd } from '../daemon/harness.js';
import { type Broker, Recorder, startBridge, startBroker } from './harness.js';

function privateDir(t: Pick<TestContext, 'after'>): string {
  const directory = mkdtempSync(path.join(os.tmpdir(), 'ledd-mqtt-secrets-'));
  t.after(() => rmSync(directory, { recursive: true, force: true }));
  return directory;
}

async function passwordBroker(t: TestContext, directory: string): Promise<Broker> {
  const passwords = path.join(directory, 'passwords');
  const made = await runChild('mosquitto_passwd', ['-c', '-b', passwords, 'lamp', 'right horse battery']).catch(
    (error: Error) => {
      throw new MissingToolError('the command mosquitto_passwd', 'mosquitto', error.message);
    },
  );
  assert.equal(made.code, 0, made.stderr);
  chmodSync(passwords, 0o600);
  return startBroker(t, { passwordFile: passwords });
}

test('a wrong password: one line saying the broker refused the login, exit 4, no retries', async (t) => {
  const directory = privateDir(t);
  const broker = await passwordBroker(t, directory);
  const ledd = await startLedd(t);
  const secret = path.join(directory, 'wrong');
  writeFileSync(secret, 'wrong horse\n', { mode: 0o600 });
  const bridge = startBridge(t, broker.url, ledd.key, 'locked', ['--username', 'lamp', '--password-file', secret]);
  const result = await bridge.child.wait(15_000);
  assert.equal(result.code, 4, bridge.child.describe());
  const fatal = bridge.records().filter((record) => record.level >= 50);
  assert.equal(fatal.length, 1, bridge.child.describe());
  assert.match(fatal[0]!.msg, /^the broker refused the login \((bad user name or password|not authorised)\)/);
  assert.equal(bridge.records().filter((record) => record.msg.startsWith('cannot reach')).length, 0, 'no retry');
  assert.doesNotMatch(bridge.child.stdout + bridge.child.stderr, /wrong horse/, 'the password is never logged');
});

test('the right password, from a file or from the systemd credential, is let in', async (t) => {
  const directory = privateDir(t);
  const broker = await passwordBroker(t, directory);
  const ledd = await startLedd(t);
  const secret = path.join(directory, 'right');
  writeFileSync(secret, 'right horse battery\n', { mode: 0o600 });
  const bridge = startBridge(t, broker.url, ledd.key, 'open', ['--username', 'lamp', '--password-file', secret]);
  await bridge.waitLog(/^connected to the broker$/);
  await bridge.waitLog(/^watching ledd$/);

  // As systemd's LoadCredential=mqtt-password:FILE hands it over.
  const credentialDir = mkdtempSync(path.join(directory, 'creds-'));
  writeFileSync(path.join(credentialDir, 'mqtt-password'), 'right horse battery', { mode: 0o600 });
  const viaCredential = startBridge(t, broker.url, ledd.key, 'cred', ['--username', 'lamp'], {
    CREDENTIALS_DIRECTORY: credentialDir,
  });
  await viaCredential.waitLog(/^watching ledd$/);
  await viaCredential.waitLog(/^connected to the broker$/);

  const client = await Recorder.connect(t, broker.url, { username: 'lamp', password: 'right horse battery' });
  await client.subscribe('ledd/+/availability');
  await client.waitFor('ledd/open/availability', (payload) => payload === 'online');
  await client.waitFor('ledd/cred/availability', (payload) => payload === 'online');
});

async function makeCertificates(directory: string): Promise<{ ca: string; cert: string; key: string }> {
  requireCommand('openssl', 'openssl', ['version']);
  const file = (name: string): string => path.join(directory, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  await runOk('openssl', [
    'req',
    '-x509',
    ...ec,
    '-keyout',
    file('ca.key'),
    '-out',
    file('ca.pem'),
    '-days',
    '2',
    '-subj',
    '/CN=ledd test CA',
  ]);
  await runOk('openssl', [
    'req',
    ...ec,
    '-keyout',
    file('server.key'),
    '-out',
    file('server.csr'),
    '-subj',
    '/CN=localhost',
  ]);
  writeFileSync(file('san.cnf'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
  await runOk('openssl', [
    'x509',
    '-req',
    '-in',
    file('server.csr'),
    '-CA',
    file('ca.pem'),
    '-CAkey',
    file('ca.key'),
    '-CAcreateserial',
    '-out',
    file('server.pem'),
    '-days',
    '2',
    '-extfile',
    file('san.cnf'),
  ]);
  return { ca: file('ca.pem'), cert: file('server.pem'), key: file('server.key') };
}

test('TLS: mqtts:// with --ca-file trusts the broker; without the CA the bridge keeps saying why it cannot connect', async (t) => {
  const directory = privateDir(t);
  const { ca, cert, key } = await makeCertificates(directory);
  const broker = await startBroker(t, { tls: { cert, key } });
  assert.match(broker.url, /^mqtts:\/\/localhost:\d+$/);
  const ledd = await startLedd(t);

  const bridge = startBridge(t, broker.url, ledd.key, 'secure', ['--ca-file', ca]);
  await bridge.waitLog(/^connected to the broker$/);
  await bridge.waitLog(/^watching ledd$/);
  const client = await Recorder.connect(t, broker.url, { ca: [readFileSync(ca)] });
  await client.subscribe('ledd/secure/availability');
  await client.waitFor('ledd/secure/availability', (payload) => payload === 'online');

  const untrusting = startBridge(t, broker.url, ledd.key, 'doubter');
  const complaint = await untrusting.waitLog(/^cannot reach the broker \(/);
  assert.match(complaint.msg, /certificate/i);
  assert.equal(untrusting.records().filter((record) => record.msg === 'connected to the broker').length, 0);
  assert.ok(untrusting.child.running, 'an untrusted certificate may be replaced: the bridge keeps trying');
});
