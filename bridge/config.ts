// ledd-mqtt's configuration: flags, each with an environment equivalent for
// systemd's EnvironmentFile= (/etc/default/ledd-mqtt). Flags win. Every bad
// value is refused with the flag's name and the form it accepts. Secrets come
// from files only: a password in a flag or an environment variable is visible
// in ps(1) and /proc/PID/environ to whoever may read them.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { UsageError } from '../common/flags.js';
import type { LogLevel } from '../common/log-options.js';
import { badValue, type OptionDeclaration, parseOptions } from '../common/options.js';
import { type LogFormat, options } from './options.js';

export type { LogLevel } from '../common/log-options.js';
export type { LogFormat } from './options.js';

export interface BridgeConfig {
  brokerUrl: string;
  clientId: string;
  topicPrefix: string;
  nodeId: string;
  discoveryPrefix: string;
  key: number;
  username: string | undefined;
  password: string | undefined;
  /** The PEM contents, read at start-up. */
  ca: Buffer | undefined;
  cert: Buffer | undefined;
  privateKey: Buffer | undefined;
  reconnectMaxMs: number;
  /** What Home Assistant's flash short and flash long last, in seconds (flash_time_short, flash_time_long). */
  flashTimeShort: number;
  flashTimeLong: number;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/** The systemd credential (LoadCredential=mqtt-password:...) read when no password file is named. */
export const PASSWORD_CREDENTIAL = 'mqtt-password';

export type ParsedCommandLine =
  | { kind: 'help' }
  | { kind: 'version' }
  /** --remove: clear every retained topic of this node at the broker, then exit. */
  | { kind: 'run' | 'remove'; config: BridgeConfig };

/** The host name as Home Assistant and MQTT topics accept it: letters, digits, '_' and '-'. */
export function sanitiseNodeId(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_-]/g, '_');
  return cleaned === '' ? 'ledd' : cleaned;
}

function readFileFor(option: OptionDeclaration, file: string): Buffer {
  try {
    return readFileSync(path.resolve(file));
  } catch (error) {
    throw badValue(
      option,
      file,
      `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
}

function readPassword(option: OptionDeclaration, file: string): string {
  // One trailing newline is what `echo secret > file` leaves; it is not part of the password.
  const text = readFileFor(option, file)
    .toString('utf8')
    .replace(/\r?\n$/, '');
  if (text === '') throw badValue(option, file, 'the file is empty; put the password in it');
  if (/[\r\n]/.test(text)) throw badValue(option, file, 'the password file must hold one line');
  return text;
}

export function parseCommandLine(
  argv: readonly string[],
  env: NodeJS.ProcessEnv,
  hostname: string = os.hostname(),
): ParsedCommandLine {
  const refused = argv.find((word) => /^--password(=|$)/.test(word));
  if (refused !== undefined)
    throw new UsageError(
      '--password is not accepted: a password on the command line is visible to every user (ps); ' +
        'write it to a file readable only by ledd-mqtt and give --password-file FILE',
    );
  if (env.LEDD_MQTT_PASSWORD !== undefined)
    throw new UsageError(
      'LEDD_MQTT_PASSWORD is not accepted: a password in the environment leaks into /proc and logs; ' +
        'write it to a file and set LEDD_MQTT_PASSWORD_FILE=FILE (or use the systemd credential mqtt-password)',
    );
  // MQTT.js would go through the SOCKS proxy this names; its SOCKS client is left out of ledd-mqtt's bundle.
  if (env.MQTTJS_SOCKS_PROXY)
    throw new UsageError(
      `MQTTJS_SOCKS_PROXY is set (${env.MQTTJS_SOCKS_PROXY}), but ledd-mqtt connects to the broker directly, ` +
        'never through a SOCKS proxy: unset it',
    );
  const parsed = parseOptions(argv, env, Object.values(options));
  if (parsed === 'help' || parsed === 'version') return { kind: parsed };
  const { raw, read } = parsed;

  const key = read(options.key)!;
  const brokerUrl = read(options.broker)!;
  const tls = brokerUrl.startsWith('mqtts:');
  const fileOption = (option: OptionDeclaration): Buffer | undefined => {
    const file = raw(option);
    if (file === undefined) return undefined;
    if (!tls) throw badValue(option, file, `TLS files need an mqtts:// broker URL (${options.broker.flag})`);
    return readFileFor(option, file);
  };
  const ca = fileOption(options.caFile);
  const cert = fileOption(options.certFile);
  const privateKey = fileOption(options.keyFile);
  if ((cert === undefined) !== (privateKey === undefined)) {
    const [given, missing] = cert ? [options.certFile, options.keyFile] : [options.keyFile, options.certFile];
    throw badValue(given, raw(given)!, `a client certificate needs both ${given.flag} and ${missing.flag}`);
  }

  const username = read(options.username);
  const passwordFile = raw(options.passwordFile);
  const credential = env.CREDENTIALS_DIRECTORY
    ? path.join(env.CREDENTIALS_DIRECTORY.split(':')[0]!, PASSWORD_CREDENTIAL)
    : undefined;
  let password: string | undefined;
  if (passwordFile !== undefined) password = readPassword(options.passwordFile, passwordFile);
  else if (credential !== undefined && existsSync(credential))
    password = readPassword(options.passwordFile, credential);
  if (password !== undefined && username === undefined)
    throw badValue(
      options.passwordFile,
      passwordFile ?? credential!,
      `a password needs a user name too (${options.username.flag})`,
    );

  const nodeId = read(options.nodeId) ?? sanitiseNodeId(hostname);
  const flashTimeShort = read(options.flashTimeShort)!;
  const flashTimeLong = read(options.flashTimeLong)!;
  if (flashTimeShort > flashTimeLong)
    throw badValue(
      options.flashTimeShort,
      String(flashTimeShort),
      `a short flash cannot last longer than a long one (${options.flashTimeLong.flag} ${flashTimeLong})`,
    );
  return {
    kind: parsed.given(options.remove) ? 'remove' : 'run',
    config: {
      brokerUrl,
      clientId: read(options.clientId) ?? `ledd-${sanitiseNodeId(hostname)}`.slice(0, 64),
      topicPrefix: read(options.topicPrefix)!,
      nodeId,
      discoveryPrefix: read(options.discoveryPrefix)!,
      key,
      username,
      password,
      ca,
      cert,
      privateKey,
      reconnectMaxMs: read(options.reconnectMax)!,
      flashTimeShort,
      flashTimeLong,
      logLevel: read(options.logLevel)!,
      logFormat: read(options.logFormat)!,
    },
  };
}

/** The configuration as logged at start: no secrets, no certificate contents. */
export function describeConfig(config: BridgeConfig): Record<string, unknown> {
  return {
    broker: config.brokerUrl,
    clientId: config.clientId,
    topicPrefix: config.topicPrefix,
    nodeId: config.nodeId,
    discoveryPrefix: config.discoveryPrefix,
    key: config.key,
    username: config.username,
    password: config.password === undefined ? 'none' : 'from file',
    ca: config.ca !== undefined,
    clientCert: config.cert !== undefined,
    flashTimeShort: config.flashTimeShort,
    flashTimeLong: config.flashTimeLong,
  };
}
