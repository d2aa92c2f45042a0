// Find Calls: a few clips of one kind labelled as examples and a few others as counter-examples
// from the selection; the review queue searches by example before any training; Train scores every clip in the background (the kind's clips above the
// threshold, the rest below), colours the map and fills the table's Score column; the review
// queue plays on Space and turns Y / N into labels stored at once; the classifier is back after
// closing and reopening the archive.
#include "UiTestArchive.h"
#include "UiTestWindow.h"

#include "core/archive/Archive.h"
#include "ui/ArchiveSession.h"
#include "ui/ClipTableModel.h"
#include "ui/ClipTablePanel.h"
#include "ui/FindCallsPanel.h"
#include "ui/MainWindow.h"
#include "ui/MapView.h"
#include "ui/ScoreHistogram.h"
#include "ui/TaskRunner.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableWidget>
#include <QTest>

#include <map>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

class TestFindCalls : public QObject {
    Q_OBJECT

    // The clip indices of a kind, in order.
    static QVector<int> clipsOfKind(const UiTestArchive& a, const ArchiveSession& s, int kind)
    {
        QVector<int> clips;
        for (int i = 0; i < s.clipCount(); ++i)
            if (a.kindOf(s.data().clips[std::size_t(i)].id) == kind) clips << i;
        return clips;
    }
    static std::map<ClipId, std::string> userLabels(const UiTestArchive& a)
    {
        std::map<ClipId, std::string> m;
        for (const LabelRow& l : Archive::openReadOnly(a.file().toStdString()).labels())
            if (l.source == "user") m[l.clipId] = l.label;
        return m;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void examplesTrainScoreReviewAndReopen()
    {
        // Three dimensions, one per kind of call: with a handful of examples a classifier on
        // standardised features cannot tell five dimensions of pure noise from signal, which real
        // 512-value embeddings do not have (measured in MODEL_CARD "Few-shot classifier").
        UiTestArchive a(UiTestArchive::Options{.dimension = 3});
        MainWindow w;
        w.setAutoProjection(false);
        QVERIFY(testkit::showAndOpen(w, a.file()));
        ArchiveSession& s = *w.session();
        FindCallsPanel* panel = w.findCalls();
        QTRY_VERIFY(!panel->isBusy());
        w.showFindCalls();
        QVERIFY(panel->isVisible());

        // Nothing to learn from yet: Train says so and leaves no classifier.
        panel->setCallName(QStringLiteral("tone"));
        QVERIFY(panel->train());
        QTRY_VERIFY_WITH_TIMEOUT(!w.tasks()->isBusy(), 20000);
        QVERIFY(panel->classifier() == nullptr);

        const QVector<int> tones = clipsOfKind(a, s, 0), chirps = clipsOfKind(a, s, 1), noise = clipsOfKind(a, s, 2);
        s.setSelection(tones.mid(0, 5));
        QVERIFY(panel->addExamples(true));
        s.setSelection({chirps[0], chirps[1], chirps[2], noise[0], noise[1], noise[2]});
        QVERIFY(panel->addExamples(false));
        QCOMPARE(panel->exampleCount(), 5);
        QCOMPARE(panel->counterExampleCount(), 6);
        std::map<ClipId, std::string> stored = userLabels(a);
        QCOMPARE(stored.at(s.data().clips[std::size_t(tones[0])].id), std::string("tone"));
        QCOMPARE(stored.at(s.data().clips[std::size_t(noise[1])].id), std::string("not:tone"));

        // Before any training the queue searches by example: the unlabelled tones come first.
        panel->setReviewOrder(FindCallsPanel::ReviewOrder::MostLikeExamples);
        QCOMPARE(panel->reviewCount(), s.clipCount() - 11);
        for (int row = 0; row < tones.size() - 5; ++row)
            QVERIFY2(tones.contains(panel->reviewClipAt(row)), qPrintable(QString::number(row)));

        QVERIFY(panel->train());
        QTRY_VERIFY_WITH_TIMEOUT(panel->classifier() != nullptr, 20000);
        QVERIFY(s.hasScores());
        for (int i = 0; i < s.clipCount(); ++i) {
            const bool tone = tones.contains(i);
            QVERIFY2((s.score(i) >= 0.5f) == tone, qPrintable(QStringLiteral("clip %1 scores %2").arg(i).arg(s.score(i))));
        }
        QVERIFY2(panel->qualityText().contains(QStringLiteral("precision")), qPrintable(panel->qualityText()));
        panel->setThreshold(0.9f);
        QCOMPARE(panel->histogram()->threshold(), 0.9f);
        QVERIFY2(panel->qualityText().startsWith(QStringLiteral("At 0.90")), qPrintable(panel->qualityText()));

        // The table's Score column and the map's score colouring follow.
        QVERIFY(testkit::showClipTable(w));
        const ClipTableModel& model = *w.clipTable()->model();
        QCOMPARE(model.data(model.index(tones[5], ClipTableModel::Score), ClipTableModel::SortRole).toDouble(),
                 double(s.score(tones[5])));
        QVERIFY(model.headerData(ClipTableModel::Score, Qt::Horizontal).toString().contains(QStringLiteral("tone")));
        w.mapView()->setColourBy(MapView::ColourBy::Score);
        int coloured = 0;
        for (const MapView::LegendEntry& e : w.mapView()->legend()) coloured += e.count;
        QCOMPARE(coloured, w.mapView()->pointCount());

        // Review: highest scores first, unlabelled only. Space plays; Y and N label and move on.
        panel->setReviewOrder(FindCallsPanel::ReviewOrder::HighestScore);
        QCOMPARE(panel->reviewCount(), s.clipCount() - 11);
        const int first = panel->reviewClipAt(0), second = panel->reviewClipAt(1);
        QVERIFY(tones.contains(first) && tones.contains(second));
        QTableWidget* queue = panel->reviewTable();
        queue->setFocus();
        queue->setCurrentCell(0, 0);
        QCOMPARE(s.currentClip(), first);
        QSignalSpy played(panel, &FindCallsPanel::playRequested);
        QTest::keyClick(queue, Qt::Key_Space);
        QCOMPARE(played.count(), 1);
        QCOMPARE(played.at(0).at(0).toInt(), first);
        QTest::keyClick(queue, Qt::Key_Y);
        QCOMPARE(s.currentClip(), second);
        QTest::keyClick(queue, Qt::Key_N);
        QCOMPARE(panel->reviewCount(), s.clipCount() - 13);
        stored = userLabels(a);
        QCOMPARE(stored.at(s.data().clips[std::size_t(first)].id), std::string("tone"));
        QCOMPARE(stored.at(s.data().clips[std::size_t(second)].id), std::string("not:tone"));
        QCOMPARE(panel->exampleCount(), 6);

        // Closing forgets the scores; reopening brings the stored classifier back.
        w.closeArchive();
        QVERIFY(!s.hasScores());
        QVERIFY(panel->classifier() == nullptr);
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        QTRY_VERIFY_WITH_TIMEOUT(panel->classifier() != nullptr, 20000);
        QCOMPARE(panel->callName(), QStringLiteral("tone"));
        QVERIFY(s.hasScores());
        QVERIFY(s.score(tones[7]) >= 0.5f);
    }
};

QTEST_MAIN(TestFindCalls)
#include "tst_findcalls.moc"
