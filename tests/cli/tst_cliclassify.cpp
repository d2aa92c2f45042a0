// `crowlingo-cli classify` as a researcher runs it: a synthetic folder embedded with the bundled
// model, ten labelled caws and ten labelled other calls; the classifier then finds the caws among
// all clips (judged against the synthesiser's ground truth, which the classifier never sees beyond
// those twenty), survives in the archive from one process to the next, and refuses bad input with
// a message that says what to do. Links only QtTest: everything goes through the real executable.
#include "CliRun.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

class TestCliClassify : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString dir_, archive_;
    struct Truth { QString file; double start, end; QString type; };
    QList<Truth> truth_;

    using Run = CliRun;
    static Run cli(const QStringList& args) { return runCli(args); }
    QString path(const char* name) const { return tmp_.filePath(QString::fromUtf8(name)); }
    static void write(const QString& file, const QString& text)
    {
        QFile f(file);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Text));
        f.write(text.toUtf8());
    }
    // Whether any caw of the ground truth overlaps [start, end) of the file.
    bool isCaw(const QString& file, double start, double end) const
    {
        for (const Truth& t : truth_)
            if (t.file == file && t.start < end && t.end > start && t.type == QLatin1String("caw")) return true;
        return false;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        dir_ = path("calls");
        archive_ = path("a.crowlingo");
        Run r = cli({"synth", dir_, "--files", "3", "--minutes", "0.75", "--seed", "5"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"embed", dir_, "-o", archive_, "--segment", "events"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile f(dir_ + QStringLiteral("/ground_truth.csv"));
        QVERIFY(f.open(QIODevice::ReadOnly | QIODevice::Text));
        f.readLine(); // file,start,end,low_hz,high_hz,call_type,individual
        while (!f.atEnd()) {
            const QStringList c = QString::fromUtf8(f.readLine()).trimmed().split(',');
            if (c.size() >= 6) truth_.append({c[0], c[1].toDouble(), c[2].toDouble(), c[5]});
        }
        QVERIFY(truth_.size() > 40);
    }

    void tenAndTenFindTheCaws()
    {
        // The first ten caws and the first ten other calls, as span labels.
        QString labels = QStringLiteral("path,start_s,end_s,label\n");
        int caws = 0, others = 0;
        for (const Truth& t : truth_) {
            const bool caw = t.type == QLatin1String("caw");
            if ((caw ? caws : others) >= 10) continue;
            (caw ? caws : others)++;
            labels += QStringLiteral("%1,%2,%3,%4\n").arg(t.file).arg(t.start).arg(t.end).arg(caw ? "caw" : "negative");
        }
        QCOMPARE(caws + others, 20);
        write(path("few.csv"), labels);
        Run r = cli({"classify", "train", archive_, "--labels", path("few.csv"), "--name", "caws"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QVERIFY2(r.out.contains("classifier \"caws\"") && r.out.contains("cross-validation"), qPrintable(r.out));

        // A second process reads it back from the archive and scores every clip.
        r = cli({"classify", "list", archive_});
        QVERIFY2(r.code == 0 && r.out.startsWith("caws\t"), qPrintable(r.out + r.err));
        r = cli({"classify", "apply", archive_, "--name", "caws", "--csv", path("caws.csv"), "--raven", path("raven")});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QFile out(path("caws.csv"));
        QVERIFY(out.open(QIODevice::ReadOnly | QIODevice::Text));
        QCOMPARE(QString::fromUtf8(out.readLine()).trimmed(), QStringLiteral("clip_id,path,start_s,end_s,predicted,score,score_caw"));
        int tp = 0, fp = 0, fn = 0;
        while (!out.atEnd()) {
            const QStringList c = QString::fromUtf8(out.readLine()).trimmed().split(',');
            QCOMPARE(c.size(), 7);
            const bool truth = isCaw(c[1], c[2].toDouble(), c[3].toDouble());
            const bool found = c[4] == QLatin1String("caw");
            tp += truth && found;
            fp += !truth && found;
            fn += truth && !found;
        }
        QVERIFY2(tp >= 0.9 * (tp + fn) && tp >= 0.9 * (tp + fp),
                 qPrintable(QStringLiteral("%1 caws found, %2 missed, %3 false").arg(tp).arg(fn).arg(fp)));
        QVERIFY(QFile::exists(path("caws.csv.json")));
        QVERIFY(!QDir(path("raven")).entryList({QStringLiteral("*.selections.txt")}).isEmpty());

        r = cli({"classify", "suggest", archive_, "--name", "caws", "--count", "5"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        QCOMPARE(r.out.split('\n', Qt::SkipEmptyParts).size(), 6);
    }

    void badInputIsExplained()
    {
        write(path("bad.csv"), QStringLiteral("species;begin;end\nCorvus;1;2\n"));
        Run r = cli({"classify", "train", archive_, "--labels", path("bad.csv"), "--name", "x"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("bad.csv"), qPrintable(r.err));

        write(path("onlycaws.csv"), QStringLiteral("path,label\nrec_000.flac,caw\n"));
        r = cli({"classify", "train", archive_, "--labels", path("onlycaws.csv"), "--name", "x"});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("negative"), qPrintable(r.err));

        r = cli({"classify", "apply", archive_, "--name", "owls", "--csv", path("owls.csv")});
        QVERIFY(r.code != 0);
        QVERIFY2(r.err.contains("owls") && r.err.contains("caws"), qPrintable(r.err));
        QVERIFY(!QFile::exists(path("owls.csv")));

        r = cli({"classify", "apply", archive_, "--name", "caws", "--csv", path("caws.csv")});
        QVERIFY2(r.code != 0 && r.err.contains("--force"), qPrintable(r.err)); // written by the test above
    }

    void severalClipsSearchByExample()
    {
        Run r = cli({"neighbours", archive_, "1", "2", "-k", "3"});
        QVERIFY2(r.code == 0, qPrintable(r.out + r.err));
        const QStringList rows = r.out.split('\n', Qt::SkipEmptyParts);
        QCOMPARE(rows.size(), 4);
        for (int i = 1; i < rows.size(); ++i) {
            const QStringList f = rows[i].split('\t');
            QVERIFY2(f[1] != QLatin1String("1") && f[1] != QLatin1String("2"), qPrintable(r.out)); // examples left out
            QVERIFY(f[2].toDouble() <= 1.0 && f[2].toDouble() > 0.0);
        }
    }
};

QTEST_GUILESS_MAIN(TestCliClassify)
#include "tst_cliclassify.moc"
