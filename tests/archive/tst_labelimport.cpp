// Labels from CSV files and Raven selection tables into the archive: the formats, how Raven rows
// find their recording and times, and bad rows reported, not thrown.
#include "core/archive/Archive.h"
#include "core/archive/ClusterExport.h"
#include "core/archive/LabelImport.h"
#include "core/archive/LabelTable.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"
#include "core/segment/Segmenter.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sys/resource.h>
#include <unistd.h>
#include <map>
#include <vector>

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

    // A file with exactly this name (Raven tables are recognised by theirs) and these bytes.
    fs::path writeFile(const std::string& name, const std::string& bytes)
    {
        const fs::path dir = fs::path(tmp.path().toStdString()) / ("t" + std::to_string(++n));
        fs::create_directories(dir);
        std::ofstream(dir / name, std::ios::binary) << bytes;
        return dir / name;
    }

    // Labels per recording path and clip start, so that expectations read as the table does.
    static std::map<std::pair<std::string, double>, std::string> labelsByPlace(const Archive& a)
    {
        std::map<std::pair<std::string, double>, std::string> out;
        const auto m = labelsOf(a);
        for (const ClipRow& c : a.clips())
            if (m.count(c.id)) out[{c.path, c.start}] = m.at(c.id);
        return out;
    }

    static std::vector<int> linesOf(const std::vector<std::pair<int, std::string>>& v)
    {
        std::vector<int> out;
        for (const auto& p : v) out.push_back(p.first);
        return out;
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
    // Raven lists each selection once per view; the second view must not count twice.
    void ravenSingleFileTableCountsEachSelectionOnce()
    {
        Archive a = makeArchive();
        const std::string table =
            "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation\n"
            "1\tWaveform 1\t1\t0.5\t1.2\t0\t11025\tcaw\n"
            "1\tSpectrogram 1\t1\t0.5\t1.2\t1200\t4800\tcaw\n"
            "2\tWaveform 1\t1\t2.1\t2.4\t0\t11025\trattle\n"
            "2\tSpectrogram 1\t1\t2.1\t2.4\t900\t3000\trattle\n";
        // Named as Raven names it: the recording "site/a.wav" is found by its stem "a".
        const fs::path f = writeFile("a.Table.1.selections.txt", table);
        const LabelTable t = LabelTable::read(f);
        QCOMPARE(t.format, LabelTableFormat::RavenSelections);
        QCOMPARE(t.labelColumn, std::string("Annotation"));
        QCOMPARE(t.records, 2);
        QCOMPARE(t.rows.size(), std::size_t(2));
        QCOMPARE(t.rows[0].line, 2);
        QCOMPARE(t.rows[1].line, 4);
        QCOMPARE(*t.rows[1].startS, 2.1);
        QCOMPARE(*t.rows[1].endS, 2.4);
        QCOMPARE(*t.rows[1].highHz, 11025.0);

        const auto r = importLabels(a, f);
        QCOMPARE(r.rows, 2);
        QCOMPARE(r.matchedRows, 2);
        QCOMPARE(r.clipsLabelled, 3);
        QVERIFY(r.unmatched.empty());
        const auto m = labelsByPlace(a);
        QCOMPARE(m.size(), std::size_t(3));
        QCOMPARE(m.at({"site/a.wav", 0.0}), std::string("caw"));
        QCOMPARE(m.at({"site/a.wav", 1.0}), std::string("caw"));
        QCOMPARE(m.at({"site/a.wav", 2.0}), std::string("rattle"));
        QCOMPARE(a.labels()[0].source, std::string("a.Table.1.selections.txt"));
    }

    // Multi-file tables: Begin Time runs over all files, File Offset is the time within the named
    // file, and Begin Path is a path on the machine that ran Raven (Windows or not).
    void ravenMultiFileTableUsesBeginPathAndFileOffset()
    {
        Archive a = makeArchive();
        const std::string table =
            "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tBegin Path\t"
            "File Offset (s)\tAnnotation\n"
            "1\tSpectrogram 1\t1\t60.5\t61.2\t1000\t4000\tC:\\data\\site\\a.wav\t0.5\tcaw\n"
            "2\tSpectrogram 1\t1\t182.1\t182.4\t800\t3000\t/home/me/rec/b.wav\t2.1\trattle\n"
            "3\tSpectrogram 1\t1\t200\t201\t800\t3000\t/home/me/rec/missing.wav\t1\tfrog\n";
        const auto r = importLabels(a, writeFile("all.txt", table));
        QCOMPARE(r.format, LabelTableFormat::RavenSelections);
        QCOMPARE(r.rows, 3);
        QCOMPARE(r.matchedRows, 2);
        QCOMPARE(linesOf(r.unmatched), std::vector<int>{4});
        QVERIFY2(r.unmatched[0].second.find("missing.wav") != std::string::npos, r.unmatched[0].second.c_str());
        const auto m = labelsByPlace(a);
        QCOMPARE(m.size(), std::size_t(3));
        QCOMPARE(m.at({"site/a.wav", 0.0}), std::string("caw"));  // 0.5..1.2 s in a.wav
        QCOMPARE(m.at({"site/a.wav", 1.0}), std::string("caw"));
        QCOMPARE(m.at({"b.wav", 2.0}), std::string("rattle"));     // 2.1..2.4 s in b.wav
    }

    void ravenRecordingAndLabelColumnFromTheCaller()
    {
        const std::string table =
            "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tCall Type\tSpecies\n"
            "1\tWaveform 1\t1\t0.2\t0.4\tcaw\tcrow\n";
        const fs::path f = writeFile("my selections.txt", table); // not Raven's name: no recording to infer
        {
            Archive a = makeArchive();
            try {
                importLabels(a, f);
                QFAIL("accepted a single-file table without knowing its recording");
            } catch (const UsageError& e) {
                QVERIFY2(std::string(e.what()).find("--recording") != std::string::npos, e.what());
                QVERIFY2(std::string(e.what()).find("my selections.txt") != std::string::npos, e.what());
            }
        }
        {   // Default column: Species is looked for before Call Type, whatever the table's order.
            Archive a = makeArchive();
            const auto r = importLabels(a, f, LabelImportOptions{.recording = "b.wav"});
            QCOMPARE(r.labelColumn, std::string("Species"));
            QCOMPARE(labelsByPlace(a).at({"b.wav", 0.0}), std::string("crow"));
        }
        {   // Named column (any case), recording given as a path on disk.
            Archive a = makeArchive();
            const auto r = importLabels(a, f, LabelImportOptions{.source = "raven", .recording = "/data/b.wav",
                                                                 .labelColumn = "call type"});
            QCOMPARE(r.matchedRows, 1);
            const auto m = labelsByPlace(a);
            QCOMPARE(m.size(), std::size_t(1));
            QCOMPARE(m.at({"b.wav", 0.0}), std::string("caw"));
            QCOMPARE(a.labels()[0].source, std::string("raven"));
        }
        {   // An inferred stem that names no recording is reported per row, not guessed.
            Archive a = makeArchive();
            const auto r = importLabels(a, writeFile("c.Table.2.selections.txt", table));
            QCOMPARE(r.matchedRows, 0);
            QCOMPARE(linesOf(r.unmatched), std::vector<int>{2});
            QVERIFY(a.labels().empty());
        }
        QCOMPARE(LabelTable::recordingStemFromTableName("/x/0412.wav.Table.12.selections.txt"), std::string("0412.wav"));
        QCOMPARE(LabelTable::recordingStemFromTableName("0412.Table.selections.txt"), std::string());
        QCOMPARE(LabelTable::recordingStemFromTableName(".Table.1.selections.txt"), std::string());
    }

    void ravenTableWithoutLabelColumnIsRefusedNamingItsColumns()
    {
        Archive a = makeArchive();
        const fs::path f = writeFile("a.Table.1.selections.txt",
                                     "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tNotes\n"
                                     "1\tWaveform 1\t1\t0\t1\tloud\n");
        for (const std::string column : {"", "Species"}) {
            try {
                importLabels(a, f, LabelImportOptions{.labelColumn = column});
                QFAIL("accepted a Raven table without its label column");
            } catch (const UsageError& e) {
                const std::string why = e.what();
                QVERIFY2(why.find("\"Notes\"") != std::string::npos, e.what()); // what the table does have
                QVERIFY2(why.find(column.empty() ? "Annotation" : "\"Species\"") != std::string::npos, e.what());
            }
        }
        QVERIFY(a.labels().empty());
        // The same with a label column parses; a tab-separated file without Raven's columns is neither format.
        QCOMPARE(LabelTable::parse("Selection\tBegin Time (s)\tEnd Time (s)\tNotes\n1\t0\t1\tx\n", "a.Table.1.selections.txt",
                                   {.labelColumn = "notes"}).rows.size(), std::size_t(1));
        QVERIFY_THROWS_EXCEPTION(UsageError, LabelTable::parse("Begin Time (s)\tLabel\n0\tx\n", "t.txt"));
    }

    // For cutting clips where selections are (SelectionClips), a selection is a row with or without
    // its label; for importing labels, a row without one is refused as before.
    void selectionsWithoutLabelsAreRowsWhenLabelsAreOptional()
    {
        const std::string raven = "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tNotes\n"
                                  "1\tSpectrogram 1\t1\t0.5\t0.75\t2000\t6000\tloud\n";
        const LabelTable t = LabelTable::parse(raven, "a.Table.1.selections.txt", {.labelsOptional = true});
        QCOMPARE(t.rows.size(), std::size_t(1));
        QCOMPARE(t.rows[0].label, std::string());
        QCOMPARE(*t.rows[0].startS, 0.5);
        QCOMPARE(*t.rows[0].highHz, 6000.0);
        QCOMPARE(t.rows[0].path, std::string("a"));
        QVERIFY_THROWS_EXCEPTION(UsageError, LabelTable::parse(raven, "a.Table.1.selections.txt"));

        const std::string csv = "path,start_s,end_s\nsite/a.wav,1,2\n";
        const LabelTable c = LabelTable::parse(csv, "spans.csv", {.labelsOptional = true});
        QCOMPARE(c.format, LabelTableFormat::SpanCsv);
        QCOMPARE(c.rows.size(), std::size_t(1));
        QCOMPARE(*c.rows[0].endS, 2.0);
        QVERIFY(c.rows[0].label.empty());
        // An empty label in a labelled table is a selection too, and still a problem for import.
        const std::string mixed = "path,start_s,end_s,label\nsite/a.wav,1,2,\nsite/a.wav,3,4,caw\n";
        QCOMPARE(LabelTable::parse(mixed, "m.csv", {.labelsOptional = true}).rows.size(), std::size_t(2));
        QCOMPARE(LabelTable::parse(mixed, "m.csv").rows.size(), std::size_t(1));
        try {
            LabelTable::parse(csv, "spans.csv", {.action = "read selections from"});
            QFAIL("a CSV of spans without labels was taken as labels");
        } catch (const UsageError& e) {
            QVERIFY2(QString(e.what()).startsWith("cannot read selections from"), e.what()); // says what it was doing
        }
    }

    // Windows line ends, a UTF-8 BOM and garbage lines: the good rows still import and every bad
    // line is reported by its line number.
    void ravenGarbageLinesAreReportedWithCrlfAndBom()
    {
        Archive a = makeArchive();
        std::string table =
            "\xEF\xBB\xBFSelection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tAnnotation\n" // 1
            "1\tWaveform 1\t1\t1.5\t1.7\t0\t11025\tcaw\n"     // 2: good
            "this line is not a selection\n"                 // 3: one field
            "2\tWaveform 1\t1\tabc\t1.7\t0\t11025\tcaw\n"     // 4: bad number
            "3\tWaveform 1\t1\t2.5\t2.1\t0\t11025\tcaw\n"     // 5: ends before it begins
            "4\tWaveform 1\t1\tinf\tnan\t0\t11025\tcaw\n"     // 6: not finite
            "\n"                                             // 7: blank, ignored
            "5\tWaveform 1\t1\t2.1\t2.5\t0\t11025\t  \n"      // 8: no label
            "6\tWaveform 1\t1\t2.1\t2.5\t5000\t100\tcaw\n"    // 9: low above high
            "1\tSpectrogram 1\t1\t1.5\t1.7\t0\t11025\tcaw\n"; // 10: second view of 1
        std::string crlf;
        for (char c : table) crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        const auto r = importLabels(a, writeFile("b.Table.1.selections.txt", crlf));
        QCOMPARE(r.format, LabelTableFormat::RavenSelections);
        QCOMPARE(r.rows, 7);
        QCOMPARE(r.matchedRows, 1);
        QCOMPARE(linesOf(r.unmatched), (std::vector<int>{3, 4, 5, 6, 8, 9}));
        const auto m = labelsByPlace(a);
        QCOMPARE(m.size(), std::size_t(1));
        QCOMPARE(m.at({"b.wav", 1.0}), std::string("caw")); // no '\r' carried into the label
    }

    void csvWithCrlfBomAndNonFiniteSpans()
    {
        Archive a = makeArchive();
        const auto r = importLabels(a, writeCsv("\xEF\xBB\xBFpath,start_s,end_s,label\r\nb.wav,1e0,1.5,caw\r\n"
                                                "b.wav,inf,nan,x\r\n\r\nb.wav,2,1,rev\r\n"));
        QCOMPARE(r.rows, 3);
        QCOMPARE(r.matchedRows, 1);
        QCOMPARE(linesOf(r.unmatched), (std::vector<int>{3, 5}));
        QCOMPARE(labelsByPlace(a), (std::map<std::pair<std::string, double>, std::string>{{{"b.wav", 1.0}, "caw"}}));
    }
    // CrowLingo's own Raven export ("site_a.Table.1.selections.txt" for "site/a.wav") reads back.
    void ravenTablesExportedByCrowLingoReadBack()
    {
        Archive a = makeArchive();
        importLabels(a, writeCsv("path,start_s,end_s,label\nsite/a.wav,0.2,0.4,caw\nb.wav,2.2,2.4,rattle\n"));
        const fs::path dir = fs::path(tmp.path().toStdString()) / ("raven" + std::to_string(++n));
        const auto tables = writeRavenTables(dir, a);
        QCOMPARE(tables.size(), std::size_t(2));
        Archive b = makeArchive();
        int matched = 0;
        for (const fs::path& t : tables) matched += importLabels(b, t).matchedRows;
        QCOMPARE(matched, 2);
        QCOMPARE(labelsByPlace(b), labelsByPlace(a));
        QCOMPARE(labelsByPlace(b).size(), std::size_t(2));
    }

    void audacityLabelTrackWithSpectralLines()
    {
        // Audacity's File > Export > Export Labels: no header, start, end, label; a "\" line after
        // a label gives its frequency range. Named after the recording, "a.txt" labels "site/a.wav".
        Archive a = makeArchive();
        const std::string track = "0.5\t1.2\tcaw\n"
                                  "\\\t1200\t4800\n"
                                  "2.1\t2.4\trattle\tsoft\r\n"
                                  "x\t1\tno time\n"
                                  "3.0\t2.0\tbackwards\n"
                                  "2.5\t2.9\t \n"
                                  "\n";
        const fs::path f = writeFile("a.txt", track);
        const LabelTable t = LabelTable::read(f);
        QCOMPARE(t.format, LabelTableFormat::AudacityLabels);
        QCOMPARE(t.rows.size(), std::size_t(2));
        QCOMPARE(t.records, 5);
        QCOMPARE(*t.rows[0].lowHz, 1200.0);
        QCOMPARE(*t.rows[0].highHz, 4800.0);
        QCOMPARE(t.rows[1].label, std::string("rattle\tsoft")); // a label may hold tabs
        QVERIFY(!t.rows[1].lowHz);
        QCOMPARE(linesOf(t.problems), (std::vector<int>{4, 5, 6}));

        const auto r = importLabels(a, f);
        QCOMPARE(r.format, LabelTableFormat::AudacityLabels);
        QCOMPARE(r.matchedRows, 2);
        const auto m = labelsByPlace(a);
        QCOMPARE(m.size(), std::size_t(3));
        QCOMPARE(m.at({"site/a.wav", 0.0}), std::string("caw"));
        QCOMPARE(m.at({"site/a.wav", 1.0}), std::string("caw"));
        QCOMPARE(m.at({"site/a.wav", 2.0}), std::string("rattle\tsoft"));

        // A track whose name is not the recording's: the caller names it.
        Archive b = makeArchive();
        const fs::path labels = writeFile("Labels.txt", "0.1\t0.2\tchip\n");
        QCOMPARE(importLabels(b, labels).matchedRows, 0);
        LabelImportOptions o;
        o.recording = "b.wav";
        QCOMPARE(importLabels(b, labels, o).matchedRows, 1);
        QCOMPARE(labelsByPlace(b).at({"b.wav", 0.0}), std::string("chip"));
    }

    void audacityTracksExportedByCrowLingoReadBack()
    {
        Archive a = makeArchive();
        importLabels(a, writeCsv("path,start_s,end_s,label\nsite/a.wav,0.2,0.4,caw\nb.wav,2.2,2.4,rattle\n"));
        const fs::path dir = fs::path(tmp.path().toStdString()) / ("audacity" + std::to_string(++n));
        const auto tracks = writeAudacityLabels(dir, a);
        QCOMPARE(tracks.size(), std::size_t(2));
        Archive b = makeArchive();
        for (const fs::path& t : tracks) QVERIFY(importLabels(b, t).unmatched.empty());
        // The labelled clips come back with their labels (the others carry the export's "clip").
        const auto before = labelsByPlace(a), after = labelsByPlace(b);
        for (const auto& [place, label] : before) QCOMPARE(after.at(place), label);
        QCOMPARE(after.at({"site/a.wav", 1.0}), std::string("clip"));
    }

    // A label file that never ends, or one enormous line, is refused after its first MiB, with a
    // message saying so, instead of being read into memory whole. The archive is left unchanged.
    void endlessOrHugeLineFilesAreRefusedEarly_data()
    {
        QTest::addColumn<QString>("file");
        QTest::newRow("/dev/zero") << "/dev/zero";
        QTest::newRow("2 MiB line") << "";
    }

    void endlessOrHugeLineFilesAreRefusedEarly()
    {
        QFETCH(QString, file);
        const fs::path path = file.isEmpty() ? writeCsv("path,label\n" + std::string(2 << 20, 'x') + ",caw\n") : fs::path(file.toStdString());
        Archive a = makeArchive();
        rusage before{};
        getrusage(RUSAGE_SELF, &before);
        // Address space capped at 1 GB above what the process holds, so that a reader that does
        // read everything fails with bad_alloc here instead of taking the machine's memory.
        rlimit old{};
        getrlimit(RLIMIT_AS, &old);
        long pages = 0;
        std::ifstream("/proc/self/statm") >> pages;
        rlimit capped = old;
        capped.rlim_cur = rlim_t(pages) * rlim_t(sysconf(_SC_PAGESIZE)) + (rlim_t(1) << 30);
        setrlimit(RLIMIT_AS, &capped);
        QString msg;
        try {
            importLabels(a, path);
            msg = "(accepted)";
        } catch (const UsageError& e) {
            msg = e.what();
        } catch (const std::exception& e) {
            msg = QString("wrong exception: ") + e.what();
        }
        setrlimit(RLIMIT_AS, &old);
        QVERIFY2(msg.contains("is longer than 1 MiB") && msg.contains(QString::fromStdString(path.string())), qPrintable(msg));
        QVERIFY2(msg.contains(file.isEmpty() ? "line 2 " : "line 1 "), qPrintable(msg));
        rusage after{};
        getrusage(RUSAGE_SELF, &after);
        QVERIFY2(after.ru_maxrss - before.ru_maxrss < 64 * 1024, qPrintable(QString::number(after.ru_maxrss - before.ru_maxrss))); // KiB
        QVERIFY(labelsOf(a).empty());
    }

    // The same limit in the plain CSV reader (the demo corpus's ground truth and others).
    void csvReaderRefusesHugeFieldsAndLines()
    {
        const fs::path quotedField = writeCsv("a,b\n\"" + std::string(3 << 20, 'y') + "\",1\n");
        CsvReader in(quotedField);
        std::vector<std::string> row;
        QVERIFY(in.next(row));
        QCOMPARE(row.size(), std::size_t(2));
        try {
            in.next(row);
            QFAIL("no Error");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("line 2 holds a line or field longer than 1 MiB"), e.what());
        }
        CsvReader zero("/dev/zero");
        QVERIFY_THROWS_EXCEPTION(Error, zero.next(row));
    }
};

QTEST_GUILESS_MAIN(TestLabelImport)
#include "tst_labelimport.moc"
