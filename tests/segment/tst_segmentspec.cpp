// SegmentSpec parsing/printing, and the clip boundaries of the whole and window modes (table mode's
// clips are tested where an archive is embedded, in tst_folderembedder).
#include "core/common/Error.h"
#include "core/segment/Segmenter.h"
#include "segment/SegmentTestSignals.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>

using namespace crowlingo;

namespace {

bool sameSpec(const SegmentSpec& a, const SegmentSpec& b)
{
    if (a.mode != b.mode) return false;
    switch (a.mode) {
    case SegmentSpec::Mode::Whole: return a.wholeMaxSeconds == b.wholeMaxSeconds;
    case SegmentSpec::Mode::Window: return a.windowLength == b.windowLength && a.windowHop == b.windowHop;
    case SegmentSpec::Mode::Events: {
        const EventParams &p = a.events, &q = b.events;
        return p.lowHz == q.lowHz && p.highHz == q.highHz && p.onDb == q.onDb && p.offDb == q.offDb &&
               p.noiseWindow == q.noiseWindow && p.minDuration == q.minDuration &&
               p.maxDuration == q.maxDuration && p.mergeGap == q.mergeGap && p.padding == q.padding;
    }
    case SegmentSpec::Mode::Table: return a.table == b.table;
    }
    return false;
}

struct Span {
    double start, end;
};

// The window rule, written out: full windows k*hop .. k*hop+len while they fit, i.e.
// floor((dur-len)/hop)+1 of them; then the first window that does not fit, clamped to the end of
// the file, if it holds at least half a window; a file shorter than half a window is one clip.
std::vector<Span> expectedWindows(double dur, double len, double hop)
{
    std::vector<Span> out;
    const int full = dur + 1e-9 >= len ? int(std::floor((dur - len) / hop + 1e-9)) + 1 : 0;
    for (int k = 0; k < full; ++k) out.push_back({k * hop, k * hop + len});
    const double s = full * hop;
    if (s < dur - 1e-9 && dur - s >= len / 2 - 1e-9) out.push_back({s, dur});
    if (out.empty()) out.push_back({0, dur});
    return out;
}

} // namespace

class TestSegmentSpec : public QObject {
    Q_OBJECT

    QTemporaryDir dir;

    QString silentFile(double seconds)
    {
        const int rate = 8000;
        const QString path = dir.filePath(QString("silence-%1s.wav").arg(seconds));
        segtest::writeWav(path.toStdString(), std::vector<float>(std::size_t(std::llround(seconds * rate)), 0.f), rate);
        return path;
    }

    void compareClips(const std::vector<Clip>& clips, const std::vector<Span>& want)
    {
        QCOMPARE(clips.size(), want.size());
        for (std::size_t i = 0; i < clips.size(); ++i) {
            QVERIFY2(std::abs(clips[i].start - want[i].start) < 1e-6 && std::abs(clips[i].end - want[i].end) < 1e-6,
                     qPrintable(QString("clip %1: got %2-%3, want %4-%5").arg(i).arg(clips[i].start).arg(clips[i].end)
                                    .arg(want[i].start).arg(want[i].end)));
            QCOMPARE(clips[i].lowHz, 0.0);
            QCOMPARE(clips[i].highHz, 0.0);
        }
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir.isValid()); }

    void parsesForms_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("mode");
        QTest::addColumn<double>("a"); // wholeMaxSeconds / windowLength / onDb
        QTest::addColumn<double>("b"); // - / windowHop / minDuration
        const EventParams def;
        QTest::newRow("whole") << "whole" << 0 << SegmentSpec{}.wholeMaxSeconds << 0.0;
        QTest::newRow("whole:60") << "whole:60" << 0 << 60.0 << 0.0;
        QTest::newRow("window:2") << "window:2" << 1 << 2.0 << 2.0;
        QTest::newRow("window:2:0.5") << "window:2:0.5" << 1 << 2.0 << 0.5;
        QTest::newRow("spaces") << "  window:1.5:1  " << 1 << 1.5 << 1.0;
        QTest::newRow("events") << "events" << 2 << def.onDb << def.minDuration;
        QTest::newRow("events overrides") << "events:onDb=12,minDuration=0.05" << 2 << 12.0 << 0.05;
        QTest::newRow("events keys in any case") << "events:ONDB=11, MinDuration=0.04" << 2 << 11.0 << 0.04;
    }

    void parsesForms()
    {
        QFETCH(QString, text);
        QFETCH(int, mode);
        QFETCH(double, a);
        QFETCH(double, b);
        const SegmentSpec s = SegmentSpec::parse(text.toStdString());
        QCOMPARE(int(s.mode), mode);
        if (mode == 0) QCOMPARE(s.wholeMaxSeconds, a);
        if (mode == 1) {
            QCOMPARE(s.windowLength, a);
            QCOMPARE(s.windowHop, b);
        }
        if (mode == 2) {
            QCOMPARE(s.events.onDb, a);
            QCOMPARE(s.events.minDuration, b);
        }
    }

    void roundTrips_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("canonical");
        QTest::newRow("whole") << "whole" << "whole";
        QTest::newRow("whole:45") << "whole:45" << "whole:45";
        QTest::newRow("window:2") << "window:2" << "window:2";
        QTest::newRow("window:2:2 prints as window:2") << "window:2:2" << "window:2";
        QTest::newRow("window:0.3:0.1") << "window:0.3:0.1" << "window:0.3:0.1";
        QTest::newRow("events") << " events " << "events";
        QTest::newRow("events overrides in field order")
            << "events:padding=0,onDb=12" << "events:onDb=12,padding=0";
        QTest::newRow("table") << " table " << "table";
        QTest::newRow("table:PATH keeps the colons of its path")
            << "table: /data/2024:06/a.Table.1.selections.txt " << "table:/data/2024:06/a.Table.1.selections.txt";
    }

    void roundTrips()
    {
        QFETCH(QString, text);
        QFETCH(QString, canonical);
        const SegmentSpec s = SegmentSpec::parse(text.toStdString());
        QCOMPARE(QString::fromStdString(s.toString()), canonical);
        QVERIFY(sameSpec(SegmentSpec::parse(s.toString()), s));
    }

    void roundTripsEveryField()
    {
        // Values with no short decimal form must survive too (shortest round-trip printing).
        SegmentSpec w;
        w.mode = SegmentSpec::Mode::Window;
        w.windowLength = 0.1 + 0.2;
        w.windowHop = 1.0 / 3;
        QVERIFY(sameSpec(SegmentSpec::parse(w.toString()), w));

        SegmentSpec e;
        e.mode = SegmentSpec::Mode::Events;
        e.events = EventParams{.lowHz = 1234.5, .highHz = 9876.25, .onDb = 10.0 / 3, .offDb = 1.5,
                               .noiseWindow = 7, .minDuration = 0.001, .maxDuration = 2.5,
                               .mergeGap = 0.125, .padding = 0.03};
        const std::string text = e.toString();
        QVERIFY2(text.find("lowHz=") != std::string::npos && text.find("padding=") != std::string::npos, text.c_str());
        QVERIFY(sameSpec(SegmentSpec::parse(text), e));

        SegmentSpec h;
        h.wholeMaxSeconds = 12.75;
        QVERIFY(sameSpec(SegmentSpec::parse(h.toString()), h));
    }

    void rejectsBadSpecs_data()
    {
        QTest::addColumn<QString>("text");
        for (const char* bad : {"", "foo", "window:", "window:-1", "window:0", "window:abc", "window:2:",
                                "window:2:0", "window:2:1:3", "window:nan", "window:inf", "window:1e999",
                                "whole:", "whole:-5", "whole:1:2", "wholex", "events:", "events:onDb",
                                "events:bogus=1", "events:mindur=0.04", "events:onDb=x", "events:offDb=20", "events:lowHz=5000,highHz=100",
                                "Window:2", "table:", "table: ", "tables:x.csv"})
            QTest::newRow(*bad ? bad : "(empty)") << QString(bad);
    }

    void rejectsBadSpecs()
    {
        QFETCH(QString, text);
        try {
            SegmentSpec::parse(text.toStdString());
            QFAIL("no UsageError");
        } catch (const UsageError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains("\"" + text + "\""), qPrintable(msg)); // names the spec
            for (const char* form : {"whole", "window:LEN[:HOP]", "events", "table:PATH"})
                QVERIFY2(msg.contains(form), qPrintable(msg)); // and the accepted forms
        }
    }

    // Absurd values are refused with the allowed range in the message, before a file is opened;
    // a band of 10^12 Hz used to reach an int conversion and be reported as -2147483648 Hz.
    void absurdValuesNameTheirRange_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("lowHz 1e12") << "events:lowHz=1e12" << "lowHz = 1e+12 is out of range 0..1000000 Hz";
        QTest::newRow("highHz 1e12") << "events:highHz=1e12" << "highHz = 1e+12 is out of range 0..1000000 Hz";
        QTest::newRow("onDb 1e6") << "events:onDb=1e6" << "onDb = 1000000 is out of range 0.1..100 dB";
        QTest::newRow("noiseWindow 1e300") << "events:noiseWindow=1e300" << "noiseWindow = 1e+300 is out of range 0.001..3600 s";
        QTest::newRow("maxDuration 1e9") << "events:maxDuration=1e9" << "maxDuration = 1000000000 is out of range 0..3600 s";
        QTest::newRow("padding 1e9") << "events:padding=1e9" << "padding = 1000000000 is out of range 0..3600 s";
        QTest::newRow("window hop 1e-300") << "window:2:1e-300" << "window hop = 1e-300 is out of range 0.01..86400 s";
        QTest::newRow("window 1e9") << "window:1e9" << "window length = 1000000000 is out of range 0.01..86400 s";
        QTest::newRow("whole 1e-9") << "whole:1e-9" << "maximum clip length = 1e-09 is out of range 0.01..86400 s";
    }

    void absurdValuesNameTheirRange()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        try {
            SegmentSpec::parse(text.toStdString());
            QFAIL("no UsageError");
        } catch (const UsageError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.contains(expected), qPrintable(msg));
            QVERIFY2(!msg.contains("2147483648"), qPrintable(msg));
        }
    }

    void windowBoundaries_data()
    {
        QTest::addColumn<double>("duration");
        QTest::addColumn<double>("length");
        QTest::addColumn<double>("hop");
        QTest::addColumn<int>("count"); // worked out by hand from the rule
        QTest::newRow("10 s, window:2") << 10.0 << 2.0 << 2.0 << 5;
        QTest::newRow("10.9 s, window:2 (0.9 s tail dropped)") << 10.9 << 2.0 << 2.0 << 5;
        QTest::newRow("11.2 s, window:2 (1.2 s tail kept)") << 11.2 << 2.0 << 2.0 << 6;
        QTest::newRow("10 s, window:2:1 (9 full + 1 s tail)") << 10.0 << 2.0 << 1.0 << 10;
        QTest::newRow("10.4 s, window:2:0.5 (17 full + 1.9 s tail)") << 10.4 << 2.0 << 0.5 << 18;
        QTest::newRow("7 s, window:3:2 (1 s tail dropped)") << 7.0 << 3.0 << 2.0 << 3;
        QTest::newRow("1.5 s, window:2 (one partial window)") << 1.5 << 2.0 << 2.0 << 1;
        QTest::newRow("0.7 s, window:2 (short file: one clip)") << 0.7 << 2.0 << 2.0 << 1;
    }

    void windowBoundaries()
    {
        QFETCH(double, duration);
        QFETCH(double, length);
        QFETCH(double, hop);
        QFETCH(int, count);
        AudioReader reader(silentFile(duration).toStdString());
        SegmentSpec spec;
        spec.mode = SegmentSpec::Mode::Window;
        spec.windowLength = length;
        spec.windowHop = hop;
        const std::vector<Clip> clips = segment(reader, spec);
        QCOMPARE(int(clips.size()), count);
        compareClips(clips, expectedWindows(duration, length, hop));
    }

    void wholeBoundaries_data()
    {
        QTest::addColumn<double>("duration");
        QTest::addColumn<QList<double>>("edges"); // clip k is edges[k] .. edges[k+1]
        // whole:3 — windows of 3 s; a tail of at least 3/4 s is its own clip, a shorter one
        // extends the last clip.
        QTest::newRow("2 s: one clip") << 2.0 << QList<double>{0, 2};
        QTest::newRow("3 s: one clip") << 3.0 << QList<double>{0, 3};
        QTest::newRow("6 s: two windows") << 6.0 << QList<double>{0, 3, 6};
        QTest::newRow("7.5 s: 1.5 s tail kept") << 7.5 << QList<double>{0, 3, 6, 7.5};
        QTest::newRow("6.5 s: 0.5 s tail merged") << 6.5 << QList<double>{0, 3, 6.5};
    }

    void wholeBoundaries()
    {
        QFETCH(double, duration);
        QFETCH(QList<double>, edges);
        AudioReader reader(silentFile(duration).toStdString());
        const std::vector<Clip> clips = segment(reader, SegmentSpec::parse("whole:3"));
        std::vector<Span> want;
        for (qsizetype i = 0; i + 1 < edges.size(); ++i) want.push_back({edges[i], edges[i + 1]});
        compareClips(clips, want);
    }

    // A table's selections name recordings, which a lone file cannot resolve: segment() says where
    // the mode works instead of returning no clips.
    void tableModeIsRefusedForALoneFile()
    {
        const std::string wav = dir.filePath("lone.wav").toStdString();
        segtest::writeWav(wav, std::vector<float>(8000, 0.f), 8000);
        AudioReader reader(wav);
        const SegmentSpec spec = SegmentSpec::parse("table:calls.csv");
        QCOMPARE(spec.table, std::string("calls.csv"));
        try {
            segment(reader, spec);
            QFAIL("segment() cut a lone file by a table");
        } catch (const UsageError& e) {
            const QString why = e.what();
            QVERIFY2(why.contains("lone.wav") && why.contains("embed"), e.what());
        }
    }

    void reportsProgressAndCancels()
    {
        AudioReader reader(silentFile(12).toStdString());
        double last = -1;
        bool monotonic = true;
        Progress progress{[&](double done, std::string_view) { monotonic = monotonic && done >= last; last = done; }, {}};
        segment(reader, SegmentSpec::parse("events"), progress);
        QVERIFY(monotonic);
        QCOMPARE(last, 1.0);

        AudioReader again(silentFile(12).toStdString());
        Progress cancel{{}, [] { return true; }};
        QVERIFY_THROWS_EXCEPTION(Cancelled, segment(again, SegmentSpec::parse("events"), cancel));
    }
};

QTEST_GUILESS_MAIN(TestSegmentSpec)
#include "tst_segmentspec.moc"
