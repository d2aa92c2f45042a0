// PowerSpectrogram: analytic values for a bin-centred tone (periodic Hann), bin frequencies,
// frame layout, the dB conversion.
#include "core/dsp/DisplayStft.h"
#include "core/common/Error.h"
#include "core/dsp/BandPass.h"
#include "core/dsp/PowerSpectrogram.h"

#include <QtTest>

#include <cmath>
#include <numbers>

using namespace crowlingo;

class TestPowerSpectrogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // keepBand (playing a box's band, as Raven filters around a selection): what lies in the band
    // comes through unchanged and undelayed, what lies outside is gone.
    void keepBandKeepsOnlyTheBandWithoutDelay()
    {
        const double rate = 44100;
        std::vector<float> x(44100), inBand(44100);
        for (std::size_t i = 0; i < x.size(); ++i) {
            const double t = double(i) / rate;
            inBand[i] = float(0.5 * std::sin(2 * std::numbers::pi * 3000 * t + 0.3));
            x[i] = inBand[i] + float(0.5 * std::sin(2 * std::numbers::pi * 500 * t) + 0.5 * std::sin(2 * std::numbers::pi * 9000 * t));
        }
        const auto amplitude = [&](const std::vector<float>& y, double hz) { // over the middle half
            double c = 0, s = 0;
            const std::size_t a = y.size() / 4, b = 3 * y.size() / 4;
            for (std::size_t i = a; i < b; ++i) {
                c += y[i] * std::cos(2 * std::numbers::pi * hz * double(i) / rate);
                s += y[i] * std::sin(2 * std::numbers::pi * hz * double(i) / rate);
            }
            return 2 * std::hypot(c, s) / double(b - a);
        };
        QVERIFY(std::abs(amplitude(x, 500) - 0.5) < 0.01); // the probe itself
        std::vector<float> y = x;
        keepBand(y, rate, 2000, 5000);
        QVERIFY2(std::abs(amplitude(y, 3000) - 0.5) < 0.005, qPrintable(QString::number(amplitude(y, 3000))));
        QVERIFY2(amplitude(y, 500) < 5e-4, qPrintable(QString::number(amplitude(y, 500))));
        QVERIFY2(amplitude(y, 9000) < 5e-4, qPrintable(QString::number(amplitude(y, 9000))));
        float worst = 0; // zero phase: sample for sample the tone in the band
        for (std::size_t i = x.size() / 4; i < 3 * x.size() / 4; ++i) worst = std::max(worst, std::abs(y[i] - inBand[i]));
        QVERIFY2(worst < 0.01f, qPrintable(QString::number(worst)));
        // A band reaching past Nyquist keeps everything above its low edge.
        y = x;
        keepBand(y, rate, 6000, 30000);
        QVERIFY(std::abs(amplitude(y, 9000) - 0.5) < 0.005);
        QVERIFY(amplitude(y, 3000) < 5e-4);
        QVERIFY_THROWS_EXCEPTION(UsageError, keepBand(y, rate, 5000, 2000));
    }
    void displayStepsFollowTheClip()
    {
        // A 50-ms syllable at 32 kHz, drawn with 0.5 s of context either side: at least 50 columns
        // over the syllable itself, with a window no longer than a third of it.
        const StftParams shortCall = displayStftParams(32000, 1600, 1600 + 32000);
        QVERIFY(1600 / shortCall.hop >= 50);
        QVERIFY(shortCall.nFft <= 1600 / 3 && shortCall.nFft >= 64);
        const PowerSpectrogram stft(shortCall);
        const Spectrogram s = stft.compute(std::vector<float>(1600, 0.1f), 0.0);
        QVERIFY2(s.frames >= 50, qPrintable(QString::number(s.frames)));
        // A 2-s call at 44.1 kHz: the usual ~23 ms windows at 75 % overlap.
        const StftParams song = displayStftParams(44100, 88200, 88200 + 44100);
        QCOMPARE(song.nFft, 1024);
        QCOMPARE(song.hop, 256);
        // An hour-long stretch stays within the frame budget.
        const StftParams hour = displayStftParams(44100, 44100 * 3600, 44100 * 3600, 4000);
        QVERIFY(std::int64_t(44100) * 3600 / hour.hop <= 4000);
    }

    void binCentredToneHasAnalyticPower_data();
    void binCentredToneHasAnalyticPower();
    void binCentres();
    void forEachFrameMatchesCompute();
    void powerToDb();
};

void TestPowerSpectrogram::binCentredToneHasAnalyticPower_data()
{
    QTest::addColumn<int>("nFft");
    QTest::addColumn<int>("bin");
    QTest::newRow("nFft 1024, bin 46") << 1024 << 46;
    QTest::newRow("nFft 512, bin 100") << 512 << 100;
    QTest::newRow("nFft 480 (not a power of two), bin 7") << 480 << 7;
}

void TestPowerSpectrogram::binCentredToneHasAnalyticPower()
{
    QFETCH(int, nFft);
    QFETCH(int, bin);
    const int rate = 22050;
    const double amplitude = 0.25;
    const double hz = double(bin) * rate / nFft;
    std::vector<float> x(rate / 4);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = float(amplitude * std::cos(2 * std::numbers::pi * hz * double(i) / rate + 0.3));

    PowerSpectrogram stft(StftParams{.sampleRate = rate, .nFft = nFft, .hop = 200});
    const Spectrogram s = stft.compute(x);
    QCOMPARE(s.bins, nFft / 2 + 1);
    // Periodic Hann sums to nFft/2, so a bin-centred sinusoid of amplitude A gives |X[k]| = A nFft/4,
    // |X[k±1]| = A nFft/8 and nothing elsewhere.
    const double peak = std::pow(amplitude * nFft / 4, 2), side = std::pow(amplitude * nFft / 8, 2);
    for (int t = 0; t < s.frames; ++t) {
        QVERIFY(std::abs(s.at(t, bin) - peak) < 1e-4 * peak);
        QVERIFY(std::abs(s.at(t, bin - 1) - side) < 1e-3 * side);
        QVERIFY(std::abs(s.at(t, bin + 1) - side) < 1e-3 * side);
        QVERIFY(s.at(t, bin + 3) < 1e-6 * peak);
    }
}

void TestPowerSpectrogram::binCentres()
{
    PowerSpectrogram stft(StftParams{.sampleRate = 16000, .nFft = 400, .hop = 160});
    const auto f = stft.binCentres();
    QCOMPARE(int(f.size()), 201);
    QCOMPARE(f.front(), 0.0);
    QCOMPARE(f[1], 40.0);
    QCOMPARE(f.back(), 8000.0);
}

void TestPowerSpectrogram::forEachFrameMatchesCompute()
{
    std::vector<float> x(5000);
    for (std::size_t i = 0; i < x.size(); ++i)
        x[i] = float(std::sin(0.01 * double(i * i % 977)));
    PowerSpectrogram stft(StftParams{.sampleRate = 8000, .nFft = 256, .hop = 100});
    const Spectrogram s = stft.compute(x, 2.0, 0.5);
    QCOMPARE(s.frames, 1 + (5000 - 256) / 100);
    QCOMPARE(s.startSeconds, 2.0);
    QCOMPARE(s.hopSeconds, 100.0 / 8000 * 0.5);
    int seen = 0;
    stft.forEachFrame(x, [&](int t, std::span<const float> power) {
        QCOMPARE(t, seen++);
        QCOMPARE(int(power.size()), s.bins);
        for (int b = 0; b < s.bins; ++b)
            QCOMPARE(power[b], s.at(t, b));
    });
    QCOMPARE(seen, s.frames);
}

void TestPowerSpectrogram::powerToDb()
{
    QCOMPARE(PowerSpectrogram::powerToDb(1.0f), 0.0f);
    QCOMPARE(PowerSpectrogram::powerToDb(100.0f), 20.0f);
    QCOMPARE(PowerSpectrogram::powerToDb(0.0f), -100.0f);
    QCOMPARE(PowerSpectrogram::powerToDb(1e-12f), -100.0f);
    QVERIFY(std::isnan(PowerSpectrogram::powerToDb(std::nanf(""))));
}

QTEST_GUILESS_MAIN(TestPowerSpectrogram)
#include "tst_powerspectrogram.moc"
