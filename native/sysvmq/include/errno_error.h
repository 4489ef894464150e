// The one shape of a failed system call's error, for every addon built with
// addon.gypi (this binding's and ledd's): Node's own system errors' (`code`
// EBUSY, `errno` negative, `syscall`, `path` when there is one), with the
// message "EBUSY: Device or resource busy, gpiod_chip_request_lines '/dev/gpiochip1'".
// The TypeScript layers turn it into their own errors (QueueError, Gpiod2Error).
#pragma once

#include <napi.h>

#include <cstring>
#include <string>

namespace errno_error {

inline Napi::Error Make(Napi::Env env, int err, const char* syscall, const std::string& path = {}) {
  char text[256];
  // GNU strerror_r returns a pointer that may or may not be `text`.
  const char* description = strerror_r(err, text, sizeof text);
  const char* name = strerrorname_np(err);
  std::string code = name != nullptr ? name : "errno " + std::to_string(err);
  std::string message = code + ": " + description + ", " + syscall;
  if (!path.empty()) message += " '" + path + "'";
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, code));
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("syscall", Napi::String::New(env, syscall));
  if (!path.empty()) error.Set("path", Napi::String::New(env, path));
  return error;
}

// Throws Make(...) as a JavaScript exception; `err` must be captured right after the failing call.
inline void Throw(Napi::Env env, int err, const char* syscall, const std::string& path = {}) {
  Make(env, err, syscall, path).ThrowAsJavaScriptException();
}

}  // namespace errno_error
