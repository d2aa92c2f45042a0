// LatestJob: of several jobs started one after another, only the newest hands its result to the
// GUI thread, however the workers finish; drop() discards the one running; a ticket taken for work
// run elsewhere makes an older run() stale too; running() counts stale jobs until they end.
#include "ui/LatestJob.h"

#include <QSemaphore>
#include <QSignalSpy>
#include <QTest>

#include <memory>
#include <vector>

using namespace crowlingo::ui;

class TestLatestJob : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void onlyTheNewestResultArrives()
    {
        QObject owner;
        LatestJob job(&owner);
        std::vector<int> delivered;
        // The first job is held until the second has finished, so it ends last.
        auto release = std::make_shared<QSemaphore>();
        job.run([release] { release->acquire(); return 1; }, [&](int v) { delivered.push_back(v); });
        job.run([] { return 2; }, [&](int v) { delivered.push_back(v); });
        QTRY_COMPARE(delivered, std::vector<int>{2});
        QCOMPARE(job.running(), 1); // the stale one is still working
        release->release();
        QTRY_COMPARE(job.running(), 0);
        QCOMPARE(delivered, std::vector<int>{2});
    }

    void dropDiscardsTheRunningJob()
    {
        QObject owner;
        LatestJob job(&owner);
        int calls = 0;
        auto release = std::make_shared<QSemaphore>();
        job.run([release] { release->acquire(); return QString("late"); }, [&](const QString&) { ++calls; });
        job.drop();
        release->release();
        QTRY_COMPARE(job.running(), 0);
        QTest::qWait(20);
        QCOMPARE(calls, 0);
        // A fresh job after a drop is delivered.
        job.run([] { return QString("fresh"); }, [&](const QString& s) { calls += s == "fresh"; });
        QTRY_COMPARE(calls, 1);
    }

    void ticketsShareTheSequence()
    {
        QObject owner;
        LatestJob job(&owner);
        int calls = 0;
        auto release = std::make_shared<QSemaphore>();
        job.run([release] { release->acquire(); return 0; }, [&](int) { ++calls; });
        const quint64 ticket = job.ticket(); // e.g. training started on another runner
        QVERIFY(job.isLatest(ticket));
        release->release();
        QTRY_COMPARE(job.running(), 0);
        QTest::qWait(20);
        QCOMPARE(calls, 0);
        job.drop();
        QVERIFY(!job.isLatest(ticket));
    }

    void ownerGoneResultGoesNowhere()
    {
        int calls = 0;
        auto release = std::make_shared<QSemaphore>();
        {
            QObject owner;
            LatestJob job(&owner);
            job.run([release] { release->acquire(); return 7; }, [&](int) { ++calls; });
        } // owner (and the watcher, its child) destroyed while the job runs
        release->release();
        QTest::qWait(50);
        QCOMPARE(calls, 0);
    }
};

QTEST_MAIN(TestLatestJob)
#include "tst_latestjob.moc"
