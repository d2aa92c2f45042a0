// A label typed in the GUI is in the archive the moment Enter is pressed: a GUI process killed
// with SIGKILL right after the edit (no chance to save anything) shows the label on restart. The
// child GUI is this same executable, run with one test function and the archive in CHILD_ARCHIVE.
// The edit is written as the archive's label journal and folded into its label table while the
// window idles; in the last round the child is killed before it could fold.
#include "UiTestArchive.h"

#include "ui/ArchiveSession.h"
#include "ui/LabelBar.h"
#include "ui/MainWindow.h"

#include <QLineEdit>
#include <QProcess>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <csignal>
#include <cstdio>

#include <unistd.h>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

namespace {

bool openInWindow(MainWindow& w, const QString& file)
{
    w.resize(1280, 800);
    w.show();
    QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
    w.openArchive(file);
    return opened.wait(30000);
}

} // namespace

class TestLabelSurviveKill : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void labelSurvivesSigkillRightAfterTheEdit()
    {
        if (qEnvironmentVariableIsSet("CHILD_ARCHIVE")) QSKIP("this is the child GUI");
        UiTestArchive a;
        for (int round = 0; round < 3; ++round) {
            const QString label = QString("kill-test-%1").arg(round);
            QProcess child;
            QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
            env.insert("CHILD_ARCHIVE", a.file());
            env.insert("CHILD_LABEL", label);
            env.insert("CHILD_CLIP", QString::number(round * 5));
            const bool neverIdle = round == 2;
            if (neverIdle) env.insert("CHILD_NEVER_IDLE", "1");
            child.setProcessEnvironment(env);
            child.start(QCoreApplication::applicationFilePath(), {"childLabelsThenWaits"});
            QVERIFY(child.waitForStarted());
            // Kill the moment the child says the edit is done: no quit, no destructor, no flush.
            QByteArray out;
            QTRY_VERIFY_WITH_TIMEOUT((out += child.readAllStandardOutput()).contains("LABELLED"), 60000);
            ::kill(pid_t(child.processId()), SIGKILL);
            QVERIFY(child.waitForFinished(10000));
            QCOMPARE(child.exitStatus(), QProcess::CrashExit);
            const ClipId clip = out.mid(out.indexOf("LABELLED ") + 9).trimmed().toLongLong();
            if (neverIdle) {
                QVERIFY2(out.contains("JOURNALLED 1"), out.constData()); // killed with the edit unfolded
                QCOMPARE(Archive::openReadOnly(a.path()).journalledLabelClips(), std::int64_t(1));
            }

            // On disk, intact, and shown by a freshly started workbench.
            const Archive reread = Archive::open(a.path());
            QCOMPARE(reread.integrityCheck(), std::string("ok"));
            MainWindow w;
            QVERIFY(openInWindow(w, a.file()));
            const ArchiveView& data = w.session()->data();
            bool shown = false;
            for (std::size_t i = 0; i < data.clips.size(); ++i)
                if (data.clips[i].id == clip) shown = data.label[i] == label.toStdString();
            QVERIFY2(shown, qPrintable("label of clip " + QString::number(clip) + " lost"));
            // The journal the killed window left is folded by the new one while it idles.
            QTRY_COMPARE(Archive::openReadOnly(a.path()).journalledLabelClips(), std::int64_t(0));
        }
    }

    // Runs only in the child: label one clip through the label bar, report, then wait to be killed.
    void childLabelsThenWaits()
    {
        const QString file = qEnvironmentVariable("CHILD_ARCHIVE");
        if (file.isEmpty()) QSKIP("run by labelSurvivesSigkillRightAfterTheEdit");
        MainWindow w;
        QVERIFY(openInWindow(w, file));
        const int index = qEnvironmentVariableIntValue("CHILD_CLIP");
        w.session()->setCurrentClip(index);
        QLineEdit* edit = w.labelBar()->lineEdit();
        edit->setFocus();
        QTest::keyClicks(edit, qEnvironmentVariable("CHILD_LABEL"));
        QTest::keyClick(edit, Qt::Key_Return);
        const bool neverIdle = qEnvironmentVariableIsSet("CHILD_NEVER_IDLE");
        if (neverIdle) // no event loop from here on: the journal is never folded
            std::printf("JOURNALLED %lld\n", (long long)Archive::openReadOnly(file.toStdString()).journalledLabelClips());
        std::printf("LABELLED %lld\n", (long long)w.session()->data().clips[std::size_t(index)].id);
        std::fflush(stdout);
        if (neverIdle) ::sleep(120);
        QTest::qWait(120000); // the parent kills us long before
    }
};

QTEST_MAIN(TestLabelSurviveKill)
#include "tst_labelsurvivekill.moc"
