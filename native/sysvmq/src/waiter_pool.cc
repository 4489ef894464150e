#include "waiter_pool.h"

#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <mutex>

#include "cancel_signal.h"

namespace sysvmq {

namespace {

// An idle waiter thread ends after this long without a task.
constexpr auto kIdleThreadLifetime = std::chrono::seconds(10);

struct WaiterPool {
  std::mutex mutex;
  std::condition_variable wake;
  std::deque<WaiterTask*> queue;
  // Threads waiting for a task, counting those about to take a queued one; a
  // new thread counts from before it starts, so that each queued task has one.
  size_t idle = 0;
};

WaiterPool& Pool() {
  static WaiterPool* pool = new WaiterPool();
  return *pool;
}

// A waiter thread: takes queued tasks one after the other; ends when idle too long.
void* WaiterThread(void* /*unused*/) {
  AllowOnlyCancelSignal();
  WaiterPool& pool = Pool();
  std::unique_lock<std::mutex> lock(pool.mutex);
  for (;;) {
    // A stray cancel signal (meant for this thread's previous task) only wakes the wait early.
    if (!pool.wake.wait_for(lock, kIdleThreadLifetime, [&pool] { return !pool.queue.empty(); })) {
      --pool.idle;
      return nullptr;
    }
    WaiterTask* task = pool.queue.front();
    pool.queue.pop_front();
    --pool.idle;
    lock.unlock();
    task->RunOnWaiter();  // the task may be gone once this returns
    lock.lock();
    ++pool.idle;
  }
}

// The thread starts with every signal blocked, so no process signal can land
// on it before it narrows its mask to the cancel signal alone.
int StartWaiterThread() {
  sigset_t all = AllSignals();
  sigset_t previous;
  pthread_attr_t attributes;
  pthread_attr_init(&attributes);
  pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
  pthread_sigmask(SIG_SETMASK, &all, &previous);
  pthread_t thread;
  int err = pthread_create(&thread, &attributes, WaiterThread, nullptr);
  pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  pthread_attr_destroy(&attributes);
  return err;
}

}  // namespace

int SubmitToWaiter(WaiterTask* task) {
  WaiterPool& pool = Pool();
  bool need_thread;
  {
    std::lock_guard<std::mutex> lock(pool.mutex);
    pool.queue.push_back(task);
    need_thread = pool.idle < pool.queue.size();
    if (need_thread) {
      ++pool.idle;
    } else {
      pool.wake.notify_one();
    }
  }
  if (!need_thread) return 0;
  int err = StartWaiterThread();
  if (err == 0) return 0;
  std::lock_guard<std::mutex> lock(pool.mutex);
  --pool.idle;
  for (auto it = pool.queue.begin(); it != pool.queue.end(); ++it) {
    if (*it == task) {
      pool.queue.erase(it);
      return err;
    }
  }
  // Another thread took the task meanwhile: it runs as if this one had started.
  return 0;
}

}  // namespace sysvmq
