#include "core/segment/CallFit.h"

#include "core/audio/AudioReader.h"
#include "core/common/Error.h"
#include "core/dsp/PowerSpectrogram.h"

#include <algorithm>
#include <cmath>
#include <vector>

namespace crowlingo {

namespace {

// Analysis seconds (after time expansion), as the event segmentation's defaults are.
constexpr double kHopSeconds = 0.0025, kWindowSeconds = 0.010, kContextSeconds = 0.5;
// The call's edges: where its level has fallen kEdgeDropDb below its loudest frame, or three quarters of
// the way down to the floor when that is nearer (a faint call), and never within kMinRiseDb of the floor.
constexpr double kFloorQuantile = 0.10, kEdgeDropDb = 20.0, kDropFraction = 0.75, kMinRiseDb = 6.0;
constexpr std::size_t kMergeFrames = 2; // dips of up to 5 ms inside a call

struct Run {
    std::size_t first, last; // frames, inclusive
};

// Stretches of frames lo..hi within reach of their loudest (kEdgeDropDb below it, or kDropFraction
// of the way down to the floor for a faint call, never within kMinRiseDb of the floor), dips of up
// to kMergeFrames bridged. `rise`: how far the loudest frame stands above the floor.
std::vector<Run> runsAbove(const std::vector<double>& levelDb, std::size_t lo, std::size_t hi, std::size_t refLo,
                           std::size_t refHi, double floorDb, double& rise)
{
    const double peakDb = *std::max_element(levelDb.begin() + std::ptrdiff_t(refLo), levelDb.begin() + std::ptrdiff_t(refHi) + 1);
    rise = peakDb - floorDb;
    const double threshold = std::max(floorDb + kMinRiseDb, peakDb - std::min(kEdgeDropDb, kDropFraction * rise));
    std::vector<Run> runs;
    for (std::size_t t = lo; t <= hi; ++t) {
        if (levelDb[t] < threshold) continue;
        if (!runs.empty() && t - runs.back().last <= kMergeFrames + 1) runs.back().last = t;
        else runs.push_back({t, t});
    }
    return runs;
}

} // namespace

CallFit fitToCall(const std::filesystem::path& file, const Clip& box, double timeExpansion, Seconds padding)
{
    CallFit fit;
    fit.box = box;
    AudioReader reader(file, {.targetRate = 0, .timeExpansion = timeExpansion});
    if (!std::isfinite(box.start) || !std::isfinite(box.end) || box.start < 0 || box.end <= box.start
        || box.end > reader.duration() + 1e-6)
        throw UsageError(fileError("fit a box to its call in", file, "the box must lie within the recording's "
                                   + std::to_string(reader.duration()) + " s"));
    const double expansion = reader.options().timeExpansion;
    const SampleRate rate = reader.outputRate();
    const Seconds context = kContextSeconds / expansion; // recording seconds
    const Seconds from = std::max(0.0, box.start - context), to = std::min(reader.duration(), box.end + context);
    const std::vector<float> samples = reader.read(from, to);
    const int hop = std::max(1, int(std::lround(rate * kHopSeconds)));
    const int nFft = std::max(16, int(std::lround(rate * kWindowSeconds)));
    const PowerSpectrogram stft({.sampleRate = rate, .nFft = nFft, .hop = hop});

    // The box's band in analysis Hz; without one, the event segmentation's default band.
    const bool wholeBand = box.highHz <= box.lowHz;
    const EventParams events;
    const double nyquist = rate / 2.0;
    const double lowHz = wholeBand ? events.lowHz : box.lowHz / expansion;
    const double highHz = std::min(nyquist, wholeBand ? events.highHz : box.highHz / expansion);
    const double binHz = double(rate) / nFft;
    int firstBin = int(std::ceil(lowHz / binHz)), lastBin = int(std::floor(highHz / binHz));
    if (lastBin < firstBin) firstBin = lastBin = std::clamp(int(std::lround((lowHz + highHz) / 2 / binHz)), 0, nFft / 2);
    lastBin = std::min(lastBin, nFft / 2);

    std::vector<double> levelDb;
    stft.forEachFrame(samples, [&](int, std::span<const float> power) {
        double sum = 0;
        for (int k = firstBin; k <= lastBin; ++k) sum += power[std::size_t(k)];
        levelDb.push_back(10.0 * std::log10(sum + 1e-20));
    });
    const double hopRecording = hop / double(rate) / expansion;
    const auto centre = [&](std::size_t t) { return from + (double(t) * hop + nFft / 2.0) / rate / expansion; };
    std::size_t firstInside = levelDb.size(), lastInside = 0;
    for (std::size_t t = 0; t < levelDb.size(); ++t)
        if (centre(t) >= box.start && centre(t) <= box.end) {
            firstInside = std::min(firstInside, t);
            lastInside = t;
        }
    if (firstInside >= levelDb.size()) {
        fit.why = "the box is too short to measure";
        return fit;
    }
    std::vector<double> sorted = levelDb;
    const auto at = std::size_t(kFloorQuantile * double(sorted.size() - 1));
    std::nth_element(sorted.begin(), sorted.begin() + std::ptrdiff_t(at), sorted.end());
    const double floorDb = sorted[at];
    // Pass 1 over the whole box, against the loudest frame of its middle half (a loose box is drawn
    // around its call; what it clips of its neighbours lies at its edges), else of all of it. A
    // stretch cut by the box's edge, when others lie inside, is a neighbouring call the box clipped:
    // pass 2 looks again between such stretches, against their own loudest frame.
    std::size_t lo = firstInside, hi = lastInside;
    const std::size_t quarter = (lastInside - firstInside) / 4;
    std::vector<Run> runs = runsAbove(levelDb, lo, hi, lo + quarter, hi - quarter, floorDb, fit.riseDb);
    if (fit.riseDb < kMinRiseDb) runs = runsAbove(levelDb, lo, hi, lo, hi, floorDb, fit.riseDb);
    if (fit.riseDb < kMinRiseDb) {
        fit.why = "nothing in the box rises " + std::to_string(int(kMinRiseDb)) + " dB above the floor around it";
        return fit;
    }
    if (runs.size() > 1) {
        if (runs.front().first == firstInside) lo = runs.front().last + 1;
        if (runs.back().last == lastInside) hi = runs.back().first - 1;
        double rise = 0;
        if ((lo != firstInside || hi != lastInside) && lo <= hi) {
            std::vector<Run> inner = runsAbove(levelDb, lo, hi, lo, hi, floorDb, rise);
            if (rise >= kMinRiseDb && !inner.empty()) {
                runs = std::move(inner);
                fit.riseDb = rise;
            }
        }
    }
    const std::size_t first = runs.front().first, last = runs.back().last;
    // A call that runs on past an edge keeps that edge where it was drawn.
    const double pad = std::isfinite(padding) ? std::max(0.0, padding) : 0.0;
    fit.box.start = first == firstInside ? box.start : std::max(box.start, centre(first) - hopRecording / 2 - pad);
    fit.box.end = last == lastInside ? box.end : std::min(box.end, centre(last) + hopRecording / 2 + pad);
    fit.found = fit.box.end > fit.box.start;
    if (!fit.found) {
        fit.box = box;
        fit.why = "the call found is shorter than one frame";
    }
    return fit;
}

} // namespace crowlingo
