#include "core/model/Embedder.h"

#include "core/common/Error.h"
#include "core/model/detail/ModelImpl.h"
#include "core/model/detail/WindowBatch.h"

#include <algorithm>
#include <cmath>

namespace crowlingo {

struct Embedder::Impl {
    Model model;
    EmbedOptions options;
    ModelConfig config; // the model's, with the readout in use (options.readout when given)
    InferencePrecision precision = InferencePrecision::Float32;

    std::vector<std::vector<float>> run(std::span<const Spectrogram* const> clips) const;
};

Embedder::Embedder(const Model& model, EmbedOptions options)
    : d(std::make_unique<Impl>(Impl{model, options, model.config(), options.precision.value_or(embeddingPrecision())}))
{
    if (options.batchSize < 1)
        throw UsageError("cannot embed: batch size must be at least 1");
    if (options.readout)
        d->config.readout = *options.readout;
    try {
        d->config.validate();
    } catch (const UsageError& e) {
        throw UsageError(std::string("cannot embed: ") + e.what());
    }
}

Embedder::~Embedder() = default;
Embedder::Embedder(Embedder&&) noexcept = default;
Embedder& Embedder::operator=(Embedder&&) noexcept = default;

int Embedder::dimension() const { return d->config.embeddingDim(); }
const Model& Embedder::model() const { return d->model; }
const EmbedOptions& Embedder::options() const { return d->options; }
InferencePrecision Embedder::precision() const { return d->precision; }

std::vector<float> Embedder::embed(const Spectrogram& clipLogMel)
{
    const Spectrogram* one[] = {&clipLogMel};
    return d->run(one).front();
}

std::vector<std::vector<float>> Embedder::embedBatch(const std::vector<Spectrogram>& clipsLogMel)
{
    std::vector<const Spectrogram*> clips;
    clips.reserve(clipsLogMel.size());
    for (const Spectrogram& s : clipsLogMel)
        clips.push_back(&s);
    return d->run(clips);
}

std::vector<std::vector<float>> Embedder::embedBatch(std::span<const Spectrogram* const> clipsLogMel)
{
    return d->run(clipsLogMel);
}

std::vector<std::vector<float>> Embedder::Impl::run(std::span<const Spectrogram* const> clips) const
{
    const Model::Impl& m = model.impl();
    const ModelConfig& c = config;
    for (const Spectrogram* s : clips)
        detail::checkClip(c, *s, "embed clip");

    detail::applyThreadCount();
    c10::InferenceMode inference; // thread-local: created in the calling (worker) thread

    std::vector<detail::WindowSpec> windows;
    std::vector<std::size_t> owner;
    for (std::size_t i = 0; i < clips.size(); ++i) {
        for (int start : detail::windowStarts(clips[i]->frames, c.frames)) {
            windows.push_back({clips[i], start, std::min(c.frames, clips[i]->frames - start)});
            owner.push_back(i);
        }
    }

    // Patch columns that hold signal: with skipEmptyColumns a batch holds windows of one such
    // count only, so that no column is computed for a window without signal there.
    auto signalColumns = [&](std::size_t w) { return (windows[w].length + c.patch - 1) / c.patch; };
    if (options.skipEmptyColumns) {
        std::vector<std::size_t> order(windows.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(),
                         [&](std::size_t a, std::size_t b) { return windows[a].length > windows[b].length; });
        std::vector<detail::WindowSpec> sortedWindows;
        std::vector<std::size_t> sortedOwner;
        for (std::size_t i : order) {
            sortedWindows.push_back(windows[i]);
            sortedOwner.push_back(owner[i]);
        }
        windows = std::move(sortedWindows);
        owner = std::move(sortedOwner);
    }

    const int dim = c.embeddingDim();
    std::vector<std::vector<double>> sums(clips.size(), std::vector<double>(std::size_t(dim), 0.0));
    std::vector<int> counts(clips.size(), 0);
    const std::size_t batch = std::size_t(options.batchSize);
    detail::MaskedAutoencoder network = m.network(precision); // once per call: the bfloat16 copy is behind a lock
    for (std::size_t first = 0, n = 0; first < windows.size(); first += n) {
        n = 1;
        while (n < batch && first + n < windows.size()
               && (!options.skipEmptyColumns || signalColumns(first + n) == signalColumns(first)))
            ++n;
        const detail::WindowBatch wb =
            detail::makeWindowBatch(c, std::span(windows).subspan(first, n), options.padFill);
        const torch::Tensor pooled = network
                                         ->embed(wb.images.to(m.device), wb.valid.to(m.device), c.readout,
                                                 options.skipEmptyColumns)
                                         .to(torch::kCPU)
                                         .contiguous();
        const float* v = pooled.data_ptr<float>();
        for (std::size_t k = 0; k < n; ++k) {
            const std::size_t clip = owner[first + k];
            for (int j = 0; j < dim; ++j)
                sums[clip][std::size_t(j)] += v[k * std::size_t(dim) + std::size_t(j)];
            ++counts[clip];
        }
    }

    std::vector<std::vector<float>> out(clips.size(), std::vector<float>(std::size_t(dim)));
    for (std::size_t i = 0; i < clips.size(); ++i) {
        for (int j = 0; j < dim; ++j)
            out[i][std::size_t(j)] = float(sums[i][std::size_t(j)] / counts[i]);
        // A NaN vector would be stored and then match nothing: neighbours would list no clip at all.
        if (!std::all_of(out[i].begin(), out[i].end(), [](float v) { return std::isfinite(v); }))
            throw ModelError("cannot embed clip " + std::to_string(i + 1) + " of " + std::to_string(clips.size())
                             + ": model " + model.id().substr(0, 12)
                             + " gave a vector with NaN or infinite values (damaged weights?)");
    }
    return out;
}

} // namespace crowlingo
