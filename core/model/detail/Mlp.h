#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// The transformer MLP: Linear -> GELU (exact, erf) -> Linear.
#include <torch/torch.h>

namespace crowlingo::detail {

struct MlpImpl : torch::nn::Module {
    MlpImpl(std::int64_t dim, std::int64_t hidden);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::Linear fc1{nullptr};
    torch::nn::Linear fc2{nullptr};
};
TORCH_MODULE(Mlp);

} // namespace crowlingo::detail
