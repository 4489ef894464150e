// Node-API binding for System V message queues: msgget, msgsnd, msgrcv,
// msgctl and ftok. The typed API over it is native/lib/.
#include <napi.h>
#include <sys/ipc.h>
#include <sys/msg.h>

#include <climits>

#include "addon_state.h"
#include "batch.h"
#include "blocking_job.h"
#include "sync_calls.h"

namespace sysvmq {

AddonState::AddonState() = default;
AddonState::~AddonState() = default;

namespace {

// A function over a plain Node-API callback (the hot calls, see sync_calls.cc).
Napi::Value RawFunction(Napi::Env env, const char* name, napi_callback callback) {
  napi_value function;
  NAPI_THROW_IF_FAILED(env, napi_create_function(env, name, NAPI_AUTO_LENGTH, callback, nullptr, &function),
                       Napi::Value());
  return Napi::Value(env, function);
}

}  // namespace

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  env.SetInstanceData<AddonState>(new AddonState());

  exports.Set("msgget", Napi::Function::New(env, Msgget, "msgget"));
  exports.Set("ftok", Napi::Function::New(env, Ftok, "ftok"));
  exports.Set("trySend", RawFunction(env, "trySend", TrySend));
  exports.Set("tryReceive", RawFunction(env, "tryReceive", TryReceive));
  exports.Set("tryReceiveInto", RawFunction(env, "tryReceiveInto", TryReceiveInto));
  exports.Set("bindSlots", Napi::Function::New(env, BindSlots, "bindSlots"));
  exports.Set("stat", Napi::Function::New(env, Stat, "stat"));
  exports.Set("set", Napi::Function::New(env, Set, "set"));
  exports.Set("remove", Napi::Function::New(env, Remove, "remove"));
  exports.Set("startReceive", Napi::Function::New(env, BlockingJob::StartReceive, "startReceive"));
  exports.Set("startSend", Napi::Function::New(env, BlockingJob::StartSend, "startSend"));
  exports.Set("cancel", Napi::Function::New(env, BlockingJob::Cancel, "cancel"));
  exports.Set("setRef", Napi::Function::New(env, BlockingJob::SetRef, "setRef"));

  Napi::Object constants = Napi::Object::New(env);
  constants.Set("IPC_PRIVATE", Napi::Number::New(env, IPC_PRIVATE));
  constants.Set("IPC_CREAT", Napi::Number::New(env, IPC_CREAT));
  constants.Set("IPC_EXCL", Napi::Number::New(env, IPC_EXCL));
  constants.Set("IPC_NOWAIT", Napi::Number::New(env, IPC_NOWAIT));
  constants.Set("MSG_NOERROR", Napi::Number::New(env, MSG_NOERROR));
  constants.Set("MSG_EXCEPT", Napi::Number::New(env, MSG_EXCEPT));
  constants.Set("LONG_BITS", Napi::Number::New(env, static_cast<double>(sizeof(long) * CHAR_BIT)));
  constants.Set("LONG_MAX", Napi::BigInt::New(env, static_cast<int64_t>(LONG_MAX)));
  // Where binding.ts writes each call argument: the one definition is CallArg.
  Napi::Object call_args = Napi::Object::New(env);
  call_args.Set("id", Napi::Number::New(env, kArgId));
  call_args.Set("maxBytes", Napi::Number::New(env, kArgMaxBytes));
  call_args.Set("flags", Napi::Number::New(env, kArgFlags));
  call_args.Set("offset", Napi::Number::New(env, kArgOffset));
  call_args.Set("maxCount", Napi::Number::New(env, kArgMaxCount));
  call_args.Set("count", Napi::Number::New(env, kCallArgCount));
  constants.Set("CALL_ARGS", call_args);
  constants.Set("MAX_BATCH", Napi::Number::New(env, static_cast<double>(kMaxBatch)));
  constants.Set("LONG_MIN", Napi::BigInt::New(env, static_cast<int64_t>(LONG_MIN)));
  exports.Set("constants", constants);
  return exports;
}

}  // namespace sysvmq

static Napi::Object InitSysvMq(Napi::Env env, Napi::Object exports) { return sysvmq::Init(env, exports); }

NODE_API_MODULE(sysv_mq, InitSysvMq)
