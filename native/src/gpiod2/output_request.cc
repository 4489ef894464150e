#include "output_request.h"

#include <cerrno>

namespace gpiod2 {

namespace {

// Called right after the failing call, so errno is still that call's.
OutputResult Failed(const char* call) { return OutputResult{nullptr, errno, call}; }

}  // namespace

OutputResult RequestOutputs(gpiod_chip* chip, const std::vector<OutputLine>& lines, const std::string& consumer) {
  LineConfigPtr line_config(gpiod_line_config_new());
  if (!line_config) return Failed("gpiod_line_config_new");
  // gpiod_line_config_add_line_settings copies the settings, so one object serves every line.
  LineSettingsPtr settings(gpiod_line_settings_new());
  if (!settings) return Failed("gpiod_line_settings_new");
  for (const OutputLine& line : lines) {
    gpiod_line_settings_reset(settings.get());
    if (gpiod_line_settings_set_direction(settings.get(), GPIOD_LINE_DIRECTION_OUTPUT) != 0)
      return Failed("gpiod_line_settings_set_direction");
    gpiod_line_settings_set_active_low(settings.get(), line.active_low);
    const gpiod_line_value value = line.active ? GPIOD_LINE_VALUE_ACTIVE : GPIOD_LINE_VALUE_INACTIVE;
    if (gpiod_line_settings_set_output_value(settings.get(), value) != 0)
      return Failed("gpiod_line_settings_set_output_value");
    if (gpiod_line_config_add_line_settings(line_config.get(), &line.offset, 1, settings.get()) != 0)
      return Failed("gpiod_line_config_add_line_settings");
  }

  RequestConfigPtr request_config(gpiod_request_config_new());
  if (!request_config) return Failed("gpiod_request_config_new");
  gpiod_request_config_set_consumer(request_config.get(), consumer.c_str());

  LineRequestPtr request(gpiod_chip_request_lines(chip, request_config.get(), line_config.get()));
  if (!request) return Failed("gpiod_chip_request_lines");
  return OutputResult{std::move(request), 0, nullptr};
}

}  // namespace gpiod2
