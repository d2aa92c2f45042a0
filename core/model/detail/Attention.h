#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// Multi-head self-attention with a fused qkv projection and a key padding mask.
#include <torch/torch.h>

namespace crowlingo::detail {

struct AttentionImpl : torch::nn::Module {
    AttentionImpl(std::int64_t dim, std::int64_t heads);
    // x [B, L, D]; keyPadding [B, L] bool (true = no signal: never attended) or undefined.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& keyPadding);

    std::int64_t heads;
    torch::nn::Linear qkv{nullptr};
    torch::nn::Linear proj{nullptr};
};
TORCH_MODULE(Attention);

} // namespace crowlingo::detail
