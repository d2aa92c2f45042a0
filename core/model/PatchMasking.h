#pragma once
// The masking and the loss that training uses, exposed without torch (for tests, tools and docs):
// per-sample random masking of exactly round(ratio * N) patches and the MSE over hidden patches.
//
//   auto masks = PatchMasking::random(/*batch=*/4, /*patches=*/64, 0.75, /*seed=*/1);  // 48 true each
//   double loss = PatchMasking::maskedMse(pred, target, masks[0], /*valuesPerPatch=*/256);
//
// Threading: stateless; may be called from any thread.
#include <cstdint>
#include <span>
#include <vector>

namespace crowlingo {

class PatchMasking {
public:
    static constexpr double minRatio = 0.30;
    static constexpr double maxRatio = 0.80;

    // round(ratio * patches); UsageError unless minRatio <= ratio <= maxRatio.
    static int hiddenCount(int patches, double ratio);
    // One mask per sample (true = hidden), drawn from a generator seeded with `seed`.
    static std::vector<std::vector<bool>> random(int batch, int patches, double ratio, std::uint64_t seed);
    // Training loss of one sample: prediction/target hold hidden.size() patches x valuesPerPatch
    // values; mean over hidden patches of their mean squared error (target normalised per patch
    // first when normPix). 0 when nothing is hidden.
    static double maskedMse(std::span<const float> prediction, std::span<const float> target,
                            const std::vector<bool>& hidden, int valuesPerPatch, bool normPix = false);
};

} // namespace crowlingo
