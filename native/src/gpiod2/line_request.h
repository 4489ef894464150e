// JavaScript LineRequest: lines of one chip requested together (libgpiod's
// gpiod_line_request), created only by Chip.requestOutputs.
//   offsets                   the offsets requested, in the order requested
//   setValues(offsets, values) drives some of them, in one call (one ioctl)
//   getValues(offsets)        reads some of them, in one call
//   release()                 gives the lines back; later calls fail with EBADF
//   released                  whether release() was called
// Values are logical (the kernel applies each line's polarity). The garbage
// collector releases a request that was never released.
#pragma once

#include <napi.h>

#include <string>
#include <vector>

#include "handles.h"

namespace gpiod2 {

class LineRequest : public Napi::ObjectWrap<LineRequest> {
 public:
  static Napi::Function Define(Napi::Env env);
  // Wraps `request` (ownership passes to the new object) for `offsets` of the chip at `path`.
  static Napi::Value New(Napi::Env env, LineRequestPtr request, std::vector<unsigned int> offsets,
                         const std::string& path);

  explicit LineRequest(const Napi::CallbackInfo& info);

 private:
  Napi::Value Offsets(const Napi::CallbackInfo& info);
  Napi::Value SetValues(const Napi::CallbackInfo& info);
  Napi::Value GetValues(const Napi::CallbackInfo& info);
  Napi::Value Release(const Napi::CallbackInfo& info);
  Napi::Value Released(const Napi::CallbackInfo& info);
  bool CheckHeld(Napi::Env env, const char* call);

  LineRequestPtr request_;
  std::vector<unsigned int> offsets_;
  std::string path_;
};

}  // namespace gpiod2
