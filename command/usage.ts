// ledctl --help.
export const usageText = `Usage: ledctl [options] COMMAND

Commands ledd, the LED controller, over its System V message queue and waits
for its acknowledgement.

Commands:
  on        switch the LED on
  off       switch the LED off
  toggle    switch it to the other state
  status    the LED's state and the queue's IPC_STAT data
  exit      stop ledd (LED off, line released, queue removed)

Options:
  --key KEY          queue key: decimal, 0x hex, 0o octal, or a path for ftok(3)
                     [LEDCTL_KEY or LEDD_KEY, default 1234]
  --timeout SECONDS  how long to wait for ledd's answer [default 5]
  --json             status as JSON
  -h, --help         this text
  --version          ledctl's version

Exit status: 0 done (ledd confirmed); 1 ledd refused or failed the command;
2 bad usage; 3 ledd is not running (no queue for the key); 4 permission
denied on the queue; 5 the queue stayed full; 6 no answer within the timeout;
7 unexpected error.
`;
