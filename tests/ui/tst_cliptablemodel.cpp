// The clip table: QAbstractItemModelTester through opening, labelling, selecting and closing;
// numeric sorting; the text, cluster and label filters; similarity to the current clip.
#include "UiTestArchive.h"

#include "ui/ArchiveSession.h"

#include "core/archive/Archive.h"
#include "core/segment/Segmenter.h"
#include "ui/ClipFilterProxy.h"
#include "ui/ClipTableModel.h"
#include "ui/ClipTablePanel.h"

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QSignalSpy>
#include <QTest>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

class TestClipTableModel : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void passesTheModelTester()
    {
        UiTestArchive a;
        ArchiveSession session;
        ClipTableModel model(&session);
        ClipFilterProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QCOMPARE(model.rowCount(), 0);
        QSignalSpy opened(&session, &ArchiveSession::archiveOpened);
        session.open(a.file());
        QVERIFY(opened.wait(20000));
        QCOMPARE(model.rowCount(), a.clipCount());
        QCOMPARE(model.columnCount(), int(ClipTableModel::ColumnCount));
        proxy.sort(ClipTableModel::Similarity, Qt::DescendingOrder);
        session.setCurrentClip(3);
        QVERIFY(session.applyLabel({1, 2, 3}, QStringLiteral("robin")));
        proxy.setTextFilter(QStringLiteral("robin"));
        proxy.setClusterFilter(1);
        proxy.setTextFilter({});
        proxy.setClusterFilter(std::nullopt);
        session.close();
        QCOMPARE(model.rowCount(), 0);
    }

    void sortsNumbersAsNumbers()
    {
        UiTestArchive a;
        ArchiveSession session;
        ClipTableModel model(&session);
        ClipFilterProxy proxy;
        proxy.setSourceModel(&model);
        QSignalSpy opened(&session, &ArchiveSession::archiveOpened);
        session.open(a.file());
        QVERIFY(opened.wait(20000));
        proxy.sort(ClipTableModel::Start, Qt::DescendingOrder);
        // Starts are j + 0.25 for j = 0..11: "11.25" must come before "2.25" (not text order).
        QCOMPARE(proxy.index(0, ClipTableModel::Start).data().toString(), QStringLiteral("11.25"));
        double previous = 1e9;
        for (int r = 0; r < proxy.rowCount(); ++r) {
            const double v = proxy.index(r, ClipTableModel::Start).data(ClipTableModel::SortRole).toDouble();
            QVERIFY(v <= previous);
            previous = v;
        }
    }

    // Every column sorts in the order of its SortRole values (the proxy compares the archive's own
    // values, not QVariants, for speed; the two must agree), both ways, ties in clip order.
    void everyColumnSortsByItsValues()
    {
        UiTestArchive a;
        ArchiveSession session;
        ClipTableModel model(&session);
        ClipFilterProxy proxy;
        proxy.setSourceModel(&model);
        QSignalSpy opened(&session, &ArchiveSession::archiveOpened);
        session.open(a.file());
        QVERIFY(opened.wait(20000));
        QVERIFY(session.applyLabel({0, 4, 7}, QStringLiteral("wren")));
        QVERIFY(session.applyLabel({2, 5}, QStringLiteral("robin")));
        session.setCurrentClip(3); // similarities
        for (int column = 0; column < ClipTableModel::ColumnCount; ++column) {
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                proxy.sort(column, order);
                QCOMPARE(proxy.rowCount(), model.rowCount());
                for (int r = 1; r < proxy.rowCount(); ++r) {
                    const QVariant prev = proxy.index(r - 1, column).data(ClipTableModel::SortRole);
                    const QVariant next = proxy.index(r, column).data(ClipTableModel::SortRole);
                    const int c = QVariant::compare(prev, next) == QPartialOrdering::Less      ? -1
                                  : QVariant::compare(prev, next) == QPartialOrdering::Greater ? 1
                                                                                             : 0;
                    QVERIFY2(order == Qt::AscendingOrder ? c <= 0 : c >= 0,
                             qPrintable(QString("column %1 row %2: %3 then %4").arg(column).arg(r).arg(prev.toString(), next.toString())));
                }
            }
        }
        proxy.sort(ClipTableModel::Label, Qt::AscendingOrder);
        QCOMPARE(proxy.index(proxy.rowCount() - 1, ClipTableModel::Label).data().toString(), QStringLiteral("wren"));
        QCOMPARE(proxy.index(proxy.rowCount() - 5, ClipTableModel::Label).data().toString(), QStringLiteral("robin"));
    }

    void filtersByTextClusterAndLabel()
    {
        UiTestArchive a;
        ArchiveSession session;
        ClipTableModel model(&session);
        ClipFilterProxy proxy;
        proxy.setSourceModel(&model);
        QSignalSpy opened(&session, &ArchiveSession::archiveOpened);
        session.open(a.file());
        QVERIFY(opened.wait(20000));
        proxy.setTextFilter(QStringLiteral("SITE1")); // case-insensitive, on the file name
        QCOMPARE(proxy.rowCount(), a.options().clipsPerRecording);
        proxy.setTextFilter({});
        proxy.setClusterFilter(2);
        QCOMPARE(proxy.rowCount(), 12);
        for (int r = 0; r < proxy.rowCount(); ++r)
            QCOMPARE(a.kindOf(proxy.index(r, 0).data(ClipTableModel::ClipIdRole).toLongLong()), 2);
        proxy.setClusterFilter(std::nullopt);
        QVERIFY(session.applyLabel({4, 5}, QStringLiteral("dunnock")));
        proxy.setLabelFilter(QStringLiteral("dunnock"));
        QCOMPARE(proxy.rowCount(), 2);
        proxy.setLabelFilter(ClipFilterProxy::kUnlabelled);
        QCOMPARE(proxy.rowCount(), a.clipCount() - 2);
        proxy.setLabelFilter(std::nullopt);
        proxy.setTextFilter(QStringLiteral("dunn")); // the text filter searches labels too
        QCOMPARE(proxy.rowCount(), 2);
    }

    void similarityToTheCurrentClip()
    {
        UiTestArchive a;
        ArchiveSession session;
        ClipTableModel model(&session);
        ClipFilterProxy proxy;
        proxy.setSourceModel(&model);
        QSignalSpy opened(&session, &ArchiveSession::archiveOpened);
        session.open(a.file());
        QVERIFY(opened.wait(20000));
        QVERIFY(model.index(0, ClipTableModel::Similarity).data().toString().isEmpty());
        proxy.sort(ClipTableModel::Similarity, Qt::DescendingOrder);
        const int current = 7;
        session.setCurrentClip(current);
        // The clip itself first (similarity 1), then the other 11 clips of its kind.
        QCOMPARE(proxy.index(0, 0).data(ClipTableModel::ClipIndexRole).toInt(), current);
        QCOMPARE(proxy.index(0, ClipTableModel::Similarity).data().toString(), QStringLiteral("1.000"));
        const int kind = a.kindOf(session.data().clips[current].id);
        for (int r = 1; r < 12; ++r)
            QCOMPARE(a.kindOf(proxy.index(r, 0).data(ClipTableModel::ClipIdRole).toLongLong()), kind);
        QVERIFY(a.kindOf(proxy.index(12, 0).data(ClipTableModel::ClipIdRole).toLongLong()) != kind);
    }
    // A clip added after the clustering (drawn by hand) is in no cluster: its cell is empty, not
    // "noise", and its file's tooltip says it was drawn by hand; its band has columns of its own.
    void aClipAddedAfterTheClusteringIsNotCalledNoise()
    {
        UiTestArchive a;
        ClipId drawn = 0;
        {
            Archive archive = Archive::open(a.file().toStdString());
            const ClipRow first = archive.clips().front();
            const std::vector<float> v = *archive.embedding(first.id, archive.activeModel());
            drawn = archive.addClip(first.recordingId, Clip{first.start + 0.05, first.end - 0.05, 1000, 5000, true},
                                    kClipByHandSegmenter, archive.activeModel(), v);
        }
        ArchiveSession session;
        ClipTableModel model(&session);
        QSignalSpy opened(&session, &ArchiveSession::archiveOpened);
        session.open(a.file());
        QVERIFY(opened.wait(20000));
        const int row = session.data().indexOf(drawn);
        QVERIFY(row >= 0);
        QVERIFY(session.data().hasClustering);
        QCOMPARE(model.index(row, ClipTableModel::Cluster).data().toString(), QString());
        ClipFilterProxy proxy; // nor is it among the noise (the test archive's clustering has none)
        proxy.setSourceModel(&model);
        proxy.setClusterFilter(-1);
        QCOMPARE(proxy.rowCount(), 0);
        QVERIFY(model.index(row, ClipTableModel::File).data(Qt::ToolTipRole).toString().endsWith(QStringLiteral("(drawn by hand)")));
        // Its band, as Raven's Low and High Freq columns show it; the whole band shows none.
        QCOMPARE(model.index(row, ClipTableModel::LowHz).data().toString(), QStringLiteral("1000"));
        QCOMPARE(model.index(row, ClipTableModel::HighHz).data().toString(), QStringLiteral("5000"));
        const int other = row == 0 ? 1 : 0;
        QCOMPARE(model.index(other, ClipTableModel::LowHz).data().toString(), QString());
        QVERIFY(!model.index(other, ClipTableModel::Cluster).data().toString().isEmpty());
        QVERIFY(!model.index(other, ClipTableModel::File).data(Qt::ToolTipRole).toString().contains(QStringLiteral("drawn")));
        // The table's cluster filter offers the clips not clustered yet, and shows that one alone.
        ClipTablePanel panel(&session);
        panel.show(); // the table holds its rows while it is on screen
        QVERIFY(QTest::qWaitForWindowExposed(&panel));
        QTRY_COMPARE(panel.proxy()->rowCount(), session.clipCount());
        QComboBox* clusters = panel.clusterFilter();
        const int entry = clusters->findText(QStringLiteral("not clustered yet"));
        QVERIFY(entry > 0);
        clusters->setCurrentIndex(entry);
        QCOMPARE(panel.proxy()->rowCount(), 1);
        QCOMPARE(panel.proxy()->index(0, 0).data(ClipTableModel::ClipIdRole).toLongLong(), drawn);
        clusters->setCurrentIndex(0);
        QCOMPARE(panel.proxy()->rowCount(), session.clipCount());
    }
};

QTEST_MAIN(TestClipTableModel)
#include "tst_cliptablemodel.moc"
