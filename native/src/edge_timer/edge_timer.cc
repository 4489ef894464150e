#include "edge_timer.h"

#include <sys/timerfd.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdint>
#include <string>

#include "errno_error.h"  // native/sysvmq/include/

namespace edgetimer {

Napi::Function EdgeTimer::Define(Napi::Env env) {
  return DefineClass(env, "EdgeTimer",
                     {InstanceMethod("arm", &EdgeTimer::Arm), InstanceMethod("disarm", &EdgeTimer::Disarm),
                      InstanceMethod("close", &EdgeTimer::Close)});
}

EdgeTimer::EdgeTimer(const Napi::CallbackInfo& info) : Napi::ObjectWrap<EdgeTimer>(info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsFunction()) {
    throw Napi::TypeError::New(env, "new EdgeTimer(callback): callback must be a function");
  }
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env, &loop) != napi_ok || loop == nullptr) {
    throw Napi::Error::New(env, "EdgeTimer: no event loop");
  }
  const int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
  if (fd == -1) throw errno_error::Make(env, errno, "timerfd_create");
  auto* polled = new PolledFd{};
  polled->fd = fd;
  polled->owner = this;
  const int result = uv_poll_init(loop, &polled->handle, fd);
  if (result != 0) {
    ::close(fd);
    delete polled;
    throw Napi::Error::New(env, std::string("uv_poll_init failed: ") + uv_strerror(result));
  }
  polled->handle.data = polled;
  polled_ = polled;
  callback_ = Napi::Persistent(info[0].As<Napi::Function>());
}

EdgeTimer::~EdgeTimer() { CloseFd(); }

void EdgeTimer::CloseFd() {
  if (polled_ == nullptr) return;
  PolledFd* polled = polled_;
  polled_ = nullptr;
  polled->owner = nullptr;
  uv_close(reinterpret_cast<uv_handle_t*>(&polled->handle), [](uv_handle_t* handle) {
    auto* closing = static_cast<PolledFd*>(handle->data);
    ::close(closing->fd);
    delete closing;
  });
}

// arm(delayMs): fires once, delayMs (fractional, in ms) from now; a delay of 0 or less fires at once.
Napi::Value EdgeTimer::Arm(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsNumber()) throw Napi::TypeError::New(env, "arm(delayMs): a number");
  const double delay_ms = info[0].As<Napi::Number>().DoubleValue();
  if (std::isnan(delay_ms)) throw Napi::TypeError::New(env, "arm(delayMs): not a number (NaN)");
  if (polled_ == nullptr) throw Napi::Error::New(env, "arm(): the timer is closed");
  // 0 would disarm the timerfd: the soonest it can fire is 1 ns from now.
  const double delay_ns = std::fmin(std::fmax(delay_ms * 1e6, 1.0), 1e9 * 86400.0 * 365.0);
  const auto whole_ns = static_cast<int64_t>(delay_ns);
  itimerspec when{};
  when.it_value.tv_sec = static_cast<time_t>(whole_ns / 1000000000);
  when.it_value.tv_nsec = static_cast<long>(whole_ns % 1000000000);
  if (timerfd_settime(polled_->fd, 0, &when, nullptr) == -1) {
    throw errno_error::Make(env, errno, "timerfd_settime");
  }
  if (!watching_) {
    const int result = uv_poll_start(&polled_->handle, UV_READABLE, &EdgeTimer::OnReadable);
    if (result != 0) throw Napi::Error::New(env, std::string("uv_poll_start failed: ") + uv_strerror(result));
    watching_ = true;
    // Armed, the timer keeps itself (and its callback) alive, as a Node timer does.
    Ref();
  }
  return env.Undefined();
}

Napi::Value EdgeTimer::Disarm(const Napi::CallbackInfo& info) {
  if (polled_ != nullptr) {
    itimerspec never{};
    timerfd_settime(polled_->fd, 0, &never, nullptr);
  }
  StopWatching();
  return info.Env().Undefined();
}

Napi::Value EdgeTimer::Close(const Napi::CallbackInfo& info) {
  StopWatching();
  CloseFd();
  return info.Env().Undefined();
}

void EdgeTimer::StopWatching() {
  if (!watching_) return;
  watching_ = false;
  if (polled_ != nullptr) uv_poll_stop(&polled_->handle);
  Unref();
}

void EdgeTimer::OnReadable(uv_poll_t* handle, int status, int events) {
  auto* polled = static_cast<PolledFd*>(handle->data);
  if (polled->owner == nullptr) return;
  uint64_t expirations = 0;
  // Nothing to read: woken for a timer re-armed meanwhile; wait on.
  if (::read(polled->fd, &expirations, sizeof expirations) != sizeof expirations && status == 0) return;
  polled->owner->Fire();
}

void EdgeTimer::Fire() {
  Napi::Env env = Env();
  Napi::HandleScope scope(env);
  // The callback may arm again; until then the timer is not watched.
  Napi::Object self = Value();
  StopWatching();
  try {
    callback_.MakeCallback(self, {});
  } catch (const Napi::Error& error) {
    // As for a throw in a Node timer's callback: the process's uncaught exception.
    napi_fatal_exception(env, error.Value());
  }
}

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("EdgeTimer", EdgeTimer::Define(env));
  return exports;
}

}  // namespace edgetimer

static Napi::Object InitEdgeTimer(Napi::Env env, Napi::Object exports) { return edgetimer::Init(env, exports); }

NODE_API_MODULE(edge_timer, InitEdgeTimer)
