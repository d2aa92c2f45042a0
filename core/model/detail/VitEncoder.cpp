#include "core/model/detail/VitEncoder.h"

#include "core/model/detail/PatchOps.h"

#include <algorithm>
#include <cmath>

namespace crowlingo::detail {

VitEncoderImpl::VitEncoderImpl(const ModelConfig& c)
{
    const std::int64_t dim = c.encoderDim;
    patch_embed = register_module("patch_embed", torch::nn::Linear(c.patchValues(), dim));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < c.encoderDepth; ++i)
        blocks->push_back(TransformerBlock(dim, c.encoderHeads, std::lround(c.mlpRatio * float(dim))));
    norm = register_module("norm", makeLayerNorm(dim));
    pos_embed = register_buffer("pos_embed", sincosPosEmbed2d(dim, c.patchRows(), c.patchCols()));
}

torch::Tensor VitEncoderImpl::forward(const torch::Tensor& patches, const torch::Tensor& keep,
                                      const torch::Tensor& keyPadding, int layer)
{
    auto x = patch_embed->forward(patches) + pos_embed;
    if (keep.defined())
        x = torch::gather(x, 1, keep.unsqueeze(-1).expand({-1, -1, x.size(2)}));
    for (std::size_t i = 0; i < blocks->size(); ++i) {
        x = blocks[i]->as<TransformerBlockImpl>()->forward(x, keyPadding);
        if (int(i) == layer)
            return x;
    }
    return norm->forward(x);
}

} // namespace crowlingo::detail

namespace crowlingo::detail {

std::vector<torch::Tensor> VitEncoderImpl::layerOutputs(const torch::Tensor& patches, const torch::Tensor& keyPadding,
                                                        const std::vector<int>& layers, const torch::Tensor& positions)
{
    const int depth = int(blocks->size());
    int deepest = 0;
    for (int layer : layers)
        deepest = std::max(deepest, layer < 0 ? depth : layer + 1);
    std::vector<torch::Tensor> after(std::size_t(depth) + 1); // after[i]: output of block i-1
    auto x = patch_embed->forward(patches) + (positions.defined() ? pos_embed.index_select(1, positions) : pos_embed);
    for (int i = 0; i < deepest; ++i) {
        x = blocks[std::size_t(i)]->as<TransformerBlockImpl>()->forward(x, keyPadding);
        after[std::size_t(i) + 1] = x;
    }
    std::vector<torch::Tensor> out;
    for (int layer : layers)
        out.push_back(layer < 0 ? norm->forward(after[std::size_t(depth)]) : after[std::size_t(layer) + 1]);
    return out;
}

} // namespace crowlingo::detail
