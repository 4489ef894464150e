// ledd-mqtt's configuration: flags, each with an environment equivalent for
// systemd's EnvironmentFile= (/etc/default/ledd-mqtt). Flags win. Every bad
// value is refused with the flag's name and the form it accepts. Secrets come
// from files only: a password in a flag or an environment variable is visible
// in ps(1) and /proc/PID/environ to whoever may read them.
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { type Option, badValue, oneOf, parseFlags, UsageError } from '../common/flags.js';
import { DEFAULT_KEY } from '../protocol/constants.js';
import { parseKeyOption } from '../common/key-option.js';

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace';
export type LogFormat = 'auto' | 'json' | 'journal';

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

export const options = {
  broker: { flag: '--broker', env: 'LEDD_MQTT_BROKER' },
  clientId: { flag: '--client-id', env: 'LEDD_MQTT_CLIENT_ID' },
  topicPrefix: { flag: '--topic-prefix', env: 'LEDD_MQTT_TOPIC_PREFIX' },
  nodeId: { flag: '--node-id', env: 'LEDD_MQTT_NODE_ID' },
  discoveryPrefix: { flag: '--discovery-prefix', env: 'LEDD_MQTT_DISCOVERY_PREFIX' },
  key: { flag: '--key', env: 'LEDD_KEY' },
  username: { flag: '--username', env: 'LEDD_MQTT_USERNAME' },
  passwordFile: { flag: '--password-file', env: 'LEDD_MQTT_PASSWORD_FILE' },
  caFile: { flag: '--ca-file', env: 'LEDD_MQTT_CA_FILE' },
  certFile: { flag: '--cert-file', env: 'LEDD_MQTT_CERT_FILE' },
  keyFile: { flag: '--key-file', env: 'LEDD_MQTT_KEY_FILE' },
  reconnectMax: { flag: '--reconnect-max', env: 'LEDD_MQTT_RECONNECT_MAX' },
  flashTimeShort: { flag: '--flash-time-short', env: 'LEDD_MQTT_FLASH_TIME_SHORT' },
  flashTimeLong: { flag: '--flash-time-long', env: 'LEDD_MQTT_FLASH_TIME_LONG' },
  logLevel: { flag: '--log-level', env: 'LEDD_MQTT_LOG_LEVEL' },
  logFormat: { flag: '--log-format', env: 'LEDD_MQTT_LOG_FORMAT' },
} satisfies Record<string, Option>;

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

function parseBroker(option: Option, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw badValue(option, value, 'give a URL such as mqtt://localhost:1883 or mqtts://broker.example:8883');
  }
  if (url.protocol !== 'mqtt:' && url.protocol !== 'mqtts:')
    throw badValue(option, value, 'the scheme must be mqtt:// or mqtts:// (TLS)');
  if (url.hostname === '') throw badValue(option, value, 'name the broker host, e.g. mqtt://localhost:1883');
  if (url.username !== '' || url.password !== '')
    throw badValue(option, value, 'put no user or password in the URL; use --username and --password-file');
  if ((url.pathname !== '' && url.pathname !== '/') || url.search !== '' || url.hash !== '')
    throw badValue(option, value, 'give only mqtt[s]://HOST[:PORT], with no path or query');
  return `${url.protocol}//${url.host}`;
}

/** A topic level prefix: one or more levels, no wildcards, no empty level. */
function parsePrefix(option: Option, value: string): string {
  const levels = value.split('/');
  if (levels.some((level) => level === '' || !/^[A-Za-z0-9_.-]+$/.test(level)))
    throw badValue(
      option,
      value,
      "give topic levels of letters, digits, '_', '-' or '.', separated by '/' (e.g. ledd)",
    );
  return value;
}

function parseNodeId(option: Option, value: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value))
    throw badValue(option, value, "give 1 to 64 letters, digits, '_' or '-' (Home Assistant's node_id)");
  return value;
}

function parseClientId(option: Option, value: string): string {
  if (!/^[\x21-\x7e]{1,64}$/.test(value))
    throw badValue(option, value, 'give 1 to 64 printable characters without spaces');
  return value;
}

function parseUsername(option: Option, value: string): string {
  if (value.length > 256 || [...value].some((character) => character.charCodeAt(0) < 0x20))
    throw badValue(option, value, 'give a user name of at most 256 characters, without control characters');
  return value;
}

function parseSeconds(option: Option, value: string): number {
  const seconds = Number(value);
  if (!/^\d+(\.\d+)?$/.test(value) || seconds < 1 || seconds > 3600)
    throw badValue(option, value, 'give seconds from 1 to 3600');
  return seconds * 1000;
}

/** Home Assistant's flash times are whole seconds (its cv.positive_int); a day is far beyond any alert. */
export const MAX_FLASH_SECONDS = 86_400;

function parseFlashSeconds(option: Option, value: string): number {
  const seconds = Number(value);
  if (!/^\d{1,5}$/.test(value) || seconds < 1 || seconds > MAX_FLASH_SECONDS)
    throw badValue(option, value, `give whole seconds from 1 to ${MAX_FLASH_SECONDS}`);
  return seconds;
}

function readFileFor(option: Option, file: string): Buffer {
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

function readPassword(option: Option, file: string): string {
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
  const specs: Record<string, { value: boolean }> = {
    '--help': { value: false },
    '-h': { value: false },
    '--version': { value: false },
    '--remove': { value: false },
  };
  for (const option of Object.values(options)) specs[option.flag] = { value: true };
  const flags = parseFlags(argv, specs);
  if (flags.switches.has('--help') || flags.switches.has('-h')) return { kind: 'help' };
  if (flags.switches.has('--version')) return { kind: 'version' };
  if (flags.positionals.length > 0) throw new UsageError(`unexpected argument "${flags.positionals[0]}" (see --help)`);

  const raw = (option: Option): string | undefined => flags.values.get(option.flag) ?? (env[option.env] || undefined);
  const read = <T>(option: Option, parse: (option: Option, value: string) => T, fallback: T): T => {
    const value = raw(option);
    return value === undefined ? fallback : parse(option, value);
  };

  const keyText = raw(options.key);
  const key = keyText === undefined ? DEFAULT_KEY : parseKeyOption(options.key, keyText);
  const brokerUrl = read(options.broker, parseBroker, 'mqtt://localhost:1883');
  const tls = brokerUrl.startsWith('mqtts:');
  const fileOption = (option: Option): Buffer | undefined => {
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

  const username = read(options.username, parseUsername, undefined as string | undefined);
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

  const nodeId = read(options.nodeId, parseNodeId, sanitiseNodeId(hostname));
  const flashTimeShort = read(options.flashTimeShort, parseFlashSeconds, 2);
  const flashTimeLong = read(options.flashTimeLong, parseFlashSeconds, 10);
  if (flashTimeShort > flashTimeLong)
    throw badValue(
      options.flashTimeShort,
      String(flashTimeShort),
      `a short flash cannot last longer than a long one (${options.flashTimeLong.flag} ${flashTimeLong})`,
    );
  return {
    kind: flags.switches.has('--remove') ? 'remove' : 'run',
    config: {
      brokerUrl,
      clientId: read(options.clientId, parseClientId, `ledd-${sanitiseNodeId(hostname)}`.slice(0, 64)),
      topicPrefix: read(options.topicPrefix, parsePrefix, 'ledd'),
      nodeId,
      discoveryPrefix: read(options.discoveryPrefix, parsePrefix, 'homeassistant'),
      key,
      username,
      password,
      ca,
      cert,
      privateKey,
      reconnectMaxMs: read(options.reconnectMax, parseSeconds, 30_000),
      flashTimeShort,
      flashTimeLong,
      logLevel: read(
        options.logLevel,
        (option, value) => oneOf<LogLevel>(option, value, ['fatal', 'error', 'warn', 'info', 'debug', 'trace']),
        'info',
      ),
      logFormat: read(
        options.logFormat,
        (option, value) => oneOf<LogFormat>(option, value, ['auto', 'json', 'journal']),
        'auto',
      ),
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
