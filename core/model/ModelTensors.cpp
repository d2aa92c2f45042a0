#include "core/model/ModelTensors.h"

#include "core/common/Error.h"

#include <cmath>

namespace crowlingo {

namespace {

using Shape = std::vector<std::int64_t>;

std::string shapeText(const Shape& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

void addLinear(TensorShapes& out, const std::string& name, std::int64_t in, std::int64_t outDim)
{
    out[name + ".weight"] = {outDim, in};
    out[name + ".bias"] = {outDim};
}

void addLayerNorm(TensorShapes& out, const std::string& name, std::int64_t dim)
{
    out[name + ".weight"] = {dim};
    out[name + ".bias"] = {dim};
}

// detail::TransformerBlock: pre-norm attention (fused qkv) and MLP.
void addBlocks(TensorShapes& out, const std::string& prefix, int depth, std::int64_t dim, float mlpRatio)
{
    const std::int64_t hidden = std::lround(mlpRatio * float(dim));
    for (int i = 0; i < depth; ++i) {
        const std::string b = prefix + ".blocks." + std::to_string(i) + ".";
        addLayerNorm(out, b + "norm1", dim);
        addLinear(out, b + "attn.qkv", dim, 3 * dim);
        addLinear(out, b + "attn.proj", dim, dim);
        addLayerNorm(out, b + "norm2", dim);
        addLinear(out, b + "mlp.fc1", dim, hidden);
        addLinear(out, b + "mlp.fc2", hidden, dim);
    }
}

} // namespace

TensorShapes modelTensorShapes(const ModelConfig& c)
{
    TensorShapes out;
    addLinear(out, "encoder.patch_embed", c.patchValues(), c.encoderDim);
    addBlocks(out, "encoder", c.encoderDepth, c.encoderDim, c.mlpRatio);
    addLayerNorm(out, "encoder.norm", c.encoderDim);
    addLinear(out, "decoder.embed", c.encoderDim, c.decoderDim);
    out["decoder.mask_token"] = {1, 1, c.decoderDim};
    addBlocks(out, "decoder", c.decoderDepth, c.decoderDim, c.mlpRatio);
    addLayerNorm(out, "decoder.norm", c.decoderDim);
    addLinear(out, "decoder.pred", c.decoderDim, c.patchValues());
    return out;
}

std::int64_t modelParameterCount(const ModelConfig& config)
{
    std::int64_t n = 0;
    for (const auto& [name, shape] : modelTensorShapes(config)) {
        std::int64_t count = 1;
        for (std::int64_t d : shape) count *= d;
        n += count;
    }
    return n;
}

void checkModelWeights(const ModelConfig& config, const SafeTensors& weights, const std::filesystem::path& file,
                       const std::string& prefix)
{
    auto fail = [&](const std::string& why) { return ModelError(fileError("load weights", file, why)); };
    const TensorShapes shapes = modelTensorShapes(config);
    for (const auto& [name, shape] : shapes) {
        const auto it = weights.tensors.find(prefix + name);
        if (it == weights.tensors.end())
            throw fail("missing tensor \"" + prefix + name + "\" (the config needs it)");
        if (it->second.shape != shape)
            throw fail("tensor \"" + prefix + name + "\" has shape " + shapeText(it->second.shape) + " but the config needs "
                       + shapeText(shape));
        std::size_t bad = 0;
        for (float v : it->second.values) bad += !std::isfinite(v);
        if (bad)
            throw fail("tensor \"" + prefix + name + "\" holds " + std::to_string(bad) + " NaN or infinite value"
                       + (bad == 1 ? "" : "s") + " (damaged or diverged weights)");
    }
    for (const auto& [name, tensor] : weights.tensors) {
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        if (!shapes.contains(name.substr(prefix.size())))
            throw fail("unexpected tensor \"" + name + "\" (not in the architecture config.json describes)");
    }
}

} // namespace crowlingo
