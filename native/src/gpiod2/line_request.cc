#include "line_request.h"

#include <cerrno>

#include "addon_data.h"
#include "arguments.h"
#include "errno_error.h"  // native/sysvmq/include/

namespace gpiod2 {

namespace {

// What Chip.requestOutputs hands the constructor through an External.
struct Handoff {
  LineRequestPtr request;
  std::vector<unsigned int> offsets;
  std::string path;
};

constexpr const char* kSetValues = "setValues(offsets, values)";
constexpr const char* kGetValues = "getValues(offsets)";

}  // namespace

Napi::Function LineRequest::Define(Napi::Env env) {
  return DefineClass(env, "LineRequest",
                     {InstanceAccessor<&LineRequest::Offsets>("offsets"),
                      InstanceMethod<&LineRequest::SetValues>("setValues"),
                      InstanceMethod<&LineRequest::GetValues>("getValues"),
                      InstanceMethod<&LineRequest::Release>("release"),
                      InstanceAccessor<&LineRequest::Released>("released")});
}

Napi::Value LineRequest::New(Napi::Env env, LineRequestPtr request, std::vector<unsigned int> offsets,
                             const std::string& path) {
  Handoff handoff{std::move(request), std::move(offsets), path};
  // On failure the handoff still owns the request and releases it.
  return AddonData::Of(env).line_request.New({Napi::External<Handoff>::New(env, &handoff)});
}

LineRequest::LineRequest(const Napi::CallbackInfo& info) : Napi::ObjectWrap<LineRequest>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    Napi::TypeError::New(info.Env(), "LineRequest objects come from Chip.requestOutputs()")
        .ThrowAsJavaScriptException();
    return;
  }
  Handoff* handoff = info[0].As<Napi::External<Handoff>>().Data();
  request_ = std::move(handoff->request);
  offsets_ = std::move(handoff->offsets);
  path_ = handoff->path;
}

bool LineRequest::CheckHeld(Napi::Env env, const char* call) {
  if (request_) return true;
  errno_error::Throw(env, EBADF, call, path_);
  return false;
}

Napi::Value LineRequest::Offsets(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Napi::Array result = Napi::Array::New(env, offsets_.size());
  for (size_t i = 0; i < offsets_.size(); ++i)
    result.Set(static_cast<uint32_t>(i), Napi::Number::New(env, offsets_[i]));
  return result;
}

Napi::Value LineRequest::SetValues(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2) {
    Napi::TypeError::New(env, std::string(kSetValues) + ": takes 2 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<unsigned int> offsets;
  std::vector<gpiod_line_value> values;
  if (!ReadOffsets(env, kSetValues, info[0], offsets_, &offsets) ||
      !ReadValues(env, kSetValues, info[1], offsets.size(), &values))
    return env.Undefined();
  if (!CheckHeld(env, "gpiod_line_request_set_values_subset")) return env.Undefined();
  if (gpiod_line_request_set_values_subset(request_.get(), offsets.size(), offsets.data(), values.data()) != 0) {
    const int err = errno;
    errno_error::Throw(env, err, "gpiod_line_request_set_values_subset", path_);
  }
  return env.Undefined();
}

Napi::Value LineRequest::GetValues(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1) {
    Napi::TypeError::New(env, std::string(kGetValues) + ": takes 1 argument").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<unsigned int> offsets;
  if (!ReadOffsets(env, kGetValues, info[0], offsets_, &offsets)) return env.Undefined();
  if (!CheckHeld(env, "gpiod_line_request_get_values_subset")) return env.Undefined();
  std::vector<gpiod_line_value> values(offsets.size(), GPIOD_LINE_VALUE_INACTIVE);
  if (gpiod_line_request_get_values_subset(request_.get(), offsets.size(), offsets.data(), values.data()) != 0) {
    const int err = errno;
    errno_error::Throw(env, err, "gpiod_line_request_get_values_subset", path_);
    return env.Undefined();
  }
  Napi::Array result = Napi::Array::New(env, values.size());
  for (size_t i = 0; i < values.size(); ++i)
    result.Set(static_cast<uint32_t>(i), Napi::Number::New(env, values[i] == GPIOD_LINE_VALUE_ACTIVE ? 1 : 0));
  return result;
}

Napi::Value LineRequest::Release(const Napi::CallbackInfo& info) {
  request_.reset();
  return info.Env().Undefined();
}

Napi::Value LineRequest::Released(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !request_);
}

}  // namespace gpiod2
