// Errors shaped like Node's own system errors: `code` (EBUSY), `errno`
// (negative, as in Node), `syscall` (the libgpiod call) and `path`, with a
// message of the form "EBUSY: Device or resource busy, gpiod_chip_request_lines '/dev/gpiochip1'".
#pragma once

#include <napi.h>

#include <string>

namespace gpiod2 {

Napi::Error ErrnoError(Napi::Env env, int err, const char* call, const std::string& path);

// Throws ErrnoError as a JavaScript exception; `err` must be captured right after the failing call.
void ThrowErrno(Napi::Env env, int err, const char* call, const std::string& path);

}  // namespace gpiod2
