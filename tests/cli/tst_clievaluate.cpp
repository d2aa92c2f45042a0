// `crowlingo-cli evaluate --labels` with a Raven selection table, run as a researcher would: a
// synthetic folder embedded by the CLI, a single-file Raven table with a custom label column that
// the table's name does not tie to a recording. Without --label-column, then without --recording,
// it is refused with a message saying what to add; with both the calls are evaluated by their labels.
// Also `relocate`, short clips read at a finer time scale, and `recordings` listing the files that
// gave no clip. Links only QtTest: everything goes through the real executable.
#include "CliRun.h"

#include "core/archive/Archive.h"
#include "core/archive/RetrievalEmbeddings.h"

#include <QDataStream>
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

#include <algorithm>
#include <cmath>
#include <functional>

namespace {

// A 16-bit mono WAV of `frames` samples, sample(i) each, written by hand: this test links only QtTest.
bool writeWav16(const QString& path, qint32 rate, qint32 frames, const std::function<qint16(qint32)>& sample)
{
    QByteArray wav;
    QDataStream out(&wav, QIODevice::WriteOnly);
    out.setByteOrder(QDataStream::LittleEndian);
    out.writeRawData("RIFF", 4);
    out << qint32(36 + 2 * frames);
    out.writeRawData("WAVEfmt ", 8);
    out << qint32(16) << qint16(1) << qint16(1) << rate << qint32(2 * rate) << qint16(2) << qint16(16);
    out.writeRawData("data", 4);
    out << qint32(2 * frames);
    for (qint32 i = 0; i < frames; ++i) out << sample(i);
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(wav) == wav.size();
}

} // namespace

class TestCliEvaluate : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;

    using Run = CliRun;
    static Run cli(const QStringList& args) { return runCli(args); }

    // A synthetic corpus in `dir` (synth with these files, minutes and seed), embedded into `archive`
    // with `segment`: the synth's run if it failed, else the embed's.
    static Run synthAndEmbed(const QString& dir, const QString& archive, const QString& files, const QString& minutes,
                             const QString& seed, const QString& segment)
    {
        const Run synth = cli({"synth", dir, "--files", files, "--minutes", minutes, "--seed", seed});
        if (synth.code != 0) return synth;
        return cli({"embed", dir, "-o", archive, "--segment", segment});
    }

private Q_SLOTS:
    void ravenTableWithRecordingAndLabelColumn()
    {
        QVERIFY(tmp_.isValid());
        const QString dir = tmp_.filePath(QStringLiteral("calls")), archive = tmp_.filePath(QStringLiteral("a.crowlingo"));
        Run r = synthAndEmbed(dir, archive, "2", "0.5", "5", "events");
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));

        // The ground truth of rec_000.flac as a Raven table; the label column is "Call Kind".
        QFile truth(dir + QStringLiteral("/ground_truth.csv"));
        QVERIFY(truth.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString table = tmp_.filePath(QStringLiteral("my annotations.txt"));
        QFile out(table);
        QVERIFY(out.open(QIODevice::WriteOnly | QIODevice::Text));
        QTextStream ts(&out);
        ts << "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tCall Kind\n";
        int selections = 0;
        QSet<QString> kinds;
        truth.readLine(); // header: file,start,end,low_hz,high_hz,call_type,individual
        while (!truth.atEnd()) {
            const QStringList f = QString::fromUtf8(truth.readLine()).trimmed().split(',');
            if (f.size() < 6 || f[0] != QLatin1String("rec_000.flac")) continue;
            ++selections;
            kinds.insert(f[5]);
            ts << selections << "\tSpectrogram 1\t1\t" << f[1] << '\t' << f[2] << '\t' << f[3] << '\t' << f[4] << '\t' << f[5] << '\n';
        }
        out.close();
        QVERIFY(selections >= 5);
        QVERIFY(kinds.size() >= 2);

        r = cli({"evaluate", archive, "--labels", table});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("--label-column") && r.err.contains("Call Kind"), qPrintable(r.err));
        r = cli({"evaluate", archive, "--labels", table, "--label-column", "Call Kind"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("which recording") && r.err.contains("my annotations.txt"), qPrintable(r.err));

        r = cli({"evaluate", archive, "--labels", table, "--recording", "rec_000.flac", "--label-column", "Call Kind"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("labels from column \"Call Kind\""), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("%1 rows").arg(selections)), qPrintable(r.out));
        // Classes among the clips the selections matched (detection may miss a whole kind's calls).
        const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("(\\d+) labelled clips in (\\d+) classes")).match(r.out);
        QVERIFY2(m.hasMatch(), qPrintable(r.out));
        QVERIFY(m.captured(1).toInt() >= selections / 2);
        QVERIFY(m.captured(2).toInt() >= 2 && m.captured(2).toInt() <= int(kinds.size()));
        QVERIFY2(r.out.contains("model embedding") && r.out.contains("baseline"), qPrintable(r.out));
        // Both as compared (the retrieval space) and as stored, and the baseline both ways too.
        QVERIFY2(r.out.contains("model, vectors as stored") && r.out.contains("baseline in its retrieval space")
                     && r.out.contains("the model's vectors are compared in the archive's retrieval space"),
                 qPrintable(r.out));
        // No clustering yet: evaluate says how to make one and prints no table of undefined scores.
        QVERIFY2(r.out.contains("no clustering stored") && !r.out.contains("clusters against the labels")
                     && !r.out.contains(QStringLiteral("nan")),
                 qPrintable(r.out));

        // Clustered on the embeddings: the model and the baseline clustered the same way, each scored.
        r = cli({"cluster", archive, "--method", "kmeans", "-k", "3", "--space", "embeddings"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        r = cli({"evaluate", archive, "--labels", table, "--recording", "rec_000.flac", "--label-column", "Call Kind"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        const QString clusters = r.out.mid(r.out.indexOf("clusters against the labels"));
        QVERIFY2(r.out.contains("clustering: ") && clusters.startsWith("clusters against the labels"), qPrintable(r.out));
        for (const char* who : {"model embedding", "baseline \\(log-mel band mean\\+std\\)"})
            QVERIFY2(QRegularExpression(QStringLiteral("\\n%1 +-?[01]\\.\\d{3} +[01]\\.\\d{3} +-?[01]\\.\\d{3}")
                                            .arg(QLatin1String(who)))
                         .match(clusters)
                         .hasMatch(),
                     qPrintable(clusters));
    }

    // A researcher's annotations as the clips (--segment table:PATH): the synthetic corpus's ground
    // truth written as a CSV of selections, named relative to where the command runs.
    void theSelectionsOfATableAreTheClips()
    {
        const QString dir = tmp_.filePath(QStringLiteral("annotated")), archive = tmp_.filePath(QStringLiteral("annotated.crowlingo"));
        Run r = cli({"synth", dir, "--files", "2", "--minutes", "0.3", "--seed", "6"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile truth(dir + QStringLiteral("/ground_truth.csv"));
        QVERIFY(truth.open(QIODevice::ReadOnly | QIODevice::Text));
        QFile table(tmp_.filePath(QStringLiteral("calls.csv")));
        QVERIFY(table.open(QIODevice::WriteOnly | QIODevice::Text));
        QTextStream ts(&table);
        ts << "path,start_s,end_s,label\n";
        QSet<QString> drawn, kinds; // "path start end label", as the export prints them
        truth.readLine(); // header: file,start,end,low_hz,high_hz,call_type,individual
        while (!truth.atEnd()) {
            const QStringList f = QString::fromUtf8(truth.readLine()).trimmed().split(',');
            if (f.size() < 6) continue;
            ts << f[0] << ',' << f[1] << ',' << f[2] << ',' << f[5] << '\n';
            drawn.insert(QStringLiteral("%1 %2 %3 %4").arg(f[0]).arg(f[1].toDouble(), 0, 'f', 6).arg(f[2].toDouble(), 0, 'f', 6).arg(f[5]));
            kinds.insert(f[5]);
        }
        table.close();
        QVERIFY(drawn.size() >= 10);

        r = runCli({"embed", dir, "-o", archive, "--segment", "table:calls.csv"}, 300000, tmp_.path());
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("%1 clip(s) given their selection's label").arg(drawn.size())), qPrintable(r.out));
        r = cli({"export", archive, "--csv", tmp_.filePath(QStringLiteral("annotated-clips.csv"))});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile clips(tmp_.filePath(QStringLiteral("annotated-clips.csv")));
        QVERIFY(clips.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList header = QString::fromUtf8(clips.readLine()).trimmed().split(',');
        const auto col = [&](const char* name) { return header.indexOf(QLatin1String(name)); };
        QSet<QString> cut;
        while (!clips.atEnd()) {
            const QStringList f = QString::fromUtf8(clips.readLine()).trimmed().split(',');
            cut.insert(QStringLiteral("%1 %2 %3 %4").arg(f[col("path")], f[col("start_s")], f[col("end_s")], f[col("label")]));
        }
        QCOMPARE(cut, drawn); // every selection one clip, where it was drawn, with its label
        r = cli({"evaluate", archive});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("%1 labelled clips in %2 classes").arg(drawn.size()).arg(kinds.size())),
                 qPrintable(r.out));

        // A table that is not there, or lacks the label column asked for, is said before any archive is made.
        const QString none = tmp_.filePath(QStringLiteral("none.crowlingo"));
        r = cli({"embed", dir, "-o", none, "--segment", "table:" + tmp_.filePath(QStringLiteral("missing.csv"))});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("cannot read selections from") && r.err.contains("missing.csv"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(none));
        const QString ravenDir = tmp_.filePath(QStringLiteral("raven"));
        QVERIFY(QDir().mkpath(ravenDir));
        QFile raven(ravenDir + QStringLiteral("/rec_001.Table.1.selections.txt"));
        QVERIFY(raven.open(QIODevice::WriteOnly));
        raven.write("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tSpecies\tCall Kind\n"
                    "1\tSpectrogram 1\t1\t1.5\t1.9\tcrow\tcaw\n2\tSpectrogram 1\t1\t3\t3.25\tcrow\trattle\n");
        raven.close();
        r = cli({"embed", dir, "-o", none, "--segment", "table:" + ravenDir, "--label-column", "Call Type"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("no column \"Call Type\"") && r.err.contains("\"Call Kind\""), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(none));
        // The column named gives the labels (not Species, which the default would take).
        r = cli({"embed", dir, "-o", none, "--segment", "table:" + ravenDir, "--label-column", "call kind"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        r = cli({"export", none, "--csv", tmp_.filePath(QStringLiteral("raven-clips.csv"))});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile kinds2(tmp_.filePath(QStringLiteral("raven-clips.csv")));
        QVERIFY(kinds2.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString exported = QString::fromUtf8(kinds2.readAll());
        QVERIFY2(exported.contains(",caw,rec_001.Table.1.selections.txt") && exported.contains(",rattle,")
                     && !exported.contains(",crow,"),
                 qPrintable(exported));
        // Run again without naming the column: the archive remembers it, and no label changes.
        r = cli({"embed", dir, "-o", none, "--segment", "table:" + ravenDir});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(!r.out.contains("given their selection's label"), qPrintable(r.out));
        r = cli({"export", none, "--csv", tmp_.filePath(QStringLiteral("raven-clips.csv")), "--force"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile again(tmp_.filePath(QStringLiteral("raven-clips.csv")));
        QVERIFY(again.open(QIODevice::ReadOnly | QIODevice::Text));
        QCOMPARE(QString::fromUtf8(again.readAll()), exported);
    }

    void anArchiveMovedWithoutItsRecordingsSaysSo()
    {
        const QString dir = tmp_.filePath(QStringLiteral("moving")), archive = tmp_.filePath(QStringLiteral("moving.crowlingo"));
        Run r = synthAndEmbed(dir, archive, "1", "0.2", "4", "window:1");
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY(QDir().rename(dir, dir + QStringLiteral("-elsewhere")));
        QFile labels(tmp_.filePath(QStringLiteral("moving.csv")));
        QVERIFY(labels.open(QIODevice::WriteOnly | QIODevice::Text));
        labels.write("clip_id,label\n1,a\n2,a\n3,b\n4,b\n");
        labels.close();
        r = cli({"evaluate", archive, "--labels", labels.fileName()});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QStringLiteral("moved")) && !r.out.contains(QStringLiteral("nan")), qPrintable(r.out + r.err));
        // `recordings` still lists them, and says where they were looked for and how to point the
        // archive at them.
        r = cli({"recordings", archive});
        QVERIFY2(r.code == 0 && r.out.contains(QStringLiteral("rec_000.flac")), qPrintable(r.out + r.err));
        QVERIFY2(r.err.contains(QStringLiteral("moved or copied")) && r.err.contains(QStringLiteral("relocate")), qPrintable(r.err));

        // relocate: a folder without its recordings is refused and changes nothing; the right one
        // makes the archive whole again.
        r = cli({"relocate", archive, tmp_.path()});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QStringLiteral("none of its 1 recordings")), qPrintable(r.err));
        r = cli({"relocate", archive, dir + QStringLiteral("-elsewhere")});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains(QStringLiteral("1 of 1 found")), qPrintable(r.out));
        r = cli({"recordings", archive});
        QVERIFY2(r.code == 0 && !r.err.contains(QStringLiteral("moved")), qPrintable(r.err));
        r = cli({"evaluate", archive, "--labels", labels.fileName()});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        // The baseline reads the audio again: its precision is a number.
        QVERIFY2(QRegularExpression(QStringLiteral("baseline \\(log-mel band mean\\+std\\) +[01]\\.\\d{3}")).match(r.out).hasMatch(),
                 qPrintable(r.out));
        // Stored relative to the archive, as at creation: the pair moves on together.
        QCOMPARE(QString::fromStdString(crowlingo::Archive::open(archive.toStdString()).meta("root").value()),
                 QStringLiteral("moving-elsewhere"));
    }

    void infoDescribesEveryFileOfAFolder()
    {
        // `info FOLDER`: one line per audio file under it (subfolders too), named as the folder was
        // given, a file that is not audio named with its error, and what the readable ones add up to.
        const QString dir = tmp_.filePath(QStringLiteral("described"));
        Run r = cli({"synth", dir, "--files", "2", "--minutes", "0.25", "--seed", "8"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QDir(dir).mkdir(QStringLiteral("later")));
        QVERIFY(QFile::copy(dir + QStringLiteral("/rec_000.flac"), dir + QStringLiteral("/later/again.flac")));
        QFile bad(dir + QStringLiteral("/later/broken.wav"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("not audio at all");
        bad.close();

        r = cli({"info", dir});
        QCOMPARE(r.code, 1); // one file could not be read
        for (const char* name : {"/rec_000.flac\t", "/rec_001.flac\t", "/later/again.flac\t"})
            QVERIFY2(r.out.contains(dir + QLatin1String(name)) && !r.out.contains(QStringLiteral("//")), qPrintable(r.out));
        QVERIFY2(r.out.count(QStringLiteral(" Hz, 1 ch, 15.000 s")) == 3, qPrintable(r.out));
        QVERIFY2(r.err.contains(QStringLiteral("broken.wav")), qPrintable(r.err));
        QVERIFY2(r.out.contains(QStringLiteral("3 files, 0:00:45 of audio; sample rates: 22050 Hz (3); 1 could not be read")),
                 qPrintable(r.out));

        // A single file: its line alone, no sum.
        r = cli({"info", dir + QStringLiteral("/rec_000.flac")});
        QVERIFY2(r.code == 0 && r.out.count(QLatin1Char('\n')) == 1, qPrintable(r.out + r.err));
    }

    void infrasoundIsEmbeddedSpedUp()
    {
        // A hydrophone-like recording at 2 kHz with two 1.5-s calls at 40 Hz, below the model's band
        // (50 Hz-11 kHz): `--time-expansion 0.1` speeds it up tenfold, the calls are found where
        // they are in the recording, and the archive keeps the factor. Written by hand: this test
        // links only QtTest.
        const QString dir = tmp_.filePath(QStringLiteral("hydrophone")), archive = tmp_.filePath(QStringLiteral("whales.crowlingo"));
        QVERIFY(QDir().mkpath(dir));
        const qint32 rate = 2000;
        quint32 state = 5;
        QVERIFY(writeWav16(dir + QStringLiteral("/site4.wav"), rate, 30 * rate, [&](qint32 i) {
            const double t = double(i) / rate;
            const bool calling = (t >= 8.0 && t < 9.5) || (t >= 20.0 && t < 21.5);
            const double call = calling ? 8000.0 * std::sin(2.0 * M_PI * 40.0 * t) : 0.0;
            return qint16(std::lround(call) + qint32((state = state * 1664525u + 1013904223u) >> 25) - 64); // +-64 LSB of hiss
        }));

        // Read at 1, the embedding says what the model hears of a 2-kHz recording and which factor fits.
        Run r = cli({"embed", dir, "-o", tmp_.filePath(QStringLiteral("whales-at-1.crowlingo"))});
        QVERIFY2(r.code == 0 && r.out.contains(QStringLiteral("note: most recordings are sampled at 2.0 kHz"))
                     && r.out.contains(QStringLiteral("time expansion 0.1")),
                 qPrintable(r.out + r.err));
        r = cli({"embed", dir, "-o", archive, "--time-expansion", "0.1"});
        QVERIFY2(r.code == 0 && !r.out.contains(QStringLiteral("note: most recordings")), qPrintable(r.out + r.err));
        QCOMPARE(QString::fromStdString(crowlingo::Archive::open(archive.toStdString()).meta("time_expansion").value()),
                 QStringLiteral("0.1"));
        r = cli({"export", archive, "--clips", tmp_.filePath(QStringLiteral("whales.csv"))});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile table(tmp_.filePath(QStringLiteral("whales.csv")));
        QVERIFY(table.open(QIODevice::ReadOnly | QIODevice::Text));
        const QStringList header = QString::fromUtf8(table.readLine()).trimmed().split(QLatin1Char(','));
        const qsizetype start = header.indexOf(QStringLiteral("start_s")), end = header.indexOf(QStringLiteral("end_s"));
        QVERIFY2(start >= 0 && end >= 0, qPrintable(header.join(QLatin1Char(','))));
        QList<std::pair<double, double>> clips;
        while (!table.atEnd()) {
            const QStringList f = QString::fromUtf8(table.readLine()).trimmed().split(QLatin1Char(','));
            clips.push_back({f[start].toDouble(), f[end].toDouble()});
        }
        QCOMPARE(clips.size(), 2);
        // Each clip holds its call, padded by a little (the padding, too, follows the factor).
        for (int k = 0; k < 2; ++k) {
            const double onset = k == 0 ? 8.0 : 20.0;
            QVERIFY2(clips[k].first <= onset + 0.1 && clips[k].first >= onset - 0.6 && clips[k].second >= onset + 1.4
                         && clips[k].second <= onset + 2.1,
                     qPrintable(QString("clip %1: %2-%3 s").arg(k).arg(clips[k].first).arg(clips[k].second)));
        }
    }

    // A labelled recording damaged after it was embedded: embed says it could not be used and that
    // its clips and labels stay; `recordings` lists it with its clips.
    void aDamagedRecordingKeepsItsClipsAndSaysSo()
    {
        const QString dir = tmp_.filePath(QStringLiteral("damaged")), archive = tmp_.filePath(QStringLiteral("damaged.crowlingo"));
        Run r = synthAndEmbed(dir, archive, "2", "0.1", "8", "window:1");
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile labels(tmp_.filePath(QStringLiteral("damaged-labels.csv")));
        QVERIFY(labels.open(QIODevice::WriteOnly));
        labels.write("path,label\nrec_000.flac,caw\n");
        labels.close();
        r = cli({"import", archive, "--labels", labels.fileName()});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile flac(dir + QStringLiteral("/rec_000.flac"));
        QVERIFY(flac.open(QIODevice::ReadWrite));
        QVERIFY(flac.resize(4000)); // cut short: the header promises 6 s
        flac.close();
        r = cli({"embed", dir, "-o", archive, "--segment", "window:1"});
        QCOMPARE(r.code, 3);
        QVERIFY2(r.out.contains(QStringLiteral("rec_000.flac: cannot embed"))
                     && r.out.contains(QStringLiteral("its 6 earlier clip(s) and their labels stay in the archive")),
                 qPrintable(r.out));
        r = cli({"recordings", archive, "--show", "problems"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(QRegularExpression(QStringLiteral("\\nrec_000\\.flac\\t[0-9.]+\\t\\d+\\t6\\tnot read: ")).match(r.out).hasMatch(),
                 qPrintable(r.out));
        r = cli({"export", archive, "--csv", tmp_.filePath(QStringLiteral("damaged.csv"))});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile csv(tmp_.filePath(QStringLiteral("damaged.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
        QCOMPARE(QString::fromUtf8(csv.readAll()).count(QStringLiteral(",caw,")), 6);
    }

    void recordingsThatGaveNoClipAreListed()
    {
        // A folder with calls, a faint hiss in which event detection finds nothing, and a file that
        // is not audio: after embedding, `recordings` still tells which are not on the map, and why.
        const QString dir = tmp_.filePath(QStringLiteral("listed")), archive = tmp_.filePath(QStringLiteral("listed.crowlingo"));
        Run r = cli({"synth", dir, "--files", "1", "--minutes", "0.2", "--seed", "6"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        {
            // 3 s of 16-bit mono hiss at +-3 LSB.
            quint32 state = 11;
            QVERIFY(writeWav16(dir + QStringLiteral("/quiet.wav"), 22050, 3 * 22050,
                               [&](qint32) { return qint16(qint32((state = state * 1664525u + 1013904223u) >> 29) - 3); }));
        }
        QFile bad(dir + QStringLiteral("/notes.wav"));
        QVERIFY(bad.open(QIODevice::WriteOnly | QIODevice::Text));
        bad.write("not audio\n");
        bad.close();
        r = cli({"embed", dir, "-o", archive, "--segment", "events"});
        QCOMPARE(r.code, 3); // a file could not be used; the rest is embedded
        QVERIFY2(r.out.contains(QStringLiteral("quiet.wav")), qPrintable(r.out));

        const auto rows = [](const QString& out) {
            QStringList lines = out.split(QLatin1Char('\n'), Qt::SkipEmptyParts);
            if (!lines.isEmpty() && lines.front().startsWith(QStringLiteral("path\t"))) lines.removeFirst();
            return lines;
        };
        r = cli({"recordings", archive});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(rows(r.out).size(), 3);
        QVERIFY2(r.err.contains(QStringLiteral("3 recordings: 2 gave no clip, 1 not read")), qPrintable(r.err));
        for (const QString& line : rows(r.out)) {
            const QStringList f = line.split(QLatin1Char('\t'));
            QCOMPARE(f.size(), 5);
            if (f[0].startsWith(QStringLiteral("rec_"))) {
                QVERIFY2(f[3].toInt() > 0 && f[4].isEmpty(), qPrintable(line));
            }
        }
        r = cli({"recordings", archive, "--show", "without-clips"});
        QStringList listed = rows(r.out);
        QCOMPARE(listed.size(), 2);
        QVERIFY2(listed[0].startsWith(QStringLiteral("notes.wav\t")) && listed[0].contains(QStringLiteral("not read")), qPrintable(listed[0]));
        QVERIFY2(listed[1].startsWith(QStringLiteral("quiet.wav\t3.000\t22050\t0\tno clip")), qPrintable(listed[1]));
        r = cli({"recordings", archive, "--show", "problems"});
        listed = rows(r.out);
        QCOMPARE(listed.size(), 1);
        QVERIFY(listed[0].startsWith(QStringLiteral("notes.wav\t")));
        r = cli({"recordings", archive, "--show", "odd"});
        QVERIFY(r.code != 0);
    }

    void shortClipsAreReadAtAFinerTimeScale()
    {
        // 100-ms clips fit the bundled model's 1.5-s window four times finer: embed chooses x4 and
        // keeps it; a query cut from a recording finds its own clip (the model is read at the
        // archive's scale); the reconstruction of such a clip has a trivial predictor to beat.
        const QString dir = tmp_.filePath(QStringLiteral("short")), archive = tmp_.filePath(QStringLiteral("short.crowlingo"));
        Run r = synthAndEmbed(dir, archive, "1", "0.25", "8", "window:0.1");
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("read at time scale 4"), qPrintable(r.out));

        r = cli({"neighbours", archive, "--file", dir + "/rec_000.flac", "--start", "2", "--end", "2.1", "-k", "3"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        const QStringList rows = r.out.split('\n', Qt::SkipEmptyParts);
        QVERIFY2(rows.size() >= 2, qPrintable(r.out));
        const QStringList best = rows[1].split('\t'); // rank, clip_id, similarity, path, start_s, end_s
        QCOMPARE(best.value(3), QStringLiteral("rec_000.flac"));
        QCOMPARE(best.value(4).toDouble(), 2.0);
        QVERIFY2(best.value(2).toDouble() > 0.99, qPrintable(r.out));

        // With neighbour lists stored (as embed stores them from 200,000 clips on; here built for
        // 150), the search goes through them and finds the same; --exact compares with every clip.
        {
            crowlingo::Archive a = crowlingo::Archive::open(archive.toStdString());
            crowlingo::storeRetrievalSpace(a, a.activeModel(), {}, 10);
            QVERIFY(a.neighbourLists(crowlingo::retrievalSpaceId(a.activeModel())));
        }
        const QStringList query = {"neighbours", archive, "--file", dir + "/rec_000.flac", "--start", "2", "--end", "2.1", "-k", "3"};
        const Run listed = cli(query);
        QVERIFY2(listed.code == 0, qPrintable(listed.out + listed.err));
        QCOMPARE(listed.out, r.out);
        const Run exact = cli(query + QStringList{"--exact"});
        QVERIFY2(exact.code == 0, qPrintable(exact.out + exact.err));
        QCOMPARE(exact.out, r.out);

        r = cli({"embed", dir, "-o", archive, "--segment", "window:0.1", "--time-scale", "1"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("time scale 4"), qPrintable(r.err));

        r = cli({"reconstruct", dir + "/rec_000.flac", "--start", "2", "--end", "2.1", "--time-scale", "4", "--png",
                 tmp_.filePath(QStringLiteral("r.png"))});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("trivial predictor: ([0-9.]+) dB")).match(r.out + r.err);
        QVERIFY2(m.hasMatch(), qPrintable(r.out + r.err));
    }
    // add-clip and remove-clip: a call drawn by hand, given by the file's own path or as stored,
    // embedded with the archive's model (its first neighbour is the segmentation's clip of the same
    // call), exported with the others; removal takes only clips drawn by hand, all or none.
    void aClipDrawnByHandFromTheCommandLine()
    {
        const QString dir = tmp_.filePath(QStringLiteral("drawn")), archive = tmp_.filePath(QStringLiteral("drawn.crowlingo"));
        Run r = synthAndEmbed(dir, archive, "2", "0.5", "31", "events");
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        // A call of rec_001.flac from the corpus's ground truth, drawn a little loosely.
        QFile truth(dir + QStringLiteral("/ground_truth.csv"));
        QVERIFY(truth.open(QIODevice::ReadOnly | QIODevice::Text));
        truth.readLine();
        double start = -1, end = -1;
        while (!truth.atEnd() && start < 0) {
            const QStringList f = QString::fromUtf8(truth.readLine()).trimmed().split(',');
            if (f.size() >= 3 && f[0] == QLatin1String("rec_001.flac") && f[2].toDouble() - f[1].toDouble() > 0.1) {
                start = f[1].toDouble() - 0.01;
                end = f[2].toDouble() + 0.01;
            }
        }
        QVERIFY(start >= 0);
        const crowlingo::Archive before = crowlingo::Archive::openReadOnly(archive.toStdString());
        const std::int64_t clips = before.clipCount();
        // The segmentation's clip that holds the call, for comparison with the neighbours below.
        crowlingo::ClipId callClip = -1;
        double overlapBest = 0;
        for (const crowlingo::ClipRow& c : before.clips()) {
            const double overlap = std::min(c.end, end) - std::max(c.start, start);
            if (c.path == "rec_001.flac" && overlap > overlapBest) { overlapBest = overlap; callClip = c.id; }
        }
        QVERIFY(callClip > 0);

        r = cli({"add-clip", archive, dir + QStringLiteral("/rec_001.flac"), "--start", QString::number(start, 'f', 4), "--end",
                 QString::number(end, 'f', 4), "--low-hz", "300", "--high-hz", "9000", "--label", "loose"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        const QRegularExpressionMatch added = QRegularExpression(QStringLiteral("^clip (\\d+) added to rec_001.flac")).match(r.out);
        QVERIFY2(added.hasMatch(), qPrintable(r.out));
        QString id = added.captured(1);
        {
            const crowlingo::Archive a = crowlingo::Archive::openReadOnly(archive.toStdString());
            QCOMPARE(a.clipCount(), clips + 1);
            const crowlingo::ClipRow c = *a.clip(id.toLongLong());
            QVERIFY(c.byHand);
            QCOMPARE(c.lowHz, 300.0);
            QVERIFY(a.embedding(c.id, a.activeModel()).has_value());
        }
        r = cli({"neighbours", archive, id, "-k", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.split('\n').value(1).startsWith(QStringLiteral("1\t%1\t").arg(callClip)), qPrintable(r.out));
        r = cli({"export", archive, "--csv", tmp_.filePath(QStringLiteral("drawn.csv"))});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QFile csv(tmp_.filePath(QStringLiteral("drawn.csv")));
        QVERIFY(csv.open(QIODevice::ReadOnly | QIODevice::Text));
        const QString exported = QString::fromUtf8(csv.readAll());
        QVERIFY2(exported.contains(QRegularExpression(QStringLiteral("\\n%1,rec_001.flac,.*,loose,user\\n").arg(id))), qPrintable(exported));

        // The same span again, a span past the end, an unknown recording: refused, each said why.
        r = cli({"add-clip", archive, "rec_001.flac", "--start", QString::number(start, 'f', 4), "--end",
                 QString::number(end, 'f', 4), "--low-hz", "300", "--high-hz", "9000"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QStringLiteral("already spans exactly this")), qPrintable(r.err));
        r = cli({"add-clip", archive, "rec_001.flac", "--start", "29.5", "--end", "31"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QStringLiteral("the recording lasts")), qPrintable(r.err));
        r = cli({"add-clip", archive, "elsewhere.flac", "--start", "1", "--end", "2"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QStringLiteral("holds no recording \"elsewhere.flac\"")), qPrintable(r.err));

        // Drawn 40 ms loose and fitted to its call: moved in, within what was drawn.
        r = cli({"add-clip", archive, "rec_001.flac", "--start", QString::number(start - 0.03, 'f', 4), "--end",
                 QString::number(end + 0.03, 'f', 4), "--fit-to-call"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.startsWith(QStringLiteral("fitted to its call")), qPrintable(r.out));
        {
            const QRegularExpressionMatch fitted = QRegularExpression(QStringLiteral("clip (\\d+) added")).match(r.out);
            QVERIFY2(fitted.hasMatch(), qPrintable(r.out));
            const crowlingo::ClipRow c = *crowlingo::Archive::openReadOnly(archive.toStdString()).clip(fitted.captured(1).toLongLong());
            QVERIFY2(c.start > start - 0.03 + 1e-4 && c.end < end + 0.03 - 1e-4 && c.start < c.end,
                     qPrintable(QStringLiteral("%1-%2").arg(c.start).arg(c.end)));
            r = cli({"remove-clip", archive, fitted.captured(1)});
            QVERIFY2(r.code == 0, qPrintable(r.err));
        }

        // Drawn again tighter, the band only given up: a new id, the label kept, the same call first.
        r = cli({"redraw-clip", archive, id, "--start", QString::number(start + 0.008, 'f', 4), "--whole-band"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        const QRegularExpressionMatch redrawn =
            QRegularExpression(QStringLiteral("^clip %1 of rec_001.flac redrawn as clip (\\d+)").arg(id)).match(r.out);
        QVERIFY2(redrawn.hasMatch(), qPrintable(r.out));
        const QString oldId = id;
        id = redrawn.captured(1);
        {
            const crowlingo::Archive a = crowlingo::Archive::openReadOnly(archive.toStdString());
            QCOMPARE(a.clipCount(), clips + 1);
            QVERIFY(!a.clip(oldId.toLongLong()));
            const crowlingo::ClipRow c = *a.clip(id.toLongLong());
            QVERIFY(c.byHand);
            QVERIFY(std::abs(c.start - (start + 0.008)) < 1e-9);
            QVERIFY(std::abs(c.end - end) < 1e-9); // not given: kept
            QCOMPARE(std::make_pair(c.lowHz, c.highHz), std::make_pair(0.0, 0.0));
            const std::vector<crowlingo::LabelRow> labels = a.labels();
            QVERIFY(std::any_of(labels.begin(), labels.end(),
                                [&](const crowlingo::LabelRow& l) { return l.clipId == c.id && l.label == "loose"; }));
        }
        r = cli({"neighbours", archive, id, "-k", "1"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY2(r.out.split('\n').value(1).startsWith(QStringLiteral("1\t%1\t").arg(callClip)), qPrintable(r.out));
        // Drawn wide again, then fitted: the call's own clip is still first, the label still kept.
        r = cli({"redraw-clip", archive, id, "--start", QString::number(start - 0.04, 'f', 4), "--end",
                 QString::number(end + 0.04, 'f', 4), "--fit-to-call"});
        QVERIFY2(r.code == 0 && r.out.startsWith(QStringLiteral("fitted to its call")), qPrintable(r.out + r.err));
        {
            const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("redrawn as clip (\\d+)")).match(r.out);
            QVERIFY2(m.hasMatch(), qPrintable(r.out));
            id = m.captured(1);
            const crowlingo::ClipRow c = *crowlingo::Archive::openReadOnly(archive.toStdString()).clip(id.toLongLong());
            QVERIFY2(c.start > start - 0.04 + 1e-4 && c.end < end + 0.04 - 1e-4, qPrintable(QStringLiteral("%1-%2").arg(c.start).arg(c.end)));
        }
        r = cli({"neighbours", archive, id, "-k", "1"});
        QVERIFY2(r.out.split('\n').value(1).startsWith(QStringLiteral("1\t%1\t").arg(callClip)), qPrintable(r.out));
        r = cli({"redraw-clip", archive, QString::number(callClip), "--end", "29"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QStringLiteral("cut by the archive's segmentation")), qPrintable(r.err));
        r = cli({"redraw-clip", archive, id, "--low-hz", "300"});
        QVERIFY(r.code != 0); // a band needs both edges

        // Removal: the segmentation's clip is refused and nothing is removed, then the drawn one goes.
        r = cli({"remove-clip", archive, id, QString::number(callClip)});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains(QStringLiteral("not drawn by hand")), qPrintable(r.err));
        QCOMPARE(crowlingo::Archive::openReadOnly(archive.toStdString()).clipCount(), clips + 1);
        r = cli({"remove-clip", archive, id});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QCOMPARE(crowlingo::Archive::openReadOnly(archive.toStdString()).clipCount(), clips);
    }
};

QTEST_GUILESS_MAIN(TestCliEvaluate)
#include "tst_clievaluate.moc"
