#include "core/model/detail/ContrastiveViews.h"

#include <cmath>
#include <limits>

namespace crowlingo::detail {

torch::Tensor augmentedView(const torch::Tensor& imgs, const ModelConfig& c, const ContrastiveAugmentation& aug,
                            at::Generator& gen)
{
    const std::int64_t b = imgs.size(0), mels = imgs.size(1), frames = imgs.size(2);
    torch::Tensor x = imgs;
    if (aug.maxMix > 0 && b > 1) {
        // Natural-log power per normalised unit: power = exp(k * value) up to a constant factor.
        const double k = double(c.normStd) * std::log(10.0) / 10.0;
        const torch::Tensor partner = imgs.index_select(0, torch::randperm(b, gen, torch::TensorOptions().dtype(torch::kLong)));
        const torch::Tensor level = imgs.mean({1, 2}, true);
        const torch::Tensor levelled = partner - partner.mean({1, 2}, true) + level;
        const torch::Tensor lambda = torch::rand({b, 1, 1}, gen, imgs.options()) * aug.maxMix;
        x = torch::logaddexp(torch::log1p(-lambda) + k * x, torch::log(lambda.clamp_min(1e-6)) + k * levelled) / k;
    }
    if (aug.maxBinShift > 0) {
        const torch::Tensor shift = torch::randint(-aug.maxBinShift, aug.maxBinShift + 1, {b, 1, 1}, gen,
                                                   torch::TensorOptions().dtype(torch::kLong));
        // Bin m takes bin m - shift; the edge bins repeat where the shift runs off the window.
        const torch::Tensor index = (torch::arange(mels, torch::kLong).view({1, mels, 1}) - shift)
                                        .clamp(0, mels - 1)
                                        .expand({b, mels, frames})
                                        .to(x.device());
        x = torch::gather(x, 1, index);
    }
    return x;
}

torch::Tensor pooledVisibleTokens(const torch::Tensor& latent, const torch::Tensor& keep, const torch::Tensor& valid,
                                  std::int64_t cols, std::int64_t rows, bool keepRows)
{
    const std::int64_t groups = keepRows ? rows : 1;
    const torch::Tensor use = torch::gather(valid, 1, keep).to(latent.scalar_type()).unsqueeze(-1); // [B, L, 1]
    const torch::Tensor group = keepRows ? torch::floor_divide(keep, cols) : torch::zeros_like(keep);
    const torch::Tensor member = torch::one_hot(group, groups).to(latent.scalar_type()) * use;     // [B, L, G]
    const torch::Tensor sum = member.transpose(1, 2).bmm(latent);                                   // [B, G, D]
    const torch::Tensor count = member.sum(1).unsqueeze(-1).clamp_min(1.0);                        // [B, G, 1]
    return (sum / count).reshape({latent.size(0), -1});
}

torch::Tensor infoNceLoss(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& sameSource,
                          double temperature)
{
    const std::int64_t n = a.size(0);
    if (n < 2)
        return torch::zeros({}, a.options());
    namespace F = torch::nn::functional;
    const auto unit = F::NormalizeFuncOptions().dim(1);
    torch::Tensor logits = F::normalize(a, unit).matmul(F::normalize(b, unit).t()) / temperature;
    const torch::Tensor eye = torch::eye(n, torch::TensorOptions().dtype(torch::kBool).device(a.device()));
    logits = logits.masked_fill(sameSource.logical_and(eye.logical_not()), -std::numeric_limits<float>::infinity());
    const torch::Tensor target = torch::arange(n, torch::TensorOptions().dtype(torch::kLong).device(a.device()));
    return 0.5 * (F::cross_entropy(logits, target) + F::cross_entropy(logits.t(), target));
}

} // namespace crowlingo::detail
