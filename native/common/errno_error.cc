#include "errno_error.h"

#include <cstring>

namespace addon_common {

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& path) {
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

void ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& path) {
  ErrnoError(env, err, syscall, path).ThrowAsJavaScriptException();
}

}  // namespace addon_common
