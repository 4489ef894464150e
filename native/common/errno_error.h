// The one shape of a failed system call's error, in every addon: Node's own
// system errors' (`code` EBUSY, `errno` negative, `syscall`, `path` when there
// is one), with the message "EBUSY: Device or resource busy, gpiod_chip_request_lines '/dev/gpiochip1'".
// The TypeScript layers turn it into their own errors (QueueError, Gpiod2Error).
#pragma once

#include <napi.h>

#include <string>

namespace addon_common {

Napi::Error ErrnoError(Napi::Env env, int err, const char* syscall, const std::string& path = {});

// Throws ErrnoError as a JavaScript exception; `err` must be captured right after the failing call.
void ThrowErrno(Napi::Env env, int err, const char* syscall, const std::string& path = {});

}  // namespace addon_common
