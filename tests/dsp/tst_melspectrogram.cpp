// MelSpectrogram: agreement with torchaudio (reference values from tests/dsp/make_mel_reference.py),
// tones in the right mel bin, frame count and time axis, the dB floor, concurrent use, the mel scale.
#include "core/common/Error.h"
#include "core/dsp/MelSpectrogram.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <numbers>
#include <random>
#include <thread>
#include <utility>

using namespace crowlingo;

namespace {

std::vector<float> readF32(const QString& name)
{
    const std::string path = std::string(CROWLINGO_DSP_TEST_DATA) + "/" + name.toStdString();
    std::ifstream in(path, std::ios::binary | std::ios::ate);
    if (!in)
        return {};
    std::vector<float> v(std::size_t(in.tellg()) / sizeof(float));
    in.seekg(0);
    in.read(reinterpret_cast<char*>(v.data()), std::streamsize(v.size() * sizeof(float)));
    return v; // the files are little-endian float32, as is every machine this builds on
}

std::vector<float> tone(double hz, double amplitude, int rate, int samples)
{
    std::vector<float> x(samples);
    for (int i = 0; i < samples; ++i)
        x[i] = float(amplitude * std::sin(2 * std::numbers::pi * hz * i / rate));
    return x;
}

std::vector<float> noisyChirp(int rate, int samples, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    std::vector<float> x(samples);
    for (int i = 0; i < samples; ++i) {
        const double t = double(i) / rate;
        x[i] = float(0.5 * std::sin(2 * std::numbers::pi * (200 * t + 400 * t * t))) + noise(rng);
    }
    return x;
}

// HTK mel, written out here rather than taken from the class under test.
double htkMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }
double htkHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

} // namespace

class TestMelSpectrogram : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void matchesTorchaudio_data();
    void matchesTorchaudio();
    void toneLandsInNearestMelBin_data();
    void toneLandsInNearestMelBin();
    void melCentresAreHtkSpaced();
    void frameCount_data();
    void frameCount();
    void timeAxis();
    void silenceIsTheFloor();
    void powerAndDbAgree();
    void concurrentComputeEqualsSerial();
    void melHzRoundTrip_data();
    void melHzRoundTrip();
    void rejectsBadParams();
};

void TestMelSpectrogram::matchesTorchaudio_data()
{
    QTest::addColumn<QString>("file");
    QTest::addColumn<int>("nFft");
    QTest::addColumn<int>("hop");
    QTest::addColumn<int>("nMels");
    QTest::addColumn<double>("fMin");
    QTest::addColumn<double>("fMax");
    QTest::newRow("n1024 h256 m128 50-11025 Hz") << "mel-22050-n1024-h256-m128-f50-11025.f32" << 1024 << 256 << 128 << 50.0 << 11025.0;
    QTest::newRow("n512 h128 m64 0-8000 Hz") << "mel-22050-n512-h128-m64-f0-8000.f32" << 512 << 128 << 64 << 0.0 << 8000.0;
}

void TestMelSpectrogram::matchesTorchaudio()
{
    QFETCH(QString, file);
    QFETCH(int, nFft);
    QFETCH(int, hop);
    QFETCH(int, nMels);
    QFETCH(double, fMin);
    QFETCH(double, fMax);
    const std::vector<float> signal = readF32("signal-22050hz-1s.f32");
    const std::vector<float> reference = readF32(file);
    QCOMPARE(signal.size(), std::size_t(22050));
    QVERIFY2(!reference.empty() && reference.size() % nMels == 0, qPrintable(file));

    MelSpectrogram mel(MelParams{.sampleRate = 22050, .nFft = nFft, .hop = hop, .nMels = nMels, .fMin = fMin, .fMax = fMax});
    const Spectrogram s = mel.compute(signal);
    QCOMPARE(s.bins, nMels);
    QCOMPARE(s.frames, int(reference.size() / nMels));

    // Tolerance: float32 FFT against torchaudio in float64. Bands below -80 dB (none in this
    // signal, but the rule keeps the test meaningful if it is regenerated) are not compared:
    // there float32 rounding, not the algorithm, sets the error.
    constexpr double toleranceDb = 0.01;
    double maxDiff = 0;
    int compared = 0;
    for (std::size_t i = 0; i < reference.size(); ++i) {
        if (reference[i] <= -80.0f)
            continue;
        maxDiff = std::max(maxDiff, std::abs(double(s.values[i]) - reference[i]));
        ++compared;
    }
    qInfo("%d values compared, max |diff| = %.6f dB", compared, maxDiff);
    QVERIFY(compared > int(reference.size()) * 9 / 10);
    QVERIFY2(maxDiff <= toleranceDb, qPrintable(QString("max |diff| %1 dB").arg(maxDiff)));
}

void TestMelSpectrogram::toneLandsInNearestMelBin_data()
{
    QTest::addColumn<double>("hz");
    for (double hz : {150.0, 320.0, 440.0, 1000.0, 2000.0, 3500.0, 5000.0, 7300.0, 10000.0})
        QTest::newRow(qPrintable(QString("%1 Hz").arg(hz))) << hz;
}

void TestMelSpectrogram::toneLandsInNearestMelBin()
{
    QFETCH(double, hz);
    const MelParams p; // 22050 Hz, nFft 1024, 128 mels, 50 .. 11025 Hz
    MelSpectrogram mel(p);
    const Spectrogram s = mel.computePower(tone(hz, 0.5, p.sampleRate, p.sampleRate / 2));

    std::vector<double> energy(s.bins, 0.0);
    for (int t = 0; t < s.frames; ++t)
        for (int b = 0; b < s.bins; ++b)
            energy[b] += s.at(t, b);
    const int peak = int(std::max_element(energy.begin(), energy.end()) - energy.begin());

    int nearest = 0;
    double best = 1e300, second = 1e300;
    const double mMin = htkMel(p.fMin), mMax = htkMel(p.fMax);
    for (int b = 0; b < p.nMels; ++b) {
        const double distance = std::abs(htkHz(mMin + (mMax - mMin) * (b + 1) / (p.nMels + 1)) - hz);
        if (distance < best) {
            second = best;
            best = distance;
            nearest = b;
        } else {
            second = std::min(second, distance);
        }
    }
    // A tone (almost) midway between two centres has no "right" bin: rows must avoid that.
    QVERIFY2(second - best > 0.1 * (second + best), "test row too close to the midpoint of two filters");
    QCOMPARE(peak, nearest);
}

void TestMelSpectrogram::melCentresAreHtkSpaced()
{
    const MelParams p{.sampleRate = 16000, .nFft = 512, .hop = 160, .nMels = 40, .fMin = 100, .fMax = 7000};
    MelSpectrogram mel(p);
    const auto& c = mel.melCentres();
    QCOMPARE(int(c.size()), p.nMels);
    const double step = (htkMel(p.fMax) - htkMel(p.fMin)) / (p.nMels + 1);
    for (int b = 0; b < p.nMels; ++b)
        QVERIFY(std::abs(c[b] - htkHz(htkMel(p.fMin) + step * (b + 1))) < 1e-6);
}

void TestMelSpectrogram::frameCount_data()
{
    QTest::addColumn<qint64>("samples");
    QTest::addColumn<int>("frames");
    // nFft 1024, hop 256, no centre padding: 1 + (samples - 1024) / 256.
    QTest::newRow("empty") << qint64(0) << 0;
    QTest::newRow("one short of a window") << qint64(1023) << 0;
    QTest::newRow("exactly one window") << qint64(1024) << 1;
    QTest::newRow("one short of two") << qint64(1279) << 1;
    QTest::newRow("exactly two") << qint64(1280) << 2;
    QTest::newRow("1 s at 22050 Hz") << qint64(22050) << 83;
}

void TestMelSpectrogram::frameCount()
{
    QFETCH(qint64, samples);
    QFETCH(int, frames);
    MelSpectrogram mel(MelParams{});
    QCOMPARE(mel.frameCount(samples), frames);
    const Spectrogram s = mel.compute(std::vector<float>(std::size_t(samples), 0.1f));
    QCOMPARE(s.frames, frames);
    QCOMPARE(s.values.size(), std::size_t(frames) * 128);
}

void TestMelSpectrogram::timeAxis()
{
    MelSpectrogram mel(MelParams{.sampleRate = 48000, .nFft = 1024, .hop = 480});
    // A 10x time-expanded recording: analysis hop 10 ms is 1 ms of recording time.
    const Spectrogram s = mel.compute(std::vector<float>(48000, 0.0f), 12.5, 0.1);
    QCOMPARE(s.startSeconds, 12.5);
    QVERIFY(std::abs(s.hopSeconds - 0.001) < 1e-12);
    QCOMPARE(s.binCentres, mel.melCentres());
}

void TestMelSpectrogram::silenceIsTheFloor()
{
    MelSpectrogram mel(MelParams{});
    const Spectrogram s = mel.compute(std::vector<float>(8192, 0.0f));
    QVERIFY(s.frames > 0);
    for (float v : s.values)
        QCOMPARE(v, -100.0f);
}

void TestMelSpectrogram::powerAndDbAgree()
{
    MelSpectrogram mel(MelParams{});
    const std::vector<float> x = noisyChirp(22050, 22050, 7);
    const Spectrogram p = mel.computePower(x);
    const Spectrogram db = mel.compute(x);
    QCOMPARE(db.frames, p.frames);
    for (std::size_t i = 0; i < p.values.size(); ++i)
        QVERIFY(std::abs(db.values[i] - 10.0 * std::log10(std::max(double(p.values[i]), 1e-10))) < 1e-4);
}

void TestMelSpectrogram::concurrentComputeEqualsSerial()
{
    const std::vector<float> x = noisyChirp(22050, 22050 * 3, 11);
    const MelSpectrogram shared(MelParams{});
    const Spectrogram serial = shared.compute(x);

    // Threads share one MelSpectrogram and also build their own (plans made concurrently).
    constexpr int threads = 4;
    std::vector<Spectrogram> fromShared(threads), fromOwn(threads);
    std::vector<std::thread> pool;
    for (int i = 0; i < threads; ++i)
        pool.emplace_back([&, i] {
            for (int repeat = 0; repeat < 3; ++repeat)
                fromShared[i] = shared.compute(x);
            MelSpectrogram own(MelParams{});
            MelSpectrogram other(MelParams{.nFft = 512 + 256 * i, .hop = 128}); // other sizes planned meanwhile
            (void)other.compute(x);
            fromOwn[i] = own.compute(x);
        });
    for (auto& t : pool)
        t.join();
    for (int i = 0; i < threads; ++i) {
        QCOMPARE(fromShared[i].values, serial.values); // bit-identical
        QCOMPARE(fromOwn[i].values, serial.values);
    }
}

void TestMelSpectrogram::melHzRoundTrip_data()
{
    QTest::addColumn<double>("hz");
    for (double hz : {0.0, 20.0, 700.0, 1000.0, 4410.0, 11025.0, 96000.0})
        QTest::newRow(qPrintable(QString("%1 Hz").arg(hz))) << hz;
}

void TestMelSpectrogram::melHzRoundTrip()
{
    QFETCH(double, hz);
    const double mel = MelSpectrogram::hzToMel(hz);
    QVERIFY(std::abs(mel - htkMel(hz)) < 1e-9);
    QVERIFY(std::abs(MelSpectrogram::melToHz(mel) - hz) < 1e-9 * std::max(1.0, hz));
    // HTK anchor points: 700 Hz is 2595 log10(2) mel, and 1000 Hz is ~1000 mel.
    QVERIFY(std::abs(MelSpectrogram::hzToMel(700.0) - 2595.0 * std::log10(2.0)) < 1e-9);
    QVERIFY(std::abs(MelSpectrogram::hzToMel(1000.0) - 1000.0) < 0.1);
}

void TestMelSpectrogram::rejectsBadParams()
{
    QVERIFY_THROWS_EXCEPTION(UsageError, MelSpectrogram(MelParams{.nMels = 0}));
    QVERIFY_THROWS_EXCEPTION(UsageError, MelSpectrogram(MelParams{.fMin = 5000, .fMax = 4000}));
    QVERIFY_THROWS_EXCEPTION(UsageError, MelSpectrogram(MelParams{.nFft = 1}));
    QVERIFY_THROWS_EXCEPTION(UsageError, MelSpectrogram(MelParams{.hop = 0}));
    // Absurd sizes are refused with their range before the window and the FFT plan are made.
    const std::pair<MelParams, const char*> absurd[] = {
        {MelParams{.nFft = 1 << 30}, "mel n_fft = 1073741824 is out of range 2..65536"},
        {MelParams{.hop = 100000}, "mel hop = 100000 is out of range 1..65536"},
        {MelParams{.nMels = 5000}, "mel n_mels = 5000 is out of range 1..1024"},
        {MelParams{.sampleRate = 2'000'000'000}, "mel sample_rate = 2000000000 is out of range 1..1000000 Hz"},
        {MelParams{.fMax = std::nan("")}, "mel f_max = nan is out of range 0..500000 Hz"},
    };
    for (const auto& [params, expected] : absurd) {
        try {
            MelSpectrogram mel(params);
            QFAIL(expected);
        } catch (const UsageError& e) {
            QCOMPARE(QString(e.what()), QString(expected));
        }
    }
}

QTEST_GUILESS_MAIN(TestMelSpectrogram)
#include "tst_melspectrogram.moc"
