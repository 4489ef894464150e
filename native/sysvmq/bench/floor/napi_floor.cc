// The least a call from JavaScript into msgsnd(2)/msgrcv(2) can cost through
// Node-API: no argument checks, no errors, no Buffer, one static message. Not
// part of ledd; `npm run bench -- queue-sync` measures it beside our binding
// to show how much of the gap to C is the Node-API call itself.
#include <node_api.h>
#include <sys/ipc.h>
#include <sys/msg.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace {

struct {
  long type;
  char text[65536];
} message;

int QueueId(napi_env env, napi_value value) {
  int32_t id = 0;
  napi_get_value_int32(env, value, &id);
  return id;
}

// send(id, data: Uint8Array) -> 0 or -1
napi_value Send(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  void* data = nullptr;
  size_t length = 0;
  napi_get_typedarray_info(env, argv[1], nullptr, &length, &data, nullptr, nullptr);
  message.type = 1;
  std::memcpy(message.text, data, length);
  long result = syscall(SYS_msgsnd, QueueId(env, argv[0]), &message, length, IPC_NOWAIT);
  napi_value out;
  napi_create_int32(env, static_cast<int32_t>(result), &out);
  return out;
}

// receive(id) -> payload length or -1; the payload stays in the static message
napi_value Receive(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  long result = syscall(SYS_msgrcv, QueueId(env, argv[0]), &message, sizeof message.text, 0L, IPC_NOWAIT);
  napi_value out;
  napi_create_int32(env, static_cast<int32_t>(result), &out);
  return out;
}

napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor functions[] = {
      {"send", nullptr, Send, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"receive", nullptr, Receive, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 2, functions);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
