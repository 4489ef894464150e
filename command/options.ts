// ledctl's options, each declared once: its parsing, its environment variable,
// its default and its --help line come from here (test/facts checks the
// README's table against it).
import { helpAndVersion, type OptionDeclaration, seconds } from '../common/options.js';
import { DEFAULT_KEY } from '../protocol/constants.js';

const OPTIONS = 'Options';
const PATTERNS = 'Options of blink, heartbeat and pattern';

export const options = {
  led: {
    flag: '--led',
    metavar: 'NAMES',
    env: 'LEDCTL_LED',
    defaultText: "ledd's first LED",
    section: OPTIONS,
    help: "the LEDs: a name, names separated by commas (status,error), or '*' for every LED",
  },
  key: {
    flag: '--key',
    metavar: 'KEY',
    env: 'LEDCTL_KEY',
    default: String(DEFAULT_KEY),
    section: OPTIONS,
    help: 'queue key: decimal, 0x hex, 0o octal, or a path for ftok(3); LEDD_KEY when LEDCTL_KEY is not set',
  },
  timeout: {
    flag: '--timeout',
    metavar: 'SECONDS',
    default: '5',
    parse: seconds(0.1, 3600),
    section: OPTIONS,
    help: "how long to wait for ledd's answer",
  },
  for: {
    flag: '--for',
    metavar: 'DURATION',
    section: OPTIONS,
    help: 'on, off, toggle, blink, heartbeat and pattern: how long the command lasts (10ms to 7d)',
  },
  json: {
    flag: '--json',
    section: OPTIONS,
    help: 'status and list as JSON; watch as one JSON object per line',
  },
  ...helpAndVersion(OPTIONS, "ledctl's version"),
  on: { flag: '--on', metavar: 'DURATION', default: '0.5s', section: PATTERNS, help: 'blink: how long it is on' },
  off: { flag: '--off', metavar: 'DURATION', default: '0.5s', section: PATTERNS, help: 'blink: how long it is off' },
  count: {
    flag: '--count',
    metavar: 'N',
    defaultText: 'forever',
    section: PATTERNS,
    help: 'blink: how many times',
  },
  repeat: {
    flag: '--repeat',
    metavar: 'N',
    default: '-1',
    section: PATTERNS,
    help: 'pattern: how many cycles; -1 is forever',
  },
  then: {
    flag: '--then',
    metavar: 'on|off',
    default: 'off',
    section: PATTERNS,
    help: 'the state once the pattern ends',
  },
  label: {
    flag: '--label',
    metavar: 'NAME',
    section: PATTERNS,
    help: 'a name ledd keeps with the pattern and shows in status and watch ("fast blink")',
  },
} as const satisfies Record<string, OptionDeclaration>;

/** The flags blink, heartbeat and pattern take, as patternRequest names them. */
export const PATTERN_FLAGS = ['on', 'off', 'count', 'repeat', 'then', 'label'] as const;
