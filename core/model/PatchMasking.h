#pragma once
// The masking and the loss that training uses, exposed without torch (for tests, tools and docs):
// per-sample random masking of exactly round(ratio * N) patches and the MSE over hidden patches.
// These are training's masks for windows whose patches all hold signal; for a shorter clip
// training draws them among its signal patches only (detail::signalPatchMasks).
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
    // Training's masks for windows of which only some patches hold signal (signal[i][k]: patch k of
    // window i does): round(ratio * V) of each window's V signal patches hidden, at least one and
    // (V >= 2) not all. Padding patches are hidden except those that fill up the batch's kept list
    // (they hold nothing: attention ignores them and the loss skips them).
    static std::vector<std::vector<bool>> amongSignal(const std::vector<std::vector<bool>>& signal, double ratio,
                                                      std::uint64_t seed);
    // Training loss of one sample: prediction/target hold hidden.size() patches x valuesPerPatch
    // values; mean over hidden patches of their mean squared error (target normalised per patch
    // first when normPix). 0 when nothing is hidden.
    static double maskedMse(std::span<const float> prediction, std::span<const float> target,
                            const std::vector<bool>& hidden, int valuesPerPatch, bool normPix = false);
};

} // namespace crowlingo
