// `crowlingo-cli evaluate --labels` with a Raven selection table, run as a researcher would: a
// synthetic folder embedded by the CLI, a single-file Raven table with a custom label column that
// the table's name does not tie to a recording. Without --label-column, then without --recording,
// it is refused with a message saying what to add; with both the calls are evaluated by their labels.
// Links only QtTest: everything goes through the real executable.
#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>
#include <QTextStream>

class TestCliEvaluate : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;

    struct Run { int code; QString out; QString err; };
    static Run cli(const QStringList& args)
    {
        QProcess p;
        p.start(QStringLiteral(CROWLINGO_CLI_PATH), args);
        if (!p.waitForFinished(300000)) return {-1, {}, QStringLiteral("timed out")};
        return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
    }

private Q_SLOTS:
    void ravenTableWithRecordingAndLabelColumn()
    {
        QVERIFY(tmp_.isValid());
        const QString dir = tmp_.filePath(QStringLiteral("calls")), archive = tmp_.filePath(QStringLiteral("a.crowlingo"));
        Run r = cli({"synth", dir, "--files", "2", "--minutes", "0.5", "--seed", "5"});
        QVERIFY2(r.code == 0, qPrintable(r.err));
        r = cli({"embed", dir, "-o", archive, "--segment", "events"});
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
    }
};

QTEST_GUILESS_MAIN(TestCliEvaluate)
#include "tst_clievaluate.moc"
