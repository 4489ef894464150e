#include "msg_type.h"

#include <climits>
#include <cmath>
#include <cstdint>
#include <string>

namespace sysvmq {

namespace {

constexpr double kMaxSafeInteger = 9007199254740991.0;  // 2^53 - 1

void ThrowRange(Napi::Env env, const char* what) {
  std::string message = std::string(what) + " must be an integer between " + std::to_string(LONG_MIN) +
                        " and " + std::to_string(LONG_MAX) + " (the range of a C long on this platform)";
  Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
}

bool NumberToMsgType(Napi::Env env, double number, const char* what, long* out) {
  if (!std::isfinite(number) || std::trunc(number) != number) {
    ThrowRange(env, what);
    return false;
  }
  // Where a long is narrower than 2^53 (32-bit ARM), a number outside it is out of
  // range whatever its form: telling the caller to use a BigInt would not help.
  if (static_cast<double>(LONG_MAX) < kMaxSafeInteger &&
      (number < static_cast<double>(LONG_MIN) || number > static_cast<double>(LONG_MAX))) {
    ThrowRange(env, what);
    return false;
  }
  if (std::fabs(number) > kMaxSafeInteger) {
    std::string message = std::string(what) + " is beyond 2^53 and not exact as a number: pass it as a BigInt";
    Napi::RangeError::New(env, message).ThrowAsJavaScriptException();
    return false;
  }
  if (number < static_cast<double>(LONG_MIN) || number > static_cast<double>(LONG_MAX)) {
    ThrowRange(env, what);
    return false;
  }
  *out = static_cast<long>(number);
  return true;
}

}  // namespace

bool ToMsgType(Napi::Env env, Napi::Value value, const char* what, long* out) {
  if (value.IsNumber()) return NumberToMsgType(env, value.As<Napi::Number>().DoubleValue(), what, out);
  if (value.IsBigInt()) {
    bool lossless = false;
    int64_t wide = value.As<Napi::BigInt>().Int64Value(&lossless);
    if (!lossless || wide < LONG_MIN || wide > LONG_MAX) {
      ThrowRange(env, what);
      return false;
    }
    *out = static_cast<long>(wide);
    return true;
  }
  std::string message = std::string(what) + " must be a number or a BigInt";
  Napi::TypeError::New(env, message).ThrowAsJavaScriptException();
  return false;
}

bool RawToMsgType(napi_env env, napi_value value, const char* what, long* out) {
  double number;
  if (napi_get_value_double(env, value, &number) == napi_ok) return NumberToMsgType(Napi::Env(env), number, what, out);
  return ToMsgType(Napi::Env(env), Napi::Value(env, value), what, out);
}

Napi::Value FromMsgType(Napi::Env env, long type) {
  double as_double = static_cast<double>(type);
  if (std::fabs(as_double) <= kMaxSafeInteger) {
    return Napi::Number::New(env, as_double);
  }
  return Napi::BigInt::New(env, static_cast<int64_t>(type));
}

}  // namespace sysvmq
