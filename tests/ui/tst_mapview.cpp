// The map: one point per clip, colours and legend from the stored clustering, hit tests, click
// to select, Shift+drag to select a rectangle, wheel zoom around the cursor.
#include "UiTestArchive.h"

#include "ui/ArchiveSession.h"
#include "core/archive/Archive.h"
#include "core/segment/Segmenter.h"
#include "ui/MapView.h"

#include <QApplication>
#include <QMouseEvent>
#include <QScrollBar>
#include <QSignalSpy>
#include <QTreeWidget>
#include <QTest>

#include <set>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

class TestMapView : public QObject {
    Q_OBJECT

    static void open(ArchiveSession& session, const UiTestArchive& a)
    {
        QSignalSpy opened(&session, &ArchiveSession::archiveOpened);
        session.open(a.file());
        QVERIFY2(opened.wait(20000), "the archive did not open");
    }

private Q_SLOTS:
    void onePointPerClipWithClusterLegend()
    {
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        QCOMPARE(map.pointCount(), a.clipCount());
        // Three clusters of 12, no noise; the counts in the legend add up to every clip.
        QCOMPARE(map.legend().size(), 3);
        int total = 0;
        for (const auto& e : map.legend()) {
            QCOMPARE(e.count, 12);
            total += e.count;
        }
        QCOMPARE(total, a.clipCount());
        // Distinct colours per cluster.
        QVERIFY(map.legend()[0].colour != map.legend()[1].colour);
        QVERIFY(map.legend()[1].colour != map.legend()[2].colour);
    }

    void everyPointIsFoundWhereItIsDrawn()
    {
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        for (int i = 0; i < session.clipCount(); ++i) {
            const QPointF p = map.widgetPosition(i);
            QVERIFY(map.rect().contains(p.toPoint()));
            QCOMPARE(map.clipAt(p, 0.5), i);
        }
        QCOMPARE(map.clipAt(QPointF(-50, -50)), -1);
    }

    void clickSelectsTheClip()
    {
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        const int target = 17;
        QSignalSpy current(&session, &ArchiveSession::currentClipChanged);
        QTest::mouseClick(&map, Qt::LeftButton, {}, map.widgetPosition(target).toPoint());
        QCOMPARE(session.currentClip(), target);
        QCOMPARE(current.size(), 1);
        QCOMPARE(session.selection(), QVector<int>{target});
        // Its neighbours are the clips of its kind (11 others, k = 10).
        QCOMPARE(session.neighbours().size(), 10);
        const ClipId id = session.data().clips[target].id;
        for (const NeighbourHit& h : session.neighbours())
            QCOMPARE(a.kindOf(session.data().clips[std::size_t(h.clipIndex)].id), a.kindOf(id));
    }

    void shiftDragSelectsTheRectangle()
    {
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        const QRect band(QPoint(60, 40), QPoint(420, 560));
        std::set<int> expected;
        for (int i = 0; i < session.clipCount(); ++i)
            if (QRectF(band).contains(map.widgetPosition(i))) expected.insert(i);
        QVERIFY(!expected.empty());
        QVERIFY(int(expected.size()) < session.clipCount());
        QTest::mousePress(&map, Qt::LeftButton, Qt::ShiftModifier, band.topLeft());
        QTest::mouseMove(&map, band.center());
        QTest::mouseMove(&map, band.bottomRight());
        QTest::mouseRelease(&map, Qt::LeftButton, Qt::ShiftModifier, band.bottomRight());
        const QVector<int> got = session.selection();
        QCOMPARE(std::set<int>(got.begin(), got.end()), expected);
        QCOMPARE(session.currentClip(), -1); // a rectangle selects; it does not open a clip
    }

    void wheelZoomKeepsThePointUnderTheCursor()
    {
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        const int clip = 5;
        const QPointF before = map.widgetPosition(clip);
        const QPointF other = map.widgetPosition(30);
        QWheelEvent wheel(before, map.mapToGlobal(before), QPoint(), QPoint(0, 240), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&map, &wheel);
        const QPointF after = map.widgetPosition(clip);
        QVERIFY(std::abs(after.x() - before.x()) < 1e-6 && std::abs(after.y() - before.y()) < 1e-6);
        // Zoomed in: another point moved away from the anchor.
        QVERIFY(QLineF(after, map.widgetPosition(30)).length() > QLineF(before, other).length() * 1.2);
        map.resetView();
        QVERIFY(QLineF(map.widgetPosition(clip), before).length() < 1e-6);
    }

    // When stamping the points is slow (a budget of 0 ms here; 10^6 points in practice), zooming
    // and panning show the last image moved and scaled, with every point where the map now puts
    // it; once the view is still, the points are stamped again.
    void slowMapsMoveTheLastImageWhileZooming()
    {
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        map.setInteractiveBudgetMs(0);
        (void)map.grab(); // stamps the points
        QVERIFY(!map.showsMovedImage());
        const QColor background = map.grab().toImage().pixelColor(2, 2);

        auto pointsDrawnWhereTheyBelong = [&] {
            const QImage shot = map.grab().toImage();
            int inside = 0, drawn = 0;
            for (int clip = 0; clip < session.clipCount(); ++clip) {
                const QPoint p = map.widgetPosition(clip).toPoint();
                if (!shot.rect().adjusted(4, 4, -4, -4).contains(p)) continue;
                ++inside;
                drawn += shot.pixelColor(p) != background;
            }
            return std::pair{inside, drawn};
        };
        for (const int delta : {-240, 360}) {
            const QPointF at = map.widgetPosition(7) + QPointF(40, -25);
            QWheelEvent wheel(at, map.mapToGlobal(at), QPoint(), QPoint(0, delta), Qt::NoButton, Qt::NoModifier,
                              Qt::NoScrollPhase, false);
            QApplication::sendEvent(&map, &wheel);
            QVERIFY(map.showsMovedImage());
            const auto [inside, drawn] = pointsDrawnWhereTheyBelong();
            QVERIFY2(inside >= 20, qPrintable(QString::number(inside)));
            QVERIFY2(drawn >= inside * 95 / 100, qPrintable(QString("%1 of %2").arg(drawn).arg(inside)));
        }
        QTRY_VERIFY_WITH_TIMEOUT(!map.showsMovedImage(), 3000); // still: stamped again
        const auto [inside, drawn] = pointsDrawnWhereTheyBelong();
        QCOMPARE(drawn, inside);

        map.setInteractiveBudgetMs(1e9); // fast enough: every step stamps
        const QPointF at = map.widgetPosition(7);
        QWheelEvent wheel(at, map.mapToGlobal(at), QPoint(), QPoint(0, 120), Qt::NoButton, Qt::NoModifier,
                          Qt::NoScrollPhase, false);
        QApplication::sendEvent(&map, &wheel);
        (void)map.grab();
        QVERIFY(!map.showsMovedImage());
    }

    // Selected clips get a dark ring, and nothing else on the map changes; clearing the selection
    // gives back the map as it was. (The rings are stamped into an image of their own: drawn one
    // by one, 200k selected clips held every frame for a second.)
    void selectedClipsAreRingedAndNothingElse()
    {
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        const QImage before = map.grab().toImage();
        QVector<int> selected;
        for (int clip = 0; clip < session.clipCount(); clip += 3) selected << clip;
        session.setSelection(selected);
        const QImage after = map.grab().toImage();
        QCOMPARE(after.size(), before.size());

        std::vector<QPointF> centres;
        for (int clip : selected) centres.push_back(map.widgetPosition(clip));
        const auto nearASelectedClip = [&](QPoint p, double within) {
            for (const QPointF& c : centres)
                if (std::hypot(p.x() - c.x(), p.y() - c.y()) <= within) return true;
            return false;
        };
        const QRect caption(0, after.height() - 40, after.width(), 40); // the caption line is text
        int changed = 0;
        for (int y = 0; y < after.height(); ++y)
            for (int x = 0; x < after.width(); ++x)
                if (after.pixel(x, y) != before.pixel(x, y) && !caption.contains(x, y)) {
                    ++changed;
                    QVERIFY2(nearASelectedClip({x, y}, 12), qPrintable(QString("(%1, %2) changed").arg(x).arg(y)));
                }
        QVERIFY(changed > 0);
        for (const QPointF& c : centres) {
            if (!after.rect().adjusted(12, 12, -12, -12).contains(c.toPoint())) continue;
            int darker = 0;
            for (int dy = -10; dy <= 10; ++dy)
                for (int dx = -10; dx <= 10; ++dx) {
                    const QPoint p = c.toPoint() + QPoint(dx, dy);
                    darker += qGray(after.pixel(p)) + 40 < qGray(before.pixel(p));
                }
            QVERIFY2(darker >= 8, qPrintable(QString("%1 darker pixels around (%2, %3)").arg(darker).arg(c.x()).arg(c.y())));
        }
        session.setSelection({});
        QCOMPARE(map.grab().toImage(), before);
    }

    void colourByLabelFollowsNewLabels()
    {
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        map.setColourBy(MapView::ColourBy::Label);
        QCOMPARE(map.legend().size(), 1); // all unlabelled
        QVERIFY(session.applyLabel({0, 1, 2}, QStringLiteral("wren")));
        QCOMPARE(map.legend().size(), 2);
        QCOMPARE(map.legend()[0].name, QStringLiteral("wren"));
        QCOMPARE(map.legend()[0].count, 3);
        QCOMPARE(map.legend()[1].count, a.clipCount() - 3);
        map.setColourBy(MapView::ColourBy::Recording);
        QCOMPARE(map.legend().size(), a.options().recordings);
    }

    void aLegendOfManyLabelsScrollsMovesAndSelects()
    {
        // 29 labels (as many as the finch syllable types), one of them long: every one listed
        // with its full name and a colour of its own; the legend fits in the map and scrolls;
        // its title bar moves it and folds it; a click on a row selects that label's clips.
        UiTestArchive a;
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 500);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        const QString longName = QStringLiteral("Fringilla coelebs, rain call (northern dialect)");
        for (int l = 0; l < 29; ++l)
            QVERIFY(session.applyLabel({l}, l == 7 ? longName : QStringLiteral("syllable %1").arg(l, 2, 10, QLatin1Char('0'))));
        map.setColourBy(MapView::ColourBy::Label);
        MapLegend* legend = map.legendPanel();
        QCOMPARE(legend->rowCount(), 30); // 29 labels and "unlabelled"
        QCOMPARE(legend->title(), QStringLiteral("Labels"));
        bool foundLong = false;
        for (int r = 0; r < legend->rowCount(); ++r) foundLong |= legend->rowName(r) == longName;
        QVERIFY(foundLong);
        std::set<QRgb> colours;
        for (const auto& e : map.legend()) colours.insert(e.colour.rgb());
        QCOMPARE(int(colours.size()), 30);
        QVERIFY(legend->isVisible());
        QVERIFY(map.rect().contains(legend->geometry()));
        QVERIFY(legend->height() < 500);      // 30 rows do not fit: it scrolls instead
        QVERIFY(legend->list()->verticalScrollBar()->maximum() > 0);
        // The long name is shown whole: the column is as wide as it needs.
        QVERIFY(legend->list()->columnWidth(0) >= legend->fontMetrics().horizontalAdvance(longName));

        // Top right at first; dragged by its title bar, it goes where it is put and stays inside.
        QVERIFY(legend->geometry().right() > 700 && legend->y() < 40);
        QWidget* bar = legend->titleBar();
        const QPoint grab(20, bar->height() / 2);
        QTest::mousePress(bar, Qt::LeftButton, {}, grab);
        QMouseEvent move(QEvent::MouseMove, QPointF(grab - QPoint(500, -100)), bar->mapToGlobal(QPointF(grab - QPoint(500, -100))),
                         Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(bar, &move);
        QTest::mouseRelease(bar, Qt::LeftButton, {}, grab - QPoint(500, -100));
        QVERIFY2(legend->geometry().right() < 400, qPrintable(QString::number(legend->geometry().right())));
        QVERIFY(map.rect().contains(legend->geometry()));
        map.resize(500, 300); // a smaller map keeps it inside
        QVERIFY(map.rect().contains(legend->geometry()));

        // Folded to its title bar, and back.
        legend->setCollapsed(true);
        QVERIFY(!legend->list()->isVisible());
        QVERIFY(legend->height() < 3 * bar->height());
        legend->setCollapsed(false);
        QVERIFY(legend->list()->isVisible());

        // A click on "syllable 03" selects exactly clip 3.
        int row = -1;
        for (int r = 0; r < legend->rowCount(); ++r)
            if (legend->rowName(r) == QStringLiteral("syllable 03")) row = r;
        QVERIFY(row >= 0);
        QTreeWidgetItem* item = legend->list()->topLevelItem(row);
        legend->list()->scrollToItem(item);
        QTest::mouseClick(legend->list()->viewport(), Qt::LeftButton, {}, legend->list()->visualItemRect(item).center());
        QCOMPARE(session.selection(), QVector<int>{3});
        // "unlabelled" selects all the others.
        map.selectLegendEntry(legend->rowCount() - 1);
        QCOMPARE(session.selection().size(), a.clipCount() - 29);

        session.close();
        QVERIFY(!legend->isVisible());
    }
    // A clip added after the map and the clustering (drawn by hand) is on the map among its
    // neighbours, and the legend counts it apart: "not clustered yet", not noise.
    void aClipAddedSinceIsPlacedAndCountedApart()
    {
        UiTestArchive a;
        ClipId drawn = 0;
        {
            Archive archive = Archive::open(a.file().toStdString());
            const ClipRow first = archive.clips().front();
            std::vector<float> v = *archive.embedding(first.id, archive.activeModel());
            v[0] += 0.01f;
            drawn = archive.addClip(first.recordingId, Clip{first.start + 0.05, first.end - 0.05, 0, 0, true},
                                    kClipByHandSegmenter, archive.activeModel(), v);
        }
        ArchiveSession session;
        MapView map(&session);
        map.resize(800, 600);
        map.show();
        QVERIFY(QTest::qWaitForWindowExposed(&map));
        open(session, a);
        QCOMPARE(map.pointCount(), a.clipCount() + 1);
        const int i = session.data().indexOf(drawn);
        QVERIFY(session.data().placedOnMap[std::size_t(i)]);
        QCOMPARE(map.legend().size(), 4);
        QCOMPARE(map.legend().back().name, QStringLiteral("not clustered yet"));
        QCOMPARE(map.legend().back().count, 1);
        for (int k = 0; k < 3; ++k) QCOMPARE(map.legend()[k].count, 12);
    }
};

QTEST_MAIN(TestMapView)
#include "tst_mapview.moc"
