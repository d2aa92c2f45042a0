#pragma once
// The memory a training step needs, estimated from the model config and the batch size, so that
// a batch that cannot fit is refused before training starts, saying how much it needs and how
// much there is (a batch of 4096 on the default model needs about 19 GB), instead of ending in an
// allocation failure half-way through a step.
//
//   TrainingMemory m = estimateTrainingMemory(model.config(), 0.8);
//   checkTrainingMemory(m, 4096, availableMemoryBytes());   // UsageError if it does not fit
//
// Threading: plain functions.
#include "core/model/ModelConfig.h"

#include <cstdint>

namespace crowlingo {

struct TrainingMemory {
    std::int64_t fixedBytes = 0;     // weights (source and trained copy), gradients, AdamW moments, runtime
    std::int64_t perWindowBytes = 0; // activations kept for the backward pass, per window of the batch
    std::int64_t bytes(int batch) const { return fixedBytes + perWindowBytes * std::int64_t(batch); }
    int largestBatch(std::int64_t availableBytes) const; // 0 when not even one window fits
};

// Counts the tensors the forward pass keeps for backward (attention scores included). An estimate
// on the safe side: for the default model it is 15-30 % above the peak resident memory measured
// over two training steps (batch 64: 546 MB measured, 692 MB estimated; batch 256: 1336 / 1554 MB).
TrainingMemory estimateTrainingMemory(const ModelConfig& config, double maskRatio);

// Throws UsageError when a step of `batch` windows needs more than availableBytes; no check when
// availableBytes < 0 (unknown).
void checkTrainingMemory(const TrainingMemory& memory, int batch, std::int64_t availableBytes);

} // namespace crowlingo
