#include "sync_calls.h"

#include <sys/ipc.h>
#include <sys/msg.h>

#include <cerrno>
#include <climits>
#include <cmath>
#include <cstring>
#include <string>

#include "addon_state.h"
#include "args.h"
#include "errno_error.h"
#include "msg_type.h"

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
    ThrowErrno(env, errno, "msgget");
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
    ThrowErrno(env, errno, "ftok");
    return env.Undefined();
  }
  return Napi::Number::New(env, key);
}

// trySend(id, type, data, flags) -> true when sent, false when the queue is full
Napi::Value TrySend(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id, flags;
  long type;
  const uint8_t* data;
  size_t length;
  if (!ArgInt(info, 0, "id", 0, kMaxId, &id) || !ToMsgType(env, info[1], "message type", &type) ||
      !ArgBytes(info, 2, "data", &data, &length) || !ArgInt(info, 3, "flags", 0, INT_MAX, &flags)) {
    return env.Undefined();
  }
  MsgBuffer& buffer = AddonState::Of(env)->scratch;
  buffer.Fill(type, data, length);
  if (msgsnd(static_cast<int>(id), buffer.raw(), length, static_cast<int>(flags) | IPC_NOWAIT) == 0) {
    return Napi::Boolean::New(env, true);
  }
  int err = errno;
  if (err == EAGAIN) return Napi::Boolean::New(env, false);
  ThrowErrno(env, err, "msgsnd");
  return env.Undefined();
}

// tryReceive(id, type, maxBytes, flags, target: ArrayBuffer, offset, maxCount) -> how
// many messages were taken (0 when none matches). Messages (each its long type,
// then the payload) are received straight into `target`, the first at `offset`
// (a multiple of 8), each next one at the following multiple of 8, while there
// is room for maxBytes more: JavaScript hands out views of them, so there is no
// allocation and no call per message here. For message i, the slots bound with
// bindBatchSlots() get its payload length at [2i] and its type at [2i + 1], or
// NaN there and the type in the BigInt slot [i] when a double cannot hold it.
// An error after the first message ends the batch and stays for the next call,
// which meets it again (the message that gave E2BIG is still queued).
Napi::Value TryReceive(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id, max_bytes, flags, offset, max_count;
  long type;
  if (!ArgInt(info, 0, "id", 0, kMaxId, &id) || !ToMsgType(env, info[1], "message type", &type) ||
      !ArgInt(info, 2, "maxBytes", 0, kMaxPayload, &max_bytes) || !ArgInt(info, 3, "flags", 0, INT_MAX, &flags) ||
      !ArgInt(info, 5, "offset", 0, INT64_MAX, &offset) || !ArgInt(info, 6, "maxCount", 1, kMaxBatch, &max_count)) {
    return env.Undefined();
  }
  if (!info[4].IsArrayBuffer()) {
    Napi::TypeError::New(env, "target must be an ArrayBuffer").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  AddonState* state = AddonState::Of(env);
  if (state->batch_slots == nullptr) {
    Napi::Error::New(env, "bindBatchSlots() was not called").ThrowAsJavaScriptException();
    return env.Undefined();
  }
  void* target_data = nullptr;
  size_t target_length = 0;
  napi_get_arraybuffer_info(env, info[4], &target_data, &target_length);
  const uint64_t room = sizeof(long) + static_cast<uint64_t>(max_bytes);
  if (offset % kSlotAlign != 0 || static_cast<uint64_t>(offset) + room > target_length) {
    Napi::RangeError::New(env, "target has no room for maxBytes at offset (or offset is not aligned)")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  uint64_t at = static_cast<uint64_t>(offset);
  int64_t count = 0;
  while (count < max_count && at + room <= target_length) {
    char* raw = static_cast<char*>(target_data) + at;
    ssize_t received = msgrcv(static_cast<int>(id), raw, static_cast<size_t>(max_bytes), type,
                              static_cast<int>(flags) | IPC_NOWAIT);
    if (received < 0) {
      int err = errno;
      if (err != ENOMSG && count == 0) {
        ThrowErrno(env, err, "msgrcv");
        return env.Undefined();
      }
      break;
    }
    long got;
    std::memcpy(&got, raw, sizeof got);
    double as_double = static_cast<double>(got);
    bool exact = as_double >= -9007199254740991.0 && as_double <= 9007199254740991.0;
    state->batch_slots[2 * count] = static_cast<double>(received);
    state->batch_slots[2 * count + 1] = exact ? as_double : std::nan("");
    if (!exact) state->big_type_slots[count] = got;
    at += (sizeof(long) + static_cast<uint64_t>(received) + kSlotAlign - 1) & ~static_cast<uint64_t>(kSlotAlign - 1);
    ++count;
  }
  return Napi::Number::New(env, static_cast<double>(count));
}

// bindBatchSlots(Float64Array(2 * kMaxBatch), BigInt64Array(kMaxBatch))
Napi::Value BindBatchSlots(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 2 || !info[0].IsTypedArray() || !info[1].IsTypedArray() ||
      info[0].As<Napi::TypedArray>().TypedArrayType() != napi_float64_array ||
      info[1].As<Napi::TypedArray>().TypedArrayType() != napi_bigint64_array ||
      info[0].As<Napi::TypedArray>().ElementLength() < 2 * kMaxBatch ||
      info[1].As<Napi::TypedArray>().ElementLength() < kMaxBatch) {
    Napi::TypeError::New(env, "bindBatchSlots expects a Float64Array(2 * " + std::to_string(kMaxBatch) +
                                  ") and a BigInt64Array(" + std::to_string(kMaxBatch) + ")")
        .ThrowAsJavaScriptException();
    return env.Undefined();
  }
  AddonState* state = AddonState::Of(env);
  Napi::Float64Array slots = info[0].As<Napi::Float64Array>();
  Napi::BigInt64Array big_slots = info[1].As<Napi::BigInt64Array>();
  state->batch_slots_ref = Napi::Persistent(slots);
  state->big_type_slots_ref = Napi::Persistent(big_slots);
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
    ThrowErrno(env, errno, "msgctl");
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
    ThrowErrno(env, errno, "msgctl");
    return env.Undefined();
  }
  if (uid >= 0) ds.msg_perm.uid = static_cast<uid_t>(uid);
  if (gid >= 0) ds.msg_perm.gid = static_cast<gid_t>(gid);
  if (mode >= 0) ds.msg_perm.mode = static_cast<unsigned short>((ds.msg_perm.mode & ~0777) | mode);
  if (qbytes >= 0) ds.msg_qbytes = static_cast<msglen_t>(qbytes);
  if (msgctl(static_cast<int>(id), IPC_SET, &ds) == -1) {
    ThrowErrno(env, errno, "msgctl");
  }
  return env.Undefined();
}

// remove(id): IPC_RMID
Napi::Value Remove(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  int64_t id;
  if (!ArgInt(info, 0, "id", 0, kMaxId, &id)) return env.Undefined();
  if (msgctl(static_cast<int>(id), IPC_RMID, nullptr) == -1) {
    ThrowErrno(env, errno, "msgctl");
  }
  return env.Undefined();
}

}  // namespace sysvmq
