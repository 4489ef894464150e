// The calls that never block: msgget, ftok, msgsnd/msgrcv with IPC_NOWAIT,
// and msgctl. They run on the JavaScript thread.
#pragma once

#include <napi.h>

#include <cstdint>

namespace sysvmq {

// Most messages one tryReceive() call takes.
constexpr int64_t kMaxBatch = 4096;

Napi::Value Msgget(const Napi::CallbackInfo& info);
Napi::Value Ftok(const Napi::CallbackInfo& info);
Napi::Value TrySend(const Napi::CallbackInfo& info);
Napi::Value TryReceive(const Napi::CallbackInfo& info);
Napi::Value Stat(const Napi::CallbackInfo& info);
Napi::Value Set(const Napi::CallbackInfo& info);
Napi::Value Remove(const Napi::CallbackInfo& info);
Napi::Value BindBatchSlots(const Napi::CallbackInfo& info);

}  // namespace sysvmq
