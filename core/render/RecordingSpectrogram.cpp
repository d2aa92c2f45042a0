#include "core/render/RecordingSpectrogram.h"

#include "core/common/Error.h"
#include "core/dsp/PowerSpectrogram.h"

#include <algorithm>
#include <cmath>

namespace crowlingo {

namespace {

constexpr float kFloorDb = -200.0f;

} // namespace

RecordingSpectrogram::RecordingSpectrogram(std::filesystem::path file, SpectrogramSettings settings)
    : file_(std::move(file)), settings_(settings)
{
    settings_.validate();
    info_ = probeAudio(file_);
    const int n = settings_.fftSize, hop = settings_.hop();
    // Frame f's window is centred on the middle of [f * hop, (f + 1) * hop), silence assumed
    // beyond the file's ends (as Sonic Visualiser pads), so the picture spans the whole file: a
    // 60-ms syllable file would otherwise lose a third of a window at each end.
    frames_ = (info_.frames + hop - 1) / hop;
    const double binHz = double(info_.sampleRate) / n;
    const Hertz nyquist = info_.sampleRate / 2.0;
    const Hertz lo = std::min(settings_.minHz, nyquist);
    highHz_ = settings_.maxHz > 0.0 ? std::min(settings_.maxHz, nyquist) : nyquist;
    binBegin_ = std::clamp(int(std::floor(lo / binHz)), 0, n / 2);
    binEnd_ = std::clamp(int(std::ceil(highHz_ / binHz)) + 1, binBegin_ + 1, n / 2 + 1);
    highHz_ = std::max(highHz_, (binBegin_ + 1) * binHz);
    while (maxLevel_ < 40 && tileCount(maxLevel_) > 4)
        ++maxLevel_;
    dbOffset_ = PowerSpectrogram::fullScaleSineDb(settings_.window, n);
}

Hertz RecordingSpectrogram::lowestHz() const { return binBegin_ * double(info_.sampleRate) / settings_.fftSize; }

Seconds RecordingSpectrogram::columnSeconds(int level) const
{
    return double(settings_.hop()) * std::ldexp(1.0, level) / info_.sampleRate;
}

int RecordingSpectrogram::levelFor(Seconds secondsPerPixel) const
{
    int level = 0;
    while (level < maxLevel_ && columnSeconds(level + 1) <= secondsPerPixel)
        ++level;
    return level;
}

std::int64_t RecordingSpectrogram::tileCount(int level) const
{
    const std::int64_t columns = (frames_ + (std::int64_t(1) << level) - 1) >> level;
    return (columns + kTileColumns - 1) / kTileColumns;
}

std::int64_t RecordingSpectrogram::tileAt(int level, Seconds t) const
{
    const auto i = std::int64_t(std::floor(t / tileSeconds(level)));
    return std::clamp<std::int64_t>(i, 0, std::max<std::int64_t>(0, tileCount(level) - 1));
}

Spectrogram RecordingSpectrogram::tile(int level, std::int64_t index) const
{
    if (level < 0 || level > maxLevel_ || index < 0 || index >= tileCount(level))
        throw UsageError("no spectrogram tile " + std::to_string(index) + " at level " + std::to_string(level) + " of "
                         + file_.string());
    const int n = settings_.fftSize, hop = settings_.hop();
    const std::int64_t pool = std::int64_t(1) << level;
    const std::int64_t firstColumn = index * kTileColumns;
    const std::int64_t columnsTotal = (frames_ + pool - 1) / pool;
    const int columns = int(std::min<std::int64_t>(kTileColumns, columnsTotal - firstColumn));
    const int bins = binCount();
    const double rate = info_.sampleRate;

    Spectrogram out;
    out.frames = columns;
    out.bins = bins;
    out.values.assign(std::size_t(columns) * std::size_t(bins), -1e30f);
    out.hopSeconds = columnSeconds(level);
    // A column is drawn centred on its frames: from the middle of its first window, less half a hop.
    out.startSeconds = double(firstColumn * pool * hop) / rate;
    for (int b = 0; b < bins; ++b)
        out.binCentres.push_back((binBegin_ + b) * rate / n);

    PowerSpectrogram stft(settings_.stftParams(info_.sampleRate));
    AudioReader reader(file_); // the file's own rate, all channels mixed
    // Column c keeps the loudest value of each bin over its frames.
    const auto poolInto = [&](int c, std::span<const float> power) {
        float* col = &out.values[std::size_t(c) * std::size_t(bins)];
        for (int b = 0; b < bins; ++b)
            col[b] = std::max(col[b], power[std::size_t(binBegin_ + b)]);
    };
    const std::int64_t lead = (n - hop) / 2; // frame f's window starts at f * hop - lead
    const auto samplesOf = [&](std::int64_t frame, std::int64_t count) { // count frames from `frame`
        const std::int64_t a = frame * hop - lead, b = (frame + count - 1) * hop - lead + n;
        std::vector<float> x(std::size_t(b - a), 0.0f); // zeros where the window reaches past the file
        const std::int64_t from = std::max<std::int64_t>(a, 0), to = std::min<std::int64_t>(b, info_.frames);
        if (to > from) {
            const std::vector<float> read = reader.read(double(from) / rate, double(to) / rate);
            std::copy_n(read.begin(), std::min<std::size_t>(read.size(), x.size() - std::size_t(from - a)),
                        x.begin() + (from - a));
        }
        return x;
    };

    if (level <= kMaxPooledLevel) {
        const std::int64_t firstFrame = firstColumn * pool;
        const std::int64_t count = std::min<std::int64_t>(columns * pool, frames_ - firstFrame);
        const std::vector<float> x = samplesOf(firstFrame, count);
        stft.forEachFrame(x, [&](int t, std::span<const float> power) {
            if (t < count)
                poolInto(int(t / pool), power);
        });
    } else {
        for (int c = 0; c < columns; ++c) {
            const std::int64_t begin = (firstColumn + c) * pool, end = std::min(frames_, begin + pool);
            for (int k = 0; k < kSparseFrames; ++k) {
                const std::vector<float> x = samplesOf(begin + (end - begin) * k / kSparseFrames, 1);
                stft.forEachFrame(x, [&](int, std::span<const float> power) { poolInto(c, power); });
            }
        }
    }
    for (float& v : out.values)
        v = v > 0.0f ? std::max(kFloorDb, 10.0f * std::log10(v) - dbOffset_) : kFloorDb;
    return out;
}

} // namespace crowlingo
