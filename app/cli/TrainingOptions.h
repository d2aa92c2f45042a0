#pragma once
// The training options `train` and `adapt` share, bound straight to core's TrainOptions.
#include "app/cli/OptionChecks.h"
#include "core/common/Error.h"
#include "core/model/Trainer.h"

#include <CLI/CLI.hpp>

namespace crowlingo::cli {

inline void addTrainingOptions(CLI::App* sub, TrainOptions& t)
{
    auto* minutes = sub->add_option("--minutes", t.minutes, "Train for this many minutes")
                        ->check(finiteBetween(0.01, TrainLimits::maxMinutes));
    auto* steps = sub->add_option("--steps", t.steps, "Train for this many optimiser steps (reproducible)")
                      ->check(wholeBetween(1, TrainLimits::maxSteps));
    minutes->excludes(steps);
    sub->add_option("--batch", t.batch, "Batch size")->capture_default_str()->check(wholeBetween(1, TrainLimits::maxBatch));
    sub->add_option("--seed", t.seed, "Random seed (same seed, same result on the same machine)")->capture_default_str();
    sub->add_option("--mask-ratio", t.maskRatio, "Fraction of patches hidden during training")
        ->capture_default_str()
        ->check(finiteBetween(0.3, 0.8));
    sub->add_option("--lr", t.lr, "Base learning rate (peak = lr * batch / 256)")
        ->capture_default_str()
        ->check(finiteBetween(TrainLimits::minLr, TrainLimits::maxLr));
    sub->add_option("--contrastive", t.contrastiveWeight,
                    "Weight of the contrastive term (each masked clip pulled towards an augmented copy of itself "
                    "and away from the rest of the batch) added to the masked loss; 0: masked loss only")
        ->capture_default_str()
        ->check(finiteBetween(0.0, TrainLimits::maxContrastiveWeight));
    sub->add_option("--contrastive-temperature", t.contrastiveTemperature, "Temperature of the contrastive term")
        ->capture_default_str()
        ->check(finiteBetween(TrainLimits::minTemperature, TrainLimits::maxTemperature));
    sub->add_option("--keep-best", t.keepBest,
                    "true: the result is the model at the lowest validation loss seen (the starting one included), "
                    "not the last step's")
        ->capture_default_str();
    sub->add_option("--patience", t.patience,
                    "With --keep-best: stop after this many validations in a row without a new lowest loss; 0: never")
        ->capture_default_str()
        ->check(wholeBetween(0, TrainLimits::maxPatience));
}

inline void requireTrainingLength(const TrainOptions& t)
{
    if (t.minutes <= 0 && t.steps <= 0) throw UsageError("say how long to train: --minutes M or --steps S");
}

} // namespace crowlingo::cli
