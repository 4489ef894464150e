// Argument checks for the binding's functions. The TypeScript layer validates
// first with friendlier messages; these keep a direct caller from crashing
// the process with a wrong argument.
#pragma once

#include <napi.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace sysvmq {

inline bool ArgInt(const Napi::CallbackInfo& info, size_t index, const char* name, int64_t min, int64_t max,
                   int64_t* out) {
  Napi::Env env = info.Env();
  if (index >= info.Length() || !info[index].IsNumber()) {
    Napi::TypeError::New(env, std::string(name) + " must be a number").ThrowAsJavaScriptException();
    return false;
  }
  double value = info[index].As<Napi::Number>().DoubleValue();
  if (!std::isfinite(value) || std::trunc(value) != value || value < static_cast<double>(min) ||
      value > static_cast<double>(max)) {
    Napi::RangeError::New(env, std::string(name) + " must be an integer from " + std::to_string(min) + " to " +
                                   std::to_string(max))
        .ThrowAsJavaScriptException();
    return false;
  }
  *out = static_cast<int64_t>(value);
  return true;
}

inline bool ArgBytes(const Napi::CallbackInfo& info, size_t index, const char* name, const uint8_t** data,
                     size_t* length) {
  // One napi_get_typedarray_info call: this is on the path of every trySend().
  napi_typedarray_type type;
  void* bytes = nullptr;
  if (index >= info.Length() || !info[index].IsTypedArray() ||
      napi_get_typedarray_info(info.Env(), info[index], &type, length, &bytes, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    Napi::TypeError::New(info.Env(), std::string(name) + " must be a Uint8Array or Buffer")
        .ThrowAsJavaScriptException();
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
