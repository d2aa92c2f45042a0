#include "core/synth/DemoCorpus.h"

#include "core/common/Csv.h"
#include "core/common/Error.h"
#include "core/synth/CallSynth.h"
#include "core/synth/FieldEffects.h"
#include "core/synth/SynthRng.h"
#include "core/synth/VocalisationSynth.h"
#include "core/synth/WelchPower.h"

#include <sndfile.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <span>
#include <system_error>

namespace crowlingo {

namespace {

constexpr std::int64_t kTicksPerSecond = 10000; // ground-truth times live on a 0.1 ms grid
constexpr double kPeakCeiling = 0.891;          // -1 dBFS: room for FLAC's 16-bit rounding
constexpr double kMinGap = 0.2;                 // seconds between calls, so ground truth is clean
constexpr double kSnrContext = 0.25;            // seconds of background on each side for the SNR
constexpr const char* kHeader = "file,start,end,low_hz,high_hz,call_type,individual";

std::int64_t toTicks(Seconds s) { return std::llround(s * double(kTicksPerSecond)); }
Seconds fromTicks(std::int64_t t) { return double(t) / double(kTicksPerSecond); }
std::int64_t tickToSample(std::int64_t t, SampleRate rate)
{
    return (t * rate + kTicksPerSecond / 2) / kTicksPerSecond;
}

void validate(const CorpusParams& p)
{
    const auto bad = [](const std::string& why) { throw UsageError("cannot synthesize the demo corpus: " + why); };
    if (p.files < 0)
        bad("files must be >= 0, got " + std::to_string(p.files));
    if (!(p.secondsPerFile > 0.0) || p.secondsPerFile > 24 * 3600.0)
        bad("secondsPerFile must be in (0, 86400], got " + std::to_string(p.secondsPerFile));
    if (p.sampleRate < 16000 || p.sampleRate > 192000)
        bad("sampleRate must be 16000 .. 192000 Hz, got " + std::to_string(p.sampleRate));
    if (!(p.callsPerMinute >= 0.0) || p.callsPerMinute > 600.0)
        bad("callsPerMinute must be in [0, 600], got " + std::to_string(p.callsPerMinute));
}

// One scheduled call before mixing.
struct Placed {
    std::string typeName;
    SynthCall call;
    std::int64_t startTick;
    double snrDb;
};

// Event mixture. A caw bout holds 1-4 caws, a bat pass 2-5 sweeps, the rest one call each.
struct EventKind {
    CallType type;
    double probability;
};
constexpr std::array<EventKind, 6> kEvents = {{{CallType::Caw, 0.35},
                                                {CallType::Whistle, 0.15},
                                                {CallType::Trill, 0.14},
                                                {CallType::Frog, 0.14},
                                                {CallType::Insect, 0.14},
                                                {CallType::Bat, 0.08}}};
// Mean calls per event and mean event length (calls + gaps inside it) for that mixture; used
// to turn callsPerMinute into the mean silence between events.
constexpr double kCallsPerEvent = 0.35 * 2.5 + 0.15 + 0.14 + 0.14 + 0.14 + 0.08 * 3.5;
constexpr double kEventSeconds = 0.35 * (2.5 * 0.44 + 1.5 * 0.4) + 0.15 * 0.55 + 0.14 * 0.95 + 0.14 * 0.9
    + 0.14 * 1.4 + 0.08 * (3.5 * 0.0055 + 2.5 * 0.25);

CallType drawEvent(SynthRng& rng)
{
    double u = rng.uniform();
    for (const EventKind& e : kEvents) {
        if (u < e.probability)
            return e.type;
        u -= e.probability;
    }
    return kEvents.back().type;
}

// How one rendition of a repeated call differs from the others: a small change of speed, dry.
const FieldEffectRanges kRenditionJitter{.minSpeed = 0.97, .maxSpeed = 1.03, .reverbProbability = 0.0};

// Draws events one after another and hands each call, in time order, to `place` (mixed at once,
// so a long file never holds all its calls in memory).
template<typename Place>
void schedule(const CorpusParams& p, SynthRng& plan, Place&& place)
{
    if (p.callsPerMinute <= 0.0)
        return;
    const std::int64_t fileEnd = toTicks(p.secondsPerFile) - toTicks(kMinGap);
    // Mean silence between events so that calls arrive at callsPerMinute on average.
    const double meanExtra = std::max(0.0, kCallsPerEvent * 60.0 / p.callsPerMinute - kEventSeconds - kMinGap);
    std::int64_t t = toTicks(plan.uniform(0.3, 3.0));
    const bool field = p.style != CorpusStyle::Demo;
    const bool song = p.style == CorpusStyle::Song;
    while (true) {
        // A field corpus draws half its events as vocalisation bouts (1-3 of them).
        const bool vocalisation = field && plan.chance(0.5);
        // A song corpus makes most of those one call repeated (near copies at a steady rhythm):
        // every rendition is synthesised from the same seeds, then changed a little.
        const bool repeated = vocalisation && song && plan.chance(0.7);
        const std::uint64_t callSeed = repeated ? plan.next() : 0, effectsSeed = repeated ? plan.next() : 0;
        const double rhythm = repeated ? plan.uniform(0.02, 0.4) : 0.0; // seconds between renditions
        const CallType type = vocalisation ? CallType::Whistle : drawEvent(plan);
        const int count = repeated ? plan.uniformInt(2, 8)
            : vocalisation         ? plan.uniformInt(1, 3)
            : type == CallType::Caw    ? plan.uniformInt(1, 4)
            : type == CallType::Bat    ? plan.uniformInt(2, 5)
                                       : 1;
        const int variant = type == CallType::Caw ? plan.uniformInt(0, variantCount(type) - 1) : -1;
        const double baseSnr = plan.uniform(0.0, 30.0);
        const bool bat = !vocalisation && type == CallType::Bat;
        std::vector<Placed> event;
        std::int64_t cursor = t;
        for (int i = 0; i < count; ++i) {
            if (i > 0)
                cursor += toTicks(repeated ? rhythm * plan.uniform(0.9, 1.1)
                                  : bat    ? plan.uniform(0.2, 0.3)
                                           : plan.uniform(kMinGap, 0.6));
            SynthRng callRng(repeated ? callSeed : plan.next()); // own stream: changing one generator leaves the schedule alone
            SynthCall call = vocalisation ? synthesizeVocalisation(p.sampleRate, callRng)
                                          : synthesizeCall(type, variant, p.sampleRate, callRng);
            if (repeated) {
                SynthRng renditionRng(plan.next());
                applyFieldEffects(call, p.sampleRate, renditionRng, kRenditionJitter);
                SynthRng placeRng(effectsSeed); // one singer in one place: the same speed and reverberation
                applyFieldEffects(call, p.sampleRate, placeRng);
            } else if (field) {
                applyFieldEffects(call, p.sampleRate, callRng);
            }
            // A bout or pass keeps its loudness; a bat pass swells and fades as it flies by.
            const double shape = bat ? -6.0 * std::abs(2.0 * (i + 0.5) / count - 1.0) : 0.0;
            // Bat sweeps last a few ms: at 0 dB they would be indistinguishable from the noise
            // even for an expert, so they start at 6 dB.
            const double snr = std::clamp(baseSnr + shape + plan.uniform(-2.0, 2.0), bat ? 6.0 : 0.0, 30.0);
            const std::int64_t duration = toTicks(call.duration);
            event.push_back({vocalisation ? std::string("vocalisation") : std::string(callTypeName(type)),
                             std::move(call), cursor, snr});
            cursor += duration;
        }
        if (cursor > fileEnd)
            break; // the file is full; a shorter event might still fit but the tail may stay quiet
        for (Placed& e : event)
            place(e);
        // In a field corpus a quarter of the events start before the previous one has ended.
        if (field && plan.chance(0.25)) {
            const std::int64_t length = cursor - t;
            t = std::max(t + toTicks(0.05), cursor - std::int64_t(double(length) * plan.uniform(0.0, 0.5)));
        } else {
            t = cursor + toTicks(kMinGap + plan.uniform(0.0, 2.0 * meanExtra));
        }
    }
}

} // namespace

std::string demoFileName(int fileIndex)
{
    char name[32];
    std::snprintf(name, sizeof name, "rec_%03d.flac", fileIndex);
    return name;
}

SynthRecording synthesizeRecording(const CorpusParams& params, int fileIndex)
{
    validate(params);
    if (fileIndex < 0)
        throw UsageError("cannot synthesize demo recording " + std::to_string(fileIndex) + ": index must be >= 0");
    const SampleRate rate = params.sampleRate;
    SynthRng plan(SynthRng::derive(params.seed, std::uint64_t(fileIndex)));

    SynthRecording rec;
    rec.sampleRate = rate;
    rec.background = randomBackgroundParams(plan);
    if (params.style != CorpusStyle::Demo)
        rec.background.rmsDbfs = plan.uniform(-50.0, -28.0);
    const SampleCount frames = tickToSample(toTicks(params.secondsPerFile), rate);
    {
        SynthRng bgRng(plan.next());
        rec.samples = synthesizeBackground(frames, rate, rec.background, bgRng);
    }
    const std::vector<float> background = rec.samples; // SNRs are measured against this alone

    const std::string file = demoFileName(fileIndex);
    schedule(params, plan, [&](const Placed& c) {
        const std::int64_t s0 = tickToSample(c.startTick, rate);
        const auto n = std::int64_t(c.call.samples.size());
        if (s0 + n > frames)
            return; // cannot happen (schedule keeps 0.2 s free at the end); be safe anyway
        // Background power in the call's band, within kSnrContext around the call.
        const auto context = std::int64_t(kSnrContext * rate);
        const std::int64_t a = std::max<std::int64_t>(0, s0 - context), b = std::min(frames, s0 + n + context);
        double bgPower = welchBandPower(std::span<const float>(background).subspan(std::size_t(a), std::size_t(b - a)),
                                        c.call.lowHz, c.call.highHz, rate);
        bgPower = std::max(bgPower, 1e-14); // digital silence would make any gain infinite
        double callPower = 0.0;
        for (float v : c.call.samples)
            callPower += double(v) * v;
        callPower /= double(n);
        double gain = callPower > 0.0 ? std::sqrt(std::pow(10.0, c.snrDb / 10.0) * bgPower / callPower) : 0.0;
        // A very close, loud call is turned down (and its SNR recorded as such) rather than the
        // whole file, so the background keeps its field-like level.
        float callPeak = 0.0f, bgPeak = 0.0f;
        for (std::int64_t i = 0; i < n; ++i) {
            callPeak = std::max(callPeak, std::abs(c.call.samples[std::size_t(i)]));
            bgPeak = std::max(bgPeak, std::abs(background[std::size_t(s0 + i)]));
        }
        double snrDb = c.snrDb;
        if (callPeak > 0.0f && gain * callPeak > kPeakCeiling - bgPeak) {
            gain = std::max(0.0, kPeakCeiling - bgPeak) / callPeak;
            snrDb = 10.0 * std::log10(std::max(gain * gain * callPower, 1e-30) / bgPower);
        }
        for (std::int64_t i = 0; i < n; ++i)
            rec.samples[std::size_t(s0 + i)] += float(gain * c.call.samples[std::size_t(i)]);

        rec.calls.push_back({file, fromTicks(c.startTick), fromTicks(c.startTick + toTicks(c.call.duration)),
                             c.call.lowHz, c.call.highHz, c.typeName, c.call.individual});
        rec.snrDb.push_back(snrDb);
    });

    // Overlapping events may place a later call before an earlier event's last call.
    if (params.style != CorpusStyle::Demo) {
        std::vector<std::size_t> order(rec.calls.size());
        for (std::size_t i = 0; i < order.size(); ++i)
            order[i] = i;
        std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return rec.calls[a].start < rec.calls[b].start; });
        std::vector<GroundTruthCall> calls;
        std::vector<double> snr;
        for (std::size_t i : order) {
            calls.push_back(rec.calls[i]);
            snr.push_back(rec.snrDb[i]);
        }
        rec.calls = std::move(calls);
        rec.snrDb = std::move(snr);
    }

    // Safety net (loud calls were already limited above): only ever down, keeps every SNR.
    float peak = 0.0f;
    for (float v : rec.samples)
        peak = std::max(peak, std::abs(v));
    if (peak > kPeakCeiling) {
        const double g = kPeakCeiling / peak;
        for (float& v : rec.samples)
            v = float(v * g);
    }
    return rec;
}

std::string groundTruthCsv(const std::vector<GroundTruthCall>& calls)
{
    const auto number = [](double v) { // shortest text that reads back to the same double
        char buf[64];
        const auto r = std::to_chars(buf, buf + sizeof buf, v);
        return std::string(buf, r.ptr);
    };
    std::string out = std::string(kHeader) + "\n";
    for (const GroundTruthCall& c : calls)
        out += csvRow({c.file, number(c.start), number(c.end), number(c.lowHz), number(c.highHz), c.callType,
                       c.individual});
    return out;
}

std::vector<GroundTruthCall> writeDemoCorpus(const std::filesystem::path& outDir, const CorpusParams& params,
                                             const Progress& progress)
{
    validate(params);
    std::error_code ec;
    std::filesystem::create_directories(outDir, ec);
    if (ec)
        throw UsageError(fileError("create the corpus folder", outDir, ec.message()));

    std::vector<GroundTruthCall> all;
    for (int i = 0; i < params.files; ++i) {
        progress.checkCancelled();
        const std::string name = demoFileName(i);
        progress(double(i) / double(params.files + 1), name);
        const SynthRecording rec = synthesizeRecording(params, i);

        // Written under a temporary name and renamed, so an interrupted run leaves no
        // half-written file under a real name.
        const std::filesystem::path path = outDir / name, part = outDir / (name + ".part");
        SF_INFO info{};
        info.samplerate = rec.sampleRate;
        info.channels = 1;
        info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
        SNDFILE* sf = sf_open(part.string().c_str(), SFM_WRITE, &info);
        if (!sf)
            throw AudioError(fileError("write", path, std::string("libsndfile: ") + sf_strerror(nullptr)));
        sf_command(sf, SFC_SET_CLIPPING, nullptr, SF_TRUE);
        const sf_count_t written = sf_writef_float(sf, rec.samples.data(), sf_count_t(rec.samples.size()));
        const std::string why = sf_strerror(sf);
        const int closed = sf_close(sf);
        if (written != sf_count_t(rec.samples.size()) || closed != 0) {
            std::filesystem::remove(part, ec);
            throw AudioError(fileError("write", path, "libsndfile: " + why));
        }
        std::filesystem::rename(part, path, ec);
        if (ec)
            throw AudioError(fileError("write", path, ec.message()));
        all.insert(all.end(), rec.calls.begin(), rec.calls.end());
    }

    const std::filesystem::path csv = outDir / "ground_truth.csv";
    progress(double(params.files) / double(params.files + 1), "ground_truth.csv");
    {
        std::ofstream out(csv, std::ios::binary | std::ios::trunc);
        out << groundTruthCsv(all);
        out.close();
        if (!out)
            throw UsageError(fileError("write", csv, "write failed"));
    }
    progress(1.0, "done");
    return all;
}

std::vector<GroundTruthCall> readGroundTruth(const std::filesystem::path& csv)
{
    CsvReader in(csv); // throws Error naming the file if it cannot be opened
    const auto fail = [&](int lineNo, const std::string& why) {
        throw UsageError(fileError("read ground truth", csv, "line " + std::to_string(lineNo) + ": " + why));
    };

    std::vector<GroundTruthCall> calls;
    std::vector<std::string> f;
    if (!in.next(f))
        fail(1, "empty file, expected the header \"" + std::string(kHeader) + "\"");
    if (!f.empty() && f[0].rfind("\xEF\xBB\xBF", 0) == 0) // spreadsheet programs like a BOM
        f[0].erase(0, 3);
    if (csvRow(f) != std::string(kHeader) + "\n")
        fail(in.line(), "expected the header \"" + std::string(kHeader) + "\"");

    while (in.next(f)) {
        const int lineNo = in.line();
        if (f.size() == 1 && f[0].empty())
            continue; // blank line
        if (f.size() != 7)
            fail(lineNo, "expected 7 fields, found " + std::to_string(f.size()));
        const auto number = [&](const std::string& s, const char* column) {
            double v = 0.0;
            const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
            if (s.empty() || r.ec != std::errc() || r.ptr != s.data() + s.size() || !std::isfinite(v))
                fail(lineNo, std::string(column) + " is not a number: \"" + s + "\"");
            if (v < 0.0)
                fail(lineNo, std::string(column) + " is negative: " + s);
            return v;
        };
        GroundTruthCall c;
        c.file = f[0];
        c.start = number(f[1], "start");
        c.end = number(f[2], "end");
        c.lowHz = number(f[3], "low_hz");
        c.highHz = number(f[4], "high_hz");
        c.callType = f[5];
        c.individual = f[6];
        if (c.file.empty())
            fail(lineNo, "empty file name");
        if (!(c.end > c.start))
            fail(lineNo, "end (" + f[2] + ") is not after start (" + f[1] + ")");
        if (c.highHz < c.lowHz)
            fail(lineNo, "high_hz (" + f[4] + ") is below low_hz (" + f[3] + ")");
        if (c.callType.empty())
            fail(lineNo, "empty call_type");
        calls.push_back(std::move(c));
    }
    return calls;
}

} // namespace crowlingo
