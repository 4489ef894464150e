# ledd's addons. One error regime for all of them (target_defaults): C++
# exceptions on, so node-addon-api reports a failed Node-API call by throwing
# Napi::Error, and its callbacks turn that into a JavaScript exception; the
# plain Node-API callbacks (the queue's hot calls) and C callbacks (a
# thread-safe function's, libuv's) catch at their edge. A failed system call's
# error has one shape, native/common/errno_error.h.
# The bare Node-API floor of the queue benchmark is not here: native/floor/
# has its own binding.gyp, built by `npm run bench` only.
{
  "includes": ["src/gpiod2/gpiod2.gypi"],
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "common"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_ADDON_API_CPP_EXCEPTIONS",
                "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "_GNU_SOURCE"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror=return-type", "-O2"]
  },
  "targets": [
    {
      "target_name": "sysv_mq",
      "sources": [
        "src/addon.cc",
        "src/msg_type.cc",
        "src/sync_calls.cc",
        "src/blocking_job.cc",
        "src/waiter_pool.cc",
        "src/cancel_signal.cc",
        "common/errno_error.cc"
      ],
      "ldflags": ["-pthread"]
    },
    {
      "target_name": "edge_timer",
      "sources": ["src/edge_timer/edge_timer.cc", "common/errno_error.cc"]
    }
  ]
}
