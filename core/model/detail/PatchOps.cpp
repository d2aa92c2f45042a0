#include "core/model/detail/PatchOps.h"

#include <algorithm>
#include <cmath>

#include "core/common/Error.h"

#include <cmath>
#include <string>

namespace crowlingo::detail {

torch::Tensor patchify(const torch::Tensor& imgs, std::int64_t p)
{
    const std::int64_t b = imgs.size(0), h = imgs.size(1), w = imgs.size(2);
    const std::int64_t rows = h / p, cols = w / p;
    return imgs.reshape({b, rows, p, cols, p}).permute({0, 1, 3, 2, 4}).reshape({b, rows * cols, p * p});
}

torch::Tensor unpatchify(const torch::Tensor& patches, std::int64_t p, std::int64_t rows, std::int64_t cols)
{
    const std::int64_t b = patches.size(0);
    return patches.reshape({b, rows, cols, p, p}).permute({0, 1, 3, 2, 4}).reshape({b, rows * p, cols * p});
}

torch::Tensor sincosPosEmbed2d(std::int64_t dim, std::int64_t rows, std::int64_t cols)
{
    const std::int64_t quarter = dim / 4;
    auto out = torch::empty({1, rows * cols, dim}, torch::kFloat32);
    auto a = out.accessor<float, 3>();
    for (std::int64_t r = 0; r < rows; ++r) {
        for (std::int64_t c = 0; c < cols; ++c) {
            const std::int64_t n = r * cols + c;
            for (std::int64_t k = 0; k < quarter; ++k) {
                const double omega = 1.0 / std::pow(10000.0, double(k) / double(quarter));
                a[0][n][k] = float(std::sin(double(r) * omega));
                a[0][n][quarter + k] = float(std::cos(double(r) * omega));
                a[0][n][2 * quarter + k] = float(std::sin(double(c) * omega));
                a[0][n][3 * quarter + k] = float(std::cos(double(c) * omega));
            }
        }
    }
    return out;
}

std::int64_t hiddenPatchCount(std::int64_t n, double ratio)
{
    if (!(ratio >= 0.30 - 1e-12 && ratio <= 0.80 + 1e-12))
        throw UsageError("mask ratio " + std::to_string(ratio) + " is outside the allowed range 0.30 to 0.80");
    return std::llround(ratio * double(n));
}

namespace {
// The mask that keeps, in each row, the keepCount patches with the smallest `order` values: their
// indices in that order, where each patch went, and which are hidden.
PatchMask maskFromOrder(const torch::Tensor& order, std::int64_t keepCount, torch::Device device)
{
    const torch::Tensor shuffle = torch::argsort(order, std::int64_t(1));
    const torch::Tensor restore = torch::argsort(shuffle, std::int64_t(1));
    PatchMask m;
    m.keep = shuffle.narrow(1, 0, keepCount).to(device);
    m.restore = restore.to(device);
    auto h = torch::ones(order.sizes(), torch::kBool);
    h.narrow(1, 0, keepCount).fill_(false);
    m.hidden = torch::gather(h, 1, restore).to(device);
    return m;
}
} // namespace

PatchMask randomPatchMask(std::int64_t batch, std::int64_t n, double ratio, at::Generator& gen, torch::Device device)
{
    const std::int64_t hidden = hiddenPatchCount(n, ratio);
    const std::int64_t keepCount = n - hidden;
    auto noise = torch::rand({batch, n}, gen, torch::TensorOptions().dtype(torch::kFloat32));
    return maskFromOrder(noise, keepCount, device); // ascending: the first keepCount stay visible
}

torch::Tensor patchCoverage(int frames, int patch, int rows, int cols)
{
    torch::Tensor c = torch::empty({1, std::int64_t(rows) * cols}, torch::kFloat32);
    float* out = c.data_ptr<float>();
    for (int r = 0; r < rows; ++r)
        for (int k = 0; k < cols; ++k)
            out[r * cols + k] = float(std::clamp(frames - k * patch, 0, patch)) / float(patch);
    return c;
}

PatchMask signalPatchMasks(const torch::Tensor& valid, double ratio, at::Generator& gen, torch::Device device,
                           const torch::Tensor& coverage)
{
    TORCH_CHECK(valid.dim() == 2, "signalPatchMasks: valid must be [B, n]");
    hiddenPatchCount(valid.size(1), ratio); // validates the ratio
    const torch::Tensor signal = valid.to(torch::kCPU);
    const std::int64_t b = signal.size(0), n = signal.size(1);
    const torch::Tensor v = signal.sum(1, /*keepdim=*/true);                 // [B, 1] int64
    const torch::Tensor wanted = (v.to(torch::kDouble) * ratio).round().to(torch::kLong);
    const torch::Tensor hidden = torch::where(v >= 2, torch::minimum(torch::maximum(wanted, torch::ones_like(v)), v - 1),
                                              torch::zeros_like(v));
    const torch::Tensor visibleCount = v - hidden;                           // [B, 1] signal patches shown
    torch::Tensor noise = torch::rand({b, n}, gen, torch::TensorOptions().dtype(torch::kFloat32));
    if (coverage.defined()) {
        // Efraimidis-Spirakis: with v = 1 - u uniform, the k largest v^(1/w) are a weighted sample
        // without replacement; the lowest keys are shown below, hence 1 - (1 - u)^(1/w), which is u
        // itself where w = 1 (kept exactly: a whole window gets training's mask for the same seed).
        const torch::Tensor w = coverage.to(torch::kCPU, torch::kFloat32).expand({b, n}).clamp_min(1e-3f);
        noise = torch::where(w < 1.0f, 1.0f - (1.0f - noise).pow(w.reciprocal()), noise);
    }
    const torch::Tensor padding = signal.logical_not();
    // Rank of each signal patch among its window's signal patches, in noise order.
    const torch::Tensor signalFirst = torch::argsort(noise + padding.to(torch::kFloat32) * 2.0, std::int64_t(1));
    const torch::Tensor rank = torch::argsort(signalFirst, std::int64_t(1));
    const torch::Tensor shownSignal = signal.logical_and(rank < visibleCount);
    // Order: shown signal patches, then padding, then hidden signal patches.
    const torch::Tensor key = noise + torch::where(shownSignal, torch::zeros_like(noise),
                                                   torch::where(padding, torch::ones_like(noise), torch::full_like(noise, 2.0)));
    return maskFromOrder(key, std::max<std::int64_t>(visibleCount.max().item<std::int64_t>(), 1), device);
}

torch::Tensor normalisePatches(const torch::Tensor& target)
{
    auto mean = target.mean(-1, true);
    auto var = target.var(-1, /*unbiased=*/true, /*keepdim=*/true);
    return (target - mean) / (var + 1e-6).sqrt();
}

torch::Tensor maskedPatchLoss(const torch::Tensor& pred, const torch::Tensor& target, const torch::Tensor& weight,
                              bool normPix)
{
    const torch::Tensor t = normPix ? normalisePatches(target) : target;
    auto perPatch = (pred - t).pow(2).mean(-1); // [B, N]
    auto w = weight.to(perPatch.scalar_type());
    return (perPatch * w).sum() / w.sum().clamp_min(1.0);
}

} // namespace crowlingo::detail
