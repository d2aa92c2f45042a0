// neighbours --file in crowlingo-cli-model: a stretch of any audio file embedded with the model that
// made the archive's vectors, read as the archive's clips were (time expansion, time scale).
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelOption.h"
#include "app/cli/OptionChecks.h"
#include "core/archive/ArchiveSettings.h"
#include "core/archive/ClipFeatures.h"
#include "core/audio/AudioReader.h"
#include "core/common/Error.h"
#include "core/model/Embedder.h"

#include <algorithm>

namespace crowlingo::cli {

bool runsModelItself() { return true; } // QueryEmbedding.cpp is linked into crowlingo-cli-model only

std::vector<float> embedAudioQuery(const Archive& archive, const std::string& modelId, const std::string& modelDir,
                                   const std::string& file, double start, double end)
{
    const ArchiveSettings settings = ArchiveSettings::read(archive);
    const Model model = loadModelOption(modelDir).withTimeScale(settings.timeScale);
    if (model.id() != modelId)
        throw UsageError("the archive's embeddings come from model " + modelId.substr(0, 12) + "…, but the model loaded is " +
                         model.id().substr(0, 12) + "…: pass the archive's model with --model");
    const MelSpectrogram mel(model.config().mel);
    AudioReader reader(file, {.targetRate = mel.params().sampleRate, .timeExpansion = settings.timeExpansion});
    checkTimeSpan(start, end, reader.duration(), file);
    const double stop = end < 0 ? reader.duration() : std::min(end, reader.duration());
    Embedder embedder(model, {});
    return embedder.embed(clipLogMel(reader, mel, start, stop));
}

} // namespace crowlingo::cli
