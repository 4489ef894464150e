# ledd's own addons: the timer of the patterns' edges, and the libgpiod 2.x
# binding (src/gpiod2/gpiod2.gypi). They take the queue binding's error
# regime and errno error shape (sysvmq/addon.gypi), which ledd's addons share
# with it; the queue binding itself is the workspace native/sysvmq/.
{
  "includes": ["sysvmq/addon.gypi", "src/gpiod2/gpiod2.gypi"],
  "targets": [
    {
      "target_name": "edge_timer",
      "sources": ["src/edge_timer/edge_timer.cc"]
    }
  ]
}
