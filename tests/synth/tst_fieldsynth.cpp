// The field-like training corpus: domain-randomised vocalisations (lengths, levels, declared
// bands against FFT-measured energy, variety), field effects (speed change moves pitch and
// duration, reverberation leaves a decaying tail), and the field corpus (overlaps, sorted ground
// truth) leaving the demo corpus alone.
#include "core/synth/DemoCorpus.h"
#include "core/synth/FieldEffects.h"
#include "core/synth/VocalisationSynth.h"
#include "synth/SynthTestUtil.h"

#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace crowlingo;
using synthtest::bandEnergyFraction;

namespace {

constexpr SampleRate kRate = 22050;

// Frequency of the strongest FFT bin.
double peakFrequency(std::span<const float> x, int rate)
{
    const std::vector<double> p = synthtest::powerSpectrum(x);
    const auto k = std::size_t(std::max_element(p.begin() + 1, p.end()) - p.begin());
    return double(k) * rate / double(x.size());
}

SynthCall tone(Hertz f, Seconds seconds)
{
    SynthCall c;
    c.duration = seconds;
    c.samples.resize(std::size_t(std::lround(seconds * kRate)));
    for (std::size_t i = 0; i < c.samples.size(); ++i)
        c.samples[i] = float(0.5 * std::sin(2.0 * 3.14159265358979 * f * double(i) / kRate));
    c.lowHz = f - 50.0;
    c.highHz = f + 50.0;
    return c;
}

} // namespace

class TestFieldSynth : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void vocalisationsAreVariedAndHonestAboutTheirBand()
    {
        std::vector<double> durations, lows, highs;
        int wellBanded = 0;
        constexpr int kCalls = 300;
        for (int seed = 0; seed < kCalls; ++seed) {
            SynthRng rng(SynthRng::derive(77, std::uint64_t(seed)));
            const SynthCall c = synthesizeVocalisation(kRate, rng);
            const QString where = QString("seed %1").arg(seed);
            QVERIFY2(!c.samples.empty(), qPrintable(where));
            QCOMPARE(qint64(c.samples.size()), qint64((std::llround(c.duration * 1e4) * kRate + 5000) / 10000));
            float peak = 0.0f;
            for (float v : c.samples)
                peak = std::max(peak, std::abs(v));
            QVERIFY2(std::abs(peak - 0.5f) < 1e-4f, qPrintable(where + QString(": peak %1").arg(peak)));
            QVERIFY2(c.duration >= 0.005 && c.duration <= 2.5, qPrintable(where + QString(": %1 s").arg(c.duration)));
            QVERIFY2(c.lowHz >= 0.0 && c.lowHz < c.highHz && c.highHz <= kRate / 2.0, qPrintable(where));
            if (bandEnergyFraction(c.samples, c.lowHz, c.highHz, kRate) >= 0.9)
                ++wellBanded;
            durations.push_back(c.duration);
            lows.push_back(c.lowHz);
            highs.push_back(c.highHz);
        }
        // The declared band holds nearly all the energy of nearly every call.
        QVERIFY2(wellBanded >= kCalls * 95 / 100, qPrintable(QString("%1 of %2 calls well banded").arg(wellBanded).arg(kCalls)));
        // Short calls and long songs, low and high voices.
        std::sort(durations.begin(), durations.end());
        std::sort(lows.begin(), lows.end());
        QVERIFY2(durations[kCalls / 10] < 0.05, qPrintable(QString("10th percentile %1 s").arg(durations[kCalls / 10])));
        QVERIFY2(durations[kCalls * 9 / 10] > 0.5, qPrintable(QString("90th percentile %1 s").arg(durations[kCalls * 9 / 10])));
        QVERIFY(lows[kCalls / 10] < 600.0);
        QVERIFY(lows[kCalls * 9 / 10] > 2000.0);
        QVERIFY(*std::max_element(highs.begin(), highs.end()) > 8000.0);
    }

    void vocalisationsAreReproducible()
    {
        SynthRng a(5), b(5);
        const SynthCall x = synthesizeVocalisation(kRate, a), y = synthesizeVocalisation(kRate, b);
        QVERIFY(x.samples == y.samples);
        QCOMPARE(x.lowHz, y.lowHz);
    }

    void aFasterCallIsShorterAndHigher()
    {
        SynthCall c = tone(2000.0, 0.5);
        SynthRng rng(1);
        FieldEffectRanges dryFaster;
        dryFaster.minSpeed = dryFaster.maxSpeed = 1.1;
        dryFaster.reverbProbability = 0.0;
        applyFieldEffects(c, kRate, rng, dryFaster);
        QCOMPARE(qint64(c.samples.size()), qint64(std::lround(c.duration * kRate)));
        QVERIFY2(std::abs(c.duration - 0.5 / 1.1) < 2e-4, qPrintable(QString("%1 s").arg(c.duration)));
        const auto middle = std::span<const float>(c.samples).subspan(c.samples.size() / 4, c.samples.size() / 2);
        const double f = peakFrequency(middle, kRate);
        QVERIFY2(std::abs(f - 2200.0) < 20.0, qPrintable(QString("%1 Hz").arg(f)));
        QVERIFY(c.lowHz <= 1950.0 * 1.1 + 0.1 && c.highHz >= 2050.0 * 1.1 - 0.1);
    }

    void reverberationLeavesADecayingTail()
    {
        SynthCall c = tone(1500.0, 0.2);
        SynthRng rng(2);
        FieldEffectRanges wet;
        wet.minSpeed = wet.maxSpeed = 1.0;
        wet.reverbProbability = 1.0;
        wet.minRt60 = wet.maxRt60 = 0.5;
        wet.minWet = wet.maxWet = 0.5;
        applyFieldEffects(c, kRate, rng, wet);
        QVERIFY2(c.duration > 0.2 + 0.3, qPrintable(QString("%1 s").arg(c.duration)));
        // After the dry call ends: sound in the tail, fading.
        const auto dryEnd = std::size_t(0.2 * kRate), tailLen = c.samples.size() - dryEnd;
        const auto early = std::span<const float>(c.samples).subspan(dryEnd, tailLen / 3);
        const auto late = std::span<const float>(c.samples).subspan(dryEnd + 2 * tailLen / 3, tailLen / 3 - 300);
        const double earlyMs = synthtest::meanSquare(early), lateMs = synthtest::meanSquare(late);
        QVERIFY2(earlyMs > 1e-4, qPrintable(QString("tail %1").arg(earlyMs)));
        QVERIFY2(lateMs < earlyMs / 10.0, qPrintable(QString("early %1 late %2").arg(earlyMs).arg(lateMs)));
    }

    void theFieldCorpusOverlapsAndKeepsItsGroundTruthSorted()
    {
        CorpusParams p;
        p.style = CorpusStyle::Field;
        p.secondsPerFile = 90;
        p.seed = 3;
        int overlaps = 0, vocalisations = 0, known = 0;
        for (int file = 0; file < 2; ++file) {
            const SynthRecording rec = synthesizeRecording(p, file);
            QCOMPARE(rec.calls.size(), rec.snrDb.size());
            QVERIFY(rec.calls.size() > 20);
            for (std::size_t i = 0; i < rec.calls.size(); ++i) {
                const GroundTruthCall& c = rec.calls[i];
                QVERIFY(c.end > c.start && c.end <= p.secondsPerFile);
                (c.callType == "vocalisation" ? vocalisations : known) += 1;
                if (i > 0) {
                    QVERIFY(c.start >= rec.calls[i - 1].start);
                    if (c.start < rec.calls[i - 1].end)
                        ++overlaps;
                }
            }
            float peak = 0.0f;
            for (float v : rec.samples)
                peak = std::max(peak, std::abs(v));
            QVERIFY(peak <= 0.8911f);
        }
        QVERIFY2(overlaps >= 3, qPrintable(QString("%1 overlaps").arg(overlaps)));
        QVERIFY(vocalisations > 10 && known > 10);
        // The demo style still has no vocalisations and no overlaps.
        p.style = CorpusStyle::Demo;
        const SynthRecording demo = synthesizeRecording(p, 0);
        for (std::size_t i = 0; i < demo.calls.size(); ++i) {
            QVERIFY(demo.calls[i].callType != "vocalisation");
            if (i > 0)
                QVERIFY(demo.calls[i].start >= demo.calls[i - 1].end + 0.2 - 1e-9);
        }
    }

    void theSongCorpusRepeatsItsCalls()
    {
        // Renditions of one call differ by a speed change of at most 3 %, so their durations and
        // band edges agree within about 7 %; two calls drawn independently rarely agree on all
        // three. Count the vocalisations that follow one so alike, in each style.
        auto alikePairs = [](CorpusStyle style) {
            CorpusParams p;
            p.style = style;
            p.secondsPerFile = 120;
            p.seed = 5;
            int alike = 0, pairs = 0;
            for (int file = 0; file < 2; ++file) {
                const SynthRecording rec = synthesizeRecording(p, file);
                const GroundTruthCall* previous = nullptr;
                for (const GroundTruthCall& c : rec.calls) {
                    if (c.callType != "vocalisation")
                        continue;
                    if (previous) {
                        const auto near = [](double a, double b) { return std::max(a, b) <= 1.07 * std::min(a, b); };
                        alike += near(c.end - c.start, previous->end - previous->start) && near(c.lowHz, previous->lowHz)
                                 && near(c.highHz, previous->highHz);
                        ++pairs;
                    }
                    previous = &c;
                }
            }
            return std::pair{alike, pairs};
        };
        const auto [songAlike, songPairs] = alikePairs(CorpusStyle::Song);
        const auto [fieldAlike, fieldPairs] = alikePairs(CorpusStyle::Field);
        QVERIFY2(songPairs > 20 && fieldPairs > 20, qPrintable(QString("%1 and %2 pairs").arg(songPairs).arg(fieldPairs)));
        const double song = double(songAlike) / songPairs, field = double(fieldAlike) / fieldPairs;
        qInfo("vocalisations following one alike: song %.2f of %d, field %.2f of %d", song, songPairs, field, fieldPairs);
        QVERIFY2(song >= 0.3, qPrintable(QString("song %1").arg(song)));
        QVERIFY2(field <= 0.1, qPrintable(QString("field %1").arg(field)));
    }
};

QTEST_APPLESS_MAIN(TestFieldSynth)
#include "tst_fieldsynth.moc"
