#pragma once
// Self-supervised training of a Model (Audio-MAE recipe): random crops of the clips, per-sample
// random masking, AdamW with linear warm-up then cosine decay, gradient clipping, a held-out
// validation loss on fixed crops and masks, a loss log, atomic checkpoints and resume.
//
//   Trainer t(Model::createRandom(cfg, 1), TrainOptions{.steps = 20000, .outDir = "runs/a"});
//   TrainResult r = t.run(clips, [](const TrainStatus& s) { plot(s.step, s.loss); }, progress);
//   Model trained = r.model;               // also saved as runs/a/config.json + model.safetensors
//
// Threading: run() blocks; call it from one worker thread. onStatus and progress are called from
// that thread. Cancel through progress.cancelled(): run() checkpoints and returns (cancelled = true).
// Reproducibility: the same clips, options and seed give the same weights on the same machine
// with the same thread count (data order, crops and masks come from generators seeded by
// (seed, step)); an interrupted run resumed from its checkpoint ends with the same weights.
// Time-bounded runs (steps == 0) are not reproducible: their length depends on the machine's speed.
#include "core/common/Progress.h"
#include "core/dsp/Spectrogram.h"
#include "core/model/Model.h"

#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <vector>

namespace crowlingo {

// What Trainer accepts; every value outside is refused with its range. A batch within these
// bounds is also refused when a step would need more memory than the machine has
// (TrainingMemory.h).
struct TrainLimits {
    static constexpr int maxBatch = 4096;
    static constexpr int maxSteps = 10'000'000;
    static constexpr double maxMinutes = 525'600; // a year
    static constexpr double minLr = 1e-9, maxLr = 1.0;
    static constexpr double maxContrastiveWeight = 10.0;
    static constexpr double minTemperature = 0.01, maxTemperature = 1.0;
    static constexpr int maxPatience = 1'000'000;
};

struct TrainOptions {
    int steps = 0;                 // optimiser steps; 0: run for `minutes`
    double minutes = 0;            // wall-clock budget; with steps > 0 an extra cap (0: none)
    int batch = 64;
    std::uint64_t seed = 1;
    double lr = 1.5e-4;            // base LR; the peak is lr * batch / 256 (MAE's scaling rule)
    double weightDecay = 0.05;     // AdamW, on weight matrices only (not biases, norms, mask token)
    int warmupSteps = -1;          // linear warm-up; -1: 5 % of the run
    double clipNorm = 1.0;         // global gradient-norm clip; <= 0: off
    double maskRatio = 0.8;        // 0.30..0.80
    double validationFraction = 0.05; // clips held out (deterministic split from the seed)
    int validationEvery = 0;       // steps between validation losses; 0: about 20 per run (every 100 steps when time-bounded)
    int validationCrops = 256;     // fixed validation crops (at most 8 per held-out clip)
    double checkpointMinutes = 5;  // also at the end and on cancel; <= 0: only then
    std::filesystem::path outDir;  // loss.csv, checkpoint.safetensors, the final config.json + model.safetensors; empty: nothing written
    bool resume = false;           // continue from outDir's checkpoint (same seed, batch and clips required);
                                   // weights, optimiser state and config then come from the checkpoint, not `init`
    bool computeNormalisation = true; // measure normMean/normStd on the training clips (from scratch); false keeps the model's (fine-tuning)
    // Weight of a contrastive term added to the masked loss: the masked window's visible tokens,
    // pooled as embeddings are, are pulled towards the embedding of the whole window augmented (a
    // partner window mixed in underneath, a small pitch shift) and away from the rest of the batch
    // (InfoNCE at `contrastiveTemperature`). 0: masked loss only. It costs one more forward pass of
    // the whole window per step (about 2x the step time). The validation loss stays the masked
    // loss alone, so runs with and without it compare.
    double contrastiveWeight = 0;
    double contrastiveTemperature = 0.1;
    // The result is the network at the lowest validation loss seen (the starting one included),
    // not the last step's: on a small archive, more steps overfit its clips (MODEL_CARD,
    // "Adaptation length"). Needs a validation set; the best is kept within one run (a resumed run
    // starts looking afresh). The checkpoint stays the last step's, for resuming.
    bool keepBest = false;
    // With keepBest: stop once this many validations in a row brought no new best (0: never).
    int patience = 0;
};

struct TrainStatus {
    int step = 0;              // optimiser steps done
    int totalSteps = 0;        // planned (estimated when time-bounded)
    double loss = 0;           // this step's masked loss (normalised units; the validation loss's kind)
    double contrastiveLoss = 0; // this step's contrastive term before its weight; NaN when off
    double validationLoss = 0; // NaN when not computed at this step
    double lr = 0;
    double stepsPerSecond = 0;
    double etaSeconds = 0;
    double elapsedSeconds = 0;
};

struct TrainResult {
    Model model;
    int steps = 0;
    double loss = 0;                  // last masked training loss (without the contrastive term)
    double initialValidationLoss = 0; // before the first step; NaN without a validation set
    double validationLoss = 0;        // of the model returned: the last step's, or the best with keepBest
    int bestStep = 0;                 // the step the returned model is from (== steps without keepBest)
    bool stoppedEarly = false;        // patience ran out before the planned steps or time
    bool cancelled = false;
    std::filesystem::path modelDir;   // outDir when the final model was saved, else empty
};

class Trainer {
public:
    // Throws UsageError for invalid options (out of TrainLimits, NaN, steps/minutes both 0, resume
    // without outDir) and for a batch whose step needs more memory than is available.
    Trainer(Model init, TrainOptions options);
    ~Trainer();

    // clips: log-mel (dB), bins == config.mel.nMels, any length (shorter than the window: padded and
    // the padding masked). Throws UsageError for unusable clips and ModelError for an unreadable
    // checkpoint (resume).
    TrainResult run(const std::vector<Spectrogram>& clips, const std::function<void(const TrainStatus&)>& onStatus = {},
                    const Progress& progress = {});

    static constexpr const char* checkpointFileName = "checkpoint.safetensors";
    static constexpr const char* lossLogFileName = "loss.csv";

private:
    struct Impl;
    std::unique_ptr<Impl> d;
};

} // namespace crowlingo
