#include "chip.h"

#include <cerrno>
#include <string>
#include <vector>

#include "arguments.h"
#include "errno_error.h"  // native/sysvmq/include/
#include "line_request.h"
#include "output_request.h"

namespace gpiod2 {

namespace {

Napi::Value StringOrNull(Napi::Env env, const char* text) {
  return text != nullptr ? Napi::String::New(env, text) : env.Null();
}

constexpr const char* kRequestOutputs = "requestOutputs(lines, consumer)";

}  // namespace

Napi::Function Chip::Define(Napi::Env env) {
  return DefineClass(env, "Chip",
                     {InstanceMethod<&Chip::Info>("info"), InstanceMethod<&Chip::LineOffset>("lineOffset"),
                      InstanceMethod<&Chip::LineInfo>("lineInfo"),
                      InstanceMethod<&Chip::RequestOutputs>("requestOutputs"), InstanceMethod<&Chip::Close>("close"),
                      InstanceAccessor<&Chip::Path>("path")});
}

Chip::Chip(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Chip>(info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "new Chip(path): path must be a string such as /dev/gpiochip0")
        .ThrowAsJavaScriptException();
    return;
  }
  path_ = info[0].As<Napi::String>().Utf8Value();
  chip_.reset(gpiod_chip_open(path_.c_str()));
  if (!chip_) {
    const int err = errno;
    errno_error::Throw(env, err, "gpiod_chip_open", path_);
  }
}

bool Chip::CheckOpen(Napi::Env env, const char* call) {
  if (chip_) return true;
  errno_error::Throw(env, EBADF, call, path_);
  return false;
}

Napi::Value Chip::Info(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (!CheckOpen(env, "gpiod_chip_get_info")) return env.Undefined();
  ChipInfoPtr chip_info(gpiod_chip_get_info(chip_.get()));
  if (!chip_info) {
    const int err = errno;
    errno_error::Throw(env, err, "gpiod_chip_get_info", path_);
    return env.Undefined();
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("name", StringOrNull(env, gpiod_chip_info_get_name(chip_info.get())));
  result.Set("label", StringOrNull(env, gpiod_chip_info_get_label(chip_info.get())));
  result.Set("lines", Napi::Number::New(env, static_cast<double>(gpiod_chip_info_get_num_lines(chip_info.get()))));
  return result;
}

Napi::Value Chip::LineOffset(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "lineOffset(name): name must be a string").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!CheckOpen(env, "gpiod_chip_get_line_offset_from_name")) return env.Undefined();
  const std::string name = info[0].As<Napi::String>().Utf8Value();
  const int offset = gpiod_chip_get_line_offset_from_name(chip_.get(), name.c_str());
  if (offset < 0) {
    const int err = errno;
    if (err == ENOENT) return Napi::Number::New(env, -1);
    errno_error::Throw(env, err, "gpiod_chip_get_line_offset_from_name", path_);
    return env.Undefined();
  }
  return Napi::Number::New(env, offset);
}

Napi::Value Chip::LineInfo(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 1 || !IsOffset(info[0])) {
    Napi::TypeError::New(env, "lineInfo(offset): offset must be an unsigned integer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  if (!CheckOpen(env, "gpiod_chip_get_line_info")) return env.Undefined();
  const unsigned int offset = info[0].As<Napi::Number>().Uint32Value();
  LineInfoPtr line_info(gpiod_chip_get_line_info(chip_.get(), offset));
  if (!line_info) {
    const int err = errno;
    errno_error::Throw(env, err, "gpiod_chip_get_line_info", path_);
    return env.Undefined();
  }
  Napi::Object result = Napi::Object::New(env);
  result.Set("offset", Napi::Number::New(env, gpiod_line_info_get_offset(line_info.get())));
  result.Set("name", StringOrNull(env, gpiod_line_info_get_name(line_info.get())));
  result.Set("used", Napi::Boolean::New(env, gpiod_line_info_is_used(line_info.get())));
  result.Set("consumer", StringOrNull(env, gpiod_line_info_get_consumer(line_info.get())));
  return result;
}

Napi::Value Chip::RequestOutputs(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() != 2) {
    Napi::TypeError::New(env, std::string(kRequestOutputs) + ": takes 2 arguments").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  std::vector<OutputLine> lines;
  if (!ReadOutputLines(env, kRequestOutputs, info[0], &lines)) return env.Undefined();
  if (!info[1].IsString()) {
    Napi::TypeError::New(env, std::string(kRequestOutputs) + ": consumer must be a string")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  const std::string consumer = info[1].As<Napi::String>().Utf8Value();
  // Checked after reading the lines, whose getters may have closed the chip.
  if (!CheckOpen(env, "gpiod_chip_request_lines")) return env.Undefined();
  OutputResult result = gpiod2::RequestOutputs(chip_.get(), lines, consumer);
  if (!result.request) {
    errno_error::Throw(env, result.err, result.call, path_);
    return env.Undefined();
  }
  std::vector<unsigned int> offsets;
  offsets.reserve(lines.size());
  for (const OutputLine& line : lines) offsets.push_back(line.offset);
  return LineRequest::New(env, std::move(result.request), std::move(offsets), path_);
}

Napi::Value Chip::Close(const Napi::CallbackInfo& info) {
  chip_.reset();
  return info.Env().Undefined();
}

Napi::Value Chip::Path(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), path_); }

}  // namespace gpiod2
