#include "core/archive/ArchiveSettings.h"
#include "core/pipeline/ModelAdaptation.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveWriterLock.h"
#include "core/archive/TrainingClips.h"
#include "core/common/Error.h"
#include "core/common/UtcTime.h"
#include "core/segment/Segmenter.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

fs::path freshModelDir(const Archive& archive)
{
    std::string stamp = utcNowIso().substr(0, 19); // "2026-11-27T00:15:00"
    stamp.erase(std::remove_if(stamp.begin(), stamp.end(), [](char c) { return c == '-' || c == ':' || c == 'Z'; }),
                stamp.end());
    std::replace(stamp.begin(), stamp.end(), 'T', '-');
    fs::path dir = modelsFolder(archive) / ("adapted-" + stamp);
    for (int n = 2; fs::exists(dir); ++n) dir = modelsFolder(archive) / ("adapted-" + stamp + "-" + std::to_string(n));
    return dir;
}

} // namespace

fs::path modelsFolder(const Archive& archive)
{
    const fs::path file = fs::absolute(archive.file());
    return file.parent_path() / (file.stem().string() + ".models");
}

AdaptResult adaptModel(const fs::path& archiveFile, const Model& startModel, const AdaptOptions& options,
                       const std::function<void(const TrainStatus&)>& onStatus, const Progress& progress)
{
    Archive archive = Archive::open(archiveFile);
    const ArchiveWriterLock writing(archive.file(), "adapt"); // held through training and re-embedding
    archive.requireIntact("adapt the model to");
    const ArchiveSettings settings = ArchiveSettings::read(archive);
    if (settings.segmenter.empty() || archive.clipCount() == 0)
        throw UsageError(fileError("adapt the model to", archiveFile, "the archive has no clips yet; embed a folder first"));

    // The model reads the archive's clips at the archive's time scale, and keeps it once adapted.
    const Model start = startModel.withTimeScale(settings.timeScale);

    // 1. The archive's clips at the model's input spec (about 10 % of the time).
    const ClipSet set = archiveClipLogMels(archive, start.config().mel, progress.part(0.0, 0.1));
    progress.checkCancelled();
    if (set.clips.size() < 2)
        throw UsageError(fileError("adapt the model to", archiveFile, "fewer than two clips could be read"));

    // 2. Self-supervised training, starting from `start` and keeping its input normalisation (the
    //    vectors must stay comparable in kind, and the archive may be too small to measure it well).
    TrainOptions train = options.train;
    train.computeNormalisation = false;
    if (train.outDir.empty()) train.outDir = freshModelDir(archive);
    Trainer trainer(start, train);
    AdaptResult result{trainer.run(set.clips, onStatus, progress.part(0.1, 0.8)), {}, train.outDir};
    if (result.training.cancelled || result.training.modelDir.empty()) {
        result.cancelled = true;
        return result;
    }
    const TrainResult& t = result.training;
    if (options.requireImprovement && std::isfinite(t.initialValidationLoss)
        && !(t.validationLoss < t.initialValidationLoss * (1.0 - AdaptOptions::minImprovement))) {
        result.rejected = true; // the archive keeps the model it had; the adapted one stays in its folder
        return result;
    }
    ArchiveSettings::rememberModelDir(archive, result.training.model.id(), result.training.modelDir);

    // 3. Re-embed every clip with the adapted model; it becomes active only when all are done.
    EmbedFolderOptions embed;
    embed.segment = SegmentSpec::parse(settings.segmenter);
    embed.timeExpansion = settings.timeExpansion;
    embed.batchSize = options.embedBatchSize;
    if (!settings.shard.empty()) embed.shard = ShardSpec::parse(settings.shard);
    result.embedding = embedFolder(archive, result.training.model, embed, progress.part(0.8, 1.0));
    result.cancelled = result.embedding.cancelled;
    result.activated = archive.activeModel() == result.training.model.id();
    return result;
}

} // namespace crowlingo
