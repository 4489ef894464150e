// Argument checks for the hot synchronous calls (trySend, tryReceive,
// tryReceiveInto), which are plain Node-API callbacks: one Node-API call per
// passed argument, none for the numbers JavaScript writes to the call
// arguments, and no wrapper objects. A wrong argument leaves a pending
// TypeError or RangeError and returns false, as args.h does for the other calls.
#pragma once

#include <node_api.h>

#include <cmath>
#include <cstdint>
#include <string>

namespace sysvmq {

// An integer argument, read as a double: from the call arguments (see addon_state.h), or by ArgInt().
inline bool CheckedIntArg(napi_env env, double number, const char* name, int64_t min, int64_t max, int64_t* out) {
  if (!std::isfinite(number) || std::trunc(number) != number || number < static_cast<double>(min) ||
      number > static_cast<double>(max)) {
    std::string message =
        std::string(name) + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max);
    napi_throw_range_error(env, nullptr, message.c_str());
    return false;
  }
  *out = static_cast<int64_t>(number);
  return true;
}

// The bytes of a Uint8Array (a Buffer included).
inline bool RawBytesArg(napi_env env, napi_value value, const char* name, void** data, size_t* length) {
  napi_typedarray_type type;
  if (napi_get_typedarray_info(env, value, &type, length, data, nullptr, nullptr) != napi_ok ||
      type != napi_uint8_array) {
    napi_throw_type_error(env, nullptr, (std::string(name) + " must be a Uint8Array or Buffer").c_str());
    return false;
  }
  return true;
}

}  // namespace sysvmq
