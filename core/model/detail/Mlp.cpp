#include "core/model/detail/Mlp.h"

namespace crowlingo::detail {

MlpImpl::MlpImpl(std::int64_t dim, std::int64_t hidden)
{
    fc1 = register_module("fc1", torch::nn::Linear(dim, hidden));
    fc2 = register_module("fc2", torch::nn::Linear(hidden, dim));
}

torch::Tensor MlpImpl::forward(const torch::Tensor& x)
{
    return fc2->forward(torch::gelu(fc1->forward(x)));
}

} // namespace crowlingo::detail
