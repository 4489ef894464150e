{
  "includes": ["addon.gypi"],
  "targets": [
    {
      "target_name": "sysv_mq",
      "sources": [
        "src/addon.cc",
        "src/msg_type.cc",
        "src/sync_calls.cc",
        "src/blocking_job.cc",
        "src/waiter_pool.cc",
        "src/cancel_signal.cc"
      ],
      "ldflags": ["-pthread"]
    }
  ]
}
