// Requests one line of an open chip as an output: the settings, line and
// request configurations libgpiod 2.x wants, built and freed here.
#pragma once

#include <string>

#include "handles.h"

namespace gpiod2 {

struct OutputSpec {
  unsigned int offset;
  std::string consumer;
  bool active_low;
  bool active;  // the initial logical value
};

struct OutputResult {
  LineRequestPtr request;  // null on failure
  int err;                 // errno of the failed call
  const char* call;        // the libgpiod call that failed
};

OutputResult RequestOutput(gpiod_chip* chip, const OutputSpec& spec);

}  // namespace gpiod2
