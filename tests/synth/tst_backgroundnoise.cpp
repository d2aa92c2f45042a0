// Background noise: level, pink spectrum, wind at low frequencies, rain as clicks.
#include "core/common/Error.h"
#include "core/synth/BackgroundNoise.h"
#include "synth/SynthTestUtil.h"

#include <QtTest>

#include <cmath>

using namespace crowlingo;

namespace {

constexpr SampleRate kRate = 22050;

double dbfs(std::span<const float> x) { return 10.0 * std::log10(synthtest::meanSquare(x)); }

// Power between lo and hi Hz, averaged over 1 s blocks (Welch-like, no window).
double bandPower(const std::vector<float>& x, double lo, double hi)
{
    double sum = 0.0;
    int blocks = 0;
    for (std::size_t i = 0; i + kRate <= x.size(); i += kRate, ++blocks) {
        const std::span<const float> b = std::span<const float>(x).subspan(i, kRate);
        sum += synthtest::bandEnergyFraction(b, lo, hi, kRate) * synthtest::meanSquare(b);
    }
    return sum / blocks;
}

double kurtosis(std::span<const float> x)
{
    double m2 = 0, m4 = 0;
    for (float v : x) {
        m2 += double(v) * v;
        m4 += double(v) * v * v * v;
    }
    m2 /= double(x.size());
    m4 /= double(x.size());
    return m4 / (m2 * m2);
}

BackgroundParams only(double pink, double wind, double rain)
{
    BackgroundParams p;
    p.rmsDbfs = -36.0;
    p.pinkLevel = pink;
    p.windLevel = wind;
    p.rainLevel = rain;
    p.rainClicksPerSecond = rain > 0 ? 100.0 : 0.0;
    return p;
}

} // namespace

class TestBackgroundNoise : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void levelIsTheRequestedRms_data()
    {
        QTest::addColumn<double>("level");
        QTest::newRow("-40 dBFS") << -40.0;
        QTest::newRow("-32 dBFS") << -32.0;
    }
    void levelIsTheRequestedRms()
    {
        QFETCH(double, level);
        SynthRng rng(1);
        BackgroundParams p = randomBackgroundParams(rng);
        p.rmsDbfs = level;
        const std::vector<float> x = synthesizeBackground(10 * kRate, kRate, p, rng);
        QCOMPARE(x.size(), std::size_t(10 * kRate));
        for (float v : x)
            QVERIFY(std::isfinite(v) && std::abs(v) < 1.0f);
        QVERIFY2(std::abs(dbfs(x) - level) < 0.05, qPrintable(QString::number(dbfs(x))));
    }

    // Pink: equal power per octave (within 1.5 dB) from 250 Hz to 8 kHz.
    void pinkNoiseHasEqualPowerPerOctave()
    {
        SynthRng rng(2);
        const std::vector<float> x = synthesizeBackground(20 * kRate, kRate, only(1, 0, 0), rng);
        const double ref = bandPower(x, 1000, 2000);
        for (double lo : {250.0, 500.0, 2000.0, 4000.0}) {
            const double d = 10.0 * std::log10(bandPower(x, lo, 2 * lo) / ref);
            QVERIFY2(std::abs(d) < 1.5, qPrintable(QString("octave from %1 Hz: %2 dB").arg(lo).arg(d)));
        }
        // And white would be +3 dB per octave: check the slope is not white.
        QVERIFY(bandPower(x, 4000, 8000) < 1.5 * bandPower(x, 250, 500));
    }

    void windAddsLowFrequencyRumble()
    {
        SynthRng a(3), b(3);
        const std::vector<float> calm = synthesizeBackground(20 * kRate, kRate, only(1, 0, 0), a);
        const std::vector<float> windy = synthesizeBackground(20 * kRate, kRate, only(1, 1.5, 0), b);
        // Relative to the 1-2 kHz band, below 150 Hz gains a lot.
        const double calmRatio = bandPower(calm, 30, 150) / bandPower(calm, 1000, 2000);
        const double windyRatio = bandPower(windy, 30, 150) / bandPower(windy, 1000, 2000);
        QVERIFY2(windyRatio > 4.0 * calmRatio, qPrintable(QString("%1 vs %2").arg(windyRatio).arg(calmRatio)));
        // Gusts: the rumble's loudness changes over seconds.
        const std::vector<float> low = synthtest::bandLimit(windy, 30, 150, kRate);
        double lo = 1e9, hi = 0;
        for (std::size_t i = 0; i + kRate / 2 <= low.size(); i += kRate / 2) {
            const double ms = synthtest::meanSquare(std::span<const float>(low).subspan(i, kRate / 2));
            lo = std::min(lo, ms);
            hi = std::max(hi, ms);
        }
        QVERIFY2(hi > 4.0 * lo, qPrintable(QString("gust range %1 dB").arg(10 * std::log10(hi / lo))));
    }

    void rainIsImpulsive()
    {
        SynthRng a(4), b(4);
        const std::vector<float> dry = synthtest::bandLimit(synthesizeBackground(10 * kRate, kRate, only(1, 0, 0), a), 2000, 10000, kRate);
        const std::vector<float> wet = synthtest::bandLimit(synthesizeBackground(10 * kRate, kRate, only(1, 0, 1.0), b), 2000, 10000, kRate);
        QVERIFY2(std::abs(kurtosis(dry) - 3.0) < 0.3, qPrintable(QString::number(kurtosis(dry)))); // Gaussian
        QVERIFY2(kurtosis(wet) > 6.0, qPrintable(QString::number(kurtosis(wet))));
    }

    void deterministicPerRngState()
    {
        SynthRng a(5), b(5), c(6);
        const BackgroundParams pa = randomBackgroundParams(a), pb = randomBackgroundParams(b), pc = randomBackgroundParams(c);
        QCOMPARE(pa.rmsDbfs, pb.rmsDbfs);
        QCOMPARE(pa.rainClicksPerSecond, pb.rainClicksPerSecond);
        QVERIFY(pa.rmsDbfs != pc.rmsDbfs);
        QVERIFY(pa.rmsDbfs >= -40.0 && pa.rmsDbfs <= -32.0);
        const std::vector<float> x = synthesizeBackground(kRate, kRate, pa, a), y = synthesizeBackground(kRate, kRate, pb, b);
        QVERIFY(x == y);
        QVERIFY(x != synthesizeBackground(kRate, kRate, pc, c));
    }

    void edgeCases()
    {
        SynthRng rng(7);
        QVERIFY(synthesizeBackground(0, kRate, BackgroundParams{}, rng).empty());
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeBackground(-1, kRate, BackgroundParams{}, rng));
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeBackground(10, 0, BackgroundParams{}, rng));
    }
};

QTEST_GUILESS_MAIN(TestBackgroundNoise)
#include "tst_backgroundnoise.moc"
