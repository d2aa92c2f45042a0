#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// A pre-norm ViT block: x + attn(norm1(x)), then x + mlp(norm2(x)).
#include "core/model/detail/Attention.h"
#include "core/model/detail/Mlp.h"

#include <torch/torch.h>

namespace crowlingo::detail {

struct TransformerBlockImpl : torch::nn::Module {
    TransformerBlockImpl(std::int64_t dim, std::int64_t heads, std::int64_t mlpHidden);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& keyPadding);

    torch::nn::LayerNorm norm1{nullptr};
    Attention attn{nullptr};
    torch::nn::LayerNorm norm2{nullptr};
    Mlp mlp{nullptr};
};
TORCH_MODULE(TransformerBlock);

// LayerNorm with MAE's epsilon.
torch::nn::LayerNorm makeLayerNorm(std::int64_t dim);

} // namespace crowlingo::detail
