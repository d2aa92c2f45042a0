#include "core/model/PatchMasking.h"

#include "core/common/Error.h"
#include "core/model/detail/PatchOps.h"

#include <string>

namespace crowlingo {

int PatchMasking::hiddenCount(int patches, double ratio)
{
    return int(detail::hiddenPatchCount(patches, ratio));
}

namespace {
// A [B, n] bool tensor as B rows of n flags.
std::vector<std::vector<bool>> rowsOf(const torch::Tensor& flags)
{
    const torch::Tensor h = flags.to(torch::kCPU).contiguous();
    const std::size_t rows = std::size_t(h.size(0)), n = std::size_t(h.size(1));
    const bool* p = h.data_ptr<bool>();
    std::vector<std::vector<bool>> out(rows);
    for (std::size_t i = 0; i < rows; ++i)
        out[i].assign(p + i * n, p + (i + 1) * n);
    return out;
}
} // namespace

std::vector<std::vector<bool>> PatchMasking::random(int batch, int patches, double ratio, std::uint64_t seed)
{
    if (batch < 1 || patches < 1)
        throw UsageError("cannot draw patch masks: batch and patch count must be positive");
    at::Generator gen = at::detail::createCPUGenerator(seed);
    return rowsOf(detail::randomPatchMask(batch, patches, ratio, gen).hidden);
}

std::vector<std::vector<bool>> PatchMasking::amongSignal(const std::vector<std::vector<bool>>& signal, double ratio,
                                                          std::uint64_t seed)
{
    if (signal.empty() || signal.front().empty())
        throw UsageError("cannot draw patch masks: batch and patch count must be positive");
    const std::size_t n = signal.front().size();
    torch::Tensor valid = torch::zeros({std::int64_t(signal.size()), std::int64_t(n)}, torch::kBool);
    for (std::size_t i = 0; i < signal.size(); ++i) {
        if (signal[i].size() != n)
            throw UsageError("cannot draw patch masks: every window needs the same number of patches");
        for (std::size_t k = 0; k < n; ++k)
            valid[std::int64_t(i)][std::int64_t(k)] = bool(signal[i][k]);
    }
    at::Generator gen = at::detail::createCPUGenerator(seed);
    return rowsOf(detail::signalPatchMasks(valid, ratio, gen).hidden);
}

double PatchMasking::maskedMse(std::span<const float> prediction, std::span<const float> target,
                               const std::vector<bool>& hidden, int valuesPerPatch, bool normPix)
{
    const std::size_t n = hidden.size();
    if (valuesPerPatch < 1 || prediction.size() != n * std::size_t(valuesPerPatch) || target.size() != prediction.size())
        throw UsageError("cannot compute masked MSE: expected " + std::to_string(n) + " patches x "
                         + std::to_string(valuesPerPatch) + " values in prediction and target");
    torch::NoGradGuard noGrad;
    const auto opts = torch::TensorOptions().dtype(torch::kFloat32);
    const std::int64_t np = std::int64_t(n), v = valuesPerPatch;
    const torch::Tensor pred = torch::from_blob(const_cast<float*>(prediction.data()), {1, np, v}, opts).clone();
    const torch::Tensor tgt = torch::from_blob(const_cast<float*>(target.data()), {1, np, v}, opts).clone();
    torch::Tensor w = torch::zeros({1, np}, torch::kBool);
    for (std::size_t i = 0; i < n; ++i)
        if (hidden[i])
            w[0][std::int64_t(i)] = true;
    return detail::maskedPatchLoss(pred, tgt, w, normPix).item<double>();
}

} // namespace crowlingo
