# The one error regime of every addon built with this file: this binding's
# (binding.gyp) and ledd's own (../binding.gyp). C++ exceptions are on, so
# node-addon-api reports a failed Node-API call by throwing Napi::Error, and
# its callbacks turn that into a JavaScript exception; plain Node-API
# callbacks (the queue's hot calls) and C callbacks (a thread-safe function's,
# libuv's) catch at their edge. A failed system call's error has one shape:
# include/errno_error.h.
{
  "target_defaults": {
    "include_dirs": ["<!(node -p \"require('node-addon-api').include_dir\")", "include"],
    "defines": ["NAPI_VERSION=8", "NODE_ADDON_API_DISABLE_DEPRECATED", "NODE_ADDON_API_CPP_EXCEPTIONS",
                "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS", "_GNU_SOURCE"],
    "cflags!": ["-fno-exceptions"],
    "cflags_cc!": ["-fno-exceptions"],
    "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-Wno-unused-parameter", "-Werror=return-type", "-O2"]
  }
}
