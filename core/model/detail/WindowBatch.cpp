#include "core/model/detail/WindowBatch.h"

#include "core/common/Error.h"

#include <algorithm>
#include <string>

namespace crowlingo::detail {

WindowBatch makeWindowBatch(const ModelConfig& c, std::span<const WindowSpec> windows, float emptyFill)
{
    const std::int64_t b = std::int64_t(windows.size());
    const int mels = c.mel.nMels, frames = c.frames, p = c.patch, cols = c.patchCols(), rows = c.patchRows();
    const float mean = c.normMean, inv = 1.0f / c.normStd;
    WindowBatch out;
    out.images = torch::empty({b, mels, frames}, torch::kFloat32);
    out.valid = torch::zeros({b, std::int64_t(rows) * cols}, torch::kBool);
    float* img = out.images.data_ptr<float>();
    bool* valid = out.valid.data_ptr<bool>();
    for (std::int64_t i = 0; i < b; ++i) {
        const WindowSpec& w = windows[std::size_t(i)];
        const Spectrogram& s = *w.clip;
        const int signalCols = (w.length + p - 1) / p;
        float* dst = img + i * mels * frames;
        double signalSum = 0;
        for (int m = 0; m < mels; ++m) {
            float* row = dst + std::size_t(m) * frames;
            for (int t = 0; t < w.length; ++t) {
                row[t] = (s.at(w.start + t, m) - mean) * inv;
                signalSum += row[t];
            }
        }
        // With level centring the tail takes the signal's own mean, so it stays level-neutral for
        // a quiet recording as for a loud one.
        const float tailFill = c.centreLevel ? float(signalSum / (double(w.length) * mels)) : 0.0f;
        for (int m = 0; m < mels; ++m) {
            float* row = dst + std::size_t(m) * frames;
            for (int t = w.length; t < frames; ++t)
                row[t] = t < signalCols * p ? tailFill : emptyFill;
        }
        for (int r = 0; r < rows; ++r)
            for (int col = 0; col < signalCols; ++col)
                valid[i * rows * cols + r * cols + col] = true;
    }
    return out;
}

std::vector<int> windowStarts(int clipFrames, int windowFrames)
{
    std::vector<int> starts;
    if (clipFrames <= windowFrames)
        return {0};
    const int hop = std::max(1, windowFrames / 2);
    for (int s = 0; s + windowFrames < clipFrames; s += hop)
        starts.push_back(s);
    starts.push_back(clipFrames - windowFrames);
    return starts;
}

void checkClip(const ModelConfig& c, const Spectrogram& clip, const char* what)
{
    if (clip.bins != c.mel.nMels)
        throw UsageError(std::string("cannot ") + what + ": the spectrogram has " + std::to_string(clip.bins)
                         + " mel bins, the model expects " + std::to_string(c.mel.nMels));
    if (clip.frames <= 0)
        throw UsageError(std::string("cannot ") + what + ": the spectrogram has no frames");
    if (clip.values.size() != std::size_t(clip.frames) * std::size_t(clip.bins))
        throw UsageError(std::string("cannot ") + what + ": the spectrogram holds " + std::to_string(clip.values.size())
                         + " values, not frames x bins");
}

} // namespace crowlingo::detail
