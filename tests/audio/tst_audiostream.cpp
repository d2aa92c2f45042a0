// AudioReader::stream over a long recording: every sample visited once, in order, continuous across
// blocks (one resampler stream), in blocks of bounded size; the output length matches the duration.
#include "audio/AudioTestSignals.h"
#include "core/audio/AudioReader.h"

#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>

#include <cmath>

using namespace crowlingo;
using namespace crowlingo::test;
namespace fs = std::filesystem;

namespace {
constexpr int kRate = 8000;
constexpr Seconds kMinutes = 20;
constexpr FrameIndex kFrames = FrameIndex(kMinutes * 60 * kRate);
constexpr double kFreq = 437.3;  // not a divisor of the rate: a dropped or repeated block shows
constexpr double kAmplitude = 12000.0 / 32768.0;

// The file's samples, as 16-bit integers: the generator is the reference for an exact comparison.
short sampleAt(FrameIndex i)
{
    return short(std::lround(12000 * std::sin(2 * std::numbers::pi * kFreq * double(i) / kRate)));
}
} // namespace

class TestAudioStream : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir;
    fs::path path;

private Q_SLOTS:
    void initTestCase();
    void nativeRateVisitsEverySampleOnce();
    void resampledStreamIsContinuous();
    void stopsWhenVisitReturnsFalse();
    void rangedReadInsideLongFile();
};

void TestAudioStream::initTestCase()
{
    QVERIFY(dir.isValid());
    path = fs::path(dir.path().toStdString()) / "8000-1-16-20min.wav";
    SF_INFO info{};
    info.samplerate = kRate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    QVERIFY(file);
    // Written block-wise, as a recorder would: the test itself never holds the whole signal.
    std::vector<short> block(65536);
    for (FrameIndex at = 0; at < kFrames;) {
        const FrameIndex n = std::min<FrameIndex>(FrameIndex(block.size()), kFrames - at);
        for (FrameIndex i = 0; i < n; ++i)
            block[std::size_t(i)] = sampleAt(at + i);
        QCOMPARE(sf_writef_short(file, block.data(), n), sf_count_t(n));
        at += n;
    }
    sf_close(file);
    QCOMPARE(probeAudio(path).frames, kFrames);
}

void TestAudioStream::nativeRateVisitsEverySampleOnce()
{
    AudioReader reader(path);
    const Seconds blockSeconds = 7.3; // not a divisor of the duration: the last block is short
    const std::size_t blockSize = std::size_t(std::llround(blockSeconds * kRate));
    FrameIndex next = 0;
    std::size_t blocks = 0, largest = 0, mismatches = 0;
    reader.stream(0, reader.duration(), blockSeconds, [&](std::span<const float> block, Seconds t0) {
        ++blocks;
        largest = std::max(largest, block.size());
        if (std::llround(t0 * kRate) != next)
            ++mismatches; // block start time must be where the previous block ended
        for (float v : block)
            mismatches += v != float(sampleAt(next++)) / 32768.0f;
        return true;
    });
    QCOMPARE(mismatches, std::size_t(0));
    QCOMPARE(next, kFrames);
    QCOMPARE(largest, blockSize); // bounded: no block (and so no buffer handed out) grows past the request
    QCOMPARE(blocks, std::size_t((kFrames + blockSize - 1) / blockSize));
}

void TestAudioStream::resampledStreamIsContinuous()
{
    const int outRate = 22050;
    AudioReader reader(path, {.targetRate = outRate});
    const Seconds blockSeconds = 10;
    const std::size_t blockSize = std::size_t(blockSeconds * outRate);
    SampleCount next = 0;
    std::size_t largest = 0, badStarts = 0;
    double worst = 0;
    const SampleCount expected = std::llround(kMinutes * 60 * outRate);
    reader.stream(0, reader.duration(), blockSeconds, [&](std::span<const float> block, Seconds t0) {
        largest = std::max(largest, block.size());
        badStarts += std::llround(t0 * outRate) != next;
        for (float v : block) {
            // Compare with the continuous tone, away from the file's first and last samples where
            // the filter sees silence; a seam between blocks would show as a jump here.
            if (next > 200 && next < expected - 200) {
                const double want = kAmplitude * std::sin(2 * std::numbers::pi * kFreq * double(next) / outRate);
                worst = std::max(worst, std::fabs(double(v) - want));
            }
            ++next;
        }
        return true;
    });
    QVERIFY2(std::abs(next - expected) <= 2, qPrintable(QString("%1 samples, expected %2").arg(next).arg(expected)));
    QCOMPARE(badStarts, std::size_t(0));
    QCOMPARE(largest, blockSize);
    // 16-bit quantisation (1.5e-5) plus the resampler's error; a one-sample seam would be ~0.045.
    QVERIFY2(worst < 2e-4, qPrintable(QString("max deviation %1").arg(worst)));
}

void TestAudioStream::stopsWhenVisitReturnsFalse()
{
    AudioReader reader(path, {.targetRate = 16000});
    int visits = 0;
    std::size_t visited = 0;
    reader.stream(0, reader.duration(), 1.0, [&](std::span<const float> block, Seconds) {
        visited += block.size();
        return ++visits < 3;
    });
    QCOMPARE(visits, 3);
    QCOMPARE(visited, std::size_t(3 * 16000));

    // A sub-range streams only that range, with times in the recording's timeline.
    Seconds first = -1;
    std::size_t total = 0;
    reader.stream(600, 603, 0.5, [&](std::span<const float> block, Seconds t0) {
        if (first < 0)
            first = t0;
        total += block.size();
        return true;
    });
    QCOMPARE(first, 600.0);
    QCOMPARE(total, std::size_t(3 * 16000));
}

void TestAudioStream::rangedReadInsideLongFile()
{
    // Seeks into the middle of the long file: exactly the file's samples at the native rate.
    AudioReader reader(path);
    const std::vector<float> x = reader.read(901.25, 901.5);
    QCOMPARE(x.size(), std::size_t(2000));
    for (std::size_t i = 0; i < x.size(); ++i)
        QCOMPARE(x[i], float(sampleAt(FrameIndex(901.25 * kRate) + FrameIndex(i))) / 32768.0f);
}

QTEST_GUILESS_MAIN(TestAudioStream)
#include "tst_audiostream.moc"
