// msgsnd(2) and msgrcv(2) with IPC_NOWAIT, straight through syscall(2). glibc
// wraps both as cancellation points, enabling and disabling asynchronous
// thread cancellation around every call: a tenth of the time of a
// non-blocking send+receive pair, and of no use to a call that never waits.
// The calls that do wait (blocking_job.cc) keep glibc's wrappers.
#pragma once

#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>

namespace sysvmq {

inline int MsgsndNowait(int id, const void* message, size_t size, int flags) {
#ifdef SYS_msgsnd
  return static_cast<int>(syscall(SYS_msgsnd, id, message, size, flags | IPC_NOWAIT));
#else
  return msgsnd(id, message, size, flags | IPC_NOWAIT);
#endif
}

inline ssize_t MsgrcvNowait(int id, void* message, size_t size, long type, int flags) {
#ifdef SYS_msgrcv
  return static_cast<ssize_t>(syscall(SYS_msgrcv, id, message, size, type, flags | IPC_NOWAIT));
#else
  return msgrcv(id, message, size, type, flags | IPC_NOWAIT);
#endif
}

}  // namespace sysvmq
