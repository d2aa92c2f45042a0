// A 2-hour recording (8 kHz, 16-bit, written block-wise) is segmented in bounded memory: the
// detector's buffers stay small and the process's peak RSS barely moves, while the decoded file
// would be about 230 MB of float.
#include "core/segment/EventDetector.h"
#include "core/segment/Segmenter.h"
#include "segment/SegmentTestSignals.h"

#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace crowlingo;

namespace {

// Under AddressSanitizer, freed memory waits in a quarantine of hundreds of MB and every
// allocation carries shadow memory, so process RSS says nothing about the code's own footprint;
// there the detector's high-water marks (checked below as well) are the measure.
#if defined(__SANITIZE_ADDRESS__)
constexpr long kRssGrowthLimitMb = 1L << 20;
#else
constexpr long kRssGrowthLimitMb = 100;
#endif

constexpr int kRate = 8000;
constexpr double kHours = 2.0;
constexpr double kSeconds = kHours * 3600;
constexpr double kNoiseScale = 0.05;

// Peak resident set size of this process so far, in kB (Linux).
long peakRssKb()
{
    QFile f("/proc/self/status");
    if (!f.open(QIODevice::ReadOnly)) return -1;
    for (const QByteArray& line : f.readAll().split('\n'))
        if (line.startsWith("VmHWM:")) return line.mid(6).trimmed().split(' ').first().toLong();
    return -1;
}

// A 1 kHz note of 0.2 s every 10 minutes, from 5 minutes on.
std::vector<segtest::CallSpec> notes()
{
    std::vector<segtest::CallSpec> out;
    for (double t = 300; t < kSeconds; t += 600) out.push_back({.start = t, .duration = 0.2, .f0 = 1000, .f1 = 1000});
    return out;
}

} // namespace

class TestSegmentLongFile : public QObject {
    Q_OBJECT

    QTemporaryDir dir;
    std::string path;
    long baselineKb = 0; // peak RSS once the file is written: every test must stay near it

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(dir.isValid());
        path = dir.filePath("two-hours-8000-1-16.wav").toStdString();
        SF_INFO info{};
        info.samplerate = kRate;
        info.channels = 1;
        info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
        SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
        QVERIFY2(f, sf_strerror(nullptr));
        segtest::Rng rng(2);
        const auto calls = notes();
        std::size_t next = 0;
        for (SampleCount done = 0; done < SampleCount(kSeconds * kRate); done += kRate) { // 1 s blocks
            std::vector<float> block = segtest::noise(segtest::White, kRate, kRate, rng, kNoiseScale);
            const double t0 = double(done) / kRate;
            if (next < calls.size() && calls[next].start < t0 + 1) {
                segtest::CallSpec local = calls[next];
                local.start -= t0; // the notes start on whole seconds and last 0.2 s: inside one block
                segtest::addCall(block, kRate, local,
                                 segtest::amplitudeForSnr(local, 20, segtest::White, kRate, kNoiseScale));
                ++next;
            }
            QCOMPARE(sf_writef_float(f, block.data(), sf_count_t(block.size())), sf_count_t(block.size()));
        }
        QCOMPARE(sf_close(f), 0);
        baselineKb = peakRssKb();
        QVERIFY(baselineKb > 0);
    }

    void detectorBuffersStayBounded()
    {
        AudioReader reader(path);
        QCOMPARE(reader.duration(), kSeconds);
        EventDetector det(EventParams{}, reader.outputRate());
        std::vector<Clip> clips;
        reader.stream(0, reader.duration(), 5.0, [&](std::span<const float> block, Seconds) {
            det.feed(block);
            for (const Clip& c : det.takeEvents()) clips.push_back(c);
            return true;
        });
        det.finish();
        for (const Clip& c : det.takeEvents()) clips.push_back(c);
        QVERIFY((peakRssKb() - baselineKb) / 1024 < kRssGrowthLimitMb);
        // 57.6 M samples went through; the detector never held more than a few seconds of them.
        qInfo() << "max buffered samples" << det.maxBufferedSamples() << "frames" << det.maxBufferedFrames();
        QVERIFY(det.maxBufferedSamples() <= 12 * kRate);
        QVERIFY(det.maxBufferedFrames() <= 2000);
        QCOMPARE(clips.size(), notes().size());
    }

    void eventsModeInBoundedMemory()
    {
        AudioReader reader(path);
        const SegmentSpec spec = SegmentSpec::parse("events");
        const std::vector<Clip> clips = segment(reader, spec);
        const long growthMb = (peakRssKb() - baselineKb) / 1024;
        qInfo() << "peak RSS grew by" << growthMb << "MB (decoded file: 230 MB of float)";
        QVERIFY2(growthMb < kRssGrowthLimitMb, qPrintable(QString("%1 MB").arg(growthMb)));

        const auto want = notes();
        QCOMPARE(clips.size(), want.size());
        for (std::size_t i = 0; i < want.size(); ++i)
            QVERIFY2(std::abs(clips[i].start + spec.events.padding - want[i].start) <= 0.02,
                     qPrintable(QString("note at %1 s: clip at %2 s").arg(want[i].start).arg(clips[i].start)));
    }

    void windowAndWholeModes()
    {
        AudioReader reader(path);
        const auto windows = segment(reader, SegmentSpec::parse("window:2"));
        QCOMPARE(int(windows.size()), int((kSeconds - 2) / 2) + 1); // floor((dur-len)/hop)+1, no tail
        QCOMPARE(windows[1234].start, 2468.0);
        QCOMPARE(windows.back().end, kSeconds);
        const auto whole = segment(reader, SegmentSpec::parse("whole"));
        QCOMPARE(int(whole.size()), int(kSeconds / 30));
        QCOMPARE(whole.back().end, kSeconds);
        QVERIFY((peakRssKb() - baselineKb) / 1024 < kRssGrowthLimitMb);
    }
};

QTEST_GUILESS_MAIN(TestSegmentLongFile)
#include "tst_segmentlongfile.moc"
