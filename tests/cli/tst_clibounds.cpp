// Absurd values on crowlingo-cli's command line, run as a researcher would: each is refused with
// a non-zero exit, before any work, by a message that names the option and the allowed range (no
// 300-digit bound, no -2147483648 Hz, no archive where every file failed, no PNG of nothing).
// Links only QtTest: everything goes through the real executable.
#include "CliRun.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

class TestCliBounds : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    QString dir_, file_; // a 3-second synthetic recording

    using Run = CliRun;
    static Run cli(const QStringList& args) { return runCli(args); }

    // Substitutes the test's folder, file and a fresh output path into the arguments.
    QStringList args(const QString& line) const
    {
        QStringList a = line.split(' ', Qt::SkipEmptyParts);
        for (QString& s : a) {
            s.replace("DIR", dir_).replace("FILE", file_).replace("OUT", tmp_.filePath("out"));
        }
        return a;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        dir_ = tmp_.filePath("rec");
        const Run r = cli({"synth", dir_, "--files", "1", "--minutes", "0.05", "--seed", "3"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        file_ = dir_ + "/rec_000.flac";
        QVERIFY(QFile::exists(file_));
    }

    void refusedWithARange_data()
    {
        QTest::addColumn<QString>("line");
        QTest::addColumn<QString>("expected");
        QTest::newRow("threads -1") << "--threads -1 info FILE" << "--threads: must be between 1 and 1024, or 0 for all cores (got -1)";
        QTest::newRow("threads 5000") << "--threads 5000 info FILE" << "--threads: must be between 1 and 1024, or 0 for all cores (got 5000)";
        QTest::newRow("precision half") << "--precision half info FILE" << "--precision: must be auto, float32 or bfloat16 (got half)";
        // NaN passed CLI::Range and made an archive where every file failed, exit 0.
        QTest::newRow("embed time expansion nan") << "embed DIR -o OUT --time-expansion nan" << "--time-expansion: must be a number from 0.01 to 1000 (got nan)";
        QTest::newRow("segment time expansion inf") << "segment FILE --time-expansion inf" << "--time-expansion: must be a number from 0.01 to 1000 (got inf)";
        QTest::newRow("train lr nan") << "train DIR --out OUT --steps 1 --lr nan" << "--lr: must be a number from";
        QTest::newRow("train mask ratio nan") << "train DIR --out OUT --steps 1 --mask-ratio nan" << "--mask-ratio: must be a number from 0.3 to 0.8 (got nan)";
        QTest::newRow("train contrastive -1") << "train DIR --out OUT --steps 1 --contrastive -1" << "--contrastive: must be a number from 0 to 10 (got -1)";
        QTest::newRow("adapt contrastive temperature 0") << "adapt FILE --steps 1 --contrastive-temperature 0" << "--contrastive-temperature: must be a number from 0.01 to 1 (got 0)";
        QTest::newRow("adapt patience -2") << "adapt FILE --steps 1 --patience -2" << "--patience: must be a whole number from 0 to 1000000 (got -2)";
        QTest::newRow("train batch 5000") << "train DIR --out OUT --steps 1 --batch 5000" << "--batch: must be a whole number from 1 to 4096 (got 5000)";
        QTest::newRow("train minutes inf") << "train DIR --out OUT --minutes inf" << "--minutes: must be a number from 0.01 to 525600 (got inf)";
        QTest::newRow("train time expansion nan") << "train DIR --out OUT --steps 1 --time-expansion nan" << "--time-expansion: must be a number from 0.01 to 1000";
        QTest::newRow("synth minutes nan") << "synth OUT --minutes nan" << "--minutes: must be a number from 0.05 to 600 (got nan)";
        QTest::newRow("project min-dist inf") << "project FILE --min-dist inf" << "--min-dist: must be a number from 0 to 10 (got inf)";
        QTest::newRow("reconstruct mask ratio nan") << "reconstruct FILE --png OUT --mask-ratio nan" << "--mask-ratio: must be a number from 0.3 to 0.8 (got nan)";
        QTest::newRow("reconstruct time expansion nan") << "reconstruct FILE --png OUT --time-expansion nan" << "--time-expansion: must be a number from 0.01 to 1000";
        QTest::newRow("mel n-fft 10^9") << "mel FILE --png OUT --n-fft 1000000000" << "--n-fft: must be a whole number from 2 to 65536 (got 1000000000)";
        QTest::newRow("mel rate 10^9") << "mel FILE --png OUT --rate 1000000000" << "--rate: must be a whole number from 1000 to 1000000";
        QTest::newRow("mel f-max nan") << "mel FILE --png OUT --f-max nan" << "--f-max: must be a number from 0 to 500000 (got nan)";
        QTest::newRow("mel start negative") << "mel FILE --png OUT --start -1" << "--start: must be a finite number >= 0 (got -1)";
        QTest::newRow("neighbours end nan") << "neighbours FILE --file FILE --end nan" << "--end: must be a finite number >= 0 (got nan)";
        // A band of 10^12 Hz was reported as "band -2147483648--2147483648 Hz".
        QTest::newRow("events lowHz 1e12") << "segment FILE --segment events:lowHz=1e12" << "lowHz = 1e+12 is out of range 0..1000000 Hz";
        // Stretches outside the file used to exit 0 with a meaningless picture.
        QTest::newRow("mel end before start") << "mel FILE --png OUT --start 2 --end 1" << "--end 1 s must be after --start 2 s";
        QTest::newRow("mel start past the end") << "mel FILE --png OUT --start 100" << "--start 100 s is at or beyond the end of \"FILE\", which is 3 s long";
        QTest::newRow("reconstruct start 1e9") << "reconstruct FILE --png OUT --start 1e9" << "--start 1000000000 s is at or beyond the end of \"FILE\", which is 3 s long";
    }

    void refusedWithARange()
    {
        QFETCH(QString, line);
        QFETCH(QString, expected);
        const Run r = cli(args(line));
        QVERIFY2(r.code != 0, qPrintable(r.out + r.err));
        QString want = expected;
        want.replace("FILE", file_);
        QVERIFY2(r.err.contains(want), qPrintable(r.err));
        QVERIFY2(!r.err.contains(QRegularExpression("\\d{20}")), qPrintable(r.err)); // no 300-digit bound
        QVERIFY2(!r.err.contains("2147483648") && !r.err.contains("Exception raised from"), qPrintable(r.err));
        QVERIFY(!QFile::exists(tmp_.filePath("out"))); // nothing written
    }

    void sensibleValuesStillWork()
    {
        const Run r = cli({"--threads", "2", "mel", file_, "--start", "0.5", "--end", "2", "--png", tmp_.filePath("ok.png")});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(tmp_.filePath("ok.png")));
        // The number format asked for is the one the model command says it embeds in.
        for (const QString precision : {"float32", "bfloat16"}) {
            const QString archive = tmp_.filePath(precision + ".crowlingo");
            const Run e = cli({"--precision", precision, "embed", dir_, "-o", archive});
            QVERIFY2(e.code == 0, qPrintable(e.err));
            QVERIFY2(e.err.contains("embeds in " + precision), qPrintable(e.err));
        }
    }
};

QTEST_GUILESS_MAIN(TestCliBounds)
#include "tst_clibounds.moc"
