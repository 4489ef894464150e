// Node-API binding for libgpiod 2.x: just what ledd's line backend needs
// (daemon/gpio/libgpiod2-line.ts; typed interface in native/lib/gpiod2.ts).
//   version()   libgpiod's own version string (gpiod_api_version)
//   Chip        an open /dev/gpiochipN (chip.h)
//   LineRequest lines of a chip requested together (line_request.h)
#include <gpiod.h>
#include <napi.h>

#include "addon_data.h"
#include "chip.h"
#include "line_request.h"

namespace gpiod2 {

namespace {

Napi::Value Version(const Napi::CallbackInfo& info) { return Napi::String::New(info.Env(), gpiod_api_version()); }

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  auto* data = new AddonData();
  env.SetInstanceData<AddonData>(data);
  Napi::Function line_request = LineRequest::Define(env);
  data->line_request = Napi::Persistent(line_request);
  exports.Set("version", Napi::Function::New(env, Version, "version"));
  exports.Set("Chip", Chip::Define(env));
  exports.Set("LineRequest", line_request);
  return exports;
}

}  // namespace

}  // namespace gpiod2

static Napi::Object InitGpiod2(Napi::Env env, Napi::Object exports) { return gpiod2::Init(env, exports); }

NODE_API_MODULE(gpiod2, InitGpiod2)
