// Errors carrying errno and the failing system call, shaped like Node's own
// fs errors (errno negative, syscall named); the TypeScript layer adds `code`
// and a message in the queue's own terms.
#pragma once

#include <napi.h>

namespace sysvmq {

Napi::Error MakeErrnoError(Napi::Env env, int err, const char* syscall);

// Throws a JavaScript exception for `err` (captured right after the call).
void ThrowErrno(Napi::Env env, int err, const char* syscall);

}  // namespace sysvmq
