#include "cancel_signal.h"

#include <mutex>

namespace sysvmq {

namespace {

void EmptyHandler(int) {}

}  // namespace

// A real-time signal far from glibc's reserved ones and from SIGRTMIN-based
// conventions of other libraries.
int CancelSignal() { return SIGRTMAX - 3; }

void InstallCancelHandler() {
  static std::once_flag once;
  std::call_once(once, [] {
    struct sigaction action {};
    action.sa_handler = EmptyHandler;
    sigemptyset(&action.sa_mask);
    action.sa_flags = 0;  // no SA_RESTART: the blocked call must return EINTR
    sigaction(CancelSignal(), &action, nullptr);
  });
}

sigset_t AllSignals() {
  sigset_t all;
  sigfillset(&all);
  return all;
}

void AllowOnlyCancelSignal() {
  sigset_t mask;
  sigfillset(&mask);
  sigdelset(&mask, CancelSignal());
  pthread_sigmask(SIG_SETMASK, &mask, nullptr);
}

}  // namespace sysvmq
