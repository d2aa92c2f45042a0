#include "core/audio/AudioReader.h"

#include "core/audio/AudioFormats.h"
#include "core/audio/Resampler.h"
#include "core/common/Error.h"

#include <sndfile.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <cmath>
#include <mutex>
#include <numeric>
#include <system_error>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

struct SndFileCloser {
    void operator()(SNDFILE* file) const { sf_close(file); }
};
using SndFilePtr = std::unique_ptr<SNDFILE, SndFileCloser>;

// Frames decoded per sf_readf_float call; capped in samples so that many-channel files stay small.
constexpr FrameIndex kChunkFrames = 16384;
constexpr FrameIndex kMaxChunkSamples = FrameIndex(1) << 20;
// Extra samples (counted at the lower of the input and output rates) decoded beyond each end of a
// ranged read and then trimmed, so that the resampler's filter sees the same neighbourhood as in a
// full decode. soxr HQ settles within ~128 of them (measured from 8 to 500 kHz); twice that for safety.
constexpr double kMarginSamples = 256;
// A ranged read starts on a multiple of Q input frames (ratio = P/Q) so that its output grid is the
// full decode's; when Q exceeds this many seconds, it starts where the grids nearly coincide.
constexpr FrameIndex kMaxAlignSeconds = 4;

// sf_open reports failures through a process-wide error slot; serialise open + read-back.
std::mutex& openMutex()
{
    static std::mutex mutex;
    return mutex;
}

std::string trimmed(std::string text)
{
    while (!text.empty() && (text.back() == '.' || text.back() == '\n' || text.back() == ' '))
        text.pop_back();
    return text;
}

// Opens path for reading, or throws an AudioError saying what is wrong with it. The checks before
// sf_open give clearer messages than libsndfile's generic "System error" for the common cases.
SndFilePtr openSndFile(const fs::path& path, SF_INFO& info)
{
    std::error_code ec;
    const fs::file_status status = fs::status(path, ec);
    if (status.type() == fs::file_type::not_found)
        throw AudioError(fileError("read", path, "file does not exist"));
    if (ec)
        throw AudioError(fileError("read", path, ec.message()));
    if (fs::is_directory(status))
        throw AudioError(fileError("read", path, "is a directory, not an audio file"));
    if (!fs::is_regular_file(status))
        throw AudioError(fileError("read", path, "not a regular file"));
    const auto size = fs::file_size(path, ec);
    if (ec)
        throw AudioError(fileError("read", path, ec.message()));
    if (size == 0)
        throw AudioError(fileError("read", path, "file is empty"));
    if (std::FILE* probe = std::fopen(path.c_str(), "rb"))
        std::fclose(probe);
    else
        throw AudioError(fileError("read", path, std::error_code(errno, std::generic_category()).message()));

    info = SF_INFO{};
    SNDFILE* file = nullptr;
    {
        std::lock_guard lock(openMutex());
        file = sf_open(path.c_str(), SFM_READ, &info);
        if (!file) {
            const int code = sf_error(nullptr);
            const std::string message = trimmed(sf_strerror(nullptr));
            if (code == SF_ERR_UNRECOGNISED_FORMAT)
                throw AudioError(fileError("read", path, "not a recognised audio file (libsndfile: " + message + ")"));
            throw AudioError(fileError("read", path, "libsndfile: " + message));
        }
    }
    SndFilePtr handle(file);
    if (info.channels <= 0 || info.samplerate <= 0)
        throw AudioError(fileError("read", path,
                                   "invalid header (" + std::to_string(info.channels) + " channels at " +
                                       std::to_string(info.samplerate) + " Hz)"));
    if (info.frames < 0)
        info.frames = 0;
    return handle;
}

AudioInfo makeInfo(const fs::path& path, const SF_INFO& sf)
{
    AudioInfo info;
    info.path = path;
    info.format = sndfileFormatName(sf.format);
    info.encoding = sndfileEncodingName(sf.format);
    info.sampleRate = sf.samplerate;
    info.channels = sf.channels;
    info.frames = sf.frames;
    return info;
}

// Frames per byte no codec comes near (Opus at 6 kb/s and 48 kHz is 64): beyond it a header's
// length is garbage, as libsndfile reports for an Ogg file cut short.
constexpr double kMaxFramesPerByte = 1024;

// Checks that the file holds the audio its header announces. Returns "" if so; else repairs
// sf.frames to what can really be decoded (reopening `file` when it had to decode to find out)
// and says what is wrong, for the recording's note.
std::string inspectLength(const fs::path& path, SndFilePtr& file, SF_INFO& sf)
{
    char log[8192] = {};
    sf_command(file.get(), SFC_GET_LOG_INFO, log, sizeof log);
    // WAV-family headers: libsndfile logs "data : <declared> (should be <present>)" and already
    // reads only what is present.
    for (const char* line = log; *line;) {
        const char* end = std::strchr(line, '\n');
        const std::string_view text(line, end ? std::size_t(end - line) : std::strlen(line));
        if (text.starts_with("data") && text.find("(should be") != std::string_view::npos)
            return "truncated or damaged: its header announces more audio than the file holds (libsndfile: \"" +
                   std::string(text) + "\"); the part present was read";
        if (!end) break;
        line = end + 1;
    }
    std::error_code ec;
    const double bytes = double(fs::file_size(path, ec));
    if (ec || double(sf.frames) <= bytes * kMaxFramesPerByte) return {};
    // No usable length: decode once to count what is there (bounded memory), then start over.
    const sf_count_t announced = sf.frames;
    std::vector<float> buffer(std::size_t(65536) * std::size_t(sf.channels));
    sf_count_t frames = 0;
    for (sf_count_t got; (got = sf_readf_float(file.get(), buffer.data(), 65536)) > 0;) frames += got;
    SF_INFO again{};
    file = openSndFile(path, again);
    sf.frames = frames;
    char what[200];
    std::snprintf(what, sizeof what, "truncated or damaged: its header gives an impossible length (%.3g s); the %.2f s "
                  "that decode were read", double(announced) / sf.samplerate, double(frames) / sf.samplerate);
    return what;
}

// x as num/den with den <= 1000, if it is one (time-expansion factors are 1, 8, 10, 2.5 ...).
bool smallFraction(double x, std::int64_t& num, std::int64_t& den)
{
    for (den = 1; den <= 1000; ++den) {
        const double scaled = x * double(den);
        const double nearest = std::round(scaled);
        if (std::fabs(scaled - nearest) <= 1e-9 * std::max(1.0, scaled)) {
            num = std::int64_t(nearest);
            return num > 0;
        }
    }
    return false;
}

} // namespace

struct AudioReader::Impl {
    fs::path path;
    ReadOptions options;
    SF_INFO sfInfo{};
    SndFilePtr file;
    AudioInfo info;
    SampleRate outRate = 0;
    double ratio = 1.0;       // output samples per file frame: outRate * F / fileRate
    bool passthrough = false; // ratio is 1: frames are copied, never resampled
    std::int64_t alignP = 0;  // ratio == alignP / alignQ exactly; alignQ == 0 when not a usable fraction
    std::int64_t alignQ = 0;
    SignalStats stats;
    std::string damage;           // why the file holds less than its header says, or ""
    FrameIndex decodableEnd = -1; // where decoding stopped early, once a read found it
    // Reused per-chunk buffers: their size is bounded by one chunk, whatever the length read.
    std::vector<float> interleaved, mono, converted;

    SampleCount outputIndex(Seconds t) const { return SampleCount(std::llround(t * options.timeExpansion * outRate)); }
    SampleCount totalOutput() const
    {
        if (passthrough)
            return info.frames;
        if (alignQ > 0)
            return (info.frames / alignQ) * alignP + (2 * (info.frames % alignQ) * alignP + alignQ) / (2 * alignQ);
        return SampleCount(std::llround(double(info.frames) * ratio));
    }
    Seconds outputTime(SampleCount n) const { return double(n) / (options.timeExpansion * outRate); }
    FrameIndex chunkFrames() const { return std::max<FrameIndex>(1, std::min(kChunkFrames, kMaxChunkSamples / info.channels)); }

    FrameIndex nearlyAlignedStart(FrameIndex latest) const;
    void seekTo(FrameIndex frame);
    FrameIndex readChunk(FrameIndex first, FrameIndex count, FrameIndex countFrom, FrameIndex countTo);
    void pump(SampleCount n0, SampleCount n1, const std::function<bool(std::span<const float>)>& sink);
};

// The ratio is no small fraction (an odd time-expansion factor): no start frame puts this read's
// output grid exactly on the full decode's, so take the one at or before `latest` (within a few
// seconds) whose a * ratio is nearest an integer; the remaining offset is a tiny fraction of a sample.
FrameIndex AudioReader::Impl::nearlyAlignedStart(FrameIndex latest) const
{
    const FrameIndex earliest = std::max<FrameIndex>(0, latest - kMaxAlignSeconds * info.sampleRate);
    FrameIndex best = latest;
    double bestOffset = 1;
    for (FrameIndex a = latest; a >= earliest; --a) {
        const double position = double(a) * ratio;
        const double offset = std::fabs(position - std::round(position));
        if (offset < bestOffset) {
            best = a;
            bestOffset = offset;
            if (offset < 1e-6)
                break;
        }
    }
    return best;
}

void AudioReader::Impl::seekTo(FrameIndex frame)
{
    if (decodableEnd >= 0 && frame >= decodableEnd)
        return; // nothing there to decode: readChunk() returns no frames
    if (sf_seek(file.get(), frame, SEEK_SET) == frame)
        return;
    // Not seekable (or the header promised more than the file holds): decode from the start and
    // skip. Reading stops at the real end of the data, so a lying header cannot make this hang.
    const sf_count_t knownFrames = sfInfo.frames;
    file = openSndFile(path, sfInfo);
    sfInfo.frames = knownFrames;
    const FrameIndex chunk = chunkFrames();
    interleaved.resize(std::size_t(chunk * info.channels));
    for (FrameIndex at = 0; at < frame;) {
        const sf_count_t got = sf_readf_float(file.get(), interleaved.data(), std::min(chunk, frame - at));
        if (got <= 0)
            break;
        at += got;
    }
}

// Decodes up to count frames into mono (mixed or one channel), zeroing non-finite samples; those
// whose frame lies in [countFrom, countTo) are counted. Returns the frames read (fewer at the end).
FrameIndex AudioReader::Impl::readChunk(FrameIndex first, FrameIndex count, FrameIndex countFrom, FrameIndex countTo)
{
    const int channels = info.channels;
    if (decodableEnd >= 0 && first >= decodableEnd) {
        mono.clear();
        return 0;
    }
    interleaved.resize(std::size_t(count * channels));
    const sf_count_t got = std::max<sf_count_t>(0, sf_readf_float(file.get(), interleaved.data(), count));
    // The decoder gave up before the end the header announces (a FLAC or MP3 cut short). A few
    // frames short is an estimated length (MP3 without a Xing tag), not damage.
    const FrameIndex missing = info.frames - (first + got);
    if (got < count && missing > std::max<FrameIndex>(info.frames / 100, info.sampleRate / 10) &&
        (decodableEnd < 0 || first + got < decodableEnd)) {
        decodableEnd = first + got;
        char what[200];
        std::snprintf(what, sizeof what, "truncated or damaged: decoding stops at %.2f s of the %.2f s its header announces",
                      double(decodableEnd) / info.sampleRate, double(info.frames) / info.sampleRate);
        damage = what;
    }
    mono.resize(std::size_t(got));
    // Garbage samples become 0 here, so nothing downstream (resampler, FFT, model) sees them.
    // Only frames in [countFrom, countTo) enter the statistics: the rest is resampler margin.
    SignalStats local;
    for (FrameIndex i = 0; i < got; ++i) {
        const bool counted = first + i >= countFrom && first + i < countTo;
        float* frame = interleaved.data() + i * channels;
        bool clipped = false;
        float framePeak = 0;
        for (int c = 0; c < channels; ++c) {
            float& v = frame[c];
            float magnitude = std::abs(v);
            // One comparison for the usual case: false for NaN, infinity and absurd values alike.
            if (!(magnitude <= kAbsurdSampleMagnitude)) [[unlikely]] {
                if (counted && (options.channel < 0 || options.channel == c)) {
                    local.nan += std::isnan(v);
                    local.infinite += std::isinf(v);
                    local.absurd += std::isfinite(v);
                }
                v = 0;
                magnitude = 0;
            }
            clipped |= magnitude >= 0.999f;
            framePeak = std::max(framePeak, magnitude);
        }
        float out;
        if (options.channel >= 0) {
            out = frame[options.channel];
        } else {
            float sum = 0;
            for (int c = 0; c < channels; ++c) sum += frame[c];
            out = channels == 1 ? sum : sum / float(channels);
        }
        mono[std::size_t(i)] = out;
        if (counted) {
            ++local.frames;
            local.clippedFrames += clipped;
            local.peak = std::max(local.peak, double(framePeak));
            local.sum += out;
            local.sumSquares += double(out) * out;
        }
    }
    stats.add(local);
    return got;
}

// Produces output samples [n0, n1) in order, in pieces of about one chunk, until sink returns false.
void AudioReader::Impl::pump(SampleCount n0, SampleCount n1, const std::function<bool(std::span<const float>)>& sink)
{
    if (n1 <= n0)
        return;
    const FrameIndex chunk = chunkFrames();
    if (passthrough) {
        seekTo(n0);
        for (FrameIndex f = n0; f < n1;) {
            const FrameIndex want = std::min(chunk, n1 - f);
            const FrameIndex got = readChunk(f, want, n0, n1);
            if (got > 0 && !sink(mono))
                return;
            f += got;
            if (got < want)
                return; // end of the data, wherever the header said it was
        }
        return;
    }

    // Input frames that make up outputs n0..n1, widened by the filter margin and aligned so that this
    // read's output grid coincides with a full decode's.
    const FrameIndex margin = FrameIndex(std::ceil(kMarginSamples * std::max(1.0, 1.0 / ratio)));
    const FrameIndex countFrom = FrameIndex(std::floor(double(n0) / ratio));
    const FrameIndex countTo = FrameIndex(std::ceil(double(n1) / ratio));
    FrameIndex a = std::max<FrameIndex>(0, countFrom - margin);
    if (alignQ > 0)
        a = (a / alignQ) * alignQ;
    else
        a = nearlyAlignedStart(a);
    const FrameIndex b = std::min(info.frames, countTo + margin);
    SampleCount outIndex = alignQ > 0 ? (a / alignQ) * alignP : SampleCount(std::llround(double(a) * ratio));

    // Passes on the part of `converted` (outputs from outIndex on) that lies in [n0, n1).
    const auto emit = [&]() {
        const SampleCount size = SampleCount(converted.size());
        const SampleCount lo = std::max(n0, outIndex), hi = std::min(n1, outIndex + size);
        if (lo < hi && !sink(std::span<const float>(converted).subspan(std::size_t(lo - outIndex), std::size_t(hi - lo))))
            return false;
        outIndex += size;
        return outIndex < n1;
    };

    Resampler resampler(double(info.sampleRate), double(outRate) * options.timeExpansion);
    seekTo(a);
    for (FrameIndex f = a; f < b;) {
        const FrameIndex want = std::min(chunk, b - f);
        const FrameIndex got = readChunk(f, want, countFrom, countTo);
        converted.clear();
        resampler.process(mono, converted);
        if (!emit())
            return;
        f += got;
        if (got < want)
            break;
    }
    converted.clear();
    resampler.flush(converted);
    emit();
}

AudioInfo probeAudio(const fs::path& path)
{
    SF_INFO sf{};
    SndFilePtr file = openSndFile(path, sf);
    inspectLength(path, file, sf);
    return makeInfo(path, sf);
}

AudioReader::AudioReader(const fs::path& path, ReadOptions options)
    : d(std::make_unique<Impl>())
{
    d->path = path;
    d->options = options;
    if (!(options.timeExpansion > 0) || !std::isfinite(options.timeExpansion))
        throw UsageError(fileError("read", path, "time-expansion factor must be positive, got " +
                                                     std::to_string(options.timeExpansion)));
    if (options.targetRate < 0)
        throw UsageError(fileError("read", path, "target rate must be positive, got " + std::to_string(options.targetRate)));
    d->file = openSndFile(path, d->sfInfo);
    d->damage = inspectLength(path, d->file, d->sfInfo);
    d->info = makeInfo(path, d->sfInfo);
    if (options.channel < -1 || options.channel >= d->info.channels)
        throw AudioError(fileError("read", path,
                                   "channel " + std::to_string(options.channel) + " requested but the file has " +
                                       std::to_string(d->info.channels) + " channel(s), numbered from 0"));

    const double fileRate = d->info.sampleRate;
    const double F = options.timeExpansion;
    d->outRate = options.targetRate > 0 ? options.targetRate
                                        : SampleRate(std::max(1.0, std::round(fileRate / F)));
    d->ratio = double(d->outRate) * F / fileRate;
    d->passthrough = std::fabs(d->ratio - 1.0) < 1e-12;
    std::int64_t num = 0, den = 0;
    if (!d->passthrough && smallFraction(F, num, den)) {
        std::int64_t p = std::int64_t(d->outRate) * num, q = std::int64_t(d->info.sampleRate) * den;
        const std::int64_t g = std::gcd(p, q);
        p /= g;
        q /= g;
        if (q <= kMaxAlignSeconds * d->info.sampleRate) {
            d->alignP = p;
            d->alignQ = q;
        }
    }
}

AudioReader::~AudioReader() = default;
AudioReader::AudioReader(AudioReader&&) noexcept = default;
AudioReader& AudioReader::operator=(AudioReader&&) noexcept = default;

const AudioInfo& AudioReader::info() const { return d->info; }
const ReadOptions& AudioReader::options() const { return d->options; }
SampleRate AudioReader::outputRate() const { return d->outRate; }
Seconds AudioReader::duration() const { return d->info.duration(); }
SampleCount AudioReader::nonFiniteSamples() const { return d->stats.invalid(); }

const SignalStats& AudioReader::signalStats() const { return d->stats; }

const std::string& AudioReader::damage() const { return d->damage; }

std::vector<float> AudioReader::read(Seconds start, Seconds end)
{
    if (std::isnan(start) || std::isnan(end))
        throw UsageError(fileError("read", d->path, "time range is not a number"));
    const Seconds duration = d->info.duration();
    if (end < 0 || end > duration)
        end = duration; // end < 0: to the end of the file (as readAudio's default)
    start = std::clamp(start, 0.0, duration);
    const SampleCount total = d->totalOutput();
    const SampleCount n0 = std::min(total, d->outputIndex(start));
    const SampleCount n1 = end >= duration ? total : std::min(total, d->outputIndex(end));

    std::vector<float> out;
    if (n1 <= n0)
        return out;
    out.reserve(std::size_t(n1 - n0));
    d->pump(n0, n1, [&](std::span<const float> piece) {
        out.insert(out.end(), piece.begin(), piece.end());
        return true;
    });
    return out;
}

void AudioReader::stream(Seconds start, Seconds end, Seconds blockSeconds,
                         const std::function<bool(std::span<const float> block, Seconds blockStart)>& visit)
{
    if (std::isnan(start) || std::isnan(end))
        throw UsageError(fileError("read", d->path, "time range is not a number"));
    if (!(blockSeconds > 0) || !std::isfinite(blockSeconds))
        throw UsageError(fileError("read", d->path, "block length must be positive, got " + std::to_string(blockSeconds)));
    const Seconds duration = d->info.duration();
    if (end < 0 || end > duration)
        end = duration;
    start = std::clamp(start, 0.0, duration);
    const SampleCount total = d->totalOutput();
    const SampleCount n0 = std::min(total, d->outputIndex(start));
    const SampleCount n1 = end >= duration ? total : std::min(total, d->outputIndex(end));
    const std::size_t blockSize =
        std::size_t(std::max<SampleCount>(1, std::llround(blockSeconds * d->options.timeExpansion * d->outRate)));

    std::vector<float> block;
    block.reserve(std::min<std::size_t>(blockSize, std::size_t(std::max<SampleCount>(0, n1 - n0))));
    SampleCount blockStart = n0;
    bool stopped = false;
    d->pump(n0, n1, [&](std::span<const float> piece) {
        while (!piece.empty()) {
            const std::size_t take = std::min(blockSize - block.size(), piece.size());
            block.insert(block.end(), piece.begin(), piece.begin() + take);
            piece = piece.subspan(take);
            if (block.size() == blockSize) {
                if (!visit(block, d->outputTime(blockStart))) {
                    stopped = true;
                    return false;
                }
                blockStart += SampleCount(blockSize);
                block.clear();
            }
        }
        return true;
    });
    if (!stopped && !block.empty())
        visit(block, d->outputTime(blockStart));
}

std::vector<float> readAudio(const fs::path& path, ReadOptions options, Seconds start, Seconds end)
{
    AudioReader reader(path, options);
    return reader.read(start, end < 0 ? reader.duration() : end);
}

bool hasAudioExtension(const fs::path& path)
{
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return char(std::tolower(c)); });
    const auto extensions = audioExtensions();
    return std::find(extensions.begin(), extensions.end(), ext) != extensions.end();
}

} // namespace crowlingo
