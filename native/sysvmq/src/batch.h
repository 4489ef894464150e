// Most messages one receive takes at once: tryReceive()'s maxCount and a
// blocking receive's batchMax. binding.ts reads it as constants.MAX_BATCH.
#pragma once

#include <cstdint>

namespace sysvmq {

constexpr int64_t kMaxBatch = 4096;

}  // namespace sysvmq
