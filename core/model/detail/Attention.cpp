#include "core/model/detail/Attention.h"

#include <cmath>

namespace crowlingo::detail {

AttentionImpl::AttentionImpl(std::int64_t dim, std::int64_t heads_)
    : heads(heads_)
{
    qkv = register_module("qkv", torch::nn::Linear(torch::nn::LinearOptions(dim, 3 * dim).bias(true)));
    proj = register_module("proj", torch::nn::Linear(dim, dim));
}

torch::Tensor AttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& keyPadding)
{
    const std::int64_t b = x.size(0), l = x.size(1), d = x.size(2), hd = d / heads;
    auto t = qkv->forward(x).reshape({b, l, 3, heads, hd}).permute({2, 0, 3, 1, 4}); // [3, B, H, L, hd]
    auto q = t[0], k = t[1], v = t[2];
    auto scores = torch::matmul(q, k.transpose(-2, -1)) * (1.0 / std::sqrt(double(hd)));
    if (keyPadding.defined()) {
        // A large finite value rather than -inf: softmax gives the padded keys a weight of exactly 0
        // whenever one real key exists, and stays finite (uniform) for an all-padding row, whose
        // output is never used, instead of producing NaN.
        scores = scores.masked_fill(keyPadding.view({b, 1, 1, l}), -1e30f);
    }
    auto attn = torch::softmax(scores, -1);
    auto out = torch::matmul(attn, v).transpose(1, 2).reshape({b, l, d});
    return proj->forward(out);
}

} // namespace crowlingo::detail
