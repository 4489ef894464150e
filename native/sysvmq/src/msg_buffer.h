// A `struct msgbuf` of variable payload size: the `long` type followed by the
// bytes, kept aligned for `long` as msgsnd(2)/msgrcv(2) expect.
#pragma once

#include <cstddef>
#include <cstring>
#include <vector>

namespace sysvmq {

class MsgBuffer {
 public:
  void EnsurePayload(size_t bytes) {
    size_t words = 1 + (bytes + sizeof(long) - 1) / sizeof(long);
    if (words_.size() < words) words_.resize(words);
  }
  void Fill(long type, const void* data, size_t bytes) {
    EnsurePayload(bytes);
    words_[0] = type;
    if (bytes > 0) std::memcpy(payload(), data, bytes);
  }
  long type() const { return words_.empty() ? 0 : words_[0]; }
  char* payload() { return reinterpret_cast<char*>(words_.data() + 1); }
  void* raw() { return words_.data(); }

 private:
  std::vector<long> words_;
};

}  // namespace sysvmq
