// ledd --help: the prose around the options and exit codes, which come from their declarations.
import { exitStatusHelp } from '../common/exit-codes.js';
import { optionsHelp } from '../common/options.js';
import { DAEMON_EXIT_CODES } from './exit-codes.js';
import { options } from './options.js';

export const helpText = `Usage: ledd [options]

Drives LEDs on GPIO lines (one LED on GPIO17 by default) as commanded over a
System V message queue. Send it commands with ledctl (ledctl on|off|toggle|status|exit)
or with any program that sends type 1 "ON"/"OFF" and type 2 (exit) messages;
a command that names no LED is for the first one.

Every option has an environment equivalent (for systemd's EnvironmentFile=);
an option on the command line wins.

${optionsHelp(Object.values(options))}

Exit: SIGTERM, SIGINT, SIGHUP or a type 2 message: every LED goes to the exit
state, the lines are released, the queue is removed (IPC_RMID), exit status 0.
SIGUSR2: a handover (what a package upgrade does): the queue with its pending
commands and the saved state are left to the ledd systemd starts next, the
line is released at its level, exit status 75.

${exitStatusHelp(DAEMON_EXIT_CODES)}
`;
