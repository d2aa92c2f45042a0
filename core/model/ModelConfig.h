#pragma once
// Everything a model needs besides its weights: the input spec (mel parameters, window, patch
// size, normalisation), the architecture and the recipe it was trained with. Stored as config.json
// next to model.safetensors.
//
//   ModelConfig c;  c.encoderDepth = 4;  c.validate();          // throws UsageError
//   c.toJsonFile(dir / "config.json");
//   ModelConfig back = ModelConfig::fromJsonFile(dir / "config.json");   // throws ModelError
//
// Threading: a plain value; no shared state.
#include "core/dsp/MelSpectrogram.h"

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace crowlingo {

// What CrowLingo supports, generously around the default model (128 mels x 128 frames, patch 16,
// encoder 256 wide and 6 deep, decoder 128 x 2): a config outside these is refused when it is
// read, before anything is allocated for it. The mel limits are MelLimits (MelParamLimits.h).
struct ModelLimits {
    static constexpr int maxFrames = 4096;
    static constexpr int maxPatch = 128;
    static constexpr int maxTimeScale = 16;          // input.time_scale: hop at most 16 times finer than trained
    static constexpr int maxPatches = 4096;          // per window: attention grows with its square
    static constexpr int maxDim = 2048;
    static constexpr int maxDepth = 64;
    static constexpr int maxHeads = 64;
    static constexpr float minMlpRatio = 0.125f, maxMlpRatio = 16.0f;
    static constexpr float maxNormDb = 1000.0f;      // |norm_mean| and norm_std, dB
    static constexpr float minNormStd = 0.001f;
    static constexpr std::int64_t maxParameters = 1'000'000'000; // 4 GB of float weights
};

// How a clip's vector is read out of the encoder (config.json "readout"). Each layer's tokens are
// pooled over the patches that hold signal; several layers are concatenated, each part scaled to
// unit length so that no layer outweighs another in cosine distances. Intermediate block outputs
// are layer-normalised per token (no learned scale) first: their raw scale grows with depth.
// With keepRows, each row of patches (one band of mel bins) is pooled over time on its own and the
// rows are concatenated, as M2D and MSM-MAE read their encoders: where in frequency a call lies
// stays in the vector instead of being averaged away.
enum class ReadoutPooling { Mean, MeanStd };
struct Readout {
    static constexpr int finalLayer = -1; // after the last block and the encoder's final norm
    std::vector<int> layers{finalLayer};  // block indices 0..depth-1 or finalLayer, in output order
    ReadoutPooling pooling = ReadoutPooling::Mean;
    bool keepRows = false;

    // What models trained from scratch are read with: the final layer, frequency rows kept (the
    // best on every labelled set but one, measured in MODEL_CARD "Readout"). Readout{} stays the
    // readout of models saved before readouts existed.
    static Readout forNewModels() { return Readout{{finalLayer}, ReadoutPooling::Mean, true}; }
    bool isDefault() const { return *this == Readout{}; }
    int partsPerLayer() const { return pooling == ReadoutPooling::MeanStd ? 2 : 1; }
    bool operator==(const Readout&) const = default;
};

struct ModelConfig {
    // Input: a window of mel.nMels x frames log-mel cells, normalised as (dB - normMean) / normStd
    // and cut into non-overlapping patch x patch squares (rows = mel bands, columns = time).
    MelParams mel;
    int frames = 128;
    int patch = 16;
    float normMean = -40.0f; // placeholder until training measures the data (Trainer stores it here)
    float normStd = 20.0f;
    // Level centring: the network subtracts each window's mean level (over the patches it can see)
    // from its input and its targets, so a call recorded 30 dB quieter gives the same embedding and
    // the same reconstruction, shifted. Without it, recordings far from the training data's level
    // are reconstructed at the wrong level. Models saved before this option had it off.
    bool centreLevel = true;
    // Analysis time scale: the model reads spectrograms made with a hop `timeScale` times finer
    // than the one it was trained with (mel.hop is the hop in use; trainedHop() the original), so a
    // 50-ms syllable spans several patch columns instead of one. Pitch is unchanged (unlike time
    // expansion). Chosen per archive from its clips' durations (AnalysisScale.h); 1 = as trained.
    int timeScale = 1;

    // Encoder (ViT, pre-norm) and the lighter decoder used only for reconstruction and training.
    int encoderDim = 256;
    int encoderDepth = 6;
    int encoderHeads = 8;
    float mlpRatio = 4.0f; // hidden width of both encoder and decoder MLPs, relative to their width
    int decoderDim = 128;
    int decoderDepth = 2;
    int decoderHeads = 4;
    // Per-patch normalised targets (MAE's option). Off by default so reconstructions come back in
    // the input's own scale.
    bool normPixLoss = false;
    // The decoder predicts each hidden cell as the mean of its mel bin over the visible cells (the
    // trivial predictor reconstructions are compared with) plus a learned correction, so the loss
    // rewards structure, not the spectrum's overall tilt, which differs between recorders. The
    // encoder's input is unchanged. Models saved before this option had it off.
    bool residualTarget = true;

    // What an embedding is made of (models saved before this option: the final layer, mean).
    Readout readout;

    // JSON object describing how the weights were trained (Trainer writes its options, data size,
    // final losses); "{}" for an untrained model. Kept as text so this header stays JSON-free;
    // stored canonicalised (compact, keys sorted) when read from a file.
    std::string trainingRecipeJson = "{}";

    int patchRows() const { return mel.nMels / patch; }
    int patchCols() const { return frames / patch; }
    int patchCount() const { return patchRows() * patchCols(); }
    int patchValues() const { return patch * patch; }
    int trainedHop() const { return mel.hop * timeScale; }
    // The same model reading at time scale `scale` (1 = as trained): mel.hop = trainedHop() / scale.
    // Throws UsageError unless 1 <= scale <= ModelLimits::maxTimeScale and it divides trainedHop().
    ModelConfig withTimeScale(int scale) const;
    // Values in one clip vector: encoder width x read-out layers x (2 for mean+std, else 1)
    // x (patch rows when they are kept apart, else 1).
    int embeddingDim() const
    {
        return encoderDim * int(readout.layers.size()) * readout.partsPerLayer()
               * (readout.keepRows ? patchRows() : 1);
    }

    // Throws UsageError naming the first field out of its range (ModelLimits, MelLimits; the message
    // gives the range and config.json's name for it) or inconsistent (sizes not divisible by the
    // patch, widths not divisible by heads or by 4 (2-D sin-cos position embedding), ...).
    void validate() const;

    // Throw ModelError naming `source` (or the file) for malformed JSON, missing keys or invalid values.
    static ModelConfig fromJsonString(const std::string& text, const std::filesystem::path& source = "config.json");
    static ModelConfig fromJsonFile(const std::filesystem::path& file);
    std::string toJsonString() const;            // pretty-printed, stable key order
    // The part of the config that decides what a vector means for given weights: the "input"
    // object (front end, window, patches, normalisation, level, time scale when not 1), compact,
    // keys sorted, with the "readout" object added when it is not the default (so models saved
    // before readouts existed keep their ids). Part of the model id (Model.h).
    std::string inputSpecJson() const;
    std::string readoutJsonString() const; // config.json's "readout" object, compact
    void toJsonFile(const std::filesystem::path& file) const; // atomic (temp file + rename)

    bool operator==(const ModelConfig&) const = default;
};

} // namespace crowlingo
