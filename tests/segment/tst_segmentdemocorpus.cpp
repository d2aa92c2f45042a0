// Events mode on the synthetic demo corpus (core/synth): caws, whistles, trills, frogs, insects and
// bat-like sweeps over pink noise, wind gusts and rain clicks, each call at an in-band SNR drawn
// from 0..30 dB. Calls at 10 dB and more must be found (>= 95 %, onset within 20 ms); over all
// SNRs the hit rate is reported and guarded against regressions. The corpus' backgrounds alone
// (rain on leaves above all) must start few events.
#include "core/segment/EventDetector.h"
#include "core/segment/Segmenter.h"
#include "core/synth/BackgroundNoise.h"
#include "core/synth/DemoCorpus.h"
#include "segment/SegmentTestSignals.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace crowlingo;

class TestSegmentDemoCorpus : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void findsSyntheticCalls()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        CorpusParams params; // 120 s files at 22050 Hz, 30 calls per minute
        const int files = 16;
        const SegmentSpec spec = SegmentSpec::parse("events");
        const double padding = spec.events.padding;

        int calls = 0, found = 0, strong = 0, strongFound = 0, falseAlarms = 0;
        double minutes = 0;
        for (int i = 0; i < files; ++i) {
            const SynthRecording rec = synthesizeRecording(params, i);
            const std::string path = dir.filePath(QString("rec_%1.wav").arg(i)).toStdString();
            segtest::writeWav(path, rec.samples, rec.sampleRate);
            AudioReader reader(path);
            const std::vector<Clip> clips = segment(reader, spec);
            minutes += reader.duration() / 60;

            std::vector<bool> used(clips.size(), false);
            for (std::size_t c = 0; c < rec.calls.size(); ++c) {
                const GroundTruthCall& call = rec.calls[c];
                double bestError = 1e9;
                for (std::size_t k = 0; k < clips.size(); ++k) {
                    if (clips[k].end < call.start || clips[k].start > call.end) continue;
                    used[k] = true;
                    const double onset = clips[k].start > 0 ? clips[k].start + padding : 0.0;
                    if (std::abs(onset - call.start) < std::abs(bestError)) bestError = onset - call.start;
                }
                const bool hit = std::abs(bestError) <= 0.020;
                const bool isStrong = rec.snrDb[c] >= 10;
                ++calls;
                found += hit;
                strong += isStrong;
                strongFound += isStrong && hit;
                if (isStrong && !hit)
                    qInfo() << call.file.c_str() << call.callType.c_str() << call.start << "s, SNR" << rec.snrDb[c]
                            << (bestError > 1e8 ? QString("missed") : QString("onset off by %1 s").arg(bestError));
            }
            falseAlarms += int(std::count(used.begin(), used.end(), false));
        }
        qInfo() << "all calls:" << found << "of" << calls << "found within 20 ms;" << "SNR >= 10 dB:" << strongFound << "of"
                << strong << ";" << falseAlarms / minutes << "false alarms per minute (rain clicks included)";
        QVERIFY(strong > 50);
        // 97.8 % of them are found today.
        QVERIFY2(strongFound >= 0.95 * strong, qPrintable(QString("%1 of %2").arg(strongFound).arg(strong)));
        // Over all SNRs (0-5 dB calls included) the detector finds 91.3 % of these 947 calls (and
        // 91.5 % of files 0-31 in bench/bench_events): below 90 % is a regression.
        QVERIFY2(found >= 0.90 * calls, qPrintable(QString("%1 of %2").arg(found).arg(calls)));
        // 0.19 per minute today; 5 before click rejection.
        QVERIFY2(falseAlarms / minutes <= 2, qPrintable(QString("%1 per minute").arg(falseAlarms / minutes)));
    }

    // Rain alone, at the corpus' loudest rain level and its range of drop rates: drops are
    // broadband clicks whose random spectral peaks used to pass for short calls (53, 26 and 5.5
    // events per minute at 80, 200 and 500 drops/s before click rejection).
    void rainAloneStartsFewEvents_data()
    {
        QTest::addColumn<double>("dropsPerSecond");
        QTest::addColumn<double>("maxPerMinute");
        // Measured: 6.5, 1 and 0.5 per minute. Sparse, heavy drops are the hard case: their random
        // spectral peaks look most like short calls.
        QTest::newRow("80 drops/s") << 80.0 << 10.0;
        QTest::newRow("200 drops/s") << 200.0 << 3.0;
        QTest::newRow("500 drops/s") << 500.0 << 2.0;
    }

    void rainAloneStartsFewEvents()
    {
        QFETCH(double, dropsPerSecond);
        QFETCH(double, maxPerMinute);
        BackgroundParams rain;
        rain.windLevel = 0;
        rain.rainLevel = 0.6;
        rain.rainClicksPerSecond = dropsPerSecond;
        const SampleRate rate = 22050;
        SynthRng rng(7);
        const std::vector<float> x = synthesizeBackground(120 * rate, rate, rain, rng);
        EventDetector detector(EventParams{}, rate);
        detector.feed(x);
        detector.finish();
        const double perMinute = double(detector.takeEvents().size()) / 2.0;
        qInfo() << perMinute << "events per minute";
        QVERIFY2(perMinute <= maxPerMinute, qPrintable(QString("%1 events per minute").arg(perMinute)));
    }
};

QTEST_GUILESS_MAIN(TestSegmentDemoCorpus)
#include "tst_segmentdemocorpus.moc"
