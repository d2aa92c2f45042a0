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

PatchMask randomPatchMask(std::int64_t batch, std::int64_t n, double ratio, at::Generator& gen, torch::Device device)
{
    const std::int64_t hidden = hiddenPatchCount(n, ratio);
    const std::int64_t keepCount = n - hidden;
    auto noise = torch::rand({batch, n}, gen, torch::TensorOptions().dtype(torch::kFloat32));
    auto shuffle = torch::argsort(noise, std::int64_t(1)); // ascending: the first keepCount stay visible
    auto restore = torch::argsort(shuffle, std::int64_t(1));
    PatchMask m;
    m.keep = shuffle.narrow(1, 0, keepCount).to(device);
    m.restore = restore.to(device);
    auto h = torch::ones({batch, n}, torch::kBool);
    h.narrow(1, 0, keepCount).fill_(false);
    m.hidden = torch::gather(h, 1, restore).to(device);
    return m;
}

PatchMask signalPatchMask(const torch::Tensor& valid, double ratio, at::Generator& gen, torch::Device device)
{
    TORCH_CHECK(valid.dim() == 2 && valid.size(0) == 1, "signalPatchMask: one window at a time");
    hiddenPatchCount(valid.size(1), ratio); // validates the ratio
    const torch::Tensor signal = valid.to(torch::kCPU);
    const std::int64_t n = signal.size(1), v = signal.sum().item<std::int64_t>();
    std::int64_t hidden = std::llround(ratio * double(v));
    if (v >= 2)
        hidden = std::clamp<std::int64_t>(hidden, 1, v - 1);
    const std::int64_t keepCount = std::max<std::int64_t>(v - hidden, v > 0 ? 1 : 0);
    // Signal patches draw from [0, 1), padding from [2, 3): padding always sorts after signal.
    const torch::Tensor noise = torch::rand({1, n}, gen, torch::TensorOptions().dtype(torch::kFloat32))
                                + signal.logical_not().to(torch::kFloat32) * 2.0;
    const torch::Tensor shuffle = torch::argsort(noise, std::int64_t(1));
    const torch::Tensor restore = torch::argsort(shuffle, std::int64_t(1));
    PatchMask m;
    m.keep = shuffle.narrow(1, 0, keepCount).to(device);
    m.restore = restore.to(device);
    auto h = torch::ones({1, n}, torch::kBool);
    h.narrow(1, 0, keepCount).fill_(false);
    m.hidden = torch::gather(h, 1, restore).to(device);
    return m;
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
