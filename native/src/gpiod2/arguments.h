// Reads the JavaScript arguments of Chip.requestOutputs and
// LineRequest.setValues/getValues into C++ values. A Read* function that
// fails has thrown, a TypeError saying what is wrong (after `usage`, the call's
// signature) or the exception a getter raised while being read, and returns
// false. Reading may run JavaScript (getters), so callers check their handles
// after reading, not before.
#pragma once

#include <linux/gpio.h>
#include <napi.h>

#include <cstddef>
#include <vector>

#include "output_request.h"

namespace gpiod2 {

// The most lines one request holds (the kernel's limit).
constexpr size_t kMaxLines = GPIO_V2_LINES_MAX;

// An unsigned 32-bit integer, as line offsets are.
bool IsOffset(const Napi::Value& value);

// `value`: an array of 1 to kMaxLines { offset, activeLow, value }, no offset twice.
bool ReadOutputLines(Napi::Env env, const char* usage, const Napi::Value& value, std::vector<OutputLine>* lines);

// `value`: an array of 1 or more offsets, each one of `requested`, none twice.
bool ReadOffsets(Napi::Env env, const char* usage, const Napi::Value& value, const std::vector<unsigned int>& requested,
                 std::vector<unsigned int>* offsets);

// `value`: an array of `count` values, each 0 or 1 (logical).
bool ReadValues(Napi::Env env, const char* usage, const Napi::Value& value, size_t count,
                std::vector<gpiod_line_value>* values);

}  // namespace gpiod2
