#pragma once
// PRIVATE to core/model (torch): included only by core/model .cpp files.
// Turns log-mel clips (frames x bins, dB) into the network's input: normalised windows
// [B, nMels, frames] plus the per-patch signal mask [B, N] (a patch column holds signal if any of
// its frames lies inside the clip).
#include "core/dsp/Spectrogram.h"
#include "core/model/ModelConfig.h"

#include <torch/torch.h>

#include <span>
#include <vector>

namespace crowlingo::detail {

struct WindowSpec {
    const Spectrogram* clip = nullptr;
    int start = 0;  // first frame of the clip in the window
    int length = 0; // frames taken from the clip, 1..config.frames
};

struct WindowBatch {
    torch::Tensor images; // [B, nMels, frames] float, CPU
    torch::Tensor valid;  // [B, N] bool, CPU
};

// Cells past `length` hold 0 (the normalisation mean; with config.centreLevel the mean of the
// window's signal cells) inside the last, partly filled patch column
// (they do enter that patch's embedding, so the value must be fixed), and `emptyFill` in patch
// columns with no signal (masked out of attention and pooling, so any finite value gives the same
// result).
WindowBatch makeWindowBatch(const ModelConfig& c, std::span<const WindowSpec> windows, float emptyFill = 0.0f);

// Window starts for a clip: one window if it fits, else 50 % hop with the last window aligned
// to the clip end.
std::vector<int> windowStarts(int clipFrames, int windowFrames);

// UsageError unless the clip has config.mel.nMels bins, at least one frame and a consistent size.
void checkClip(const ModelConfig& c, const Spectrogram& clip, const char* what);

} // namespace crowlingo::detail
