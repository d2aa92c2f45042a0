#pragma once
// "Adapt the model to this archive": self-supervised training of a model on the archive's own
// clips (no labels), then re-embedding every clip with the result. The archive keeps showing the
// old vectors until the new ones are complete (embedFolder's rule), and remembers where the new
// model lives so that the GUI and the CLI find it again. Shared by `crowlingo-cli adapt` and the
// GUI's Adapt Model dialog.
//
//   AdaptOptions o;  o.train.minutes = 10;
//   AdaptResult r = adaptModel("field.crowlingo", Model::load(dir), o, onTrainStatus, progress);
//   // r.modelDir == "field.models/adapted-20261127-001500"; the archive's active model is r.model.
//
// Threading: call from one worker thread (it blocks for the whole run); onStatus and progress are
// called from that thread. Cancelling stops the phase in progress: during training the model is
// not saved as a result (the checkpoint stays in modelDir) and nothing in the archive changes;
// during re-embedding the vectors stored so far stay, and the old model stays active.
#include "core/pipeline/FolderEmbedder.h"
#include "core/common/Progress.h"
#include "core/model/Trainer.h"

#include <filesystem>
#include <functional>
#include <optional>
#include <string>

namespace crowlingo {

class Archive;

// Adaptation's training recipe: TrainOptions' defaults but a base learning rate of 1e-3 (peak
// 2.5e-4 at batch 64). Measured on bf_syllables, 3 minutes (MODEL_CARD.md, "Adaptation"): 1.5e-4
// left retrieval where it was, 4e-3 lowered it; 1e-3 raised it a little and cut the held-out
// masked MSE to a third of the trivial predictor's.
// The result is the model at the lowest held-out loss, and training stops once 5 validations in
// a row brought no new lowest: a small archive's clips are learnt by heart long before 15 minutes
// are up, and what is learnt after that costs retrieval (MODEL_CARD.md, "Adaptation length").
inline TrainOptions adaptationTraining()
{
    TrainOptions t;
    t.lr = 1e-3;
    t.keepBest = true;
    t.patience = 5;
    return t;
}

struct AdaptOptions {
    TrainOptions train = adaptationTraining(); // outDir empty: a new folder under modelsFolder(archive)
    int embedBatchSize = 32;
    // Switch the archive to the adapted model only if it reconstructs the held-out clips better
    // than the model it started from (validation loss at least minImprovement lower than before the
    // first step; a change in the last digits is no reason to re-embed an archive). A model that is
    // no better is still saved in its folder, for inspection, but nothing in the archive changes.
    bool requireImprovement = true;
    static constexpr double minImprovement = 0.005;
};

struct AdaptResult {
    TrainResult training;
    EmbedReport embedding;            // empty when training was cancelled
    std::filesystem::path modelDir;   // where the adapted model (and its loss.csv) lives
    bool cancelled = false;
    bool activated = false;           // the archive now shows the adapted model's vectors
    // Training finished but the held-out loss did not fall enough (requireImprovement): not re-embedded.
    bool rejected = false;
};

AdaptResult adaptModel(const std::filesystem::path& archiveFile, const Model& start, const AdaptOptions& options,
                       const std::function<void(const TrainStatus&)>& onStatus = {}, const Progress& progress = {});

// Where adapted models of an archive go by default: "<archive stem>.models" beside the archive.
std::filesystem::path modelsFolder(const Archive& archive);
// The folder of a model the archive remembers: ArchiveSettings::rememberedModelDir.

} // namespace crowlingo
