# The bare Node-API floor of `npm run bench -- queue-sync` (napi_floor.cc):
# built by `npm run bench` only, never by `npm ci` nor into the package.
{
  "targets": [
    {
      "target_name": "napi_floor",
      "sources": ["napi_floor.cc"],
      "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2"]
    }
  ]
}
