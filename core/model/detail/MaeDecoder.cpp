#include "core/model/detail/MaeDecoder.h"

#include "core/model/detail/PatchOps.h"

#include <cmath>

namespace crowlingo::detail {

MaeDecoderImpl::MaeDecoderImpl(const ModelConfig& c)
{
    const std::int64_t dim = c.decoderDim;
    embed = register_module("embed", torch::nn::Linear(c.encoderDim, dim));
    mask_token = register_parameter("mask_token", torch::zeros({1, 1, dim}));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < c.decoderDepth; ++i)
        blocks->push_back(TransformerBlock(dim, c.decoderHeads, std::lround(c.mlpRatio * float(dim))));
    norm = register_module("norm", makeLayerNorm(dim));
    pred = register_module("pred", torch::nn::Linear(dim, c.patchValues()));
    pos_embed = register_buffer("pos_embed", sincosPosEmbed2d(dim, c.patchRows(), c.patchCols()));
}

torch::Tensor MaeDecoderImpl::forward(const torch::Tensor& latent, const torch::Tensor& restore,
                                      const torch::Tensor& keyPadding)
{
    auto x = embed->forward(latent);
    const std::int64_t b = x.size(0), visible = x.size(1), n = restore.size(1), dim = x.size(2);
    auto masks = mask_token.expand({b, n - visible, dim});
    x = torch::cat({x, masks}, 1);
    x = torch::gather(x, 1, restore.unsqueeze(-1).expand({-1, -1, dim}));
    x = x + pos_embed;
    for (std::size_t i = 0; i < blocks->size(); ++i)
        x = blocks[i]->as<TransformerBlockImpl>()->forward(x, keyPadding);
    return pred->forward(norm->forward(x));
}

} // namespace crowlingo::detail
