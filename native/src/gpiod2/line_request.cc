#include "line_request.h"

#include <cerrno>

#include "addon_data.h"
#include "errno_error.h"

namespace gpiod2 {

namespace {

// What Chip.requestOutput hands the constructor through an External.
struct Handoff {
  LineRequestPtr request;
  unsigned int offset;
  std::string path;
};

}  // namespace

Napi::Function LineRequest::Define(Napi::Env env) {
  return DefineClass(env, "LineRequest",
                     {InstanceMethod<&LineRequest::SetValue>("setValue"),
                      InstanceMethod<&LineRequest::GetValue>("getValue"),
                      InstanceMethod<&LineRequest::Release>("release"),
                      InstanceAccessor<&LineRequest::Released>("released")});
}

Napi::Value LineRequest::New(Napi::Env env, LineRequestPtr request, unsigned int offset, const std::string& path) {
  Handoff handoff{std::move(request), offset, path};
  // On failure the handoff still owns the request and releases it.
  return AddonData::Of(env).line_request.New({Napi::External<Handoff>::New(env, &handoff)});
}

LineRequest::LineRequest(const Napi::CallbackInfo& info) : Napi::ObjectWrap<LineRequest>(info) {
  if (info.Length() != 1 || !info[0].IsExternal()) {
    Napi::TypeError::New(info.Env(), "LineRequest objects come from Chip.requestOutput()")
        .ThrowAsJavaScriptException();
    return;
  }
  Handoff* handoff = info[0].As<Napi::External<Handoff>>().Data();
  request_ = std::move(handoff->request);
  offset_ = handoff->offset;
  path_ = handoff->path;
}

bool LineRequest::CheckHeld(Napi::Env env, const char* call) {
  if (request_) return true;
  ThrowErrno(env, EBADF, call, path_);
  return false;
}

Napi::Value LineRequest::SetValue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsNumber()) {
    Napi::TypeError::New(env, "setValue(value): value must be 0 or 1").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!CheckHeld(env, "gpiod_line_request_set_value")) return env.Undefined();
  const gpiod_line_value value =
      info[0].As<Napi::Number>().Int32Value() != 0 ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
  if (gpiod_line_request_set_value(request_.get(), offset_, value) != 0)
    ThrowErrno(env, errno, "gpiod_line_request_set_value", path_);
  return env.Undefined();
}

Napi::Value LineRequest::GetValue(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckHeld(env, "gpiod_line_request_get_value")) return env.Undefined();
  const gpiod_line_value value = gpiod_line_request_get_value(request_.get(), offset_);
  if (value == GPIOD_LINE_VALUE_ERROR) {
    ThrowErrno(env, errno, "gpiod_line_request_get_value", path_);
    return env.Undefined();
  }
  return Napi::Number::New(env, value == GPIOD_LINE_VALUE_ACTIVE ? 1 : 0);
}

Napi::Value LineRequest::Release(const Napi::CallbackInfo& info) {
  request_.reset();
  return info.Env().Undefined();
}

Napi::Value LineRequest::Released(const Napi::CallbackInfo& info) {
  return Napi::Boolean::New(info.Env(), !request_);
}

}  // namespace gpiod2
