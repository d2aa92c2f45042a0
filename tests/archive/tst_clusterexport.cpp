// Exports: the cluster CSV (+ provenance sidecar) reads back into labels identically; Raven and
// Audacity files have the documented layout.
#include "archive/ArchiveTestKit.h"
#include "core/archive/Archive.h"
#include "core/archive/ClusterExport.h"
#include "core/archive/LabelImport.h"
#include "core/archive/LabelResolution.h"
#include "core/common/Csv.h"
#include "core/segment/Segmenter.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QFile>
#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <map>

using namespace crowlingo;
namespace fs = std::filesystem;

class TestClusterExport : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    fs::path dir() const { return fs::path(tmp.path().toStdString()); }

    static auto readTable(const fs::path& f, char delim) { return testkit::readTable(f, delim); }

    static std::map<ClipId, std::string> userLabels(const Archive& a, const std::string& source)
    {
        std::map<ClipId, std::string> m;
        for (const LabelRow& l : a.labels())
            if (l.source == source) m[l.clipId] = l.label;
        return m;
    }

private Q_SLOTS:
    void initTestCase()
    {
        fs::create_directories(dir() / "rec/site");
        Archive a = Archive::create(dir() / "a.crowlingo", dir() / "rec");
        RecordingRow r;
        r.path = "site/x.flac";
        a.storeRecording(r, {{0, 1, 500, 900}, {1, 2, 400, 800}, {2, 3, 3000, 6000}}, "events", "m",
                         {{1, 0}, {0.9f, 0.1f}, {0, 1}});
        r.path = "y.wav";
        a.storeRecording(r, {{0.5, 0.75, 100, 200}}, "events", "m", {{0.1f, 0.9f}});
        a.setActiveModel("m");
        std::vector<ClipId> ids;
        for (const ClipRow& c : a.clips()) ids.push_back(c.id);
        a.storeProjection("m", R"({"method":"pca"})", ids, {0, 0, 1, 1, 2, 2, 3, 3});
        a.storeClustering("m", R"({"method":"hdbscan"})", ids, {0, 0, 1, -1}, {1, 0.5f, 1, 0}, {0, 0.2f, 0, 0.9f});
        a.setLabels({ids[0], ids[1]}, "caw, harsh");
        a.setLabel(ids[2], "whistle");
    }

    void clusterCsvHasTheDocumentedColumnsAndValues()
    {
        const Archive a = Archive::open(dir() / "a.crowlingo");
        writeClusterCsv(dir() / "clusters.csv", a);
        const auto rows = readTable(dir() / "clusters.csv", ',');
        QCOMPARE(rows.size(), std::size_t(5));
        QCOMPARE(rows[0], (std::vector<std::string>{"clip_id", "path", "start_s", "end_s", "low_hz", "high_hz", "cluster",
                                                     "probability", "outlier_score", "distance_to_centroid", "x", "y", "label",
                                                     "label_source"}));
        QCOMPARE(rows[1][1], std::string("site/x.flac"));
        QCOMPARE(std::stod(rows[1][4]), 500.0);
        QCOMPARE(rows[1][12], std::string("caw, harsh")); // quoted in the file, intact here
        QCOMPARE(rows[1][13], std::string("user"));
        QCOMPARE(rows[4][13], std::string(""));             // no label, no source
        QCOMPARE(rows[3][6], std::string("1"));
        QCOMPARE(rows[4][6], std::string("-1"));
        QCOMPARE(rows[4][9], std::string(""));             // noise has no centroid
        QCOMPARE(std::stod(rows[3][9]), 0.0);              // alone in its cluster: at the centroid
        QVERIFY(std::stod(rows[1][9]) > 0.0);
        QCOMPARE(std::stod(rows[4][10]), 3.0);
        // Provenance sidecar
        QFile side(QString::fromStdString((dir() / "clusters.csv.json").string()));
        QVERIFY(side.open(QIODevice::ReadOnly));
        const QJsonObject j = QJsonDocument::fromJson(side.readAll()).object();
        QCOMPARE(j["model_id"].toString(), QString("m"));
        QCOMPARE(j["segmentation"].isString(), true);
        QCOMPARE(j["clustering"].toObject()["method"].toString(), QString("hdbscan"));
        QCOMPARE(j["projection"].toObject()["method"].toString(), QString("pca"));
    }

    void exportThenImportPreservesLabels()
    {
        Archive a = Archive::open(dir() / "a.crowlingo");
        writeClusterCsv(dir() / "roundtrip.csv", a);
        const auto before = userLabels(a, "user");
        const LabelImportReport r = importLabels(a, dir() / "roundtrip.csv", "roundtrip");
        QVERIFY(r.unmatched.empty());
        QCOMPARE(userLabels(a, "roundtrip"), before);
    }

    void aClipLabelledBySeveralSourcesShowsOneRuleEverywhere()
    {
        // Two imported files disagree on a clip, and the researcher relabelled another: whatever
        // order the rows come in, the user's label wins, then the source named first.
        const std::vector<LabelRow> rows{{1, "z-call", "zeta.csv"}, {1, "a-call", "alpha.csv"},
                                         {2, "imported", "alpha.csv"}, {2, "mine", "user"}, {3, "only", "zeta.csv"}};
        std::vector<LabelRow> reversed(rows.rbegin(), rows.rend());
        for (const auto& order : {rows, reversed}) {
            const auto shown = shownLabels(order);
            QCOMPARE(shown.size(), std::size_t(3));
            QCOMPARE(shown.at(1).label, std::string("a-call"));
            QCOMPARE(shown.at(1).source, std::string("alpha.csv"));
            QCOMPARE(shown.at(2).label, std::string("mine"));
            QCOMPARE(shown.at(3).source, std::string("zeta.csv"));
        }
        QCOMPARE(shownLabels(rows, "zeta.csv").at(1).label, std::string("z-call"));
        QVERIFY(!shownLabels(rows, "zeta.csv").count(2));

        // The cluster CSV follows it: import two files in the order that would have let the
        // later one win before.
        fs::create_directories(dir() / "two");
        Archive a = Archive::create(dir() / "two.crowlingo", dir() / "two");
        RecordingRow r;
        r.path = "z.wav";
        a.storeRecording(r, {{0, 1, 500, 900}}, "events", "m", {{1, 0}});
        a.setActiveModel("m");
        const ClipId clip = a.clips().front().id;
        for (const auto& [file, label] : {std::pair{"zeta.csv", "z-call"}, std::pair{"alpha.csv", "a-call"}}) {
            std::ofstream(dir() / file) << "clip_id,label\n" << clip << "," << label << "\n";
            QVERIFY(importLabels(a, dir() / file).unmatched.empty());
        }
        writeClusterCsv(dir() / "two-sources.csv", a);
        const auto table = readTable(dir() / "two-sources.csv", ',');
        QCOMPARE(table.size(), std::size_t(2));
        QCOMPARE(table[1][12], std::string("a-call"));
        QCOMPARE(table[1][13], std::string("alpha.csv"));
    }

    void ravenTablesHaveTheRavenLayout()
    {
        const Archive a = Archive::open(dir() / "a.crowlingo");
        const auto files = writeRavenTables(dir() / "raven", a);
        QCOMPARE(files.size(), std::size_t(2));
        QVERIFY(fs::exists(dir() / "raven/site_x.Table.1.selections.txt"));
        const auto rows = readTable(dir() / "raven/site_x.Table.1.selections.txt", '\t');
        QCOMPARE(rows[0], (std::vector<std::string>{"Selection", "View", "Channel", "Begin Time (s)", "End Time (s)",
                                                     "Low Freq (Hz)", "High Freq (Hz)", "Cluster", "Label"}));
        QCOMPARE(rows.size(), std::size_t(4));
        QCOMPARE(rows[1][0], std::string("1"));
        QCOMPARE(rows[1][1], std::string("Spectrogram 1"));
        QCOMPARE(std::stod(rows[2][3]), 1.0);
        QCOMPARE(std::stod(rows[3][6]), 6000.0);
        QCOMPARE(rows[3][8], std::string("whistle"));
    }

    void wholeFileClipsSpanTheirRecordingsBand()
    {
        // Clips cut without a band (fixed windows, whole files) are exported with 0 Hz to the
        // recording's Nyquist frequency, not as 0 Hz high boxes; clips with a band keep theirs.
        fs::create_directories(dir() / "whole");
        Archive a = Archive::create(dir() / "whole.crowlingo", dir() / "whole");
        RecordingRow r;
        r.path = "bat.wav";
        r.sampleRate = 384000;
        a.storeRecording(r, {{0, 2.5, 0, 0}, {2.5, 3, 20000, 80000}}, "whole", "m", {{1, 0}, {0, 1}});
        a.setActiveModel("m");
        writeClusterCsv(dir() / "whole.csv", a);
        const auto rows = readTable(dir() / "whole.csv", ',');
        QCOMPARE(rows.size(), std::size_t(3));
        QCOMPARE(std::stod(rows[1][4]), 0.0);
        QCOMPARE(std::stod(rows[1][5]), 192000.0);
        QCOMPARE(std::stod(rows[2][4]), 20000.0);
        QCOMPARE(std::stod(rows[2][5]), 80000.0);
        writeRavenTables(dir() / "whole-raven", a);
        const auto raven = readTable(dir() / "whole-raven/bat.Table.1.selections.txt", '\t');
        QCOMPARE(std::stod(raven[1][6]), 192000.0);
    }

    void audacityLabelsAreStartEndText()
    {
        const Archive a = Archive::open(dir() / "a.crowlingo");
        writeAudacityLabels(dir() / "aud", a);
        const auto rows = readTable(dir() / "aud/y.txt", '\t');
        QCOMPARE(rows.size(), std::size_t(1));
        QCOMPARE(std::stod(rows[0][0]), 0.5);
        QCOMPARE(std::stod(rows[0][1]), 0.75);
        QCOMPARE(rows[0][2], std::string("noise"));
    }
};

QTEST_GUILESS_MAIN(TestClusterExport)
#include "tst_clusterexport.moc"
