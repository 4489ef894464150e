// The calls that never block: msgget, ftok, msgsnd/msgrcv with IPC_NOWAIT,
// and msgctl. They run on the JavaScript thread.
#pragma once

#include <napi.h>

namespace sysvmq {

// The slots of the call arguments (AddonState::call_args), as binding.ts writes them.
enum CallArg { kArgId, kArgMaxBytes, kArgFlags, kArgOffset, kArgMaxCount, kCallArgCount };

Napi::Value Msgget(const Napi::CallbackInfo& info);
Napi::Value Ftok(const Napi::CallbackInfo& info);
napi_value TrySend(napi_env env, napi_callback_info info);
napi_value TryReceive(napi_env env, napi_callback_info info);
napi_value TryReceiveInto(napi_env env, napi_callback_info info);
Napi::Value Stat(const Napi::CallbackInfo& info);
Napi::Value Set(const Napi::CallbackInfo& info);
Napi::Value Remove(const Napi::CallbackInfo& info);
Napi::Value BindSlots(const Napi::CallbackInfo& info);

}  // namespace sysvmq
