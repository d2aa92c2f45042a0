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

MaeOutput MaskedAutoencoderImpl::forward(const torch::Tensor& imgs, const torch::Tensor& valid, double maskRatio,
                                         at::Generator& gen)
{
    MaeOutput out;
    out.target = patchify(imgs, config.patch);
    const std::int64_t b = out.target.size(0), n = out.target.size(1);
    const PatchMask m = randomPatchMask(b, n, maskRatio, gen, imgs.device());
    const torch::Tensor padding = valid.logical_not();
    const torch::Tensor visiblePadding = torch::gather(padding, 1, m.keep);
    const torch::Tensor latent = encoder->forward(out.target, m.keep, visiblePadding);
    out.pred = decoder->forward(latent, m.restore, padding);
    out.hidden = m.hidden;
    out.loss = maskedPatchLoss(out.pred, out.target, m.hidden.logical_and(valid), config.normPixLoss);
    return out;
}

torch::Tensor MaskedAutoencoderImpl::embed(const torch::Tensor& imgs, const torch::Tensor& valid, int layer)
{
    const torch::Tensor patches = patchify(imgs, config.patch);
    const torch::Tensor x = encoder->forward(patches, {}, valid.logical_not(), layer);
    const torch::Tensor w = valid.to(x.scalar_type()).unsqueeze(-1); // [B, N, 1]
    return (x * w).sum(1) / w.sum(1).clamp_min(1.0);
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
