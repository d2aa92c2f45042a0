// welchBandPower (the SNR reference of the corpus) and Biquad (its filters) on known signals.
#include "core/synth/Biquad.h"
#include "core/synth/SynthRng.h"
#include "core/synth/WelchPower.h"

#include <QtTest>

#include <cmath>
#include <numbers>
#include <vector>

using namespace crowlingo;

namespace {

constexpr SampleRate kRate = 22050;

std::vector<float> sine(double freq, double amplitude, std::size_t n)
{
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i)
        x[i] = float(amplitude * std::sin(2.0 * std::numbers::pi * freq * double(i) / kRate));
    return x;
}

std::vector<float> whiteNoise(double sd, std::size_t n, std::uint64_t seed)
{
    SynthRng rng(seed);
    std::vector<float> x(n);
    for (float& v : x)
        v = float(sd * rng.noise());
    return x;
}

double meanSquare(const std::vector<float>& x)
{
    double s = 0.0;
    for (float v : x)
        s += double(v) * v;
    return s / double(x.size());
}

} // namespace

class TestWelchPower : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sineInsideAndOutsideTheBand()
    {
        const std::vector<float> x = sine(3000.0, 0.2, kRate); // power 0.02
        QVERIFY(std::abs(welchBandPower(x, 2800, 3200, kRate) / 0.02 - 1.0) < 0.02);
        QVERIFY(welchBandPower(x, 4000, 6000, kRate) < 0.02 * 1e-4); // Hann leakage far below
        QVERIFY(welchBandPower(x, 100, 2800, kRate) < 0.02 * 1e-3);
    }

    // White noise: power in a band is its share of 0 .. rate/2, for narrow and wide bands.
    void whiteNoiseScalesWithBandwidth_data()
    {
        QTest::addColumn<double>("low");
        QTest::addColumn<double>("high");
        QTest::newRow("narrow 4500-4800") << 4500.0 << 4800.0;
        QTest::newRow("caw 420-4200") << 420.0 << 4200.0;
        QTest::newRow("bat 3000-10000") << 3000.0 << 10000.0;
    }
    void whiteNoiseScalesWithBandwidth()
    {
        QFETCH(double, low);
        QFETCH(double, high);
        const std::vector<float> x = whiteNoise(0.1, 2 * kRate, 5);
        const double expected = meanSquare(x) * (high - low) / (kRate / 2.0);
        const double got = welchBandPower(x, low, high, kRate);
        QVERIFY2(std::abs(got / expected - 1.0) < 0.12, qPrintable(QString("%1 vs %2").arg(got).arg(expected)));
    }

    void shortOrEmptyInput()
    {
        QCOMPARE(welchBandPower({}, 100, 1000, kRate), 0.0);
        QCOMPARE(welchBandPower(std::vector<float>(10, 1.0f), 100, 1000, kRate), 0.0);
        const std::vector<float> x = sine(1000.0, 1.0, 100); // uses a 64-sample block
        QVERIFY(welchBandPower(x, 500, 1500, kRate) > 0.2);
    }

    void biquadResponses()
    {
        // Steady-state gain measured on sines after the transient.
        const auto gain = [](Biquad f, double freq) {
            std::vector<float> x = sine(freq, 1.0, kRate / 2);
            f.processInPlace(x);
            double peak = 0.0;
            for (std::size_t i = x.size() / 2; i < x.size(); ++i)
                peak = std::max(peak, double(std::abs(x[i])));
            return peak;
        };
        QVERIFY(std::abs(gain(Biquad::lowpass(1000, Biquad::kButterworthQ, kRate), 1000) - std::sqrt(0.5)) < 0.01);
        QVERIFY(gain(Biquad::lowpass(1000, Biquad::kButterworthQ, kRate), 100) > 0.99);
        QVERIFY(gain(Biquad::lowpass(1000, Biquad::kButterworthQ, kRate), 8000) < 0.02);
        QVERIFY(std::abs(gain(Biquad::highpass(1000, Biquad::kButterworthQ, kRate), 1000) - std::sqrt(0.5)) < 0.01);
        QVERIFY(gain(Biquad::highpass(1000, Biquad::kButterworthQ, kRate), 100) < 0.02);
        QVERIFY(std::abs(gain(Biquad::bandpass(2000, 4.0, kRate), 2000) - 1.0) < 0.01);
        QVERIFY(gain(Biquad::bandpass(2000, 4.0, kRate), 500) < 0.1);
    }
};

QTEST_GUILESS_MAIN(TestWelchPower)
#include "tst_welchpower.moc"
