#include "core/model/detail/TransformerBlock.h"

namespace crowlingo::detail {

torch::nn::LayerNorm makeLayerNorm(std::int64_t dim)
{
    return torch::nn::LayerNorm(torch::nn::LayerNormOptions({dim}).eps(1e-6));
}

TransformerBlockImpl::TransformerBlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t mlpHidden)
{
    norm1 = register_module("norm1", makeLayerNorm(dim));
    attn = register_module("attn", Attention(dim, heads));
    norm2 = register_module("norm2", makeLayerNorm(dim));
    mlp = register_module("mlp", Mlp(dim, mlpHidden));
}

torch::Tensor TransformerBlockImpl::forward(const torch::Tensor& x, const torch::Tensor& keyPadding)
{
    auto y = x + attn->forward(norm1->forward(x), keyPadding);
    return y + mlp->forward(norm2->forward(y));
}

} // namespace crowlingo::detail
