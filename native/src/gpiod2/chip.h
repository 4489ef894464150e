// JavaScript Chip: one open GPIO character device (libgpiod's gpiod_chip).
//   new Chip(path)                  opens it (errors: ENOENT, EACCES, ENODEV...)
//   info()                          { name, label, lines }
//   lineOffset(name)                the offset of the line so named, or -1
//   lineInfo(offset)                { offset, name, used, consumer }
//   requestOutputs(lines, consumer) lines [{ offset, activeLow, value }...] as
//                                   outputs in one request: a LineRequest
//   close()                         closes it; requests made stay valid
#pragma once

#include <napi.h>

#include <string>

#include "handles.h"

namespace gpiod2 {

class Chip : public Napi::ObjectWrap<Chip> {
 public:
  static Napi::Function Define(Napi::Env env);

  explicit Chip(const Napi::CallbackInfo& info);

 private:
  Napi::Value Info(const Napi::CallbackInfo& info);
  Napi::Value LineOffset(const Napi::CallbackInfo& info);
  Napi::Value LineInfo(const Napi::CallbackInfo& info);
  Napi::Value RequestOutputs(const Napi::CallbackInfo& info);
  Napi::Value Close(const Napi::CallbackInfo& info);
  Napi::Value Path(const Napi::CallbackInfo& info);
  bool CheckOpen(Napi::Env env, const char* call);

  ChipPtr chip_;
  std::string path_;
};

}  // namespace gpiod2
