// ledd-mqtt's options, each declared once: its parsing, its environment
// variable, its default and its --help line come from here (test/facts checks
// the README's table and systemd/ledd-mqtt.default against it). Secrets come
// from files only: a password in a flag or an environment variable is visible
// in ps(1) and /proc/PID/environ to whoever may read them.
import { queueKeyOption } from '../common/key-option.js';
import { DEFAULT_KEY } from '../protocol/constants.js';
import { logLevelOption } from '../common/log-options.js';
import { badValue, choice, helpAndVersion, type OptionDeclaration, seconds } from '../common/options.js';

export const LOG_FORMATS = ['auto', 'json', 'journal'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** Home Assistant's flash times are whole seconds (its cv.positive_int); a day is far beyond any alert. */
export const MAX_FLASH_SECONDS = 86_400;

function parseBroker(value: string, option: OptionDeclaration): string {
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
function parsePrefix(value: string, option: OptionDeclaration): string {
  const levels = value.split('/');
  if (levels.some((level) => level === '' || !/^[A-Za-z0-9_.-]+$/.test(level)))
    throw badValue(
      option,
      value,
      "give topic levels of letters, digits, '_', '-' or '.', separated by '/' (e.g. ledd)",
    );
  return value;
}

function parseNodeId(value: string, option: OptionDeclaration): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(value))
    throw badValue(option, value, "give 1 to 64 letters, digits, '_' or '-' (Home Assistant's node_id)");
  return value;
}

function parseClientId(value: string, option: OptionDeclaration): string {
  if (!/^[\x21-\x7e]{1,64}$/.test(value))
    throw badValue(option, value, 'give 1 to 64 printable characters without spaces');
  return value;
}

function parseUsername(value: string, option: OptionDeclaration): string {
  if (value.length > 256 || [...value].some((character) => character.charCodeAt(0) < 0x20))
    throw badValue(option, value, 'give a user name of at most 256 characters, without control characters');
  return value;
}

function parseFlashSeconds(value: string, option: OptionDeclaration): number {
  const seconds = Number(value);
  if (!/^\d{1,5}$/.test(value) || seconds < 1 || seconds > MAX_FLASH_SECONDS)
    throw badValue(option, value, `give whole seconds from 1 to ${MAX_FLASH_SECONDS}`);
  return seconds;
}

const reconnectSeconds = seconds(1, 3600);

const BROKER = 'Broker';
const TOPICS = 'Topics';
const HOME_ASSISTANT = 'Home Assistant';
const LEDD = 'ledd';
const LOGGING = 'Logging';
const OTHER = 'Other';

export const options = {
  broker: {
    flag: '--broker',
    metavar: 'URL',
    env: 'LEDD_MQTT_BROKER',
    default: 'mqtt://localhost:1883',
    parse: parseBroker,
    section: BROKER,
    help: 'mqtt://HOST[:PORT], or mqtts://HOST[:PORT] for TLS',
  },
  clientId: {
    flag: '--client-id',
    metavar: 'ID',
    env: 'LEDD_MQTT_CLIENT_ID',
    defaultText: '`ledd-HOSTNAME`',
    parse: parseClientId,
    section: BROKER,
    help: 'MQTT client id; fixed, as the persistent session needs',
  },
  username: {
    flag: '--username',
    metavar: 'NAME',
    env: 'LEDD_MQTT_USERNAME',
    defaultText: 'none',
    parse: parseUsername,
    section: BROKER,
    help: 'the user name to log in with',
  },
  passwordFile: {
    flag: '--password-file',
    metavar: 'FILE',
    env: 'LEDD_MQTT_PASSWORD_FILE',
    defaultText: 'the credential `mqtt-password`',
    section: BROKER,
    help:
      'the password, alone in a file (one line); without it, $CREDENTIALS_DIRECTORY/mqtt-password if systemd ' +
      'gives that credential. A password as a flag or in LEDD_MQTT_PASSWORD is refused',
  },
  caFile: {
    flag: '--ca-file',
    metavar: 'FILE',
    env: 'LEDD_MQTT_CA_FILE',
    defaultText: "the system's CAs",
    section: BROKER,
    help: "CA certificate(s), PEM, that the broker's certificate must chain to (mqtts:// only)",
  },
  certFile: {
    flag: '--cert-file',
    metavar: 'FILE',
    env: 'LEDD_MQTT_CERT_FILE',
    defaultText: 'none',
    section: BROKER,
    help: 'client certificate, PEM (with --key-file)',
  },
  keyFile: {
    flag: '--key-file',
    metavar: 'FILE',
    env: 'LEDD_MQTT_KEY_FILE',
    defaultText: 'none',
    section: BROKER,
    help: "client certificate's key, PEM",
  },
  reconnectMax: {
    flag: '--reconnect-max',
    metavar: 'S',
    env: 'LEDD_MQTT_RECONNECT_MAX',
    default: '30',
    parse: (text, option) => reconnectSeconds(text, option) * 1000,
    section: BROKER,
    help: 'longest wait between reconnection attempts, seconds (1 to 3600)',
  },
  topicPrefix: {
    flag: '--topic-prefix',
    metavar: 'P',
    env: 'LEDD_MQTT_TOPIC_PREFIX',
    default: 'ledd',
    parse: parsePrefix,
    section: TOPICS,
    help: 'the first level(s) of every topic of the bridge',
  },
  nodeId: {
    flag: '--node-id',
    metavar: 'ID',
    env: 'LEDD_MQTT_NODE_ID',
    defaultText: 'the host name',
    parse: parseNodeId,
    section: TOPICS,
    help: "letters, digits, '_', '-'",
  },
  discoveryPrefix: {
    flag: '--discovery-prefix',
    metavar: 'P',
    env: 'LEDD_MQTT_DISCOVERY_PREFIX',
    default: 'homeassistant',
    parse: parsePrefix,
    section: TOPICS,
    help: "Home Assistant's discovery prefix",
  },
  flashTimeShort: {
    flag: '--flash-time-short',
    metavar: 'S',
    env: 'LEDD_MQTT_FLASH_TIME_SHORT',
    default: '2',
    parse: parseFlashSeconds,
    section: HOME_ASSISTANT,
    help: `how long a short flash lasts, whole seconds (1 to ${MAX_FLASH_SECONDS})`,
  },
  flashTimeLong: {
    flag: '--flash-time-long',
    metavar: 'S',
    env: 'LEDD_MQTT_FLASH_TIME_LONG',
    default: '10',
    parse: parseFlashSeconds,
    section: HOME_ASSISTANT,
    help: 'how long a long flash lasts',
  },
  key: queueKeyOption(DEFAULT_KEY, LEDD, "ledd's queue key, as ledd --key takes it"),
  logLevel: logLevelOption('LEDD_MQTT_LOG_LEVEL', LOGGING),
  logFormat: {
    flag: '--log-format',
    metavar: 'FORMAT',
    env: 'LEDD_MQTT_LOG_FORMAT',
    default: 'auto',
    parse: choice(LOG_FORMATS),
    section: LOGGING,
    help: 'auto (journal under journald, else json), json, journal',
  },
  remove: {
    flag: '--remove',
    section: OTHER,
    help:
      "take this node off the broker and exit: clear every retained topic of the node (each light's config " +
      "and state, the availability), so Home Assistant drops its lights, and end the bridge's session. Stop " +
      "the bridge first (systemctl stop ledd-mqtt); the broker options are the bridge's. The Debian package " +
      'runs it when it is removed',
  },
  ...helpAndVersion(OTHER, "ledd-mqtt's version"),
} as const satisfies Record<string, OptionDeclaration>;
