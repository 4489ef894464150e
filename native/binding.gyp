{
  "includes": ["src/gpiod2/gpiod2.gypi"],
  "targets": [
    {
      "target_name": "sysv_mq",
      "sources": [
        "src/addon.cc",
        "src/errno_error.cc",
        "src/msg_type.cc",
        "src/sync_calls.cc",
        "src/blocking_job.cc",
        "src/cancel_signal.cc"
      ],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "_GNU_SOURCE"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror=return-type", "-O2"],
      "ldflags": ["-pthread"]
    },
    {
      "target_name": "edge_timer",
      "sources": ["src/edge_timer/edge_timer.cc"],
      "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")"],
      "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror=return-type", "-O2"]
    },
    {
      "target_name": "napi_floor",
      "sources": ["floor/napi_floor.cc"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
