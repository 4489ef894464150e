// JavaScript LineRequest: one requested line (libgpiod's gpiod_line_request),
// created only by Chip.requestOutput. release() gives the line back; the
// garbage collector releases a request that was never released.
#pragma once

#include <napi.h>

#include <string>

#include "handles.h"

namespace gpiod2 {

class LineRequest : public Napi::ObjectWrap<LineRequest> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps `request` (ownership passes to the new object) for `offset` of the chip at `path`.
  static Napi::Value New(Napi::Env env, LineRequestPtr request, unsigned int offset, const std::string& path);

  explicit LineRequest(const Napi::CallbackInfo& info);

 private:
  Napi::Value SetValue(const Napi::CallbackInfo& info);
  Napi::Value GetValue(const Napi::CallbackInfo& info);
  Napi::Value Release(const Napi::CallbackInfo& info);
  Napi::Value Released(const Napi::CallbackInfo& info);
  bool CheckHeld(Napi::Env env, const char* call);

  LineRequestPtr request_;
  unsigned int offset_ = 0;
  std::string path_;
};

}  // namespace gpiod2
