#include "ui/ClipSpectrogram.h"

#include "core/audio/AudioReader.h"
#include "core/dsp/DisplayStft.h"
#include "core/dsp/PowerSpectrogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace crowlingo::ui {

Spectrogram clipSpectrogram(const ClipSpectrogramRequest& r)
{
    AudioReader reader(r.file, {.targetRate = 0, .timeExpansion = r.timeExpansion});
    const SampleRate rate = reader.outputRate();
    const Seconds from = std::max(0.0, r.start - r.context);
    const Seconds to = std::min(reader.duration(), r.end + r.context);
    const std::vector<float> samples = reader.read(from, to);
    // Raven-like windows for long clips; short ones drawn with finer steps (DisplayStft.h).
    const auto clipSamples = std::int64_t(std::llround((std::min(r.end, to) - std::max(r.start, from)) * rate * r.timeExpansion));
    const StftParams params = displayStftParams(rate, clipSamples, std::int64_t(samples.size()), r.maxFrames);
    const int nFft = params.nFft, hop = params.hop;
    const PowerSpectrogram stft(params);
    // AudioReader's time expansion stretches time by F: analysis time * (1/F) = recording time.
    Spectrogram s = stft.compute(samples, from, 1.0 / r.timeExpansion);
    PowerSpectrogram::powerToDb(s.values);
    // Label each column by the centre of its window, so a call's energy lines up with its times.
    s.startSeconds += (nFft - hop) / 2.0 / rate / r.timeExpansion;
    for (Hertz& f : s.binCentres) f *= r.timeExpansion;
    return s;
}

QImage spectrogramToImage(const Spectrogram& s, ValueRange range, Colormap map, QSize size)
{
    if (s.frames <= 0 || s.bins <= 0) return {};
    if (size.isEmpty()) size = QSize(s.frames, s.bins);
    QImage image(size, QImage::Format_RGB32);
    renderSpectrogramRgb32(s, range, map, reinterpret_cast<std::uint32_t*>(image.bits()), image.width(), image.height(),
                           image.bytesPerLine() / 4);
    return image;
}

} // namespace crowlingo::ui
