// Argument checks for the binding's functions. The TypeScript layer validates
// first with friendlier messages; these keep a direct caller from crashing
// the process with a wrong argument.
#pragma once

#include <napi.h>

#include <cstdint>
#include <string>

#include "raw_args.h"

namespace sysvmq {

inline bool ArgInt(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min, int64_t max,
                   int64_t* out) {
  Napi::Env env = info.Env();
  if (index >= info.Length() || !info[index].IsNumber()) {
    Napi::TypeError::New(env, std::string(name) + " must be a number").ThrowAsJavaScriptException();
    return false;
  }
  return CheckedIntArg(env, info[index].As<Napi::Number>().DoubleValue(), name, min, max, out);
}

inline bool ArgBytes(const Napi::CallbackInfo& info, size_t index, const char* name, const uint8_t** data,
                     size_t* length) {
  void* bytes = nullptr;
  if (!RawBytesArg(info.Env(), index < info.Length() ? info[index] : info.Env().Undefined(), name, &bytes, length)) {
    return false;
  }
  *data = static_cast<const uint8_t*>(bytes);
  return true;
}

inline bool ArgFunction(const Napi::CallbackInfo& info, size_t index, const char* name) {
  if (index >= info.Length() || !info[index].IsFunction()) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a function").ThrowAsJavaScriptException();
    return false;
  }
  return true;
}

}  // namespace sysvmq
