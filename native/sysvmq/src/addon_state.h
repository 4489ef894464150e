// Per-environment state: every main thread and worker that loads the addon
// gets its own, so a worker's teardown only touches its own jobs.
#pragma once

#include <napi.h>

#include <cstdint>
#include <memory>
#include <unordered_map>

#include "msg_buffer.h"

namespace sysvmq {

class BlockingJob;

struct AddonState {
  AddonState();
  ~AddonState();

  // Scratch for the synchronous calls, which all run on this env's thread.
  MsgBuffer scratch;

  // The numeric arguments of the hot calls (trySend, tryReceive,
  // tryReceiveInto), written by JavaScript into a bound Float64Array before
  // each call: reading a double from memory costs nothing, where each Node-API
  // argument conversion cost as much as a tenth of the system call.
  Napi::Reference<Napi::Float64Array> call_args_ref;
  double* call_args = nullptr;

  // Where tryReceive() reports each message's length and type without
  // allocating an object (see sync_calls.cc).
  Napi::Reference<Napi::Float64Array> batch_slots_ref;
  Napi::Reference<Napi::BigInt64Array> big_type_slots_ref;
  double* batch_slots = nullptr;
  int64_t* big_type_slots = nullptr;

  uint32_t next_job_id = 1;
  std::unordered_map<uint32_t, std::unique_ptr<BlockingJob>> jobs;

  static AddonState* Of(Napi::Env env) { return env.GetInstanceData<AddonState>(); }
};

}  // namespace sysvmq
