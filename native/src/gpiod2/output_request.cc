#include "output_request.h"

#include <cerrno>

namespace gpiod2 {

namespace {

OutputResult Failed(const char* call) { return OutputResult{nullptr, errno, call}; }

}  // namespace

OutputResult RequestOutput(gpiod_chip* chip, const OutputSpec& spec) {
  LineSettingsPtr settings(gpiod_line_settings_new());
  if (!settings) return Failed("gpiod_line_settings_new");
  if (gpiod_line_settings_set_direction(settings.get(), GPIOD_LINE_DIRECTION_OUTPUT) != 0)
    return Failed("gpiod_line_settings_set_direction");
  gpiod_line_settings_set_active_low(settings.get(), spec.active_low);
  const gpiod_line_value value = spec.active ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
  if (gpiod_line_settings_set_output_value(settings.get(), value) != 0)
    return Failed("gpiod_line_settings_set_output_value");

  LineConfigPtr line_config(gpiod_line_config_new());
  if (!line_config) return Failed("gpiod_line_config_new");
  if (gpiod_line_config_add_line_settings(line_config.get(), &spec.offset, 1, settings.get()) != 0)
    return Failed("gpiod_line_config_add_line_settings");

  RequestConfigPtr request_config(gpiod_request_config_new());
  if (!request_config) return Failed("gpiod_request_config_new");
  gpiod_request_config_set_consumer(request_config.get(), spec.consumer.c_str());

  LineRequestPtr request(gpiod_chip_request_lines(chip, request_config.get(), line_config.get()));
  if (!request) return Failed("gpiod_chip_request_lines");
  return OutputResult{std::move(request), 0, nullptr};
}

}  // namespace gpiod2
