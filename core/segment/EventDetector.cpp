// One file for the detector's per-frame algorithm (about 770 lines): smoothing, noise trackers,
// event growth and click rejection read and write the same per-channel state frame by frame, and
// their thresholds were tuned together (bench_events). The channel layout is its own file
// (detail/DetectionChannels.h).
#include "core/segment/EventDetector.h"

#include "core/common/Error.h"
#include "core/common/RangeCheck.h"
#include "core/segment/detail/DetectionChannels.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace crowlingo {

// How it works, per analysis frame:
//  1. mel power (MelSpectrogram::computePower), fine mel bands summed into detection bands
//     (groupBands), averaged over 5 frames (and, for weak long calls, over the last 17), in dB;
//  2. per band, a noise floor (running 20 % quantile) and a noise ceiling (running 95 % quantile);
//     the excess of a band is its level over the floor, minus however much the ceiling stands
//     further above the floor than in steady noise (impulsive noise such as rain raises the bar);
//  2b. the same for wide channels (sums of a few adjacent bands above kWideLowestHz), whose level
//     in noise is steadier: they find weak broadband calls that no single band shows; and for
//     transient channels (sums of more bands, barely smoothed): short broadband sweeps (bats);
//  3. events: a band whose excess reaches onDb starts one (unless an open event explains it); an
//     event lasts while a band in or next to its range stays above offDb and grows to the bands
//     above onDb that bands above offDb connect it to (FM sweeps); events that end and restart in
//     the same bands within mergeGap are one event; several events may be open at once in
//     different bands (wind rumble does not swallow a whistle);
//  4. click rejection, for events shorter than kClickMaxSeconds: impulsive noise (rain on leaves,
//     debris, handling) lifts every band at once, so at an event's strongest frame the bands outside
//     it show how much of it is just that lift. A short event must stand kContrastDb over the median
//     excess of the bands outside it (kNarrowContrastDb if it is one or two bands wide: a random
//     spectral peak of a drop looks like that), plus however much more impulsive than steady noise
//     the background is; one found by a transient channel must have the bands outside it quiet
//     (below kClickOutsideDb): a sweep is band-limited, a click is not.

namespace {

// Analysis frame of about 12 ms (256 samples at 22.05 kHz) with 75 % overlap: onsets land within a
// few ms, while the FFT bins (86 Hz) still resolve the mel bands above a few hundred Hz.
constexpr double kFrameSeconds = 0.0116;
constexpr int kHopDivisor = 4;
// Band powers are averaged over 2*kSmoothHalf+1 frames (centred, about 12 ms of hops) before dB.
constexpr int kSmoothHalf = 2;
// A second, trailing average over 2*kLongHalf+1 frames (about 50 ms) is steadier in noise, so it
// may start an event kLongBonusDb below onDb: long calls too weak for the short scale.
constexpr int kLongHalf = 8;
constexpr double kLongBonusDb = 5.0;
constexpr int kRing = 2 * kLongHalf + kSmoothHalf + 1; // frames of power kept for both averages
// Fine mel bands: the lowest is about one FFT bin wide, at most kMaxMelBands of them, grouped (low
// bands) into detection bands (detail/DetectionChannels.h).
constexpr int kMaxMelBands = 64;
// Wide channels: sums of kWideBands adjacent detection bands (overlapping by half), with their own
// floor and thresholds. A weak call spread over many bands (a caw's harmonic stack at 0-5 dB) lifts
// no single narrow band far enough, but their sum stands out: its level in noise varies less. They start events at kWideOnDb and keep them going at
// kWideOffDb; in steady noise their ceiling lies about kWideSteadySpreadDb over their floor.
constexpr double kWideOnDb = 2.5;
constexpr double kWideOffDb = 1.5;
constexpr double kWideSteadySpreadDb = 2.0;
// A wide channel starts an event only after staying above kWideOnDb this long (rain clicks and
// other impulses do not), and never below kWideLowestHz (wind rumble lives there).
constexpr double kWidePersistSeconds = 0.03;
// Transient channels: sums of kTransientBands adjacent bands (overlapping by half) above
// kWideLowestHz, averaged over 3 frames only, so that a sweep of a few ms keeps its level. They start
// an event at kTransientOnDb over their floor and keep it going at kTransientOffDb; in steady noise
// their ceiling lies about kTransientSteadySpreadDb over their floor.
constexpr int kTransientHalf = 1;
constexpr double kTransientOnDb = 6.0;
constexpr double kTransientOffDb = 2.0;
constexpr double kTransientSteadySpreadDb = 2.0;
// Click rejection (step 4 above), measured on rain, wind and the demo corpus (bench_events).
constexpr double kClickMaxSeconds = 0.1;
constexpr double kContrastDb = 7.0;
constexpr double kNarrowContrastDb = 12.0;
constexpr double kClickOutsideDb = 2.5;
// Noise floor per band: a running low quantile (stochastic quantile tracker in dB). It moves in
// fixed steps, so a loud call lifts it at a bounded rate whatever its level; it follows noise
// rises of up to kRiseDbPerWindow per noiseWindow and falls (1-q)/q = 4 times faster.
constexpr double kFloorQuantile = 0.2;
constexpr double kRiseDbPerWindow = 12.0;
// Noise ceiling per band (running high quantile, held inside events). In steady noise it lies
// about kSteadySpreadDb over the floor; where it lies further (rain clicks, gusts), the
// thresholds rise by the difference.
constexpr double kCeilQuantile = 0.95;
constexpr double kSteadySpreadDb = 4.0;
// Inside an event's bands the floor rises at half speed: the call itself must not lift it much,
// but a lasting step in the noise level must still be absorbed rather than produce events forever.
constexpr double kEventRiseFactor = 0.5;
// The trackers start from the first noiseWindow seconds (at most this long), which are then
// replayed, so calls at the very start of a file are found too.
constexpr double kMaxWarmUpSeconds = 10.0;
// Onset refinement: how far back from the frame that crossed onDb an event may extend, first
// while its bands stay above offDb, then down the rising slope while above kSlopeDb.
constexpr double kLookbackSeconds = 0.05;
constexpr double kSlopeDb = 3.0;
// Reported band: fine mel bands whose mean power over the event stands kEdgeDb over their noise
// and within kEdgeRangeDb of the strongest (weak harmonics in, window side lobes out).
constexpr double kEdgeDb = 6.0;
constexpr double kEdgeRangeDb = 20.0;
// Band levels at the -100 dB clamp are digital silence, not noise: they leave the trackers alone.
constexpr float kSilenceDb = -99.f;
// Samples analysed per computePower() call: bounds the buffer whatever block size is fed.
constexpr SampleCount kChunkSamples = 1 << 16;

using detail::ChannelKind;
using detail::ChannelSpan;
using detail::kTransientBands;
using detail::kWideBands;

int nearestPowerOfTwo(double x)
{
    int n = 32;
    while (n * 2 <= 8192 && std::abs(std::log2(n * 2.0 / x)) < std::abs(std::log2(n / x))) n *= 2;
    return n;
}

} // namespace

void EventDetector::checkParams(const EventParams& p)
{
    // Ranges first, each in its message: a band of 10^12 Hz must not reach an int conversion.
    try {
        requireInRange("lowHz", p.lowHz, 0.0, EventLimits::maxHz, "Hz");
        requireInRange("highHz", p.highHz, 0.0, EventLimits::maxHz, "Hz");
        requireInRange("onDb", p.onDb, EventLimits::minOnDb, EventLimits::maxDb, "dB");
        requireInRange("offDb", p.offDb, 0.0, EventLimits::maxDb, "dB");
        requireInRange("noiseWindow", p.noiseWindow, EventLimits::minNoiseWindow, EventLimits::maxSeconds, "s");
        requireInRange("minDuration", p.minDuration, 0.0, EventLimits::maxSeconds, "s");
        requireInRange("maxDuration", p.maxDuration, 0.0, EventLimits::maxSeconds, "s");
        requireInRange("mergeGap", p.mergeGap, 0.0, EventLimits::maxSeconds, "s");
        requireInRange("padding", p.padding, 0.0, EventLimits::maxSeconds, "s");
    } catch (const UsageError& e) {
        throw UsageError(std::string("invalid event parameters: ") + e.what());
    }
    auto bad = [](const std::string& why) { throw UsageError("invalid event parameters: " + why); };
    if (p.highHz <= p.lowHz) bad("need lowHz < highHz (got " + numberText(p.lowHz) + " and " + numberText(p.highHz) + " Hz)");
    if (p.offDb > p.onDb) bad("need offDb <= onDb (got " + numberText(p.offDb) + " and " + numberText(p.onDb) + " dB)");
    if (p.maxDuration <= p.minDuration)
        bad("need maxDuration > minDuration (got " + numberText(p.maxDuration) + " and " + numberText(p.minDuration) + " s)");
}

struct EventDetector::Impl {
    struct Event {
        FrameIndex start = 0, end = -1; // frames, inclusive; end < start: nothing active yet
        int lo = 0, hi = 0;             // detection bands that rose above floor + onDb
        bool wide = false;              // started by a wide channel alone (kept going by them too)
        bool transient = false;         // started by a transient channel alone (kept going by them too)
        float peak = -1e30f;            // its strongest excess over the noise (detection bands)...
        float outside = 0;              // ... and then, the median excess of the bands outside it
        std::vector<double> finePower;  // per mel band: power summed over the event's frames
        FrameIndex frames = 0;          // ... over this many frames
    };

    EventParams p;
    SampleRate rate = 0;
    double timeExpansion = 1;
    Seconds startTime = 0;
    MelParams mp;
    std::unique_ptr<MelSpectrogram> mel;
    detail::DetectionChannels ch;         // detection bands, wide and transient channels
    std::vector<int> wideRun;             // per wide channel: frames in a row above kWideOnDb
    int widePersist = 1;                  // kWidePersistSeconds in frames
    double frameSeconds = 0;              // hop, in recording seconds

    std::vector<float> samples; // not yet analysed (less than one chunk + nFft)
    SampleCount maxSamples = 0;

    // Power smoothing: ring of the last kRing frames of detection-band (and mel-band) power.
    std::vector<float> powerRing;
    FrameIndex powerFrames = 0;    // power frames received
    FrameIndex smoothedFrames = 0; // smoothed frames produced
    std::vector<float> groupRow;   // power per detection band, one frame
    std::vector<float> fineRing;   // the last kRing frames of mel power (for the events' bands)
    std::vector<double> fineNoise; // per mel band: mean power in frames where its band is quiet
    double fineAlpha = 0;
    std::vector<float> level;      // dB per channel, one frame
    std::vector<double> shortPower; // power per detection band, one frame

    // Warm-up: the first frames' levels, until the trackers are initialised.
    bool initialised = false;
    FrameIndex warmFrames = 0;
    std::vector<float> warm, warmLong, warmFine;
    std::vector<float> levelLong;

    std::vector<float> floorDb, ceilDb;
    std::vector<char> known; // the band has had sound (not digital silence) to learn from
    double floorStep = 0, ceilStep = 0; // dB per frame

    // Excess over the floor for the last `lookback` frames (onset refinement).
    int lookback = 1;
    std::vector<float> excessRing;

    std::vector<Event> open;            // active in the latest frame
    std::vector<Event> closed;          // ended less than mergeGap ago: may still continue
    std::vector<char> claimed, inEvent, hot; // per band, scratch for one frame
    mutable std::vector<float> scratch;      // notePeak()'s band excesses
    FrameIndex mergeGapFrames = 0, maxDurationFrames = 2;
    std::vector<Clip> done;
    std::size_t maxFrames = 0;

    Seconds frameTime(FrameIndex j) const
    {
        return startTime + (double(j) * mp.hop + mp.nFft / 2.0) / (double(rate) * timeExpansion);
    }

    void pushSamples(std::span<const float> x);
    void analyse();
    void pushPower(const float* melRow);
    void flushSmoothing();
    void emitSmoothed(FrameIndex j);
    void pushLevel(const float* L, const float* LL, const float* fine);
    void initialiseTrackers();
    void detect(FrameIndex j, const float* L, const float* LL, const float* fine);
    void updateTrackers(const float* L, const float* fine);
    float maxExcess(FrameIndex j, int lo, int hi) const;
    void notePeak(Event& ev, FrameIndex j) const;
    bool isClick(const Event& ev, Seconds duration) const;
    double steadySpread(int channel) const
    {
        switch (ch.kindOf(channel)) {
        case ChannelKind::Band: return kSteadySpreadDb;
        case ChannelKind::Wide: return kWideSteadySpreadDb;
        case ChannelKind::Transient: break;
        }
        return kTransientSteadySpreadDb;
    }
    // How far the channel's noise ceiling stands above its floor beyond steady noise's spread:
    // what impulsive noise (rain clicks, gusts) adds to its thresholds.
    float impulsiveSpread(int channel) const
    {
        return std::max(0.f, ceilDb[channel] - floorDb[channel] - float(steadySpread(channel)));
    }
    FrameIndex refineOnset(FrameIndex j, int lo, int hi) const;
    void finalize(const Event& e);
    void bandEdges(const Event& ev, Hertz& low, Hertz& high) const;
    Event newEvent(FrameIndex start, FrameIndex end, int lo, int hi) const;
    static void absorb(Event& into, const Event& other);
    void closeAtEnd();
};

EventDetector::EventDetector(const EventParams& params, SampleRate analysisRate, double timeExpansion,
                             Seconds startTime)
    : d(std::make_unique<Impl>())
{
    checkParams(params);
    if (analysisRate <= 0) throw UsageError("event detection: analysis rate must be > 0");
    if (!(timeExpansion > 0) || !std::isfinite(timeExpansion))
        throw UsageError("event detection: time expansion must be > 0");
    d->p = params.forTimeExpansion(timeExpansion);
    const EventParams& p = d->p;
    d->rate = analysisRate;
    d->timeExpansion = timeExpansion;
    d->startTime = startTime;

    // EventParams are in real Hz; the analysed samples carry them divided by the time expansion.
    const double nyquist = analysisRate / 2.0;
    const double fMin = p.lowHz / timeExpansion;
    const double fMax = std::min(p.highHz / timeExpansion, nyquist);
    const int nFft = nearestPowerOfTwo(analysisRate * kFrameSeconds);
    const double binHz = double(analysisRate) / nFft;
    if (fMax - fMin < 4 * binHz)
        throw UsageError("event detection: the band " + numberText(std::round(p.lowHz)) + " to " +
                         numberText(std::round(p.highHz)) + " Hz leaves almost nothing below the Nyquist frequency (" +
                         numberText(std::round(nyquist * timeExpansion)) + " Hz) of the analysed audio");
    // Mel spacing that makes the lowest triangle about one FFT bin wide (d mel / d Hz = 1127/(700+f)).
    const double melSpan = MelSpectrogram::hzToMel(fMax) - MelSpectrogram::hzToMel(fMin);
    const double minSpacing = binHz / 2.0 * 1127.0 / (700.0 + fMin);
    const int nMels = std::clamp(int(melSpan / minSpacing) - 1, 4, kMaxMelBands);

    d->mp = MelParams{.sampleRate = analysisRate, .nFft = nFft, .hop = std::max(1, nFft / kHopDivisor),
                      .nMels = nMels, .fMin = fMin, .fMax = fMax};
    d->mel = std::make_unique<MelSpectrogram>(d->mp);
    d->ch = detail::DetectionChannels::layout(d->mel->melCentres(), d->mp, timeExpansion);
    d->groupRow.assign(std::size_t(d->ch.bands), 0.f);
    d->wideRun.assign(d->ch.wide.size(), 0);

    const double fs = d->frameSeconds = d->mp.hop / (double(analysisRate) * timeExpansion);
    d->floorStep = kRiseDbPerWindow / p.noiseWindow * fs / kFloorQuantile;
    d->ceilStep = kRiseDbPerWindow / p.noiseWindow * fs / (1 - kCeilQuantile);
    d->warmFrames = std::max<FrameIndex>(1, FrameIndex(std::ceil(std::min(p.noiseWindow, kMaxWarmUpSeconds) / fs)));
    // The detector's own time constants are in seconds of the analysed (expanded) audio.
    const double analysedFs = fs * timeExpansion;
    d->lookback = std::max(2, int(std::ceil(kLookbackSeconds / analysedFs)) + 1);
    d->widePersist = std::clamp(int(std::ceil(kWidePersistSeconds / analysedFs)), 1, d->lookback);
    d->mergeGapFrames = FrameIndex(std::floor(p.mergeGap / fs + 1e-9));
    d->maxDurationFrames = std::max<FrameIndex>(2, FrameIndex(std::floor(p.maxDuration / fs + 1e-9)));

    const auto nb = std::size_t(d->ch.count());
    d->powerRing.assign(std::size_t(kRing) * std::size_t(d->ch.bands), 0.f);
    d->levelLong.assign(nb, 0.f);
    d->level.assign(nb, 0.f);
    d->shortPower.assign(std::size_t(d->ch.bands), 0.0);
    d->floorDb.assign(nb, 0.f);
    d->ceilDb.assign(nb, 0.f);
    d->claimed.assign(nb, 0);
    d->inEvent.assign(nb, 0);
    d->hot.assign(nb, 0);
    d->known.assign(nb, 0);
    d->excessRing.assign(std::size_t(d->lookback) * nb, 0.f);
    d->fineRing.assign(std::size_t(kRing) * std::size_t(nMels), 0.f);
    d->fineNoise.assign(std::size_t(nMels), 0.0);
    d->fineAlpha = 1 - std::exp(-fs / p.noiseWindow);
}

EventDetector::~EventDetector() = default;
EventDetector::EventDetector(EventDetector&&) noexcept = default;
EventDetector& EventDetector::operator=(EventDetector&&) noexcept = default;

const EventParams& EventDetector::params() const { return d->p; }
const MelParams& EventDetector::analysisParams() const { return d->mp; }
SampleCount EventDetector::maxBufferedSamples() const { return d->maxSamples; }
std::size_t EventDetector::maxBufferedFrames() const { return d->maxFrames; }

void EventDetector::feed(std::span<const float> x)
{
    // Consume in pieces that top the buffer up to one chunk: whatever the block size, the buffer
    // never holds more than kChunkSamples.
    while (!x.empty()) {
        const auto room = std::size_t(std::max<SampleCount>(1, kChunkSamples - SampleCount(d->samples.size())));
        const std::size_t n = std::min(x.size(), room);
        d->pushSamples(x.first(n));
        x = x.subspan(n);
    }
}

void EventDetector::finish()
{
    d->analyse();
    d->flushSmoothing();
    if (!d->initialised) d->initialiseTrackers();
    d->closeAtEnd();
}

std::vector<Clip> EventDetector::takeEvents()
{
    std::vector<Clip> out;
    out.swap(d->done);
    std::sort(out.begin(), out.end(), [](const Clip& a, const Clip& b) { return a.start < b.start; });
    return out;
}

void EventDetector::Impl::pushSamples(std::span<const float> x)
{
    samples.insert(samples.end(), x.begin(), x.end());
    maxSamples = std::max<SampleCount>(maxSamples, SampleCount(samples.size()));
    if (SampleCount(samples.size()) >= kChunkSamples) analyse();
}

void EventDetector::Impl::analyse()
{
    const int frames = mel->frameCount(SampleCount(samples.size()));
    if (frames <= 0) return;
    const std::size_t used = std::size_t(frames - 1) * std::size_t(mp.hop) + std::size_t(mp.nFft);
    const Spectrogram s = mel->computePower(std::span<const float>(samples.data(), used));
    for (int t = 0; t < s.frames; ++t) pushPower(&s.values[std::size_t(t) * std::size_t(s.bins)]);
    // Keep the samples the next frame starts from.
    samples.erase(samples.begin(), samples.begin() + std::ptrdiff_t(std::size_t(frames) * std::size_t(mp.hop)));
}

void EventDetector::Impl::pushPower(const float* melRow)
{
    std::fill(groupRow.begin(), groupRow.end(), 0.f);
    for (std::size_t m = 0; m < ch.groupOf.size(); ++m) groupRow[std::size_t(ch.groupOf[m])] += melRow[m];
    const FrameIndex slot = powerFrames % kRing;
    std::copy(melRow, melRow + ch.groupOf.size(), fineRing.begin() + std::ptrdiff_t(slot * FrameIndex(ch.groupOf.size())));
    std::copy(groupRow.begin(), groupRow.end(), powerRing.begin() + std::ptrdiff_t(slot * ch.bands));
    ++powerFrames;
    const FrameIndex j = powerFrames - 1 - kSmoothHalf; // the frame whose windows are now complete
    if (j >= 0) emitSmoothed(j);
}

void EventDetector::Impl::flushSmoothing()
{
    for (FrameIndex j = smoothedFrames; j < powerFrames; ++j) emitSmoothed(j);
}

void EventDetector::Impl::emitSmoothed(FrameIndex j)
{
    auto mean = [&](int b, int half, bool trailing) {
        const FrameIndex from = std::max<FrameIndex>(0, j - (trailing ? 2 * half : half));
        const FrameIndex to = trailing ? j : std::min(powerFrames - 1, j + half);
        double sum = 0;
        for (FrameIndex k = from; k <= to; ++k) sum += powerRing[std::size_t((k % kRing) * ch.bands + b)];
        return sum / double(to - from + 1);
    };
    // -100 dB floor as in AmplitudeToDB: digital silence does not make the floor run away.
    auto dB = [](double power) { return float(10.0 * std::log10(std::max(power, 1e-10))); };
    for (int b = 0; b < ch.bands; ++b) {
        shortPower[std::size_t(b)] = mean(b, kSmoothHalf, false);
        level[b] = dB(shortPower[std::size_t(b)]);
        levelLong[b] = dB(mean(b, kLongHalf, true));
    }
    for (std::size_t w = 0; w < ch.wide.size(); ++w) {
        double sum = 0;
        for (int b = ch.wide[w].lo; b <= ch.wide[w].hi; ++b) sum += shortPower[std::size_t(b)];
        const auto c = std::size_t(ch.wideChannel(w));
        level[c] = dB(sum / kWideBands);
        levelLong[c] = -1000.f; // wide channels use the short scale only
    }
    for (std::size_t t = 0; t < ch.transient.size(); ++t) {
        double sum = 0;
        for (int b = ch.transient[t].lo; b <= ch.transient[t].hi; ++b) sum += mean(b, kTransientHalf, false);
        const auto c = std::size_t(ch.transientChannel(t));
        level[c] = dB(sum / kTransientBands);
        levelLong[c] = -1000.f;
    }
    smoothedFrames = j + 1;
    pushLevel(level.data(), levelLong.data(), &fineRing[std::size_t((j % kRing) * FrameIndex(ch.groupOf.size()))]);
}

void EventDetector::Impl::pushLevel(const float* L, const float* LL, const float* fine)
{
    if (initialised) {
        detect(smoothedFrames - 1, L, LL, fine);
        return;
    }
    warm.insert(warm.end(), L, L + ch.count());
    warmLong.insert(warmLong.end(), LL, LL + ch.count());
    warmFine.insert(warmFine.end(), fine, fine + ch.groupOf.size());
    maxFrames = std::max(maxFrames, warm.size() / std::size_t(ch.count()));
    if (FrameIndex(warm.size() / std::size_t(ch.count())) >= warmFrames) initialiseTrackers();
}

void EventDetector::Impl::initialiseTrackers()
{
    initialised = true;
    const std::size_t n = warm.size() / std::size_t(ch.count());
    if (n == 0) return;
    std::vector<float> column;
    auto quantile = [&](double q) {
        const std::size_t k = std::min(column.size() - 1, std::size_t(q * double(column.size())));
        std::nth_element(column.begin(), column.begin() + std::ptrdiff_t(k), column.end());
        return column[k];
    };
    for (int b = 0; b < ch.count(); ++b) {
        column.clear();
        for (std::size_t t = 0; t < n; ++t)
            if (const float v = warm[t * std::size_t(ch.count()) + std::size_t(b)]; v > kSilenceDb) column.push_back(v);
        if (column.empty()) continue; // digital silence so far: the band starts with its first sound
        known[b] = 1;
        floorDb[b] = quantile(kFloorQuantile);
        // A long call in the first seconds must not pass for noise spread: cap what the warm-up
        // alone may add to the thresholds (the tracker can go on from there).
        ceilDb[b] = std::min(quantile(kCeilQuantile), floorDb[b] + float(steadySpread(b) + p.onDb));
    }
    // Fine bands' noise: their mean over the frames where their detection band was quiet.
    const std::size_t nMels = ch.groupOf.size();
    std::vector<double> quiet(nMels, 0.0);
    for (std::size_t t = 0; t < n; ++t)
        for (std::size_t m = 0; m < nMels; ++m) {
            const auto b = std::size_t(ch.groupOf[m]);
            const float v = warm[t * std::size_t(ch.count()) + b];
            if (known[b] && v > kSilenceDb && v < floorDb[b] + float(p.offDb)) {
                fineNoise[m] += warmFine[t * nMels + m];
                quiet[m] += 1;
            }
        }
    for (std::size_t m = 0; m < nMels; ++m) fineNoise[m] = quiet[m] > 0 ? fineNoise[m] / quiet[m] : 0.0;
    // Replay the warm-up frames: the trackers now exist, so calls in them are found.
    std::vector<float> frames, longFrames, fine;
    frames.swap(warm);
    longFrames.swap(warmLong);
    fine.swap(warmFine);
    for (std::size_t t = 0; t < n; ++t)
        detect(FrameIndex(t), &frames[t * std::size_t(ch.count())], &longFrames[t * std::size_t(ch.count())], &fine[t * nMels]);
}

float EventDetector::Impl::maxExcess(FrameIndex j, int lo, int hi) const
{
    const float* e = &excessRing[std::size_t((j % lookback) * ch.count())];
    float m = -1e30f;
    for (int b = std::max(0, lo); b <= std::min(ch.bands - 1, hi); ++b) m = std::max(m, e[b]);
    return m;
}

void EventDetector::Impl::notePeak(Event& ev, FrameIndex j) const
{
    const float m = maxExcess(j, ev.lo, ev.hi);
    if (m <= ev.peak) return;
    ev.peak = m;
    // The median excess of the bands above kWideLowestHz outside the event (and not next to it), or
    // of all of them when fewer than three lie outside (an event across the whole spectrum).
    const float* e = &excessRing[std::size_t((j % lookback) * ch.count())];
    std::vector<float>& v = scratch;
    v.clear();
    for (int b = ch.broadLowest; b < ch.bands; ++b)
        if (b < ev.lo - 1 || b > ev.hi + 1) v.push_back(e[b]);
    if (v.size() < 3) v.assign(e + ch.broadLowest, e + std::max(ch.broadLowest, ch.bands));
    if (v.empty()) {
        ev.outside = 0;
        return;
    }
    std::nth_element(v.begin(), v.begin() + std::ptrdiff_t(v.size() / 2), v.end());
    ev.outside = v[v.size() / 2];
}

bool EventDetector::Impl::isClick(const Event& ev, Seconds duration) const
{
    // Wide channels start events only after kWidePersistSeconds: that already rules clicks out.
    if (duration * timeExpansion >= kClickMaxSeconds || ev.wide) return false;
    if (ev.transient) return ev.outside >= float(kClickOutsideDb);
    // Impulsive noise: impulsiveSpread() averaged over the bands above kWideLowestHz. Each dB of
    // it asks a dB more contrast.
    double impulsive = 0;
    for (int b = ch.broadLowest; b < ch.bands; ++b) impulsive += impulsiveSpread(b);
    impulsive /= std::max(1, ch.bands - ch.broadLowest);
    const double contrast = (ev.hi - ev.lo <= 1 ? kNarrowContrastDb : kContrastDb) + impulsive;
    return ev.peak - std::max(0.f, ev.outside) < float(contrast);
}

void EventDetector::Impl::detect(FrameIndex j, const float* L, const float* LL, const float* fine)
{
    float* e = &excessRing[std::size_t((j % lookback) * ch.count())];
    for (int b = 0; b < ch.count(); ++b) {
        const float spread = impulsiveSpread(b);
        e[b] = known[b] ? L[b] - floorDb[b] - spread : -1000.f;
        const ChannelKind kind = ch.kindOf(b);
        if (kind == ChannelKind::Transient) {
            hot[b] = e[b] >= float(kTransientOnDb);
            continue;
        }
        if (kind == ChannelKind::Wide) {
            int& run = wideRun[std::size_t(b - ch.bands)];
            run = e[b] >= float(kWideOnDb) ? run + 1 : 0;
            hot[b] = run >= widePersist;
            continue;
        }
        // The long average also trails a loud call's end: it counts only while the band is still
        // above offDb at the short scale.
        hot[b] = e[b] >= float(p.onDb) ||
                 (e[b] >= float(p.offDb) && LL[b] - floorDb[b] - spread >= float(p.onDb - kLongBonusDb));
    }
    const float off = float(p.offDb);
    std::fill(claimed.begin(), claimed.end(), char(0));

    // 1. Open events continue while a band in or next to their range stays above offDb; they grow
    //    to the bands above onDb that a chain of bands above offDb connects them to.
    for (std::size_t i = 0; i < open.size();) {
        Event& ev = open[i];
        // A broad event needs two of its bands still above offDb: one band alone is more often a
        // gust of wind or a rain click in a band the call reached than the call's own tail.
        const int needed = ev.hi - ev.lo >= 2 ? 2 : 1;
        int above = 0;
        for (int b = std::max(0, ev.lo - 1); b <= std::min(ch.bands - 1, ev.hi + 1); ++b) above += e[b] >= off;
        bool active = above >= needed;
        auto within = [&](const ChannelSpan& c) { return c.lo >= ev.lo - 1 && c.hi <= ev.hi + 1; };
        for (std::size_t w = 0; w < ch.wide.size() && ev.wide && !active; ++w)
            active = within(ch.wide[w]) && e[ch.wideChannel(w)] >= float(kWideOffDb);
        for (std::size_t t = 0; t < ch.transient.size() && ev.transient && !active; ++t)
            active = within(ch.transient[t]) && e[ch.transientChannel(t)] >= float(kTransientOffDb);
        if (!active) {
            if (ev.end >= ev.start) closed.push_back(ev);
            open.erase(open.begin() + std::ptrdiff_t(i));
            continue;
        }
        ev.end = j;
        notePeak(ev, j);
        int lo = std::max(0, ev.lo - 1), hi = std::min(ch.bands - 1, ev.hi + 1);
        while (lo > 0 && e[lo - 1] >= off) --lo;
        while (hi < ch.bands - 1 && e[hi + 1] >= off) ++hi;
        for (int b = lo; b <= hi; ++b) {
            claimed[b] = 1;
            if (hot[b]) { ev.lo = std::min(ev.lo, b); ev.hi = std::max(ev.hi, b); }
        }
        if (j - ev.start + 1 >= maxDurationFrames) { // split over-long events
            finalize(ev);
            ev = newEvent(j + 1, j, ev.lo, ev.hi);
        }
        ++i;
    }

    // 2. Bands above onDb that no open event explains start one new event (all of them together:
    //    the harmonics of one call rise in the same frame).
    int lo = ch.bands, hi = -1;
    for (int b = 0; b < ch.bands; ++b)
        if (hot[b] && !claimed[b]) { lo = std::min(lo, b); hi = std::max(hi, b); }
    // Otherwise a wide channel above kWideOnDb for widePersist frames whose bands no open event
    // explains: a weak broadband call, which began when the channel first rose.
    // Otherwise a transient channel above kTransientOnDb: a short broadband sound (a sweep or a click).
    auto unexplained = [&](const std::vector<ChannelSpan>& spans, auto channelOf) {
        bool any = false;
        for (std::size_t c = 0; c < spans.size(); ++c) {
            if (!hot[std::size_t(channelOf(c))]) continue;
            bool explained = false;
            for (int b = spans[c].lo; b <= spans[c].hi; ++b) explained = explained || claimed[b];
            if (explained) continue;
            lo = std::min(lo, spans[c].lo);
            hi = std::max(hi, spans[c].hi);
            any = true;
        }
        return any;
    };
    const bool wide = hi < 0 && unexplained(ch.wide, [&](std::size_t c) { return ch.wideChannel(c); });
    const bool transient = hi < 0 && unexplained(ch.transient, [&](std::size_t c) { return ch.transientChannel(c); });
    if (hi >= 0) {
        Event ev = newEvent(wide ? j - widePersist + 1 : refineOnset(j, lo, hi), j, lo, hi);
        ev.wide = wide;
        ev.transient = transient;
        notePeak(ev, j);
        // The continuation of an event that ended in the same bands less than mergeGap ago.
        for (std::size_t i = 0; i < closed.size(); ++i) {
            const Event& c = closed[i];
            // A broad onset after a narrower event (a gust, a click) is a new call, not its continuation.
            const bool blipBeforeBroadOnset = hi - lo >= 2 && c.hi - c.lo < hi - lo;
            if (c.hi >= lo - 2 && c.lo <= hi + 2 && ev.start - c.end - 1 <= mergeGapFrames &&
                j - c.start + 1 < maxDurationFrames && !blipBeforeBroadOnset) {
                absorb(ev, c);
                closed.erase(closed.begin() + std::ptrdiff_t(i));
                break;
            }
        }
        // Harmonics of one call that cross onDb a few frames apart, in bands that do not touch:
        // an open event that began less than mergeGap earlier takes this one in.
        auto sameOnset = std::find_if(open.begin(), open.end(), [&](const Event& o) {
            return std::abs(ev.start - o.start) <= mergeGapFrames;
        });
        if (sameOnset != open.end()) absorb(*sameOnset, ev);
        else open.push_back(ev);
    }

    // 3. Open events that have grown into each other are one event.
    for (std::size_t i = 0; i < open.size(); ++i)
        for (std::size_t k = i + 1; k < open.size();) {
            if (open[k].lo <= open[i].hi + 1 && open[k].hi >= open[i].lo - 1) {
                absorb(open[i], open[k]);
                open.erase(open.begin() + std::ptrdiff_t(k));
            } else {
                ++k;
            }
        }

    // 4. Ended events are final once mergeGap has passed without a continuation.
    for (std::size_t i = 0; i < closed.size();) {
        if (j - closed[i].end > mergeGapFrames) {
            finalize(closed[i]);
            closed.erase(closed.begin() + std::ptrdiff_t(i));
        } else {
            ++i;
        }
    }

    // The events' fine-band energy, for their reported band.
    for (Event& ev : open) {
        if (ev.end != j) continue;
        for (std::size_t m = 0; m < ev.finePower.size(); ++m) ev.finePower[m] += fine[m];
        ++ev.frames;
    }

    updateTrackers(L, fine);
}

EventDetector::Impl::Event EventDetector::Impl::newEvent(FrameIndex start, FrameIndex end, int lo, int hi) const
{
    Event ev{start, end, lo, hi, false, false, -1e30f, 0, {}, 0};
    ev.finePower.assign(ch.groupOf.size(), 0.0);
    return ev;
}

void EventDetector::Impl::absorb(Event& into, const Event& other)
{
    into.start = std::min(into.start, other.start);
    into.end = std::max(into.end, other.end);
    into.lo = std::min(into.lo, other.lo);
    into.hi = std::max(into.hi, other.hi);
    into.wide = into.wide && other.wide;
    into.transient = into.transient && other.transient;
    if (other.peak > into.peak) {
        into.peak = other.peak;
        into.outside = other.outside;
    }
    for (std::size_t m = 0; m < into.finePower.size(); ++m) into.finePower[m] += other.finePower[m];
    into.frames += other.frames;
}

void EventDetector::Impl::updateTrackers(const float* L, const float* fine)
{
    for (std::size_t m = 0; m < ch.groupOf.size(); ++m) {
        const auto b = std::size_t(ch.groupOf[m]);
        if (known[b] && L[b] > kSilenceDb && L[b] < floorDb[b] + float(p.offDb))
            fineNoise[m] += (fineNoise[m] > 0 ? fineAlpha : 1.0) * (double(fine[m]) - fineNoise[m]);
    }
    // Stochastic quantile trackers: up by step*q when the level is above, down by step*(1-q)
    // when below (never past the level). Inside open events the ceiling holds and the floor rises
    // at reduced speed.
    std::fill(inEvent.begin(), inEvent.end(), char(0));
    for (const Event& ev : open)
        for (int b = std::max(0, ev.lo - 1); b <= std::min(ch.bands - 1, ev.hi + 1); ++b) inEvent[b] = 1;
    for (std::size_t w = 0; w < ch.wide.size(); ++w)
        for (int b = ch.wide[w].lo; b <= ch.wide[w].hi; ++b) inEvent[ch.wideChannel(w)] |= inEvent[b];
    for (std::size_t t = 0; t < ch.transient.size(); ++t)
        for (int b = ch.transient[t].lo; b <= ch.transient[t].hi; ++b) inEvent[ch.transientChannel(t)] |= inEvent[b];
    for (int b = 0; b < ch.count(); ++b) {
        // Digital silence (dropouts, zero padding) says nothing about the noise.
        if (L[b] <= kSilenceDb) continue;
        if (!known[b]) {
            known[b] = 1;
            floorDb[b] = L[b];
            ceilDb[b] = L[b] + float(steadySpread(b));
            continue;
        }
        if (!inEvent[b]) {
            if (L[b] > ceilDb[b]) ceilDb[b] += float(ceilStep * kCeilQuantile);
            else ceilDb[b] -= float(std::min<double>(ceilStep * (1 - kCeilQuantile), ceilDb[b] - L[b]));
        }
        if (L[b] > floorDb[b])
            floorDb[b] += float(floorStep * kFloorQuantile * (inEvent[b] ? kEventRiseFactor : 1.0));
        else
            floorDb[b] -= float(std::min<double>(floorStep * (1 - kFloorQuantile), floorDb[b] - L[b]));
    }
}

FrameIndex EventDetector::Impl::refineOnset(FrameIndex j, int lo, int hi) const
{
    // The onDb crossing comes late for a call with a soft attack: go back while the same bands
    // were above offDb, then down the rising slope while it still stands out of the noise.
    const FrameIndex limit = std::max<FrameIndex>(0, j - lookback + 1);
    FrameIndex s = j;
    while (s - 1 >= limit && maxExcess(s - 1, lo - 1, hi + 1) >= float(p.offDb)) --s;
    while (s - 1 >= limit) {
        const float before = maxExcess(s - 1, lo - 1, hi + 1);
        if (before < float(kSlopeDb) || before >= maxExcess(s, lo - 1, hi + 1)) break;
        --s;
    }
    return s;
}

void EventDetector::Impl::finalize(const Event& ev)
{
    if (ev.end < ev.start) return;
    Clip c;
    c.start = frameTime(ev.start);
    c.end = frameTime(ev.end);
    if (c.end - c.start < p.minDuration || isClick(ev, c.end - c.start)) return;
    bandEdges(ev, c.lowHz, c.highHz);
    done.push_back(c);
}

void EventDetector::Impl::bandEdges(const Event& ev, Hertz& low, Hertz& high) const
{
    // The detection bands are coarse at low frequencies; the event's mean power per fine mel band,
    // over that band's noise, narrows the range down: the outermost fine bands (in or next to the
    // detection bands) that stand kEdgeDb over their noise and within kEdgeRangeDb of the peak.
    low = ch.lowReal[std::size_t(ev.lo)];
    high = ch.highReal[std::size_t(ev.hi)];
    if (ev.frames <= 0) return;
    const std::vector<Hertz>& centres = mel->melCentres();
    const int nMels = int(ch.groupOf.size());
    std::vector<double> excess(std::size_t(nMels), -1e9);
    double peak = -1e9;
    for (int m = 0; m < nMels; ++m) {
        if (ch.groupOf[m] < ev.lo - 1 || ch.groupOf[m] > ev.hi + 1 || fineNoise[m] <= 0) continue;
        excess[m] = 10 * std::log10(std::max(ev.finePower[m] / double(ev.frames), 1e-20) / fineNoise[m]);
        peak = std::max(peak, excess[m]);
    }
    if (peak < kEdgeDb) return;
    const double bar = std::max(kEdgeDb, peak - kEdgeRangeDb);
    int first = -1, last = -1;
    for (int m = 0; m < nMels; ++m)
        if (excess[m] >= bar) {
            if (first < 0) first = m;
            last = m;
        }
    low = centres[std::size_t(first)] * timeExpansion;
    high = centres[std::size_t(last)] * timeExpansion;
}

void EventDetector::Impl::closeAtEnd()
{
    for (const Event& ev : closed) finalize(ev);
    for (const Event& ev : open) finalize(ev);
    closed.clear();
    open.clear();
}

} // namespace crowlingo
