#include "blocking_job.h"

#include <pthread.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include <cerrno>
#include <chrono>
#include <climits>

#include "addon_state.h"
#include "args.h"
#include "batch.h"
#include "cancel_signal.h"
#include "errno_error.h"  // native/sysvmq/include/
#include "msg_type.h"
#include "waiter_pool.h"

namespace sysvmq {

namespace {

constexpr auto kCancelRetryInterval = std::chrono::microseconds(500);
constexpr int kCancelAttempts = 200;  // 100 ms in all

}  // namespace

BlockingJob::BlockingJob(napi_env env, uint32_t id, Kind kind, int msqid, long type, int flags)
    : env_(env), id_(id), kind_(kind), msqid_(msqid), type_(type), flags_(flags & ~IPC_NOWAIT) {}

BlockingJob::~BlockingJob() {
  if (tsfn_ != nullptr) {
    RequestCancelAndWait();
    WaitUntilReleased();
  }
}

Napi::Value BlockingJob::StartReceive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id, max_bytes, flags, batch;
  long type;
  if (!ArgInt(info, 0, "id", 0, INT_MAX, &id) || !ToMsgType(env, info[1], "message type", &type) ||
      !ArgInt(info, 2, "maxBytes", 0, INT_MAX, &max_bytes) || !ArgInt(info, 3, "flags", 0, INT_MAX, &flags) ||
      !ArgInt(info, 4, "batchMax", 1, kMaxBatch, &batch) || !ArgFunction(info, 5, "callback")) {
    return env.Undefined();
  }
  AddonState* state = AddonState::Of(env);
  auto* job = new BlockingJob(env, state->next_job_id++, Kind::kReceive, static_cast<int>(id), type,
                              static_cast<int>(flags));
  job->max_bytes_ = static_cast<size_t>(max_bytes);
  job->batch_max_ = static_cast<size_t>(batch);
  return Start(info, job, info[5].As<Napi::Function>());
}

Napi::Value BlockingJob::StartSend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id, flags;
  long type;
  const uint8_t* data;
  size_t length;
  if (!ArgInt(info, 0, "id", 0, INT_MAX, &id) || !ToMsgType(env, info[1], "message type", &type) ||
      !ArgBytes(info, 2, "data", &data, &length) || !ArgInt(info, 3, "flags", 0, INT_MAX, &flags) ||
      !ArgFunction(info, 4, "callback")) {
    return env.Undefined();
  }
  AddonState* state = AddonState::Of(env);
  auto* job = new BlockingJob(env, state->next_job_id++, Kind::kSend, static_cast<int>(id), type,
                              static_cast<int>(flags));
  job->buffer_.Fill(type, data, length);
  job->send_length_ = length;
  return Start(info, job, info[4].As<Napi::Function>());
}

Napi::Value BlockingJob::Start(const Napi::CallbackInfo& info, BlockingJob* job, Napi::Function callback) {
  Napi::Env env = info.Env();
  std::unique_ptr<BlockingJob> owned(job);
  InstallCancelHandler();

  napi_value name = Napi::String::New(env, job->kind_ == Kind::kReceive ? "sysv-mq-receive" : "sysv-mq-send");
  napi_status status = napi_create_threadsafe_function(env, callback, nullptr, name, 0, 1, nullptr, nullptr,
                                                       nullptr, CallJs, &job->tsfn_);
  if (status != napi_ok) {
    Napi::Error::New(env, "could not create a thread-safe function").ThrowAsJavaScriptException();
    return env.Undefined();
  }

  int err = SubmitToWaiter(job);
  if (err != 0) {
    napi_release_threadsafe_function(job->tsfn_, napi_tsfn_abort);
    job->tsfn_ = nullptr;
    errno_error::Throw(env, err, "pthread_create");
    return env.Undefined();
  }

  // Registered after the thread-safe function so that at teardown (hooks run
  // last-in, first-out) our hook joins the thread while that function exists.
  napi_add_env_cleanup_hook(env, OnEnvTeardown, job);
  uint32_t id = job->id_;
  AddonState::Of(env)->jobs.emplace(id, std::move(owned));
  return Napi::Number::New(env, id);
}

void BlockingJob::RunOnWaiter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    thread_ = pthread_self();
    started_ = true;
  }
  if (kind_ == Kind::kReceive) {
    RunReceive();
  } else {
    RunSend();
  }
  napi_threadsafe_function tsfn = tsfn_;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    finished_ = true;
    finished_cv_.notify_all();
  }
  napi_call_threadsafe_function(tsfn, this, napi_tsfn_nonblocking);
  napi_release_threadsafe_function(tsfn, napi_tsfn_release);
  // The last touch of the job: CallJs (or the teardown) waits for this before destroying it.
  std::lock_guard<std::mutex> lock(mutex_);
  released_ = true;
  finished_cv_.notify_all();
}

void BlockingJob::RunReceive() {
  thread_local MsgBuffer buffer;  // kept with the thread from job to job
  buffer.EnsurePayload(max_bytes_);
  for (;;) {
    if (cancel_requested_.load(std::memory_order_acquire)) {
      cancelled_ = true;
      return;
    }
    ssize_t received = msgrcv(msqid_, buffer.raw(), max_bytes_, type_, flags_);
    if (received >= 0) {
      messages_.push_back({buffer.type(), std::vector<char>(buffer.payload(), buffer.payload() + received)});
      break;
    }
    int err = errno;
    if (err == EINTR) continue;
    error_ = err;
    return;
  }
  // Take what else is already waiting, so a burst costs one wake-up of the
  // JavaScript thread rather than one per message. An error here is left for
  // the next call to report.
  while (messages_.size() < batch_max_) {
    ssize_t received = msgrcv(msqid_, buffer.raw(), max_bytes_, type_, flags_ | IPC_NOWAIT);
    if (received < 0) break;
    messages_.push_back({buffer.type(), std::vector<char>(buffer.payload(), buffer.payload() + received)});
  }
}

void BlockingJob::RunSend() {
  for (;;) {
    if (cancel_requested_.load(std::memory_order_acquire)) {
      cancelled_ = true;
      return;
    }
    if (msgsnd(msqid_, buffer_.raw(), send_length_, flags_) == 0) return;
    int err = errno;
    if (err == EINTR) continue;
    error_ = err;
    return;
  }
}

// The signal can arrive between the thread's check of the flag and its entry
// into the system call, so it is repeated until the thread confirms it left.
void BlockingJob::RequestCancelAndWait() {
  cancel_requested_.store(true, std::memory_order_release);
  std::unique_lock<std::mutex> lock(mutex_);
  for (int attempt = 0; attempt < kCancelAttempts && !finished_; ++attempt) {
    // A thread that has not started the job yet sees the flag when it does. One that has
    // cannot go on to another job before setting finished_ under this lock, so it is alive.
    if (started_) pthread_kill(thread_, CancelSignal());
    finished_cv_.wait_for(lock, kCancelRetryInterval, [this] { return finished_; });
  }
}

void BlockingJob::WaitUntilReleased() {
  std::unique_lock<std::mutex> lock(mutex_);
  finished_cv_.wait(lock, [this] { return released_; });
}

Napi::Value BlockingJob::Cancel(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id;
  if (!ArgInt(info, 0, "jobId", 0, UINT32_MAX, &id)) return env.Undefined();
  AddonState* state = AddonState::Of(env);
  auto found = state->jobs.find(static_cast<uint32_t>(id));
  if (found == state->jobs.end()) return Napi::Boolean::New(env, false);
  found->second->RequestCancelAndWait();
  return Napi::Boolean::New(env, true);
}

Napi::Value BlockingJob::SetRef(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id;
  if (!ArgInt(info, 0, "jobId", 0, UINT32_MAX, &id)) return env.Undefined();
  bool keep_alive = info.Length() > 1 && info[1].ToBoolean().Value();
  AddonState* state = AddonState::Of(env);
  auto found = state->jobs.find(static_cast<uint32_t>(id));
  if (found == state->jobs.end()) return env.Undefined();
  napi_threadsafe_function tsfn = found->second->tsfn_;
  if (keep_alive) {
    napi_ref_threadsafe_function(env, tsfn);
  } else {
    napi_unref_threadsafe_function(env, tsfn);
  }
  return env.Undefined();
}

// Runs on the JavaScript thread. A null env means the environment is being
// torn down; the teardown hook owns the job then.
void BlockingJob::CallJs(napi_env env, napi_value callback, void* /*context*/, void* data) {
  if (env == nullptr) return;
  auto* job = static_cast<BlockingJob*>(data);
  napi_remove_env_cleanup_hook(env, OnEnvTeardown, job);
  job->WaitUntilReleased();  // a moment at most: the thread is between the call and its release
  job->tsfn_ = nullptr;
  AddonState* state = AddonState::Of(Napi::Env(env));
  auto found = state->jobs.find(job->id_);
  std::unique_ptr<BlockingJob> owned = std::move(found->second);
  state->jobs.erase(found);
  try {
    owned->Deliver(env, callback);
  } catch (const Napi::Error&) {
    // A Node-API call failed, which happens when the environment can no longer run
    // JavaScript (a Worker being terminate()d): there is nobody left to deliver to.
    // Letting the exception out of this C callback would abort the whole process.
  }
}

void BlockingJob::Deliver(napi_env raw_env, napi_value callback) {
  Napi::Env env(raw_env);
  Napi::HandleScope scope(env);
  napi_value args[3];
  args[0] = Napi::Number::New(env, -error_);
  args[1] = Napi::Boolean::New(env, cancelled_);
  size_t argc = 2;
  if (kind_ == Kind::kReceive) {
    Napi::Array list = Napi::Array::New(env, messages_.size());
    for (size_t i = 0; i < messages_.size(); ++i) {
      Napi::Object message = Napi::Object::New(env);
      message.Set("type", FromMsgType(env, messages_[i].type));
      message.Set("data", Napi::Buffer<char>::Copy(env, messages_[i].data.data(), messages_[i].data.size()));
      list.Set(static_cast<uint32_t>(i), message);
    }
    args[2] = list;
    argc = 3;
  }
  napi_value undefined;
  napi_get_undefined(raw_env, &undefined);
  // An exception thrown by the callback stays pending and surfaces as an
  // uncaught exception, as for any other callback.
  napi_call_function(raw_env, undefined, callback, argc, args, nullptr);
}

void BlockingJob::OnEnvTeardown(void* data) {
  auto* job = static_cast<BlockingJob*>(data);
  AddonState* state = AddonState::Of(Napi::Env(job->env_));
  auto found = state->jobs.find(job->id_);
  if (found != state->jobs.end()) state->jobs.erase(found);  // destructor cancels and joins
}

}  // namespace sysvmq
