// Labels from CSV files into the archive: the three formats, unmatched rows reported.
#include "core/archive/Archive.h"
#include "core/archive/LabelImport.h"
#include "core/common/Error.h"
#include "core/segment/Segmenter.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>

using namespace crowlingo;
namespace fs = std::filesystem;

class TestLabelImport : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    int n = 0;

    // An archive with two recordings of three one-second clips each.
    Archive makeArchive()
    {
        const fs::path dir = fs::path(tmp.path().toStdString()) / std::to_string(++n);
        fs::create_directories(dir / "rec/site");
        Archive a = Archive::create(dir / "a.crowlingo", dir / "rec");
        for (const char* path : {"site/a.wav", "b.wav"}) {
            RecordingRow r;
            r.path = path;
            a.storeRecording(r, {{0, 1}, {1, 2}, {2, 3}}, "window:1", "m", {{1, 0}, {0, 1}, {1, 1}});
        }
        return a;
    }

    fs::path writeCsv(const std::string& text)
    {
        const fs::path f = fs::path(tmp.path().toStdString()) / ("labels" + std::to_string(++n) + ".csv");
        std::ofstream(f) << text;
        return f;
    }

    static std::map<ClipId, std::string> labelsOf(const Archive& a)
    {
        std::map<ClipId, std::string> m;
        for (const LabelRow& l : a.labels()) m[l.clipId] = l.label;
        return m;
    }

private Q_SLOTS:
    void recordingLabelsApplyToEveryClip()
    {
        Archive a = makeArchive();
        const auto r = importLabels(a, writeCsv("path,label\nsite/a.wav,crow\nmissing.wav,frog\n"));
        QCOMPARE(r.rows, 2);
        QCOMPARE(r.matchedRows, 1);
        QCOMPARE(r.clipsLabelled, 3);
        QCOMPARE(r.unmatched.size(), std::size_t(1));
        QCOMPARE(r.unmatched[0].first, 3); // line of missing.wav
        const auto m = labelsOf(a);
        QCOMPARE(m.size(), std::size_t(3));
        for (const ClipRow& c : a.clips())
            QCOMPARE(m.count(c.id) ? m.at(c.id) : "", c.path == "site/a.wav" ? std::string("crow") : std::string());
    }

    void spanLabelsApplyToOverlappingClips()
    {
        Archive a = makeArchive();
        const auto r = importLabels(a, writeCsv("path,start_s,end_s,label\nb.wav,0.5,1.5,caw\nb.wav,5,6,late\n\"b.wav\",2.2,2.4,\"rattle, soft\"\n"));
        QCOMPARE(r.matchedRows, 2);
        QCOMPARE(r.unmatched.size(), std::size_t(1)); // 5..6 s overlaps nothing
        const auto m = labelsOf(a);
        std::map<double, std::string> byStart;
        for (const ClipRow& c : a.clips())
            if (c.path == "b.wav" && m.count(c.id)) byStart[c.start] = m.at(c.id);
        QCOMPARE(byStart.size(), std::size_t(3));
        QCOMPARE(byStart[0], std::string("caw"));
        QCOMPARE(byStart[1], std::string("caw"));
        QCOMPARE(byStart[2], std::string("rattle, soft"));
    }

    void clipIdLabelsAndSourceIsStored()
    {
        Archive a = makeArchive();
        const ClipId first = a.clips().front().id;
        const fs::path f = writeCsv("clip_id,label\n" + std::to_string(first) + ",alarm\n999999,x\nnotanumber,y\n");
        const auto r = importLabels(a, f);
        QCOMPARE(r.matchedRows, 1);
        QCOMPARE(r.unmatched.size(), std::size_t(2));
        const auto labels = a.labels();
        QCOMPARE(labels.size(), std::size_t(1));
        QCOMPARE(labels[0].source, f.filename().string());
        QCOMPARE(labels[0].label, std::string("alarm"));
    }

    void unknownHeaderIsRefusedWithTheAcceptedForms()
    {
        Archive a = makeArchive();
        try {
            importLabels(a, writeCsv("file,tag\nx,y\n"));
            QFAIL("accepted an unknown header");
        } catch (const UsageError& e) {
            QVERIFY2(std::string(e.what()).find("path,start_s,end_s,label") != std::string::npos, e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestLabelImport)
#include "tst_labelimport.moc"
