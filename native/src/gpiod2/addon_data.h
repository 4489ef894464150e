// Per-environment state of the gpiod2 addon (Node-API instance data): the
// LineRequest constructor, which Chip.requestOutputs needs to build results.
#pragma once

#include <napi.h>

namespace gpiod2 {

struct AddonData {
  Napi::FunctionReference line_request;

  static AddonData& Of(Napi::Env env) { return *env.GetInstanceData<AddonData>(); }
};

}  // namespace gpiod2
