#include "ui/ClipSpectrogram.h"

#include "core/audio/AudioReader.h"
#include "core/dsp/DisplayStft.h"
#include "core/dsp/PowerSpectrogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace crowlingo::ui {

namespace {

// Keeps the rows within [lo, hi] Hz (hi 0: to the top), and at least one.
Spectrogram cropFrequencies(Spectrogram s, Hertz lo, Hertz hi)
{
    if (s.bins == 0 || (lo <= 0.0 && hi <= 0.0)) return s;
    int b0 = 0, b1 = s.bins;
    while (b0 + 1 < s.bins && s.binCentres[std::size_t(b0 + 1)] <= lo) ++b0;
    if (hi > 0.0)
        while (b1 - 1 > b0 + 1 && s.binCentres[std::size_t(b1 - 2)] >= hi) --b1;
    if (b0 == 0 && b1 == s.bins) return s;
    Spectrogram out;
    out.frames = s.frames;
    out.bins = b1 - b0;
    out.hopSeconds = s.hopSeconds;
    out.startSeconds = s.startSeconds;
    out.binCentres.assign(s.binCentres.begin() + b0, s.binCentres.begin() + b1);
    out.values.resize(std::size_t(out.frames) * std::size_t(out.bins));
    for (int t = 0; t < s.frames; ++t)
        for (int b = 0; b < out.bins; ++b) out.at(t, b) = s.at(t, b0 + b);
    return out;
}

} // namespace

Spectrogram clipSpectrogram(const ClipSpectrogramRequest& r)
{
    AudioReader reader(r.file, {.targetRate = 0, .timeExpansion = r.timeExpansion});
    const SampleRate rate = reader.outputRate();
    const Seconds from = std::max(0.0, r.start - r.context);
    const Seconds to = std::min(reader.duration(), r.end + r.context);
    const double perSecond = rate * r.timeExpansion; // samples per second of recording time
    const auto stretchSamples = std::int64_t(std::llround((to - from) * perSecond)); // as read(from, to) gives
    // Raven-like windows for long clips; short ones drawn with finer steps (DisplayStft.h).
    const auto clipSamples = std::int64_t(std::llround((std::min(r.end, to) - std::max(r.start, from)) * perSecond));
    StftParams params = displayStftParams(rate, clipSamples, stretchSamples, r.maxFrames, 100, r.settings.fftSize,
                                          r.settings.overlap);
    params.window = r.settings.window;
    const int nFft = params.nFft, hop = params.hop;
    // Column c is the window centred on [from + c * hop, from + (c + 1) * hop): the columns span the
    // whole stretch, its first and last milliseconds included (a short syllable would otherwise lose
    // a third of a window at each end). The windows see the recording's own sound beyond the stretch,
    // and silence beyond the file's ends (one read covers the stretch and the windows' reach).
    const std::int64_t lead = (nFft - hop) / 2;
    const std::int64_t columns = std::max<std::int64_t>(1, (stretchSamples + hop - 1) / hop);
    std::vector<float> windows(std::size_t((columns - 1) * hop + nFft), 0.0f);
    const Seconds wideFrom = std::max(0.0, from - double(lead) / perSecond);
    const std::vector<float> wide = reader.read(wideFrom, from + double(std::int64_t(windows.size()) - lead) / perSecond);
    const auto offset = std::clamp<std::int64_t>(lead - std::llround((from - wideFrom) * perSecond), 0, lead);
    std::copy_n(wide.begin(), std::min(wide.size(), windows.size() - std::size_t(offset)), windows.begin() + offset);
    const PowerSpectrogram stft(params);
    // AudioReader's time expansion stretches time by F: analysis time * (1/F) = recording time.
    Spectrogram s = stft.compute(windows, from, 1.0 / r.timeExpansion);
    PowerSpectrogram::powerToDb(s.values);
    const float fullScale = PowerSpectrogram::fullScaleSineDb(params.window, nFft); // to dB re full scale
    for (float& v : s.values) v -= fullScale;
    for (Hertz& f : s.binCentres) f *= r.timeExpansion;
    return cropFrequencies(std::move(s), r.settings.minHz, r.settings.maxHz);
}

ValueRange displayRange(const Spectrogram& s, const SpectrogramSettings& settings)
{
    return settings.valueRange(autoValueRange(s).max);
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
