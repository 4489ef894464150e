#include "arguments.h"

#include <algorithm>
#include <cstdint>
#include <string>

namespace gpiod2 {

namespace {

bool Fail(Napi::Env env, const char* usage, const std::string& what) {
  Napi::TypeError::New(env, std::string(usage) + ": " + what).ThrowAsJavaScriptException();
  return false;
}

std::string Item(const char* name, size_t index) { return std::string(name) + "[" + std::to_string(index) + "]"; }

// Reads `key` of `object` into `out`; false (the getter's exception pending) when reading threw.
bool Get(const Napi::Object& object, const char* key, Napi::Value* out) {
  *out = object.Get(key);
  return !out->IsEmpty();
}

bool Get(const Napi::Array& array, uint32_t index, Napi::Value* out) {
  *out = array.Get(index);
  return !out->IsEmpty();
}

bool IsBit(const Napi::Value& value) {
  if (!value.IsNumber()) return false;
  const double number = value.As<Napi::Number>().DoubleValue();
  return number == 0 || number == 1;
}

std::string Lines(size_t count) { return std::to_string(count) + (count == 1 ? " line" : " lines"); }

std::string List(const std::vector<unsigned int>& offsets) {
  std::string text;
  for (unsigned int offset : offsets) text += (text.empty() ? "" : ", ") + std::to_string(offset);
  return text;
}

}  // namespace

bool IsOffset(const Napi::Value& value) {
  if (!value.IsNumber()) return false;
  const double number = value.As<Napi::Number>().DoubleValue();
  return number >= 0 && number <= 0xffffffff && number == static_cast<double>(static_cast<uint32_t>(number));
}

bool ReadOutputLines(Napi::Env env, const char* usage, const Napi::Value& value, std::vector<OutputLine>* lines) {
  if (!value.IsArray()) return Fail(env, usage, "lines must be an array of { offset, activeLow, value }");
  const Napi::Array array = value.As<Napi::Array>();
  const uint32_t length = array.Length();
  if (length == 0) return Fail(env, usage, "lines is empty");
  if (length > kMaxLines)
    return Fail(env, usage,
                "lines has " + std::to_string(length) + " entries; one request holds at most " + Lines(kMaxLines));
  lines->clear();
  lines->reserve(length);
  for (uint32_t i = 0; i < length; ++i) {
    const std::string item = Item("lines", i);
    Napi::Value entry, offset, active_low, initial;
    if (!Get(array, i, &entry)) return false;
    if (!entry.IsObject()) return Fail(env, usage, item + " must be an object { offset, activeLow, value }");
    const Napi::Object object = entry.As<Napi::Object>();
    if (!Get(object, "offset", &offset) || !Get(object, "activeLow", &active_low) || !Get(object, "value", &initial))
      return false;
    if (!IsOffset(offset)) return Fail(env, usage, item + ".offset must be an unsigned 32-bit integer");
    if (!active_low.IsBoolean()) return Fail(env, usage, item + ".activeLow must be a boolean");
    if (!IsBit(initial)) return Fail(env, usage, item + ".value must be 0 or 1");
    const OutputLine line{offset.As<Napi::Number>().Uint32Value(), active_low.As<Napi::Boolean>().Value(),
                          initial.As<Napi::Number>().DoubleValue() == 1};
    const auto same = std::find_if(lines->begin(), lines->end(),
                                   [&line](const OutputLine& other) { return other.offset == line.offset; });
    if (same != lines->end())
      return Fail(env, usage,
                  item + ".offset " + std::to_string(line.offset) + " is also " +
                      Item("lines", static_cast<size_t>(same - lines->begin())) + ".offset");
    lines->push_back(line);
  }
  return true;
}

bool ReadOffsets(Napi::Env env, const char* usage, const Napi::Value& value, const std::vector<unsigned int>& requested,
                 std::vector<unsigned int>* offsets) {
  if (!value.IsArray()) return Fail(env, usage, "offsets must be an array of line offsets");
  const Napi::Array array = value.As<Napi::Array>();
  const uint32_t length = array.Length();
  if (length == 0) return Fail(env, usage, "offsets is empty");
  if (length > requested.size())
    return Fail(env, usage,
                "offsets has " + std::to_string(length) + " entries; the request has " + Lines(requested.size()));
  offsets->clear();
  offsets->reserve(length);
  for (uint32_t i = 0; i < length; ++i) {
    // Built only for an error: setValues runs on every pattern step.
    const auto item = [i] { return Item("offsets", i); };
    Napi::Value entry;
    if (!Get(array, i, &entry)) return false;
    if (!IsOffset(entry)) return Fail(env, usage, item() + " must be an unsigned 32-bit integer");
    const unsigned int offset = entry.As<Napi::Number>().Uint32Value();
    if (std::find(requested.begin(), requested.end(), offset) == requested.end())
      return Fail(env, usage,
                  item() + " (" + std::to_string(offset) + ") is not a line of this request (" + List(requested) + ")");
    const auto same = std::find(offsets->begin(), offsets->end(), offset);
    if (same != offsets->end())
      return Fail(env, usage,
                  item() + " (" + std::to_string(offset) + ") is also " +
                      Item("offsets", static_cast<size_t>(same - offsets->begin())));
    offsets->push_back(offset);
  }
  return true;
}

bool ReadValues(Napi::Env env, const char* usage, const Napi::Value& value, size_t count,
                std::vector<gpiod_line_value>* values) {
  if (!value.IsArray()) return Fail(env, usage, "values must be an array of 0 and 1");
  const Napi::Array array = value.As<Napi::Array>();
  const uint32_t length = array.Length();
  if (length != count)
    return Fail(env, usage,
                "values has " + std::to_string(length) + " entries for " + std::to_string(count) + " offsets");
  values->clear();
  values->reserve(length);
  for (uint32_t i = 0; i < length; ++i) {
    Napi::Value entry;
    if (!Get(array, i, &entry)) return false;
    if (!IsBit(entry)) return Fail(env, usage, Item("values", i) + " must be 0 or 1");
    values->push_back(entry.As<Napi::Number>().DoubleValue() == 1 ? GPIOD_LINE_VALUE_ACTIVE
                                                                    : GPIOD_LINE_VALUE_INACTIVE);
  }
  return true;
}

}  // namespace gpiod2
