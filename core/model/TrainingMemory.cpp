#include "core/model/TrainingMemory.h"

#include "core/common/Error.h"
#include "core/common/SystemMemory.h"
#include "core/model/ModelTensors.h"

#include <algorithm>
#include <cmath>

namespace crowlingo {

namespace {

constexpr std::int64_t kFloat = 4;
constexpr std::int64_t kRuntimeBytes = 300'000'000; // LibTorch's own allocations and thread pools

// Floats one transformer block keeps per window for backward: layer norms, fused qkv and its
// per-head copies, attention scores before and after the mask and softmax, the MLP's hidden layer
// before and after GELU, residual sums.
double blockFloats(double tokens, double dim, double heads, double hidden)
{
    return tokens * (13.0 * dim + 2.0 * hidden) + 3.0 * heads * tokens * tokens;
}

} // namespace

TrainingMemory estimateTrainingMemory(const ModelConfig& c, double maskRatio)
{
    const double n = c.patchCount();
    const double visible = std::max(1.0, n - std::round(std::clamp(maskRatio, 0.0, 1.0) * n));
    const double p2 = c.patchValues();
    const double encHidden = std::lround(c.mlpRatio * float(c.encoderDim));
    const double decHidden = std::lround(c.mlpRatio * float(c.decoderDim));

    double floats = 8.0 * n * p2;                                      // input, targets, baseline, prediction, loss terms
    floats += 2.0 * n * c.encoderDim + 2.0 * visible * c.encoderDim;   // patch embedding (all patches), final norm
    floats += c.encoderDepth * blockFloats(visible, c.encoderDim, c.encoderHeads, encHidden);
    floats += 6.0 * n * c.decoderDim + n * p2;                         // embed, mask tokens, unshuffle, norm, head
    floats += c.decoderDepth * blockFloats(n, c.decoderDim, c.decoderHeads, decHidden);

    TrainingMemory m;
    m.perWindowBytes = std::int64_t(std::ceil(floats * kFloat));
    // The source model, its trained copy, gradients and AdamW's two moments.
    m.fixedBytes = kRuntimeBytes + 5 * modelParameterCount(c) * kFloat;
    return m;
}

int TrainingMemory::largestBatch(std::int64_t availableBytes) const
{
    if (availableBytes <= fixedBytes || perWindowBytes <= 0) return 0;
    return int(std::min<std::int64_t>((availableBytes - fixedBytes) / perWindowBytes, 1 << 30));
}

void checkTrainingMemory(const TrainingMemory& memory, int batch, std::int64_t availableBytes)
{
    if (availableBytes < 0) return;
    const std::int64_t needed = memory.bytes(batch);
    if (needed <= availableBytes) return;
    const int fits = memory.largestBatch(availableBytes);
    throw UsageError("cannot train with batch " + std::to_string(batch) + ": a training step needs about "
                     + memoryText(needed) + " of memory, and " + memoryText(availableBytes) + " is available; "
                     + (fits > 0 ? "a batch of at most " + std::to_string(fits) + " fits"
                                 : "free memory or train a smaller model"));
}

} // namespace crowlingo
