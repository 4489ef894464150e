#include "errno_error.h"

#include <cstring>
#include <string>

namespace sysvmq {

Napi::Error MakeErrnoError(Napi::Env env, int err, const char* syscall) {
  char text[256];
  // GNU strerror_r returns a pointer that may or may not be `text`.
  const char* description = strerror_r(err, text, sizeof text);
  std::string message = std::string(syscall) + ": " + description;
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("errno", Napi::Number::New(env, -err));
  error.Set("syscall", Napi::String::New(env, syscall));
  return error;
}

void ThrowErrno(Napi::Env env, int err, const char* syscall) {
  MakeErrnoError(env, err, syscall).ThrowAsJavaScriptException();
}

}  // namespace sysvmq
