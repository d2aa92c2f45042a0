// A recording's spectrogram in tiles: calibrated in dB re full scale, tones where they were put,
// short clicks kept when zoomed out (pooled and sparse levels), the frequency range cropped,
// tiles that cover the file exactly, and settings checked with errors that name the setting.
#include "core/common/Error.h"
#include "core/render/RecordingSpectrogram.h"
#include "segment/SegmentTestSignals.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <numbers>

using namespace crowlingo;

namespace {

constexpr int kRate = 22050;
constexpr double kSeconds = 600.0; // ten minutes: enough levels to reach the sparse ones

void addTone(std::vector<float>& x, double hz, double amplitude, double from, double to)
{
    for (auto i = std::size_t(from * kRate); i < std::size_t(to * kRate); ++i)
        x[i] += float(amplitude * std::sin(2.0 * std::numbers::pi * hz * double(i) / kRate));
}

// The loudest value of `s` within [t0, t1) and [f0, f1].
float loudest(const Spectrogram& s, double t0, double t1, double f0, double f1)
{
    float best = -1e30f;
    for (int t = 0; t < s.frames; ++t) {
        const double time = s.startSeconds + t * s.hopSeconds;
        if (time + s.hopSeconds <= t0 || time >= t1)
            continue;
        for (int b = 0; b < s.bins; ++b)
            if (s.binCentres[std::size_t(b)] >= f0 && s.binCentres[std::size_t(b)] <= f1)
                best = std::max(best, s.at(t, b));
    }
    return best;
}

} // namespace

class TestRecordingSpectrogram : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string file_;

private Q_SLOTS:
    void initTestCase()
    {
        std::vector<float> x(std::size_t(kSeconds * kRate), 0.0f);
        for (std::size_t i = 0; i < x.size(); ++i) // a quiet hiss, -80 dBFS-ish
            x[i] = float(1e-4 * std::sin(double(i) * 12.9898) * std::sin(double(i) * 78.233));
        addTone(x, 5000.0, 1.0, 10.0, 11.0);      // a full-scale sine for one second
        addTone(x, 2000.0, 0.5, 300.0, 300.01);  // a 10-ms click in the middle
        file_ = dir_.filePath("hour.wav").toStdString();
        segtest::writeWav(file_, x, kRate);
    }

    void aFullScaleSinePeaksAtZeroDb()
    {
        RecordingSpectrogram rs(file_, SpectrogramSettings{});
        const Spectrogram s = rs.tile(0, rs.tileAt(0, 10.5));
        QCOMPARE(s.frames, RecordingSpectrogram::kTileColumns);
        const float peak = loudest(s, 10.2, 10.8, 4800.0, 5200.0);
        QVERIFY2(std::abs(peak) < 1.0f, qPrintable(QString("peak %1 dB").arg(peak)));
        // Far from the tone only the hiss.
        QVERIFY(loudest(s, 10.2, 10.8, 100.0, 3000.0) < -50.0f);
    }

    void tilesCoverTheFileAndTellTheirTimes()
    {
        RecordingSpectrogram rs(file_, SpectrogramSettings{});
        QVERIFY(rs.maxLevel() > RecordingSpectrogram::kMaxPooledLevel);
        QVERIFY(rs.tileCount(rs.maxLevel()) <= 4);
        for (int level : {0, 3, rs.maxLevel()}) {
            const std::int64_t tiles = rs.tileCount(level);
            const Spectrogram last = rs.tile(level, tiles - 1);
            const double end = last.startSeconds + last.frames * last.hopSeconds;
            QVERIFY2(end >= kSeconds - rs.columnSeconds(level) - 0.05 && end <= kSeconds + rs.columnSeconds(level),
                     qPrintable(QString("level %1 ends at %2 s").arg(level).arg(end)));
            QCOMPARE(rs.tileAt(level, 1e9), tiles - 1);
            QVERIFY_THROWS_EXCEPTION(UsageError, rs.tile(level, tiles));
        }
        const Spectrogram t = rs.tile(2, rs.tileAt(2, 123.0));
        QVERIFY(t.startSeconds <= 123.0 && t.startSeconds + t.frames * t.hopSeconds > 123.0);
        QCOMPARE(t.hopSeconds, rs.columnSeconds(2));
        // levelFor picks columns no wider than a pixel.
        QCOMPARE(rs.levelFor(rs.columnSeconds(0) * 0.5), 0);
        QCOMPARE(rs.levelFor(rs.columnSeconds(3) * 1.01), 3);
        QCOMPARE(rs.levelFor(1e9), rs.maxLevel());
    }

    void aShortClickSurvivesZoomingOut()
    {
        RecordingSpectrogram rs(file_, SpectrogramSettings{});
        // Pooled: every frame of a column counts, so the 10-ms click stays as loud.
        const int pooled = RecordingSpectrogram::kMaxPooledLevel;
        const Spectrogram p = rs.tile(pooled, rs.tileAt(pooled, 300.0));
        const float atClick = loudest(p, 299.9, 300.1, 1800.0, 2200.0);
        QVERIFY2(atClick > -20.0f, qPrintable(QString("pooled: %1 dB").arg(atClick)));
        // Sparse: the one-second tone at 10 s is still seen from the top level.
        const Spectrogram top = rs.tile(rs.maxLevel(), rs.tileAt(rs.maxLevel(), 10.5));
        const float tone = loudest(top, 10.0, 11.0, 4800.0, 5200.0);
        QVERIFY2(tone > -10.0f, qPrintable(QString("sparse: %1 dB").arg(tone)));
        QVERIFY(loudest(top, 100.0, 200.0, 4800.0, 5200.0) < -50.0f);
    }

    void aShortFileIsDrawnFromItsStartToItsEnd()
    {
        // A 60-ms syllable file, a tone from its first sample to its last: the columns span the
        // whole file and the tone is in the first and the last of them (windows reaching past
        // the file's ends see silence there, so the picture is not a third of a window short at
        // each end).
        std::vector<float> x(std::size_t(0.06 * kRate), 0.0f);
        addTone(x, 3000.0, 1.0, 0.0, 0.06);
        const std::string file = dir_.filePath("syllable.wav").toStdString();
        segtest::writeWav(file, x, kRate);
        RecordingSpectrogram rs(file, SpectrogramSettings{});
        const Spectrogram s = rs.tile(0, 0);
        QCOMPARE(rs.tileCount(0), std::int64_t(1));
        QCOMPARE(s.startSeconds, 0.0);
        const double end = s.startSeconds + s.frames * s.hopSeconds;
        QVERIFY2(end >= 0.06 && end < 0.06 + s.hopSeconds, qPrintable(QString("ends at %1 s").arg(end)));
        const float first = loudest(s, 0.0, s.hopSeconds, 2800.0, 3200.0);
        const float last = loudest(s, end - s.hopSeconds, end, 2800.0, 3200.0);
        QVERIFY2(first > -12.0f && last > -12.0f, qPrintable(QString("first column %1 dB, last %2 dB").arg(first).arg(last)));
    }

    void theFrequencyRangeCropsTheRows()
    {
        SpectrogramSettings s;
        s.minHz = 1000.0;
        s.maxHz = 3000.0;
        RecordingSpectrogram rs(file_, s);
        const Spectrogram t = rs.tile(0, rs.tileAt(0, 300.0));
        const double binHz = double(kRate) / s.fftSize;
        QCOMPARE(t.bins, rs.binCount());
        QVERIFY(t.binCentres.front() <= 1000.0 && t.binCentres.front() > 1000.0 - binHz);
        QVERIFY(t.binCentres.back() >= 3000.0 && t.binCentres.back() < 3000.0 + 2 * binHz);
        QVERIFY(loudest(t, 299.9, 300.1, 1800.0, 2200.0) > -20.0f);
    }

    void theWindowChangesTheSideLobes()
    {
        SpectrogramSettings hann, blackman;
        blackman.window = WindowShape::Blackman;
        const RecordingSpectrogram ra(file_, hann), rb(file_, blackman);
        const Spectrogram a = ra.tile(0, ra.tileAt(0, 10.5)), b = rb.tile(0, rb.tileAt(0, 10.5));
        // Both calibrated; Blackman leaks less into bins 4-6 bins from the tone.
        QVERIFY(std::abs(loudest(b, 10.2, 10.8, 4800.0, 5200.0)) < 1.5f);
        const float hannLeak = loudest(a, 10.2, 10.8, 5170.0, 5260.0), blackmanLeak = loudest(b, 10.2, 10.8, 5170.0, 5260.0);
        QVERIFY2(blackmanLeak < hannLeak - 10.0f, qPrintable(QString("hann %1 blackman %2").arg(hannLeak).arg(blackmanLeak)));
    }

    void badSettingsAndFilesAreNamed()
    {
        SpectrogramSettings s;
        s.fftSize = 8;
        try {
            RecordingSpectrogram rs(file_, s);
            QFAIL("accepted an FFT size of 8");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).contains("FFT size"), e.what());
        }
        s = {};
        s.minHz = 5000.0;
        s.maxHz = 1000.0;
        QVERIFY_THROWS_EXCEPTION(UsageError, s.validate());
        QVERIFY_THROWS_EXCEPTION(AudioError, RecordingSpectrogram(dir_.filePath("missing.wav").toStdString(), {}));
    }
};

QTEST_APPLESS_MAIN(TestRecordingSpectrogram)
#include "tst_recordingspectrogram.moc"
