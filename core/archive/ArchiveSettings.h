#pragma once
// The settings an archive keeps in its meta table (how its recordings were cut and read), parsed
// and checked in one place. A hand-edited value gives one error naming its key and the range,
// never "stod", and every reader sees the same number.
//
//   const ArchiveSettings s = ArchiveSettings::read(archive);   // throws ArchiveError
//   AudioReader r(file, {.targetRate = 22050, .timeExpansion = s.timeExpansion});
//
// Threading: as Archive (one thread per open Archive).
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <optional>
#include <string>

namespace crowlingo {

class Archive;

struct ArchiveSettings {
    // Above 1 slows ultrasound down (10 for most bat recordings); below 1 speeds infrasound up (0.1
    // brings 20-100 Hz baleen-whale calls to 200-1,000 Hz, where the model's bands are fine).
    static constexpr double minTimeExpansion = 0.01, maxTimeExpansion = 1000.0;

    // "segmenter": how recordings were cut into clips (SegmentSpec text); "" before the first embed.
    std::string segmenter;
    // "time_expansion": recordings are real-time; the model and the listener hear them slowed this
    // many times (10 for most bat recordings; below 1, sped up).
    double timeExpansion = 1.0;
    bool hasTimeExpansion = false; // whether "time_expansion" is stored at all
    // "time_scale": the analysis time scale the model reads clips at (AnalysisScale.h); 1 for
    // archives embedded before scales existed.
    int timeScale = 1;
    bool hasTimeScale = false; // whether "time_scale" is stored at all
    // "shard": "i/n" for one shard of a Slurm array, "" for a whole archive.
    std::string shard;
    // "embed_state": false while an embed run has not got through every file.
    bool embedFinished = true;

    // Throws ArchiveError naming the archive, the key, what it holds and what it may hold.
    static ArchiveSettings read(const Archive& archive);
    // Stores segmenter, time expansion and time scale (the settings an embed run fixes).
    void writeEmbedSettings(Archive& archive) const;
    // How a time expansion is stored and shown: "10", "1.5" (shortest text that reads back the same).
    static std::string timeExpansionText(double timeExpansion);
    // Whether two time expansions are the same setting: equal to a millionth, so that "10", "10.0"
    // and the "10.000000" older archives stored agree. The one rule embed and merge both use.
    static bool sameTimeExpansion(double a, double b) { return a == b || std::abs(a - b) <= 1e-6 * std::max(a, b); }

    // "model_dir:<id>": the folder of the model with this id (one adapted to the archive, or named
    // at embedding), stored relative to the archive's folder when inside it, so that moving both
    // together keeps it. nullopt if unknown or if it holds no model.safetensors any more.
    static std::optional<std::filesystem::path> rememberedModelDir(const Archive& archive, const std::string& modelId);
    static void rememberModelDir(Archive& archive, const std::string& modelId, const std::filesystem::path& dir);
};

} // namespace crowlingo
