// Requests several lines of an open chip as outputs in one line request: one
// gpiod_line_config carrying each line's own settings (direction, polarity,
// initial value), built and freed here.
#pragma once

#include <string>
#include <vector>

#include "handles.h"

namespace gpiod2 {

struct OutputLine {
  unsigned int offset;
  bool active_low;
  bool active;  // the initial logical value
};

struct OutputResult {
  LineRequestPtr request;  // null on failure
  int err;                 // errno of the failed call
  const char* call;        // the libgpiod call that failed
};

// `lines` holds 1 to GPIO_V2_LINES_MAX lines, no offset twice (checked by the caller).
OutputResult RequestOutputs(gpiod_chip* chip, const std::vector<OutputLine>& lines, const std::string& consumer);

}  // namespace gpiod2
