# The libgpiod 2.x binding (native/src/gpiod2/), included by native/binding.gyp
# (it takes the target_defaults of native/sysvmq/addon.gypi). Built only where pkg-config reports
# libgpiod 2.x (Raspberry Pi OS / Debian trixie); where it reports 1.x,
# node-libgpiod drives the line instead. The install check
# (native/check-gpio-build.mjs) fails when the binding that applies was not built.
{
  "variables": {
    "libgpiod_major%": "<!(pkg-config --modversion libgpiod 2>/dev/null | cut -d. -f1)"
  },
  "conditions": [
    ["libgpiod_major==2", {
      "targets": [
        {
          "target_name": "gpiod2",
          "sources": [
            "addon.cc",
            "arguments.cc",
            "chip.cc",
            "line_request.cc",
            "output_request.cc"
          ],
          "cflags_cc": ["<!@(pkg-config --cflags libgpiod)"],
          "libraries": ["<!@(pkg-config --libs libgpiod)"]
        }
      ]
    }]
  ]
}
