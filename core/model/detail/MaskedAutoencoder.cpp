#include "core/model/detail/MaskedAutoencoder.h"

#include "core/common/Error.h"
#include "core/model/detail/PatchOps.h"

#include <cmath>
#include <cstring>

namespace crowlingo::detail {

MaskedAutoencoderImpl::MaskedAutoencoderImpl(const ModelConfig& c)
    : config(c)
{
    config.validate();
    encoder = register_module("encoder", VitEncoder(config));
    decoder = register_module("decoder", MaeDecoder(config));
}

torch::Tensor windowLevel(const torch::Tensor& patches, const torch::Tensor& use)
{
    const torch::Tensor w = use.to(patches.scalar_type());
    return (patches.mean(-1) * w).sum(1) / w.sum(1).clamp_min(1.0);
}

torch::Tensor visibleBandMean(const torch::Tensor& patches, const torch::Tensor& use, std::int64_t rows,
                              std::int64_t cols, std::int64_t p)
{
    const std::int64_t b = patches.size(0);
    // [B, rows, cols, p (mel), p (time)]: a patch's values are row-major, mel then time.
    const torch::Tensor x = patches.view({b, rows, cols, p, p});
    const torch::Tensor w = use.to(patches.scalar_type()).view({b, rows, cols, 1, 1});
    const torch::Tensor sum = (x * w).sum({2, 4});                  // [B, rows, p]
    const torch::Tensor count = w.sum({2, 4}) * double(p);          // [B, rows, 1]
    const torch::Tensor overall = windowLevel(patches, use).view({b, 1, 1});
    const torch::Tensor mean = torch::where(count > 0, sum / count.clamp_min(1.0), overall);
    return mean.view({b, rows, 1, p, 1}).expand({b, rows, cols, p, p}).reshape({b, rows * cols, p * p});
}

MaeOutput MaskedAutoencoderImpl::forward(const torch::Tensor& imgs, const torch::Tensor& valid, double maskRatio,
                                         at::Generator& gen)
{
    // Drawn among the patches that hold signal, so that a short call is never hidden whole (models
    // trained before 2026-12-05 drew masks over the whole window, padding included).
    return forward(imgs, valid, signalPatchMasks(valid, maskRatio, gen, imgs.device()));
}

MaeOutput MaskedAutoencoderImpl::forward(const torch::Tensor& imgs, const torch::Tensor& valid, const PatchMask& m)
{
    MaeOutput out;
    out.target = patchify(imgs, config.patch);
    const std::int64_t b = out.target.size(0);
    const torch::Tensor visible = valid.logical_and(m.hidden.logical_not());
    // The level comes from the visible patches only: the whole window's mean would tell the network
    // how loud the hidden patches are, a hint the trivial predictor it is compared with lacks.
    out.level = config.centreLevel ? windowLevel(out.target, visible) : torch::zeros({b}, out.target.options());
    if (config.centreLevel)
        out.target = out.target - out.level.view({b, 1, 1});
    const torch::Tensor inputs = out.target; // what the encoder sees
    out.baseline = config.residualTarget
                       ? visibleBandMean(out.target, visible, config.patchRows(), config.patchCols(), config.patch)
                       : torch::zeros_like(out.target);
    if (config.residualTarget)
        out.target = out.target - out.baseline;
    const torch::Tensor padding = valid.logical_not();
    const torch::Tensor visiblePadding = torch::gather(padding, 1, m.keep);
    out.latent = encoder->forward(inputs, m.keep, visiblePadding);
    out.keep = m.keep;
    out.pred = decoder->forward(out.latent, m.restore, padding);
    out.hidden = m.hidden;
    out.loss = maskedPatchLoss(out.pred, out.target, m.hidden.logical_and(valid), config.normPixLoss);
    return out;
}

torch::Tensor MaskedAutoencoderImpl::embed(const torch::Tensor& imgs, const torch::Tensor& allValid,
                                           const Readout& readout, bool skipEmptyColumns)
{
    torch::Tensor patches = patchify(imgs, config.patch);
    if (config.centreLevel)
        patches = patches - windowLevel(patches, allValid).view({-1, 1, 1});
    // A key that is masked out gets an attention weight of exactly 0, and every other operation of
    // the encoder works on one token at a time, so tokens without signal change nothing that is
    // read out: the columns empty in every window of the batch need not be computed at all.
    torch::Tensor valid = allValid, positions;
    if (skipEmptyColumns) {
        const std::int64_t rows = config.patchRows(), cols = config.patchCols();
        const torch::Tensor usedCols = allValid.view({-1, rows, cols}).any(1).any(0).nonzero().view(-1);
        if (usedCols.size(0) < cols) {
            positions = (torch::arange(rows, usedCols.options()).view({rows, 1}) * cols + usedCols.view({1, -1}))
                            .reshape(-1); // rows stay the slow index
            patches = patches.index_select(1, positions);
            valid = allValid.index_select(1, positions);
        }
    }
    const torch::Tensor keyPadding = valid.all().item<bool>() ? torch::Tensor() : valid.logical_not();
    // A network held in bfloat16 (Model::Impl::network) computes in it; pooling stays in float32.
    const torch::ScalarType format = encoder->patch_embed->weight.scalar_type();
    const std::vector<torch::Tensor> outputs =
        encoder->layerOutputs(patches.to(format), keyPadding, readout.layers, positions);
    // Pooled over all patches, or (keepRows) over each row of patches on its own: [B, groups, N/groups].
    const std::int64_t groups = readout.keepRows ? config.patchRows() : 1;
    const std::int64_t b = patches.size(0);
    const torch::Tensor w = valid.to(patches.scalar_type()).view({b, groups, -1, 1}); // [B, G, N/G, 1]
    const torch::Tensor count = w.sum(2).clamp_min(1.0);                              // [B, G, 1]
    const bool single = outputs.size() == 1 && readout.pooling == ReadoutPooling::Mean && !readout.keepRows;
    auto unitLength = [&](const torch::Tensor& part) {
        return torch::nn::functional::normalize(part.reshape({b, -1}), torch::nn::functional::NormalizeFuncOptions().dim(1));
    };
    std::vector<torch::Tensor> parts;
    for (std::size_t i = 0; i < outputs.size(); ++i) {
        torch::Tensor x = outputs[i].to(torch::kFloat32);
        if (readout.layers[i] != Readout::finalLayer)
            x = torch::layer_norm(x, {x.size(-1)});
        x = x.reshape({b, groups, -1, x.size(-1)});             // [B, G, N/G, D]: rows are the slow index
        const torch::Tensor mean = (x * w).sum(2) / count;      // [B, G, D]
        // One mean-pooled layer is left as it is: the vectors of models saved before readouts existed.
        parts.push_back(single ? mean.view({b, -1}) : unitLength(mean));
        if (readout.pooling == ReadoutPooling::MeanStd) {
            const torch::Tensor var = (((x - mean.unsqueeze(2)) * w).pow(2)).sum(2) / count;
            parts.push_back(unitLength(var.clamp_min(0).sqrt()));
        }
    }
    return single ? parts.front() : torch::cat(parts, 1);
}

void MaskedAutoencoderImpl::initialise(std::uint64_t seed)
{
    torch::NoGradGuard noGrad;
    at::Generator gen = at::detail::createCPUGenerator(seed);
    for (auto& item : named_parameters(/*recurse=*/true)) {
        const std::string& name = item.key();
        torch::Tensor& p = item.value();
        const bool isBias = name.size() >= 5 && name.compare(name.size() - 5, 5, ".bias") == 0;
        if (name == "decoder.mask_token") {
            p.normal_(0.0, 0.02, gen);
        } else if (isBias) {
            p.zero_();
        } else if (p.dim() == 1) { // LayerNorm weight
            p.fill_(1.0);
        } else { // Linear weight [out, in]
            const double a = std::sqrt(6.0 / double(p.size(0) + p.size(1)));
            p.uniform_(-a, a, gen);
        }
    }
}

std::int64_t MaskedAutoencoderImpl::parameterCount() const
{
    std::int64_t n = 0;
    for (const auto& p : parameters(true))
        n += p.numel();
    return n;
}

void MaskedAutoencoderImpl::exportTo(SafeTensors& out, const std::string& prefix) const
{
    for (const auto& item : named_parameters(true)) {
        const torch::Tensor t = item.value().detach().to(torch::kCPU, torch::kFloat32).contiguous();
        SafeTensor st;
        st.shape.assign(t.sizes().begin(), t.sizes().end());
        st.values.resize(std::size_t(t.numel()));
        if (t.numel())
            std::memcpy(st.values.data(), t.data_ptr<float>(), st.values.size() * sizeof(float));
        out.tensors[prefix + item.key()] = std::move(st);
    }
}

void MaskedAutoencoderImpl::importFrom(const SafeTensors& in, const std::filesystem::path& file,
                                       const std::string& prefix, bool rejectUnknown)
{
    torch::NoGradGuard noGrad;
    auto params = named_parameters(true);
    for (auto& item : params) {
        const std::string name = prefix + item.key();
        const auto it = in.tensors.find(name);
        if (it == in.tensors.end())
            throw ModelError(fileError("load weights", file, "missing tensor \"" + name + "\""));
        torch::Tensor& p = item.value();
        const std::vector<std::int64_t> expected(p.sizes().begin(), p.sizes().end());
        if (it->second.shape != expected) {
            auto text = [](const std::vector<std::int64_t>& s) {
                std::string r = "[";
                for (std::size_t i = 0; i < s.size(); ++i)
                    r += (i ? ", " : "") + std::to_string(s[i]);
                return r + "]";
            };
            throw ModelError(fileError("load weights", file,
                                       "tensor \"" + name + "\" has shape " + text(it->second.shape)
                                           + " but the config needs " + text(expected)));
        }
        const torch::Tensor src = torch::from_blob(const_cast<float*>(it->second.values.data()), p.sizes(),
                                                   torch::kFloat32);
        p.copy_(src);
    }
    if (rejectUnknown) {
        for (const auto& [name, t] : in.tensors) {
            if (name.compare(0, prefix.size(), prefix) != 0)
                continue;
            if (!params.contains(name.substr(prefix.size())))
                throw ModelError(fileError("load weights", file,
                                           "unexpected tensor \"" + name + "\" (not in this architecture)"));
        }
    }
}

MaskedAutoencoder cloneNetwork(const MaskedAutoencoder& source, const ModelConfig& config)
{
    MaskedAutoencoder copy(config);
    torch::NoGradGuard noGrad;
    auto dst = copy->named_parameters(true);
    for (const auto& item : source->named_parameters(true))
        dst[item.key()].copy_(item.value());
    copy->to(source->encoder->pos_embed.device());
    return copy;
}

} // namespace crowlingo::detail
