// Waking a thread that is blocked in msgrcv(2)/msgsnd(2). System V calls are
// never restarted after a signal handler, so a thread-directed signal with an
// empty handler makes the call return EINTR. Waiter threads block every other
// signal, so signals meant for the process (SIGINT, SIGTERM) never reach them.
#pragma once

#include <csignal>

namespace sysvmq {

int CancelSignal();

// Installs the empty handler once per process.
void InstallCancelHandler();

// The mask for creating a thread that cannot receive any signal before it
// chooses its own mask.
sigset_t AllSignals();

// Called first in a waiter thread: only the cancel signal gets through.
void AllowOnlyCancelSignal();

}  // namespace sysvmq
