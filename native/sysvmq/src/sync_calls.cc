#include "sync_calls.h"

#include <sys/ipc.h>
#include <sys/msg.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>

#include "addon_state.h"
#include "args.h"
#include "batch.h"
#include "errno_error.h"  // native/sysvmq/include/
#include "msg_type.h"
#include "nowait_calls.h"
#include "raw_args.h"

namespace sysvmq {

namespace {

constexpr int64_t kMaxId = INT_MAX;
constexpr int64_t kMaxPayload = INT_MAX;
// Messages in the batch slots are 8-byte aligned, for a long of 4 or 8 bytes alike.
constexpr int64_t kSlotAlign = 8;

Napi::Value TimeOrZero(Napi::Env env, time_t seconds) { return Napi::Number::New(env, static_cast<double>(seconds)); }

}  // namespace

// msgget(key: int32, flags: int) -> id
Napi::Value Msgget(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t key, flags;
  if (!ArgInt(info, 0, "key", INT32_MIN, INT32_MAX, &key) || !ArgInt(info, 1, "flags", 0, INT_MAX, &flags)) {
    return env.Undefined();
  }
  int id = msgget(static_cast<key_t>(key), static_cast<int>(flags));
  if (id == -1) {
    errno_error::Throw(env, errno, "msgget");
    return env.Undefined();
  }
  return Napi::Number::New(env, id);
}

// ftok(path: string, projId: 1..255) -> key
Napi::Value Ftok(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) {
    Napi::TypeError::New(env, "path must be a string").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  int64_t proj;
  if (!ArgInt(info, 1, "projId", 1, 255, &proj)) return env.Undefined();
  std::string path = info[0].As<Napi::String>().Utf8Value();
  key_t key = ftok(path.c_str(), static_cast<int>(proj));
  if (key == -1) {
    errno_error::Throw(env, errno, "ftok");
    return env.Undefined();
  }
  return Napi::Number::New(env, key);
}

// The calls of every synchronous send and receive are plain Node-API callbacks
// rather than node-addon-api ones, and take their numbers from the call
// arguments (addon_state.h): in a send+receive loop, node-addon-api's
// argument handling cost as much as the two system calls themselves.

namespace {

// Reports message `index` of a batch in the slots bound with bindSlots():
// its payload length at [2i], its type at [2i + 1], or NaN there and the type
// in the BigInt slot [i] when a double cannot hold it.
void ReportInSlots(AddonState* state, int64_t index, ssize_t length, long type) {
  double as_double = static_cast<double>(type);
  bool exact = as_double >= -9007199254740991.0 && as_double <= 9007199254740991.0;
  state->batch_slots[2 * index] = static_cast<double>(length);
  state->batch_slots[2 * index + 1] = exact ? as_double : std::nan("");
  if (!exact) state->big_type_slots[index] = type;
}

AddonState* BoundState(napi_env env) {
  AddonState* state = nullptr;
  napi_get_instance_data(env, reinterpret_cast<void**>(&state));
  if (state->call_args == nullptr) napi_throw_error(env, nullptr, "bindSlots() was not called");
  return state->call_args == nullptr ? nullptr : state;
}

napi_value Count(napi_env env, int64_t count) {
  napi_value result;
  napi_create_int64(env, count, &result);
  return result;
}

// node-addon-api's helpers (the message type's checks, errno errors) report a
// failing Node-API call with a C++ exception, which must not leave a plain callback.
template <typename Body>
napi_value Guarded(napi_env env, Body body) {
  try {
    return body();
  } catch (const Napi::Error& error) {
    try {
      error.ThrowAsJavaScriptException();
    } catch (const Napi::Error&) {
      // Nothing can be thrown into an environment that is being torn down (a
      // Worker being terminate()d); the exception must still not leave here.
    }
    return nullptr;
  }
}

// What every hot call has: (type, one more argument) passed, and the queue id
// in the call arguments.
struct HotCall {
  AddonState* state = nullptr;
  int id = 0;
  long type = 0;
  napi_value argument = nullptr;
};

bool ReadHotCall(napi_env env, napi_callback_info info, const char* usage, HotCall* call) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 2) {
    napi_throw_type_error(env, nullptr, usage);
    return false;
  }
  call->state = BoundState(env);
  int64_t id;
  if (call->state == nullptr || !CheckedIntArg(env, call->state->call_args[kArgId], "id", 0, kMaxId, &id) ||
      !RawToMsgType(env, argv[0], "message type", &call->type)) {
    return false;
  }
  call->id = static_cast<int>(id);
  call->argument = argv[1];
  return true;
}

// A receive's maxBytes and flags, from the call arguments.
bool ReadReceiveLimits(napi_env env, const HotCall& call, int64_t* max_bytes, int64_t* flags) {
  const double* args = call.state->call_args;
  return CheckedIntArg(env, args[kArgMaxBytes], "maxBytes", 0, kMaxPayload, max_bytes) &&
         CheckedIntArg(env, args[kArgFlags], "flags", 0, INT_MAX, flags);
}

}  // namespace

// trySend(type, data), with the call argument id -> true when sent, false when
// the queue is full
napi_value TrySend(napi_env env, napi_callback_info info) {
  return Guarded(env, [&]() -> napi_value {
    HotCall call;
    void* data;
    size_t length;
    if (!ReadHotCall(env, info, "trySend(type, data)", &call) ||
        !RawBytesArg(env, call.argument, "data", &data, &length)) {
      return nullptr;
    }
    MsgBuffer& scratch = call.state->scratch;
    scratch.Fill(call.type, data, length);
    napi_value sent;
    if (MsgsndNowait(call.id, scratch.raw(), length, 0) == 0) {
      napi_get_boolean(env, true, &sent);
      return sent;
    }
    int err = errno;
    if (err == EAGAIN) {
      napi_get_boolean(env, false, &sent);
      return sent;
    }
    errno_error::Throw(Napi::Env(env), err, "msgsnd");
    return nullptr;
  });
}

// tryReceive(type, target: ArrayBuffer), with the call arguments id, maxBytes,
// flags, offset and maxCount -> how many messages were taken (0 when none
// matches). Messages (each its long type, then the payload) are received
// straight into `target`, the first at `offset` (a multiple of 8), each next
// one at the following multiple of 8, while there is room for maxBytes more:
// JavaScript hands out views of them, so there is no allocation and no call
// per message here. Each message's length and type go to the batch slots
// (ReportInSlots).
// An error after the first message ends the batch and stays for the next call,
// which meets it again (the message that gave E2BIG is still queued).
napi_value TryReceive(napi_env env, napi_callback_info info) {
  return Guarded(env, [&]() -> napi_value {
    HotCall call;
    int64_t max_bytes, flags, offset, max_count;
    if (!ReadHotCall(env, info, "tryReceive(type, target)", &call) ||
        !ReadReceiveLimits(env, call, &max_bytes, &flags) ||
        !CheckedIntArg(env, call.state->call_args[kArgOffset], "offset", 0, INT64_MAX, &offset) ||
        !CheckedIntArg(env, call.state->call_args[kArgMaxCount], "maxCount", 1, kMaxBatch, &max_count)) {
      return nullptr;
    }
    // A detached ArrayBuffer reports no data and length 0, and so has no room.
    void* target_data = nullptr;
    size_t target_length = 0;
    if (napi_get_arraybuffer_info(env, call.argument, &target_data, &target_length) != napi_ok) {
      napi_throw_type_error(env, nullptr, "target must be an ArrayBuffer");
      return nullptr;
    }
    const uint64_t room = sizeof(long) + static_cast<uint64_t>(max_bytes);
    if (offset % kSlotAlign != 0 || static_cast<uint64_t>(offset) + room > target_length) {
      napi_throw_range_error(env, nullptr, "target has no room for maxBytes at offset (or offset is not aligned)");
      return nullptr;
    }
    uint64_t at = static_cast<uint64_t>(offset);
    int64_t count = 0;
    while (count < max_count && at + room <= target_length) {
      char* raw = static_cast<char*>(target_data) + at;
      ssize_t received =
          MsgrcvNowait(call.id, raw, static_cast<size_t>(max_bytes), call.type, static_cast<int>(flags));
      if (received < 0) {
        int err = errno;
        if (err != ENOMSG && count == 0) {
          errno_error::Throw(Napi::Env(env), err, "msgrcv");
          return nullptr;
        }
        break;
      }
      long got;
      std::memcpy(&got, raw, sizeof got);
      ReportInSlots(call.state, count, received, got);
      at += (sizeof(long) + static_cast<uint64_t>(received) + kSlotAlign - 1) & ~static_cast<uint64_t>(kSlotAlign - 1);
      ++count;
    }
    return Count(env, count);
  });
}

// tryReceiveInto(type, target: Uint8Array), with the call arguments id,
// maxBytes and flags -> 1 when a message was taken into `target` (at most
// maxBytes and target.length bytes: a longer one gives E2BIG and stays queued,
// unless MSG_NOERROR), 0 when none matches. Its length and type go to batch
// slot 0.
napi_value TryReceiveInto(napi_env env, napi_callback_info info) {
  return Guarded(env, [&]() -> napi_value {
    HotCall call;
    int64_t max_bytes, flags;
    void* target;
    size_t capacity;
    if (!ReadHotCall(env, info, "tryReceiveInto(type, target)", &call) ||
        !ReadReceiveLimits(env, call, &max_bytes, &flags) ||
        !RawBytesArg(env, call.argument, "target", &target, &capacity)) {
      return nullptr;
    }
    size_t size = std::min(capacity, static_cast<size_t>(max_bytes));
    // msgrcv(2) writes the long type before the payload, so the message lands in
    // the scratch buffer and only its payload is copied to `target`.
    MsgBuffer& scratch = call.state->scratch;
    scratch.EnsurePayload(size);
    ssize_t received = MsgrcvNowait(call.id, scratch.raw(), size, call.type, static_cast<int>(flags));
    if (received < 0) {
      int err = errno;
      if (err == ENOMSG) return Count(env, 0);
      errno_error::Throw(Napi::Env(env), err, "msgrcv");
      return nullptr;
    }
    if (received > 0) std::memcpy(target, scratch.payload(), static_cast<size_t>(received));
    ReportInSlots(call.state, 0, received, scratch.type());
    return Count(env, 1);
  });
}

// bindSlots(callArgs: Float64Array(kCallArgCount), batchSlots: Float64Array(2 * kMaxBatch),
//           bigTypeSlots: BigInt64Array(kMaxBatch))
Napi::Value BindSlots(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  auto is = [&info](size_t i, napi_typedarray_type type, size_t length) {
    return i < info.Length() && info[i].IsTypedArray() && info[i].As<Napi::TypedArray>().TypedArrayType() == type &&
           info[i].As<Napi::TypedArray>().ElementLength() >= length;
  };
  if (!is(0, napi_float64_array, kCallArgCount) || !is(1, napi_float64_array, 2 * kMaxBatch) ||
      !is(2, napi_bigint64_array, kMaxBatch)) {
    Napi::TypeError::New(env, "bindSlots expects a Float64Array(" + std::to_string(kCallArgCount) +
                                  "), a Float64Array(2 * " + std::to_string(kMaxBatch) + ") and a BigInt64Array(" +
                                  std::to_string(kMaxBatch) + ")")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  AddonState* state = AddonState::Of(env);
  Napi::Float64Array call_args = info[0].As<Napi::Float64Array>();
  Napi::Float64Array slots = info[1].As<Napi::Float64Array>();
  Napi::BigInt64Array big_slots = info[2].As<Napi::BigInt64Array>();
  state->call_args_ref = Napi::Persistent(call_args);
  state->batch_slots_ref = Napi::Persistent(slots);
  state->big_type_slots_ref = Napi::Persistent(big_slots);
  state->call_args = call_args.Data();
  state->batch_slots = slots.Data();
  state->big_type_slots = big_slots.Data();
  return env.Undefined();
}

// stat(id) -> every field of struct msqid_ds; times in seconds, 0 for never
Napi::Value Stat(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id;
  if (!ArgInt(info, 0, "id", 0, kMaxId, &id)) return env.Undefined();
  struct msqid_ds ds {};
  if (msgctl(static_cast<int>(id), IPC_STAT, &ds) == -1) {
    errno_error::Throw(env, errno, "msgctl");
    return env.Undefined();
  }
  Napi::Object out = Napi::Object::New(env);
  out.Set("key", Napi::Number::New(env, static_cast<double>(ds.msg_perm.__key)));
  out.Set("uid", Napi::Number::New(env, ds.msg_perm.uid));
  out.Set("gid", Napi::Number::New(env, ds.msg_perm.gid));
  out.Set("cuid", Napi::Number::New(env, ds.msg_perm.cuid));
  out.Set("cgid", Napi::Number::New(env, ds.msg_perm.cgid));
  out.Set("mode", Napi::Number::New(env, ds.msg_perm.mode));
  out.Set("qnum", Napi::Number::New(env, static_cast<double>(ds.msg_qnum)));
  out.Set("qbytes", Napi::Number::New(env, static_cast<double>(ds.msg_qbytes)));
  out.Set("cbytes", Napi::Number::New(env, static_cast<double>(ds.__msg_cbytes)));
  out.Set("lspid", Napi::Number::New(env, ds.msg_lspid));
  out.Set("lrpid", Napi::Number::New(env, ds.msg_lrpid));
  out.Set("stime", TimeOrZero(env, ds.msg_stime));
  out.Set("rtime", TimeOrZero(env, ds.msg_rtime));
  out.Set("ctime", TimeOrZero(env, ds.msg_ctime));
  return out;
}

// set(id, uid, gid, mode, qbytes): -1 keeps a field as it is
Napi::Value Set(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id, uid, gid, mode, qbytes;
  if (!ArgInt(info, 0, "id", 0, kMaxId, &id) || !ArgInt(info, 1, "uid", -1, UINT32_MAX - 1, &uid) ||
      !ArgInt(info, 2, "gid", -1, UINT32_MAX - 1, &gid) || !ArgInt(info, 3, "mode", -1, 0777, &mode) ||
      !ArgInt(info, 4, "qbytes", -1, static_cast<int64_t>(ULONG_MAX > INT64_MAX ? INT64_MAX : ULONG_MAX),
              &qbytes)) {
    return env.Undefined();
  }
  struct msqid_ds ds {};
  if (msgctl(static_cast<int>(id), IPC_STAT, &ds) == -1) {
    errno_error::Throw(env, errno, "msgctl");
    return env.Undefined();
  }
  if (uid >= 0) ds.msg_perm.uid = static_cast<uid_t>(uid);
  if (gid >= 0) ds.msg_perm.gid = static_cast<gid_t>(gid);
  if (mode >= 0) ds.msg_perm.mode = static_cast<unsigned short>((ds.msg_perm.mode & ~0777) | mode);
  if (qbytes >= 0) ds.msg_qbytes = static_cast<msglen_t>(qbytes);
  if (msgctl(static_cast<int>(id), IPC_SET, &ds) == -1) {
    errno_error::Throw(env, errno, "msgctl");
  }
  return env.Undefined();
}

// remove(id): IPC_RMID
Napi::Value Remove(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id;
  if (!ArgInt(info, 0, "id", 0, kMaxId, &id)) return env.Undefined();
  if (msgctl(static_cast<int>(id), IPC_RMID, nullptr) == -1) {
    errno_error::Throw(env, errno, "msgctl");
  }
  return env.Undefined();
}

}  // namespace sysvmq
