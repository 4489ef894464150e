// Threads that wait in a blocking msgrcv(2) or msgsnd(2), one call each at a
// time, reused from call to call: creating a thread costs more than a queue
// round trip. Shared by every environment (the main thread's and workers') of
// the process, and never destroyed: exit() must find nothing to tear down
// under threads that are still running. A waiter thread blocks every signal
// but the cancel signal (cancel_signal.h), and ends after a while without work.
#pragma once

namespace sysvmq {

class WaiterTask {
 public:
  // Runs on a waiter thread; the task may be destroyed once this returns.
  virtual void RunOnWaiter() = 0;

 protected:
  ~WaiterTask() = default;
};

// Queues `task` for a waiter thread, starting one when none is idle. Returns 0,
// or pthread_create's error when no thread could be started and none took the
// task: it is not queued then.
int SubmitToWaiter(WaiterTask* task);

}  // namespace sysvmq
