// A msgrcv(2) or msgsnd(2) that may block, run on a thread of its own (never
// libuv's pool) and reported back through a thread-safe function. A job can
// be cancelled; a message it already took is still delivered, never dropped.
// The threads are the waiter pool's (waiter_pool.h).
#pragma once

#include <napi.h>
#include <node_api.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <vector>

#include <pthread.h>

#include "msg_buffer.h"
#include "waiter_pool.h"

namespace sysvmq {

struct ReceivedMessage {
  long type;
  std::vector<char> data;
};

class BlockingJob final : public WaiterTask {
 public:
  enum class Kind { kReceive, kSend };

  // startReceive(id, type, maxBytes, flags, batchMax, callback(errno, cancelled, messages)) -> job id
  static Napi::Value StartReceive(const Napi::CallbackInfo& info);
  // startSend(id, type, data, flags, callback(errno, cancelled)) -> job id; data is copied
  static Napi::Value StartSend(const Napi::CallbackInfo& info);
  // cancel(jobId) -> true if the job was still pending
  static Napi::Value Cancel(const Napi::CallbackInfo& info);
  // setRef(jobId, keepsProcessAlive)
  static Napi::Value SetRef(const Napi::CallbackInfo& info);

  ~BlockingJob();

  void RunOnWaiter() override;

 private:
  BlockingJob(napi_env env, uint32_t id, Kind kind, int msqid, long type, int flags);

  static Napi::Value Start(const Napi::CallbackInfo& info, BlockingJob* job, Napi::Function callback);
  static void CallJs(napi_env env, napi_value callback, void* context, void* data);
  static void OnEnvTeardown(void* data);

  void RunReceive();
  void RunSend();
  void RequestCancelAndWait();
  void WaitUntilReleased();
  void Deliver(napi_env env, napi_value callback);

  napi_env env_;
  uint32_t id_;
  Kind kind_;
  int msqid_;
  long type_;
  int flags_;
  size_t max_bytes_ = 0;
  size_t batch_max_ = 1;
  size_t send_length_ = 0;
  MsgBuffer buffer_;

  napi_threadsafe_function tsfn_ = nullptr;

  std::atomic<bool> cancel_requested_{false};
  std::mutex mutex_;
  std::condition_variable finished_cv_;
  // The waiter thread running the job, once `started_`; signalled only while !finished_.
  pthread_t thread_{};
  bool started_ = false;
  // The system call is over and the results are written.
  bool finished_ = false;
  // The thread has handed the job to the thread-safe function and released that
  // function: it touches neither again, and the job may be destroyed.
  bool released_ = false;

  // Results, written by the job's thread before `finished_`, read after `released_`.
  int error_ = 0;
  bool cancelled_ = false;
  std::vector<ReceivedMessage> messages_;
};

}  // namespace sysvmq
