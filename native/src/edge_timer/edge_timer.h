// A one-shot timer on a timerfd, watched by the event loop (uv_poll): armed
// with nanosecond precision, it wakes the loop once, at its time, where a
// Node timer (millisecond resolution, read from the loop's clock once a
// turn) can be a millisecond or two off. ledd's pattern edges wait on it.
#pragma once

#include <napi.h>
#include <uv.h>

namespace edgetimer {

// The timerfd and the loop's handle on it. libuv owns it from uv_poll_init to
// the close callback, which closes the fd and deletes it: a timer collected
// while the loop still holds the handle cannot leave the loop a dangling one.
struct PolledFd {
  uv_poll_t handle;
  int fd;
  class EdgeTimer* owner;
};

class EdgeTimer : public Napi::ObjectWrap<EdgeTimer> {
 public:
  static Napi::Function Define(Napi::Env env);
  explicit EdgeTimer(const Napi::CallbackInfo& info);
  ~EdgeTimer() override;
  EdgeTimer(const EdgeTimer&) = delete;
  EdgeTimer& operator=(const EdgeTimer&) = delete;

 private:
  Napi::Value Arm(const Napi::CallbackInfo& info);
  Napi::Value Disarm(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  static void OnReadable(uv_poll_t* handle, int status, int events);
  void Fire();
  // Stops watching and lets the object be collected again.
  void StopWatching();
  void CloseFd();

  PolledFd* polled_ = nullptr;
  Napi::FunctionReference callback_;
  bool watching_ = false;
};

}  // namespace edgetimer
