// ledd's options, each declared once: its parsing, its environment variable,
// its default and its --help line come from here (test/facts checks the
// README's table and systemd/ledd.default against it).
import { groupId } from '../common/accounts.js';
import { queueKeyOption } from '../common/key-option.js';
import { DEFAULT_KEY } from '../protocol/constants.js';
import { logLevelOption } from '../common/log-options.js';
import { badValue, choice, helpAndVersion, type OptionDeclaration, seconds } from '../common/options.js';
import { MAX_LEDS } from '../protocol/leds.js';
import { BACKEND_CHOICES } from './gpio/line.js';

export const START_STATES = ['restore', 'on', 'off'] as const;
export const EXIT_STATES = ['off', 'on', 'keep'] as const;
export const LOG_FORMATS = ['auto', 'json', 'journal', 'pretty'] as const;
export type StartState = (typeof START_STATES)[number];
export type ExitState = (typeof EXIT_STATES)[number];
export type LogFormat = (typeof LOG_FORMATS)[number];

function parseMode(value: string, option: OptionDeclaration): number {
  const digits = value.replace(/^0o/i, '');
  if (!/^[0-7]{1,4}$/.test(digits) || Number.parseInt(digits, 8) > 0o777) {
    throw badValue(option, value, 'give octal permission bits such as 0660');
  }
  const mode = Number.parseInt(digits, 8);
  if (mode & 0o007) {
    throw badValue(
      option,
      value,
      "it gives every user on the machine access to the queue; leave the 'other' digit 0, e.g. 0660",
    );
  }
  if ((mode & 0o600) !== 0o600)
    throw badValue(option, value, 'the owner (ledd itself) needs read and write: 6 as the first digit');
  return mode;
}

function parseGroup(value: string, option: OptionDeclaration): number {
  if (/^\d+$/.test(value)) return Number(value);
  const gid = groupId(value);
  if (gid === undefined)
    throw badValue(option, value, 'no such group in /etc/group; give an existing group name or a numeric gid');
  return gid;
}

const QUEUE = 'Queue';
const LED = 'LED';
const RUNNING = 'Running';

export const options = {
  key: queueKeyOption(
    DEFAULT_KEY,
    QUEUE,
    "queue key: decimal (1234), 0x hex, 0o octal, or a path for ftok(3) (PATH or PATH:PROJ_ID, default project id 76 'L'); " +
      "1234 is the chapter's MSG_QUEUE_KEY",
  ),
  mode: {
    flag: '--mode',
    metavar: 'MODE',
    env: 'LEDD_MODE',
    default: '0660',
    parse: parseMode,
    section: QUEUE,
    help: 'queue permission bits, octal; never world-accessible',
  },
  group: {
    flag: '--group',
    metavar: 'GROUP',
    env: 'LEDD_GROUP',
    defaultText: "ledd's own group",
    parse: parseGroup,
    section: QUEUE,
    help: 'group given to the queue, name or gid; its members may command the LEDs',
  },
  backend: {
    flag: '--backend',
    metavar: 'NAME',
    env: 'LEDD_BACKEND',
    default: 'auto',
    parse: choice(BACKEND_CHOICES),
    section: LED,
    help:
      'auto: a real GPIO line through the libgpiod binding this machine built (ledd --version names it); ' +
      'libgpiod: the same as auto; libgpiod1: node-libgpiod, for libgpiod 1.x (Debian and Raspberry Pi OS ' +
      "bookworm); libgpiod2: ledd's own binding, for libgpiod 2.x (Debian and Raspberry Pi OS trixie); " +
      'sim: a simulated LED (machines without GPIO); never chosen unless named',
  },
  led: {
    flag: '--led',
    metavar: 'NAME=LINE[,active-low]',
    env: 'LEDD_LEDS',
    defaultText: 'one LED, `led`',
    repeatable: true,
    section: LED,
    help:
      'an LED and its line: a line name searched on every chip (GPIO17) or CHIP:OFFSET (gpiochip4:17); ' +
      `repeat for up to ${MAX_LEDS} LEDs, the first one being the default ` +
      '(LEDD_LEDS="status=GPIO17 error=GPIO27,active-low"). NAME: 1 to 16 of a-z, 0-9, "-", "_". ' +
      'The LEDs of one chip are one request and switch at the same instant',
  },
  line: {
    flag: '--line',
    metavar: 'LINE',
    env: 'LEDD_LINE',
    default: 'GPIO17',
    section: LED,
    help: 'without --led, the one LED (named "led"): a line name, searched on every chip (GPIO17), or an offset on --chip',
  },
  chip: {
    flag: '--chip',
    metavar: 'CHIP',
    env: 'LEDD_CHIP',
    defaultText: 'every chip searched',
    section: LED,
    help: 'chip name, path or label (gpiochip4)',
  },
  activeLow: {
    flag: '--active-low',
    env: 'LEDD_ACTIVE_LOW',
    defaultText: 'off',
    section: LED,
    help: 'the LED lights when the line is low',
  },
  startState: {
    flag: '--start-state',
    metavar: 'STATE',
    env: 'LEDD_START_STATE',
    default: 'restore',
    parse: choice(START_STATES),
    section: LED,
    help: "restore (each LED's last commanded state, else off), on, off",
  },
  exitState: {
    flag: '--exit-state',
    metavar: 'STATE',
    env: 'LEDD_EXIT_STATE',
    default: 'off',
    parse: choice(EXIT_STATES),
    section: LED,
    help: 'off, on, keep: the level driven before the lines are released at exit',
  },
  stateFile: {
    flag: '--state-file',
    metavar: 'PATH',
    env: 'LEDD_STATE_FILE',
    defaultText: '`$STATE_DIRECTORY/state.json`',
    section: LED,
    help:
      'where the last commanded states are kept, or "none"; without $STATE_DIRECTORY ' +
      '/var/lib/ledd/state.json for root, else ~/.local/state/ledd/state.json; with --backend sim ' +
      'sim-state.json in $STATE_DIRECTORY, else always ~/.local/state/ledd/sim-state.json, root included',
  },
  logLevel: logLevelOption('LEDD_LOG_LEVEL', RUNNING),
  logFormat: {
    flag: '--log-format',
    metavar: 'FORMAT',
    env: 'LEDD_LOG_FORMAT',
    default: 'auto',
    parse: choice(LOG_FORMATS),
    section: RUNNING,
    help: 'auto (journal under systemd, pretty on a terminal, json otherwise), json, journal (syslog priority prefixes), pretty',
  },
  housekeeping: {
    flag: '--housekeeping-interval',
    metavar: 'SECONDS',
    env: 'LEDD_HOUSEKEEPING_INTERVAL',
    default: '5',
    parse: seconds(0.1, 3600),
    section: RUNNING,
    help: 'how often stale replies and unreadable messages are cleared; under a systemd watchdog, half its interval',
  },
  cleanup: {
    flag: '--cleanup',
    section: RUNNING,
    help:
      'do not run: remove the queue this user left under the key and drive the LED to its exit state, ' +
      'unless systemd is about to restart ledd (what the units run after ledd stops, as the one file ' +
      'dist/ledd-cleanup.cjs)',
  },
  ...helpAndVersion(RUNNING, "ledd's version and the GPIO bindings built"),
} as const satisfies Record<string, OptionDeclaration>;
