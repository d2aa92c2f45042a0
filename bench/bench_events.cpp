// Events detection on the synthetic corpus (issue 2's criterion): recall with onset within 20 ms,
// by call type and by in-band SNR, false alarms per minute on the corpus and on noise alone.
//
//   bench_events [SPEC] [FILES]     e.g. bench_events events 8, bench_events events:onDb=8 8
//
// Corpus files 0..FILES-1 of the demo seed (1), 120 s each at 22050 Hz, as packaging/run-demo.sh
// makes them. Noise alone: 2 minutes each of pink noise, wind with gusts, and rain at 80, 200 and
// 500 drops per second (the corpus' range), at -36 dBFS.
// Environment: BENCH_EVENTS_MISSES=1 lists the calls missed; BENCH_EVENTS_AROUND=FILE:TIME lists the
// events and calls near TIME in corpus file FILE; BENCH_EVENTS_ALARMS=NAME (e.g. "rain 80/s") lists
// the events found in that noise.
#include "core/segment/EventDetector.h"
#include "core/synth/BackgroundNoise.h"
#include "core/synth/DemoCorpus.h"
#include "core/common/NumericsEnvironment.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <vector>

using namespace crowlingo;

namespace {

std::vector<Clip> detect(const std::vector<float>& samples, SampleRate rate, const EventParams& params)
{
    EventDetector detector(params, rate);
    detector.feed(samples);
    detector.finish();
    return detector.takeEvents();
}

struct Tally {
    int calls = 0, found = 0;
    void add(bool hit) { ++calls; found += hit; }
    std::string percent() const
    {
        char s[32];
        std::snprintf(s, sizeof s, "%5.1f %% of %4d", calls ? 100.0 * found / calls : 0.0, calls);
        return s;
    }
};

std::string snrBucket(double snr)
{
    return snr < 5 ? "0-5 dB" : snr < 10 ? "5-10 dB" : snr < 20 ? "10-20 dB" : "20-30 dB";
}

} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    const std::string specText = argc > 1 ? argv[1] : "events";
    const int files = argc > 2 ? std::atoi(argv[2]) : 8;
    const EventParams params = SegmentSpec::parse(specText).events;
    CorpusParams corpus; // the demo corpus: seed 1, 120 s files at 22050 Hz

    Tally all;
    std::map<std::string, Tally> byType, bySnr;
    int falseAlarms = 0;
    double minutes = 0;
    for (int f = 0; f < files; ++f) {
        const SynthRecording rec = synthesizeRecording(corpus, f);
        const std::vector<Clip> clips = detect(rec.samples, rec.sampleRate, params);
        minutes += double(rec.samples.size()) / rec.sampleRate / 60;
        std::vector<bool> used(clips.size(), false);
        if (const char* around = std::getenv("BENCH_EVENTS_AROUND"); around && std::atoi(around) == f) {
            // "FILE:TIME": the events and calls within 1.5 s of TIME in corpus file FILE.
            const double t = std::atof(std::strchr(around, ':') + 1);
            for (const Clip& c : clips)
                if (std::abs(c.start - t) < 1.5) std::printf("  event %.3f-%.3f s %.0f-%.0f Hz\n", c.start, c.end, c.lowHz, c.highHz);
            for (std::size_t c = 0; c < rec.calls.size(); ++c)
                if (std::abs(rec.calls[c].start - t) < 1.5)
                    std::printf("  call  %.3f-%.3f s %.0f-%.0f Hz %s SNR %.1f\n", rec.calls[c].start, rec.calls[c].end,
                                rec.calls[c].lowHz, rec.calls[c].highHz, rec.calls[c].callType.c_str(), rec.snrDb[c]);
            std::printf("  background: wind %.2f, rain %.2f at %.0f/s\n", rec.background.windLevel, rec.background.rainLevel,
                        rec.background.rainClicksPerSecond);
        }
        for (std::size_t c = 0; c < rec.calls.size(); ++c) {
            const GroundTruthCall& call = rec.calls[c];
            double best = 1e9, signedError = 0; // nearest onset among the overlapping events
            for (std::size_t k = 0; k < clips.size(); ++k) {
                if (clips[k].end < call.start || clips[k].start > call.end) continue;
                used[k] = true;
                if (std::abs(clips[k].start - call.start) < best) {
                    best = std::abs(clips[k].start - call.start);
                    signedError = clips[k].start - call.start;
                }
            }
            const bool hit = best <= 0.020;
            if (!hit && std::getenv("BENCH_EVENTS_MISSES"))
                std::printf("miss %s %-8s %7.3f s (%.3f s long, %.0f-%.0f Hz) SNR %4.1f dB: %s\n", call.file.c_str(),
                            call.callType.c_str(), call.start, call.end - call.start, call.lowHz, call.highHz, rec.snrDb[c],
                            best > 1e8 ? "no event" : ("onset off by " + std::to_string(signedError)).c_str());
            all.add(hit);
            byType[call.callType].add(hit);
            bySnr[snrBucket(rec.snrDb[c])].add(hit);
        }
        falseAlarms += int(std::count(used.begin(), used.end(), false));
    }
    std::printf("spec %s, %d corpus files (%.0f min)\n", specText.c_str(), files, minutes);
    std::printf("  all calls          %s\n", all.percent().c_str());
    for (const auto& [type, t] : byType) std::printf("  %-18s %s\n", type.c_str(), t.percent().c_str());
    for (const auto& [bucket, t] : bySnr) std::printf("  SNR %-14s %s\n", bucket.c_str(), t.percent().c_str());
    std::printf("  false alarms on the corpus: %.1f per minute\n", falseAlarms / minutes);

    struct Noise { const char* name; BackgroundParams p; };
    std::vector<Noise> noises;
    BackgroundParams pink;
    pink.windLevel = 0;
    noises.push_back({"pink noise", pink});
    BackgroundParams wind;
    wind.windLevel = 1.5;
    noises.push_back({"pink + wind gusts", wind});
    for (double drops : {80.0, 200.0, 500.0}) {
        BackgroundParams rain = pink;
        rain.rainLevel = 0.6;
        rain.rainClicksPerSecond = drops;
        noises.push_back({drops == 80 ? "rain 80/s" : drops == 200 ? "rain 200/s" : "rain 500/s", rain});
    }
    const SampleRate rate = corpus.sampleRate;
    for (const Noise& n : noises) {
        SynthRng rng(99);
        const std::vector<float> noise = synthesizeBackground(120 * rate, rate, n.p, rng);
        const std::vector<Clip> alarms = detect(noise, rate, params);
        std::printf("  noise alone, %-18s %.1f false alarms per minute\n", n.name, alarms.size() / 2.0);
        if (const char* show = std::getenv("BENCH_EVENTS_ALARMS"); show && std::strcmp(show, n.name) == 0)
            for (const Clip& c : alarms)
                std::printf("    alarm %.3f-%.3f s (%.0f ms) %.0f-%.0f Hz\n", c.start, c.end, 1000 * (c.end - c.start), c.lowHz, c.highHz);
    }
}
