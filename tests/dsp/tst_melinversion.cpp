// Log-mel back to sound (invertLogMel): the sound's own log-mel comes back close to the input in
// the cells that hold energy, a sweep keeps its pitch track, iterations refine the phase, the
// result is finite and as long as the STFT says, the same seed gives the same samples, and bad
// input (wrong band count, NaN cells) is refused.
#include "core/common/Error.h"
#include "core/dsp/MelInversion.h"
#include "core/dsp/MelSpectrogram.h"

#include <QTest>

#include <cmath>
#include <numbers>

using namespace crowlingo;

namespace {

const MelParams kMel{}; // 22.05 kHz, n_fft 1024, hop 256, 128 bands, 50 Hz - 11.025 kHz

std::vector<float> sweep(double f0, double f1, double seconds)
{
    const int n = int(seconds * kMel.sampleRate);
    std::vector<float> x(static_cast<std::size_t>(n));
    double phase = 0;
    for (int i = 0; i < n; ++i) {
        const double f = f0 + (f1 - f0) * i / n;
        phase += 2 * std::numbers::pi * f / kMel.sampleRate;
        x[std::size_t(i)] = float(0.3 * std::sin(phase));
    }
    return x;
}

// Band-limited noise bursts (broadband, like most calls' texture): 0.2 s on, 0.1 s off.
std::vector<float> bursts(double seconds)
{
    const int n = int(seconds * kMel.sampleRate);
    std::vector<float> x(static_cast<std::size_t>(n));
    std::uint64_t state = 12345;
    for (int i = 0; i < n; ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const double u = double(state >> 11) / double(1ull << 53) - 0.5;
        const bool on = (i % (kMel.sampleRate * 3 / 10)) < kMel.sampleRate / 5;
        x[std::size_t(i)] = float((on ? 0.4 : 0.01) * u);
    }
    return x;
}

double meanDbError(const Spectrogram& in, const Spectrogram& out, float belowPeak)
{
    float peak = -1e9f;
    for (float v : in.values) peak = std::max(peak, v);
    double err = 0;
    int cells = 0;
    for (int t = 2; t < in.frames - 2; ++t) // the edges have less window overlap
        for (int b = 0; b < in.bins; ++b)
            if (in.at(t, b) > peak - belowPeak) {
                err += std::abs(out.at(t, b) - in.at(t, b));
                ++cells;
            }
    return cells ? err / cells : INFINITY;
}

// The band with the most energy in frame t.
int loudestBand(const Spectrogram& s, int t)
{
    int best = 0;
    for (int b = 1; b < s.bins; ++b)
        if (s.at(t, b) > s.at(t, best)) best = b;
    return best;
}

} // namespace

class TestMelInversion : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void soundComesBackWithItsSpectrogram()
    {
        const MelSpectrogram mel(kMel);
        const Spectrogram in = mel.compute(bursts(1.2));
        const std::vector<float> audio = invertLogMel(in, kMel);
        QCOMPARE(audio.size(), std::size_t(kMel.nFft) + std::size_t(in.frames - 1) * std::size_t(kMel.hop));
        for (float v : audio) QVERIFY(std::isfinite(v));
        const Spectrogram out = mel.compute(audio);
        QCOMPARE(out.frames, in.frames);
        // Within 30 dB of the peak, the sound's log-mel is the input's to about a decibel.
        const double err = meanDbError(in, out, 30);
        qInfo("noise bursts: mean |dB error| %.2f", err);
        QVERIFY2(err < 1.5, qPrintable(QString::number(err)));
    }

    void aSweepKeepsItsPitch()
    {
        // A pure tone's power, spread over its mel band, comes back as narrow-band noise: the level
        // is rougher (measured 4.4 dB) but the pitch track is the input's.
        const MelSpectrogram mel(kMel);
        const Spectrogram in = mel.compute(sweep(800, 4000, 1.0));
        const Spectrogram out = mel.compute(invertLogMel(in, kMel));
        QVERIFY(meanDbError(in, out, 30) < 6.0);
        int agree = 0, frames = 0;
        for (int t = 2; t < in.frames - 2; ++t, ++frames) agree += std::abs(loudestBand(out, t) - loudestBand(in, t)) <= 1;
        QVERIFY2(agree >= frames * 9 / 10, qPrintable(QString("%1 of %2").arg(agree).arg(frames)));
        QVERIFY(loudestBand(out, in.frames - 3) > loudestBand(out, 2) + 20); // still rising
    }

    void levelOfTheSourceAndNoClickAtTheEnds()
    {
        // A steady 1-kHz tone at amplitude 0.3 (-10.5 dBFS): the inverted sound plays at the
        // tone's level, and its first and last milliseconds, where few frames overlap, are no
        // louder than the middle (dividing by a vanishing window sum made a click there).
        const std::vector<float> tone = sweep(1000, 1000, 1.0);
        const std::vector<float> audio = invertLogMel(MelSpectrogram(kMel).compute(tone), kMel);
        const std::size_t n = audio.size(), edge = std::size_t(kMel.sampleRate / 200); // 5 ms
        double middle = 0, peakMiddle = 0, peakEdges = 0;
        for (std::size_t i = n / 4; i < 3 * n / 4; ++i) {
            middle += double(audio[i]) * audio[i];
            peakMiddle = std::max(peakMiddle, double(std::abs(audio[i])));
        }
        for (std::size_t i = 0; i < edge; ++i)
            peakEdges = std::max({peakEdges, double(std::abs(audio[i])), double(std::abs(audio[n - 1 - i]))});
        const double rmsDb = 10 * std::log10(middle / double(n / 2)), sourceDb = 20 * std::log10(0.3 / std::sqrt(2.0));
        QVERIFY2(std::abs(rmsDb - sourceDb) < 1.5, qPrintable(QStringLiteral("%1 dB against %2").arg(rmsDb).arg(sourceDb)));
        QVERIFY2(peakEdges <= 1.1 * peakMiddle, qPrintable(QStringLiteral("edges %1, middle %2").arg(peakEdges).arg(peakMiddle)));
    }

    void seededAndDeterministic()
    {
        const Spectrogram in = MelSpectrogram(kMel).compute(sweep(1500, 1500, 0.3));
        const auto a = invertLogMel(in, kMel, {.iterations = 8, .seed = 3});
        const auto b = invertLogMel(in, kMel, {.iterations = 8, .seed = 3});
        const auto c = invertLogMel(in, kMel, {.iterations = 8, .seed = 4});
        QVERIFY(a == b);
        QVERIFY(a != c);
    }

    void moreIterationsFitBetter()
    {
        // Griffin-Lim's point: the spectrogram error falls as the phase is refined (measured 6.4 dB
        // with the random phase, under 1 dB after 32 iterations).
        const MelSpectrogram mel(kMel);
        const Spectrogram in = mel.compute(bursts(0.8));
        auto error = [&](int iterations) {
            return meanDbError(in, mel.compute(invertLogMel(in, kMel, {.iterations = iterations})), 30);
        };
        const double e0 = error(0), e32 = error(32);
        qInfo("mean |dB error|: random phase %.2f, 32 iterations %.2f", e0, e32);
        QVERIFY(e32 < 0.4 * e0);
    }

    void badInputRefused()
    {
        Spectrogram s = MelSpectrogram(kMel).compute(sweep(1000, 1000, 0.2));
        Spectrogram wrongBands = s;
        wrongBands.bins = 64;
        QVERIFY_THROWS_EXCEPTION(UsageError, invertLogMel(wrongBands, kMel));
        s.at(1, 5) = std::nanf("");
        QVERIFY_THROWS_EXCEPTION(UsageError, invertLogMel(s, kMel));
        Spectrogram empty;
        empty.bins = kMel.nMels;
        QVERIFY(invertLogMel(empty, kMel).empty());
    }
};

QTEST_GUILESS_MAIN(TestMelInversion)
#include "tst_melinversion.moc"
