#pragma once
// The analysis time scale of an archive: how much finer than the model's training hop its clips
// are read (ModelConfig::timeScale). A 60-ms finch syllable at the trained hop of 11.6 ms fills 5
// frames, less than one patch column, so its vector is made of one column of tokens; read 4x
// finer it spans 20 frames. Finer reading helps short calls and hurts long ones (a 2-s call then
// fills several windows), so the scale follows the archive's clips: the finest of 4, 2 and 1 at
// which nearly all clips (90 %) still fit in one window. Measured with
// resources/models/evaluate-model.sh (MODEL_CARD.md, "Analysis time scale").
//
//   const int scale = chooseTimeScale(clipSeconds, model.config());   // 1, 2 or 4
//   const Model reading = model.withTimeScale(scale);
//
// Threading: pure functions.
#include "core/model/ModelConfig.h"

#include <vector>

namespace crowlingo {

inline constexpr int kMaxAutoTimeScale = 4;

// clipSeconds: durations as the model hears them (after time expansion). An empty list gives 1.
// Only scales that divide the model's trained hop are considered.
int chooseTimeScale(std::vector<double> clipSeconds, const ModelConfig& model);

// The duration of one model window at the trained hop, in seconds.
double trainedWindowSeconds(const ModelConfig& model);

} // namespace crowlingo
