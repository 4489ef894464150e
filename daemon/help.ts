// ledd --help.
export const helpText = `Usage: ledd [options]

Drives LEDs on GPIO lines (one LED on GPIO17 by default) as commanded over a
System V message queue. Send it commands with ledctl (ledctl on|off|toggle|status|exit)
or with any program that sends type 1 "ON"/"OFF" and type 2 (exit) messages;
a command that names no LED is for the first one.

Every option has an environment equivalent (for systemd's EnvironmentFile=);
an option on the command line wins.

Queue:
  --key KEY              queue key: decimal (1234), 0x hex, 0o octal, or a path for
                         ftok(3) (PATH or PATH:PROJ_ID, default project id 76 'L')
                         [LEDD_KEY, default 1234, the chapter's MSG_QUEUE_KEY]
  --mode MODE            queue permission bits, octal; never world-accessible
                         [LEDD_MODE, default 0660]
  --group GROUP          group given to the queue, name or gid; its members may
                         command the LED [LEDD_GROUP, default: ledd's own group]

LED:
  --backend NAME         auto: a real GPIO line through the libgpiod binding
                         this machine built (ledd --version names it);
                         libgpiod: the same as auto;
                         libgpiod1: node-libgpiod, for libgpiod 1.x (Debian
                         and Raspberry Pi OS bookworm);
                         libgpiod2: ledd's own binding, for libgpiod 2.x
                         (Debian and Raspberry Pi OS trixie);
                         sim: a simulated LED (machines without GPIO); never
                         chosen unless named
                         [LEDD_BACKEND, default auto]
  --led NAME=LINE[,active-low]
                         an LED and its line: a line name searched on every
                         chip (GPIO17) or CHIP:OFFSET (gpiochip4:17); repeat
                         for up to 32 LEDs, the first one being the default
                         [LEDD_LEDS="status=GPIO17 error=GPIO27,active-low"].
                         NAME: 1 to 16 of a-z, 0-9, "-", "_". The LEDs of one
                         chip are one request and switch at the same instant.
  --line LINE            without --led, the one LED (named "led"): a line name,
                         searched on every chip (GPIO17), or an offset on
                         --chip [LEDD_LINE, default GPIO17]
  --chip CHIP            chip name, path or label (gpiochip4) [LEDD_CHIP]
  --active-low           the LED lights when the line is low [LEDD_ACTIVE_LOW=1]
  --start-state STATE    restore (each LED's last commanded state, else off),
                         on, off [LEDD_START_STATE, default restore]
  --exit-state STATE     off, on, keep: the level driven before the lines are
                         released at exit [LEDD_EXIT_STATE, default off]
  --state-file PATH      where the last commanded states are kept, or "none"
                         [LEDD_STATE_FILE, default $STATE_DIRECTORY/state.json,
                         /var/lib/ledd/state.json for root, else
                         ~/.local/state/ledd/state.json; with --backend sim
                         sim-state.json in $STATE_DIRECTORY, else always
                         ~/.local/state/ledd/sim-state.json, root included]

Running:
  --log-level LEVEL      fatal, error, warn, info, debug, trace
                         [LEDD_LOG_LEVEL, default info]
  --log-format FORMAT    auto, json, journal (syslog priority prefixes), pretty
                         [LEDD_LOG_FORMAT, default auto: journal under systemd,
                         pretty on a terminal, json otherwise]
  --housekeeping-interval SECONDS
                         how often stale replies and unreadable messages are
                         cleared [LEDD_HOUSEKEEPING_INTERVAL, default 5; under a
                         systemd watchdog, half its interval]
  --cleanup              do not run: remove the queue this user left under the
                         key and drive the LED to its exit state, unless systemd
                         is about to restart ledd (what the units run after ledd
                         stops, as the one file dist/ledd-cleanup.cjs)
  -h, --help             this text
  --version              ledd's version and the GPIO bindings built

Exit: SIGTERM, SIGINT, SIGHUP or a type 2 message: every LED goes to the exit
state, the lines are released, the queue is removed (IPC_RMID), exit status 0.
SIGUSR2: a handover (what a package upgrade does): the queue with its pending
commands and the saved state are left to the ledd systemd starts next, the
line is released at its level, exit status 75.

Exit status: 0 clean exit; 1 unexpected failure; 2 bad option or environment
value; 3 the queue cannot be created or adopted; 4 a GPIO line cannot be
used (missing, busy, given to two LEDs, or two LEDs of one name); 5 the state file cannot be read (one that does not parse is
reported and ignored); 75 handed over (SIGUSR2).
`;
