#pragma once
// Clip embeddings from a model's encoder: the unmasked window through the encoder, pooled over the
// patches that hold signal as the config's readout says (layers, mean or mean+std, over all patches or per frequency row). Clips longer than the window: mean over windows at 50 % hop (the
// last one aligned to the clip end); shorter: padded, the padded patches masked out of attention
// and pooling, so padding never changes a clip's vector.
//
//   Embedder e(model, EmbedOptions{.batchSize = 64});
//   std::vector<float> v = e.embed(clipLogMel);             // e.dimension() values
//   auto all = e.embedBatch(clips);                         // same vectors, batched
//
// Threading: an Embedder may be used by one thread at a time (typically a worker thread: it creates
// c10::InferenceMode in the calling thread); several Embedders may share one Model. Never call it
// on the GUI thread. Applies torch::set_num_threads(crowlingo::threadCount()) before work.
#include "core/dsp/Spectrogram.h"
#include "core/model/InferencePrecision.h"
#include "core/model/Model.h"

#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace crowlingo {

struct EmbedOptions {
    int batchSize = 32; // windows per forward pass
    // Overrides the model's config.readout (layers, pooling) when set: for measuring readouts.
    std::optional<Readout> readout;
    // Value (normalised units) written into patch columns past the clip end. Masked out, so it
    // cannot change a vector; settable so that tests can prove exactly that.
    float padFill = 0.0f;
    // Leaves patch columns without signal out of the encoder instead of masking them: the same
    // vectors up to float rounding, and a 100-ms call costs about a fifth of a window. Windows
    // are batched with others of about their length for it. false: every column is computed.
    bool skipEmptyColumns = true;
    // The number format of the encoder's arithmetic; unset: embeddingPrecision() (the process-wide
    // choice, bfloat16 on CPUs with bfloat16 instructions). Pooling is float32 either way.
    std::optional<InferencePrecision> precision;
};

class Embedder {
public:
    // Throws UsageError for a batchSize < 1 or a readout layer outside the encoder.
    explicit Embedder(const Model& model, EmbedOptions options = {});
    ~Embedder();
    Embedder(Embedder&&) noexcept;
    Embedder& operator=(Embedder&&) noexcept;

    int dimension() const; // values per vector: config.embeddingDim() for the readout in use
    const Model& model() const;
    const EmbedOptions& options() const;
    InferencePrecision precision() const; // options().precision, else embeddingPrecision() when made

    // clipLogMel: frames x bins log-mel dB with bins == model.config().mel.nMels (UsageError if not).
    // Never returns a non-finite vector: ModelError naming the clip instead.
    std::vector<float> embed(const Spectrogram& clipLogMel);
    std::vector<std::vector<float>> embedBatch(const std::vector<Spectrogram>& clipsLogMel);
    std::vector<std::vector<float>> embedBatch(std::span<const Spectrogram* const> clipsLogMel);

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace crowlingo
