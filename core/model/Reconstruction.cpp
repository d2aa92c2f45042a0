#include "core/model/Reconstruction.h"

#include "core/common/Error.h"
#include "core/model/detail/ModelImpl.h"
#include "core/model/detail/PatchOps.h"
#include "core/model/detail/WindowBatch.h"

#include <cmath>
#include <limits>

namespace crowlingo {

Reconstruction reconstruct(const Model& model, const Spectrogram& window, double maskRatio, std::uint64_t seed)
{
    const Model::Impl& m = model.impl();
    const ModelConfig& c = m.config;
    detail::checkClip(c, window, "reconstruct window");
    if (window.frames > c.frames)
        throw UsageError("cannot reconstruct window: " + std::to_string(window.frames)
                         + " frames exceed the model's window of " + std::to_string(c.frames));
    detail::hiddenPatchCount(c.patchCount(), maskRatio); // validates the ratio

    detail::applyThreadCount();
    c10::InferenceMode inference;

    const detail::WindowSpec spec{&window, 0, window.frames};
    const detail::WindowBatch wb = detail::makeWindowBatch(c, std::span(&spec, 1));
    at::Generator gen = at::detail::createCPUGenerator(seed);
    // The mask is drawn among the patches that hold signal, so that a 60-ms syllable (a single patch
    // column) is shown partly hidden, never all grey, and the trivial predictor always has cells to use.
    // Patches are shown in proportion to the frames of the clip they hold: a 20-frame call is one full
    // patch column and a sliver, and shown through the sliver alone it looked all grey.
    const detail::PatchMask mask = detail::signalPatchMasks(
        wb.valid, maskRatio, gen, m.device, detail::patchCoverage(window.frames, c.patch, c.patchRows(), c.patchCols()));
    const detail::MaeOutput out = m.network()->forward(wb.images.to(m.device), wb.valid.to(m.device), mask);

    torch::Tensor pred = out.pred.to(torch::kCPU);
    if (c.normPixLoss) {
        const torch::Tensor target = out.target.to(torch::kCPU);
        const auto mean = target.mean(-1, true);
        const auto var = target.var(-1, true, true);
        pred = pred * (var + 1e-6).sqrt() + mean;
    }
    // Back to the input's scale: add the visible band means the prediction is relative to, and the
    // window level (both 0 when the model does not use them).
    pred = pred + out.baseline.to(torch::kCPU) + out.level.to(torch::kCPU).view({-1, 1, 1});
    // [nMels, frames] normalised -> dB
    const torch::Tensor predImage =
        (detail::unpatchify(pred, c.patch, c.patchRows(), c.patchCols())[0] * c.normStd + c.normMean).contiguous();
    const torch::Tensor hidden = out.hidden.to(torch::kCPU).contiguous();
    const float* predDb = predImage.data_ptr<float>();
    const bool* hid = hidden.data_ptr<bool>();

    Reconstruction r;
    r.patchRows = c.patchRows();
    r.patchCols = c.patchCols();
    const int n = c.patchCount(), p = c.patch, frames = window.frames, bins = window.bins;
    r.patchMasked.assign(hid, hid + n);
    r.original = window;
    r.maskedInput = window;
    r.reconstruction = window;
    r.patchError = window;

    auto patchOf = [&](int t, int b) { return (b / p) * r.patchCols + t / p; };
    std::vector<double> errSum(std::size_t(n), 0.0);
    std::vector<int> errCount(std::size_t(n), 0);
    std::vector<double> binSum(std::size_t(bins), 0.0);
    std::vector<int> binCount(std::size_t(bins), 0);
    double visibleSum = 0;
    int visibleCount = 0;
    for (int t = 0; t < frames; ++t) {
        for (int b = 0; b < bins; ++b) {
            const int k = patchOf(t, b);
            const double truth = window.at(t, b);
            const double e = predDb[std::size_t(b) * c.frames + t] - truth;
            errSum[std::size_t(k)] += e * e;
            ++errCount[std::size_t(k)];
            if (r.patchMasked[std::size_t(k)]) {
                r.maskedInput.at(t, b) = std::numeric_limits<float>::quiet_NaN();
                r.reconstruction.at(t, b) = predDb[std::size_t(b) * c.frames + t];
            } else {
                binSum[std::size_t(b)] += truth;
                ++binCount[std::size_t(b)];
                visibleSum += truth;
                ++visibleCount;
            }
        }
    }

    double maskedSq = 0, trivialSq = 0;
    int maskedCells = 0;
    const double globalMean = visibleCount ? visibleSum / visibleCount : std::numeric_limits<double>::quiet_NaN();
    for (int t = 0; t < frames; ++t) {
        for (int b = 0; b < bins; ++b) {
            const int k = patchOf(t, b);
            r.patchError.at(t, b) = float(errSum[std::size_t(k)] / errCount[std::size_t(k)]);
            if (!r.patchMasked[std::size_t(k)])
                continue;
            const double truth = window.at(t, b);
            const double e = r.reconstruction.at(t, b) - truth;
            maskedSq += e * e;
            const double trivial = binCount[std::size_t(b)] ? binSum[std::size_t(b)] / binCount[std::size_t(b)] : globalMean;
            trivialSq += (trivial - truth) * (trivial - truth);
            ++maskedCells;
        }
    }
    r.maskedMse = maskedCells ? maskedSq / maskedCells : 0.0;
    r.trivialMse = maskedCells ? trivialSq / maskedCells : 0.0;
    if (maskedCells && !visibleCount)
        r.trivialMse = std::numeric_limits<double>::quiet_NaN();
    return r;
}

} // namespace crowlingo
