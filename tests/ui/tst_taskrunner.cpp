// Long work off the GUI thread: progress arrives as signals, cancel stops the work at its next
// check, and an exception in the work comes back as an error message (never across threads).
#include "ui/TaskRunner.h"

#include "core/common/Error.h"

#include <QSignalSpy>
#include <QTest>

#include <atomic>
#include <thread>

using namespace crowlingo;
using namespace crowlingo::ui;

class TestTaskRunner : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void resultAndProgressComeBackOnTheGuiThread()
    {
        TaskRunner runner;
        QSignalSpy progress(&runner, &TaskRunner::progressChanged);
        QSignalSpy finished(&runner, &TaskRunner::finished);
        std::optional<int> got;
        Qt::HANDLE doneThread = nullptr;
        QVERIFY(runner.start<int>(QStringLiteral("sum"),
                                  [](const Progress& p) {
                                      int sum = 0;
                                      for (int i = 1; i <= 100; ++i) {
                                          sum += i;
                                          p(i / 100.0, "adding");
                                      }
                                      return sum;
                                  },
                                  [&](Result<int> r) {
                                      got = r.value;
                                      doneThread = QThread::currentThreadId();
                                  }));
        QVERIFY(runner.isBusy());
        QVERIFY(finished.wait(10000));
        QCOMPARE(got, std::optional<int>(5050));
        QCOMPARE(doneThread, QThread::currentThreadId());
        QVERIFY(finished.last().at(0).toBool());
        QVERIFY(!runner.isBusy());
        QVERIFY(progress.size() >= 1); // at least the start; the final 100 % is never throttled away
        QCOMPARE(progress.first().at(0).toDouble(), 0.0);
    }

    void oneTaskAtATime()
    {
        TaskRunner runner;
        std::atomic<bool> release{false};
        QSignalSpy finished(&runner, &TaskRunner::finished);
        QVERIFY(runner.start<int>(QStringLiteral("wait"), [&](const Progress&) {
            while (!release) std::this_thread::yield();
            return 1;
        }, {}));
        QVERIFY(!runner.start<int>(QStringLiteral("second"), [](const Progress&) { return 2; }, {}));
        release = true;
        QVERIFY(finished.wait(10000));
        QVERIFY(runner.start<int>(QStringLiteral("third"), [](const Progress&) { return 3; }, {}));
        QVERIFY(finished.wait(10000));
    }

    void cancelStopsTheWork()
    {
        TaskRunner runner;
        QSignalSpy finished(&runner, &TaskRunner::finished);
        std::atomic<bool> running{false};
        bool cancelled = false;
        QVERIFY(runner.start<int>(QStringLiteral("forever"),
                                  [&](const Progress& p) {
                                      running = true;
                                      for (;;) p.checkCancelled(); // throws Cancelled
                                      return 0;
                                  },
                                  [&](Result<int> r) { cancelled = r.cancelled; }));
        QTRY_VERIFY_WITH_TIMEOUT(running.load(), 10000);
        runner.cancel();
        QVERIFY(finished.wait(10000));
        QVERIFY(cancelled);
        QCOMPARE(finished.last().at(0).toBool(), false);
        QCOMPARE(finished.last().at(1).toBool(), true);
    }

    void errorsBecomeMessages()
    {
        TaskRunner runner;
        QSignalSpy finished(&runner, &TaskRunner::finished);
        QString error;
        QVERIFY(runner.start<int>(QStringLiteral("fail"),
                                  [](const Progress&) -> int { throw AudioError(fileError("read", "x.wav", "truncated")); },
                                  [&](Result<int> r) { error = r.error; }));
        QVERIFY(finished.wait(10000));
        QCOMPARE(error, QStringLiteral("cannot read \"x.wav\": truncated"));
        QCOMPARE(finished.last().at(2).toString(), error);
    }
};

QTEST_GUILESS_MAIN(TestTaskRunner)
#include "tst_taskrunner.moc"
