// Conversion between JavaScript values and the C `long` of a message type.
// Numbers are taken while they are exact integers; BigInts carry the rest of
// the range. Anything outside this platform's `long` is a RangeError, so a
// 32-bit ARM build never truncates a type silently.
#pragma once

#include <napi.h>

namespace sysvmq {

// Returns false with a pending RangeError/TypeError when `value` is no valid long.
bool ToMsgType(Napi::Env env, Napi::Value value, const char* what, long* out);

// ToMsgType for a value read with napi_get_value_double first, as the hot
// calls do: a number is checked here, anything else goes to ToMsgType.
bool RawToMsgType(napi_env env, napi_value value, const char* what, long* out);

// Number when exactly representable, BigInt otherwise.
Napi::Value FromMsgType(Napi::Env env, long type);

}  // namespace sysvmq
