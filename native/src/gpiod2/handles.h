// Owning handles for libgpiod 2.x objects: each a unique_ptr whose deleter is
// the matching libgpiod free/close/release call, so no path leaks one.
#pragma once

#include <gpiod.h>

#include <memory>

namespace gpiod2 {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* handle) const noexcept { Free(handle); }
};

template <typename T, void (*Free)(T*)>
using Handle = std::unique_ptr<T, Deleter<T, Free>>;

using ChipPtr = Handle<gpiod_chip, gpiod_chip_close>;
using ChipInfoPtr = Handle<gpiod_chip_info, gpiod_chip_info_free>;
using LineInfoPtr = Handle<gpiod_line_info, gpiod_line_info_free>;
using LineSettingsPtr = Handle<gpiod_line_settings, gpiod_line_settings_free>;
using LineConfigPtr = Handle<gpiod_line_config, gpiod_line_config_free>;
using RequestConfigPtr = Handle<gpiod_request_config, gpiod_request_config_free>;
using LineRequestPtr = Handle<gpiod_line_request, gpiod_line_request_release>;

}  // namespace gpiod2
