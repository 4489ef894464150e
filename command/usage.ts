// ledctl --help: the prose around the options and exit codes, which come from their declarations.
import { CLIENT_EXIT_CODES } from '../client/errors.js';
import { exitStatusHelp } from '../common/exit-codes.js';
import { optionsHelp } from '../common/options.js';
import { options } from './options.js';
export const usageText = `Usage: ledctl [options] COMMAND

Commands ledd, the LED controller, over its System V message queue and waits
for its acknowledgement. A command is for ledd's first LED unless --led names
others.

Commands:
  on        switch the LED on
  off       switch the LED off
  toggle    switch it to the other state
  blink [--on DURATION] [--off DURATION] [--count N] [--then on|off]
            blink: on for --on, off for --off, --count times, then --then
  heartbeat [--then on|off]
            two short flashes every 1.26 s, as the kernel's heartbeat trigger
  pattern SPEC [--repeat N] [--then on|off]
            SPEC is LEVEL DURATION pairs, as the kernel's pattern trigger
            takes them: "1 200 0 800" is on 200 ms, off 800 ms; --repeat N
            cycles, then --then. With
            --led a,b,c a LEVEL may give each LED its own, in that order:
            "100 1s 010 1s 001 1s" lights them one after the other
  status    the LEDs' states (every LED unless --led), the patterns playing,
            the watchers, the queue's IPC_STAT data
  list      every LED: its name, its line and its state, one line each
  watch     print a line for every change of the LED's state, whoever made
            it, until interrupted (Ctrl-C); says when ledd goes away and
            comes back
  exit      stop ledd (LED off, line released, queue removed)

  on, off, toggle and a new pattern each replace the pattern playing on the
  LEDs they name; a pattern on several LEDs plays on them together, and the
  ones a later command does not name play on.
  Any of them takes --for DURATION: it lasts that long, then each LED goes
  back to what it would show had the command never come (its level, or its
  pattern where the pattern's schedule has got to). A command without --for
  ends the timed states of its LEDs. --for is 10ms to 7d (500ms, 10s, 5m,
  2h, 1d; a bare number is seconds); it survives a restart of ledd.
  DURATION: 200ms or 1.5s; a bare number is seconds for --on/--off and
  milliseconds in a SPEC. Each step lasts 10 ms to 1 hour; a pattern has at
  most 16 steps; N is at most 1000000.

${optionsHelp(Object.values(options))}

${exitStatusHelp(CLIENT_EXIT_CODES)}
`;
