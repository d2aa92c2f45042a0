#pragma once
// A trained (or freshly initialised) masked autoencoder: config + weights, identified by a SHA-256
// of its weights and of the input part of its config (what a vector means depends on both). A
// model directory holds config.json + model.safetensors.
//
//   Model m = Model::load("resources/models/default");   // throws ModelError naming the file
//   std::cout << m.id() << " " << m.parameterCount();
//   Embedder e(m);                                        // see Embedder.h
//
// Threading: a Model is an immutable handle to shared weights; copies are cheap and may be used
// from any number of threads (Embedder, reconstruct() and Trainer never modify the weights).
// Loading never executes anything: JSON + raw F32 tensors only.
#include "core/model/ModelConfig.h"
#include "core/model/ModelId.h"

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>

namespace crowlingo {

class Model {
public:
    // Reads dir/config.json and dir/model.safetensors; every tensor of the architecture must be
    // present with the config's shape, and no other tensor may be.
    static Model load(const std::filesystem::path& dir);
    // MAE's initialisation drawn from `seed` (same config and seed => same weights => same id).
    static Model createRandom(const ModelConfig& config, std::uint64_t seed);

    // Writes dir/config.json and dir/model.safetensors (each via temp file + rename); creates dir.
    // Afterwards SHA-256(dir/model.safetensors) == weightsHash().
    void save(const std::filesystem::path& dir) const;

    // The same weights reading spectrograms at another time scale (ModelConfig::withTimeScale):
    // another id, since the vectors mean something else. Throws UsageError for a scale that does
    // not fit. Cheap: the weights are shared.
    Model withTimeScale(int scale) const;

    const ModelConfig& config() const;
    // What the archive files vectors under: modelIdFor(weightsHash(), config()). The same weights
    // read with another front end or normalisation give other vectors, so another id.
    std::string id() const;
    std::string weightsHash() const;       // SHA-256 of the model.safetensors bytes, lowercase hex
    std::int64_t parameterCount() const;   // encoder + decoder
    std::int64_t encoderParameterCount() const;
    bool onGpu() const;                    // CUDA when torch::cuda::is_available()

    static constexpr const char* configFileName = "config.json";
    static constexpr const char* weightsFileName = "model.safetensors";

    // Internal to core/model (the definition lives in a private torch header).
    struct Impl;
    explicit Model(std::shared_ptr<const Impl> impl);
    const Impl& impl() const { return *d; }

private:
    std::shared_ptr<const Impl> d;
};

} // namespace crowlingo
