// The window end to end: start page, opening an archive (the map has one point per clip),
// selecting a point (inspector shows the clip, the neighbour list has k rows, the table follows),
// and a PCA map computed and stored for an archive that has none.
#include "UiTestArchive.h"
#include "UiTestWindow.h"

#include "ui/ArchiveSession.h"
#include "ui/ClipInspector.h"
#include "ui/ClipTableModel.h"
#include "ui/ClipTablePanel.h"
#include "ui/ClusteringDialog.h"
#include "ui/ArchiveJobs.h"
#include "ui/ListeningController.h"
#include "ui/MainWindow.h"
#include "ui/ModelInUse.h"
#include "ui/MapPanel.h"
#include "ui/MapView.h"
#include "ui/NeighbourPanel.h"
#include "ui/NewArchiveDialog.h"
#include "ui/ProjectionDialog.h"
#include "ui/RecordingPanel.h"
#include "ui/RecordingView.h"
#include "ui/SpectrogramView.h"
#include "ui/TaskRunner.h"

#include "core/archive/RetrievalEmbeddings.h"
#include "core/common/Threads.h"
#include "core/model/InferencePrecision.h"
#include "core/pipeline/FolderEmbedder.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFile>
#include <QMenu>
#include <QMessageBox>
#include <QPushButton>
#include <QToolButton>
#include <QMimeData>
#include <QUrl>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStatusBar>
#include <QStandardPaths>
#include <QTableView>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <cmath>
#include <fstream>
#include <functional>
#include <memory>
#include <set>
#include <numbers>
#include <random>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;
using crowlingo::testkit::kUiTestModelId;

namespace {

// A folder under `dir` holding one recording of a sine, and a tiny random model saved beside it.
struct ToneFolder {
    std::filesystem::path root, modelDir;
    Model model;
};

ToneFolder toneFolder(const QTemporaryDir& dir, const std::string& folder, const std::string& file, double hz, int rate,
                      double seconds, std::uint64_t modelSeed)
{
    const std::filesystem::path base(dir.path().toStdString());
    std::filesystem::create_directories(base / folder);
    std::vector<float> x(std::size_t(seconds * rate));
    for (std::size_t k = 0; k < x.size(); ++k) x[k] = 0.3f * float(std::sin(2 * std::numbers::pi * hz * double(k) / rate));
    testkit::writeWav(base / folder / file, x, rate);
    ToneFolder t{base / folder, base / "model", Model::createRandom(testkit::tinyUiModelConfig(), modelSeed)};
    t.model.save(t.modelDir);
    return t;
}

} // namespace

class TestMainWindow : public QObject {
    Q_OBJECT

    static bool openIn(MainWindow& w, const UiTestArchive& a)
    {
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        return opened.wait(20000);
    }

    // Embeds a folder through the window, as New Archive does; true once the archive has opened.
    static bool embedAndOpen(MainWindow& w, const std::filesystem::path& root, const QString& archiveFile,
                             const std::filesystem::path& modelDir, const EmbedFolderOptions& options)
    {
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.embedFolder(QString::fromStdString(root.string()), archiveFile, QString::fromStdString(modelDir.string()), options);
        return opened.wait(120000);
    }

    // Answers the next modal dialog of type D (within 10 s) with `edit`, then OK (unless edit closed it).
    template <class D>
    static void answer(std::function<void(D*)> edit)
    {
        auto* poll = new QTimer;
        auto waited = std::make_shared<int>(0);
        QObject::connect(poll, &QTimer::timeout, [poll, waited, edit] {
            auto* d = qobject_cast<D*>(QApplication::activeModalWidget());
            if (!d && (*waited += poll->interval()) < 10000) return;
            poll->stop();
            poll->deleteLater();
            QVERIFY2(d, "the dialog did not appear");
            edit(d);
            if (d->isVisible()) d->accept();
        });
        poll->start(20);
    }

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true); // recent files go to a test settings file
    }

    void aModelAskedForEarlierIsDropped()
    {
        // The bundled model is asked for, then another installed before it has loaded: when the
        // load finishes it is dropped, and the model asked for last stays.
        MainWindow w;
        w.models()->load();
        const Model chosen = Model::createRandom(testkit::tinyUiModelConfig(), 11);
        w.models()->set(chosen);
        QVERIFY(w.isBusy());
        QTRY_VERIFY_WITH_TIMEOUT(!w.isBusy(), 30000);
        QCOMPARE(w.models()->id(), QString::fromStdString(chosen.id()));
    }

    void aboutSaysHowTheModelComputes()
    {
        // Help > About names the threads and the number format the model embeds in, as chosen.
        MainWindow w;
        QAction* about = nullptr;
        for (QAction* a : w.findChildren<QAction*>())
            if (a->text() == QStringLiteral("&About CrowLingo")) about = a;
        QVERIFY(about);
        for (PrecisionChoice choice : {PrecisionChoice::Float32, PrecisionChoice::BFloat16}) {
            setPrecisionChoice(choice);
            QString text;
            answer<QMessageBox>([&](QMessageBox* box) { text = box->text(); });
            about->trigger();
            const QString format = choice == PrecisionChoice::Float32 ? "float32" : "bfloat16";
            QVERIFY2(text.contains("the model embeds in " + format), qPrintable(text));
            QVERIFY2(text.contains(QString("%1 threads").arg(threadCount())), qPrintable(text));
        }
        setPrecisionChoice(PrecisionChoice::Auto);
    }

    void startPageUntilAnArchiveIsOpen()
    {
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        const auto docks = w.findChildren<QDockWidget*>();
        QCOMPARE(docks.size(), 6);
        for (QDockWidget* d : docks) QVERIFY2(!d->isVisible(), "no empty docks next to the start page");
        UiTestArchive a;
        QVERIFY(openIn(w, a));
        // Clip, neighbours and the recording show, the table and the recordings list one tab away;
        // Find Calls waits until asked for.
        const auto shown = [](QDockWidget* d) { return d->toggleViewAction()->isChecked(); };
        for (QDockWidget* d : docks) {
            QCOMPARE(shown(d), d->objectName() != QLatin1String("findCallsDock"));
            const bool tabbedBehind = d->objectName() == QLatin1String("tableDock") || d->objectName() == QLatin1String("recordingsDock");
            if (!tabbedBehind) QCOMPARE(d->isVisible(), shown(d));
        }
        w.showFindCalls();
        for (QDockWidget* d : docks) QVERIFY(shown(d));
        QCOMPARE(w.mapView()->pointCount(), a.clipCount());
        QVERIFY(testkit::showClipTable(w));
        w.closeArchive();
        for (QDockWidget* d : docks) QVERIFY(!d->isVisible());
    }

    // When an archive opens, the clip table is a tab behind the recording. It holds no rows until
    // it comes to the front (sorting 10^6 clips for nobody cost half a second of every opening);
    // then it shows every clip, sorted, with the current clip and the selection, and it lets go of
    // them when another tab is raised, while the session keeps both.
    void theClipTableIsFilledWhenItComesToTheFront()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(testkit::showAndOpen(w, a.file()));
        QTest::qWait(300); // the docks arranged and painted
        QCOMPARE(w.clipTable()->model()->rowCount(), 0);
        w.session()->setSelection({3, 7});
        w.session()->setCurrentClip(7);

        QVERIFY(testkit::showClipTable(w));
        QTableView* view = w.clipTable()->view();
        QCOMPARE(view->model()->rowCount(), a.clipCount());
        QCOMPARE(view->selectionModel()->currentIndex().data(ClipTableModel::ClipIndexRole).toInt(), 7);
        std::set<int> selected;
        for (const QModelIndex& row : view->selectionModel()->selectedRows())
            selected.insert(row.data(ClipTableModel::ClipIndexRole).toInt());
        QCOMPARE(selected, (std::set<int>{3, 7}));
        for (int r = 1; r < view->model()->rowCount(); ++r) // sorted by file, as the header says
            QVERIFY(view->model()->index(r - 1, ClipTableModel::File).data(ClipTableModel::SortRole).toString()
                    <= view->model()->index(r, ClipTableModel::File).data(ClipTableModel::SortRole).toString());

        w.findChild<QDockWidget*>(QStringLiteral("recordingDock"))->raise();
        QTRY_COMPARE(w.clipTable()->model()->rowCount(), 0);
        QCOMPARE(w.session()->currentClip(), 7);
        QCOMPARE(w.session()->selection(), (QVector<int>{3, 7}));
        QVERIFY(testkit::showClipTable(w));
        QCOMPARE(view->selectionModel()->currentIndex().data(ClipTableModel::ClipIndexRole).toInt(), 7);
    }

    void selectingAPointShowsTheClipAndItsNeighbours()
    {
        UiTestArchive a;
        // A note the embedder left on one recording (as it does for clipped or damaged files).
        const std::string note = "clipped: 4.0 % of samples at full scale";
        {
            SQLite::Database db(a.path().string(), SQLite::OPEN_READWRITE);
            SQLite::Statement q(db, "UPDATE recordings SET error = ? WHERE id = (SELECT recording_id FROM clips WHERE id = ?)");
            q.bind(1, note);
            q.bind(2, std::int64_t(9)); // clip index 8 below: ids count from 1
            QCOMPARE(q.exec(), 1);
        }
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openIn(w, a));
        MapView* map = w.mapView();
        QCOMPARE(map->pointCount(), a.clipCount());
        // The map fits the widget it ended up in (docks appear after the archive opens).
        QRectF spread;
        for (int i = 0; i < a.clipCount(); ++i) {
            const QPointF p = map->widgetPosition(i);
            QVERIFY(map->rect().contains(p.toPoint()));
            spread = spread.isNull() ? QRectF(p, QSizeF(1, 1)) : spread.united(QRectF(p, QSizeF(1, 1)));
        }
        QVERIFY(spread.width() > map->width() / 2 || spread.height() > map->height() / 2);

        const int target = 8;
        QSignalSpy shown(w.inspector(), &ClipInspector::spectrogramShown);
        QTest::mouseClick(map, Qt::LeftButton, {}, map->widgetPosition(target).toPoint());
        QCOMPARE(w.session()->currentClip(), target);
        QVERIFY(shown.wait(10000));
        QCOMPARE(shown.last().at(0).toInt(), target);
        QCOMPARE(w.inspector()->shownClip(), target);
        const ClipRow& clip = w.session()->data().clips[target];
        QVERIFY(w.inspector()->headerText().contains(QStringLiteral("site")));
        QVERIFY2(w.inspector()->headerText().contains(QString::fromStdString(note)), qPrintable(w.inspector()->headerText()));
        // The inspector's spectrogram covers the clip plus context on both sides.
        const Spectrogram& s = w.inspector()->spectrogramView()->spectrogram();
        QVERIFY(s.frames > 0);
        QVERIFY(s.startSeconds < clip.start - 0.3);
        QVERIFY(s.startSeconds + s.frames * s.hopSeconds > clip.end + 0.3);

        // k rows of neighbours, all of the clip's kind, best first.
        NeighbourPanel* list = w.neighbours();
        QCOMPARE(list->rowCount(), w.session()->neighbourCount());
        for (int r = 0; r < list->rowCount(); ++r) {
            const int n = list->clipAtRow(r);
            QCOMPARE(a.kindOf(w.session()->data().clips[std::size_t(n)].id), a.kindOf(clip.id));
        }
        list->kSpinBox()->setValue(4);
        QCOMPARE(list->rowCount(), 4);

        // The table, brought to the front, selected and scrolled to the clip.
        QVERIFY(testkit::showClipTable(w));
        const QModelIndex currentRow = w.clipTable()->view()->selectionModel()->currentIndex();
        QCOMPARE(currentRow.data(ClipTableModel::ClipIndexRole).toInt(), target);

        // Double-clicking a neighbour makes it current.
        const int neighbour = list->clipAtRow(1);
        Q_EMIT list->table()->cellDoubleClicked(1, 2);
        QCOMPARE(w.session()->currentClip(), neighbour);
    }

    // An archive that stores neighbour lists (from 200,000 clips; here made for 36) is searched
    // through them, and the panel says so; one without them is searched exactly and says nothing.
    void neighboursThroughStoredListsAreMarked()
    {
        UiTestArchive::Options wide;
        wide.dimension = 200; // wider than the retrieval space's 128 axes: a space is fitted and stored
        UiTestArchive a(wide);
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openIn(w, a));
        w.session()->setCurrentClip(5);
        QVERIFY(w.neighbours()->rowCount() > 0);
        QVERIFY2(!w.neighbours()->titleText().contains(QStringLiteral("fast search")), qPrintable(w.neighbours()->titleText()));
        {
            Archive archive = Archive::open(a.file().toStdString());
            storeRetrievalSpace(archive, kUiTestModelId, {}, 10);
            QVERIFY(archive.neighbourLists(retrievalSpaceId(kUiTestModelId)));
        }
        MainWindow again;
        again.resize(1400, 900);
        again.show();
        QVERIFY(QTest::qWaitForWindowExposed(&again));
        QVERIFY(openIn(again, a));
        QVERIFY(again.session()->data().index->usesLists());
        again.session()->setCurrentClip(5);
        NeighbourPanel* n = again.neighbours();
        QVERIFY2(n->titleText().contains(QStringLiteral("fast search")), qPrintable(n->titleText()));
        // Still the clips of its kind, best first.
        const ClipId current = again.session()->data().clips[5].id;
        for (int r = 0; r < n->rowCount(); ++r)
            QCOMPARE(a.kindOf(again.session()->data().clips[std::size_t(n->clipAtRow(r))].id), a.kindOf(current));
    }

    // T: the current clip's cluster, by its most typical clips (the medoid first), selected on the map.
    void typicalClipsOfTheCurrentCluster()
    {
        UiTestArchive a;
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openIn(w, a));
        ArchiveSession* s = w.session();
        const ArchiveView& d = s->data();
        const int current = 7;
        s->setCurrentClip(current);
        const int cluster = d.cluster[current];
        QVERIFY(cluster >= 0);
        w.mapView()->setFocus();
        QTest::keyClick(w.mapView(), Qt::Key_T);
        const QVector<int> chosen = s->selection();
        QVERIFY(chosen.size() >= 4);
        for (int i : chosen) QCOMPARE(d.cluster[std::size_t(i)], cluster);
        // The medoid is the member with the largest summed cosine similarity to its cluster,
        // computed here independently from the stored (normalised) vectors.
        int medoid = -1;
        double bestSum = -1e300;
        for (int i = 0; i < d.clipCount(); ++i) {
            if (d.cluster[std::size_t(i)] != cluster) continue;
            double sum = 0;
            for (int j = 0; j < d.clipCount(); ++j) {
                if (d.cluster[std::size_t(j)] != cluster) continue;
                const float* x = d.embeddings.vector(d.rowOfClip[std::size_t(i)]).data();
                const float* y = d.embeddings.vector(d.rowOfClip[std::size_t(j)]).data();
                for (int k = 0; k < d.embeddings.dimension; ++k) sum += double(x[k]) * y[k];
            }
            if (sum > bestSum) { bestSum = sum; medoid = i; }
        }
        QCOMPARE(d.clusterExemplars(cluster, 8).front(), medoid);
        QVERIFY(chosen.contains(medoid));
        // Noise has no typical clips.
        QVERIFY(d.clusterExemplars(-1, 8).empty());
    }

    void viewsFollowNewClustersAndUndo()
    {
        UiTestArchive a;
        MainWindow w;
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openIn(w, a));
        ArchiveSession* s = w.session();
        s->setCurrentClip(7);
        NeighbourPanel* n = w.neighbours();
        QVERIFY(n->rowCount() > 0);
        const auto clusterWord = [s](int clip) {
            const int c = s->data().cluster[std::size_t(clip)];
            return c < 0 ? QStringLiteral("noise") : QStringLiteral("cluster %1").arg(c);
        };
        QVERIFY(n->rowText(0).contains(clusterWord(n->clipAtRow(0))));

        // New clusters (as a finished clustering job delivers them): every clip's id moves on by 5,
        // the current clip becomes noise. The neighbour list and the inspector say the same.
        std::vector<ClipId> ids;
        std::vector<int> labels;
        for (int i = 0; i < s->clipCount(); ++i) {
            ids.push_back(s->data().clips[std::size_t(i)].id);
            labels.push_back(i == 7 ? -1 : s->data().cluster[std::size_t(i)] + 5);
        }
        const QString before = n->rowText(0);
        s->setClustering(ids, labels, s->data().clusteringParams);
        QVERIFY(n->rowText(0) != before);
        for (int r = 0; r < n->rowCount(); ++r)
            QVERIFY2(n->rowText(r).contains(clusterWord(n->clipAtRow(r))), qPrintable(n->rowText(r)));
        QVERIFY2(w.inspector()->headerText().contains(QStringLiteral("noise")), qPrintable(w.inspector()->headerText()));

        // A clustering computed while the map shows labels: the map turns to the clusters.
        w.mapPanel()->colourByBox()->setCurrentIndex(w.mapPanel()->colourByBox()->findData(int(MapView::ColourBy::Label)));
        QCOMPARE(w.mapView()->colourBy(), MapView::ColourBy::Label);
        QSignalSpy finished(w.tasks(), &TaskRunner::finished);
        w.jobs()->computeClusters(ClusterParams{.method = ClusterMethod::Kmeans, .k = 2});
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(2).toString()));
        QCOMPARE(w.mapView()->colourBy(), MapView::ColourBy::Cluster);
        QCOMPARE(MapView::ColourBy(w.mapPanel()->colourByBox()->currentData().toInt()), MapView::ColourBy::Cluster);

        // Undo does not report a saved label.
        QVERIFY(s->applyLabel({1, 2, 3}, QStringLiteral("alarm")));
        QVERIFY(w.statusBar()->currentMessage().startsWith(QStringLiteral("Saved the label of 3")));
        w.setFocus();
        QTest::keyClick(&w, Qt::Key_Z, Qt::ControlModifier);
        QVERIFY(s->data().label[1].empty());
        QVERIFY2(w.statusBar()->currentMessage().startsWith(QStringLiteral("Undone: label")), qPrintable(w.statusBar()->currentMessage()));
    }

    void changesByAnotherProgramAreNoticed()
    {
        // `crowlingo-cli import`, `cluster` or `embed` run in a terminal while the archive is open:
        // the labels and clusters they store are shown without reopening; new clips are announced,
        // and File > Reload opens the archive again on the same clip.
        UiTestArchive a;
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openIn(w, a));
        ArchiveSession* s = w.session();
        s->setOutsideChangePollInterval(50);
        s->setCurrentClip(4);
        const ClipId currentId = s->data().clips[4].id;
        QSignalSpy elsewhere(s, &ArchiveSession::changedElsewhere);

        Archive other = Archive::open(a.path()); // another connection, as another process has
        other.setLabel(s->data().clips[2].id, "alarm", "field-notes.csv");
        QVERIFY(elsewhere.wait(5000));
        QCOMPARE(s->data().label[2], std::string("alarm"));
        QVERIFY(elsewhere.last().at(0).toString().contains(QStringLiteral("labels")));
        QCOMPARE(elsewhere.last().at(1).toBool(), false);
        QVERIFY(w.statusBar()->currentMessage().contains(QStringLiteral("Another program")));

        std::vector<ClipId> ids;
        std::vector<int> clusters;
        for (const ClipRow& c : other.clips()) {
            ids.push_back(c.id);
            clusters.push_back(int(c.id % 2));
        }
        other.storeClustering(kUiTestModelId, R"({"method":"kmeans","k":2})", ids, clusters,
                              std::vector<float>(ids.size(), 1.f), std::vector<float>(ids.size(), 0.f));
        QVERIFY(elsewhere.wait(5000));
        QVERIFY(elsewhere.last().at(0).toString().contains(QStringLiteral("clusters")));
        for (int i = 0; i < s->clipCount(); ++i) QCOMPARE(s->data().cluster[std::size_t(i)], int(s->data().clips[std::size_t(i)].id % 2));

        // A new recording embedded elsewhere: announced, then Reload shows it.
        RecordingRow r;
        r.path = "late.wav";
        std::vector<std::vector<float>> vectors(2, std::vector<float>(std::size_t(a.options().dimension), 0.5f));
        other.storeRecording(r, {{0, 1, 0, 0}, {1, 2, 0, 0}}, "window:1", kUiTestModelId, vectors);
        QVERIFY(elsewhere.wait(5000));
        QCOMPARE(elsewhere.last().at(1).toBool(), true);
        QCOMPARE(s->clipCount(), a.clipCount()); // not yet
        QSignalSpy opened(s, &ArchiveSession::archiveOpened);
        w.reloadArchive();
        QVERIFY(opened.wait(20000));
        QCOMPARE(s->clipCount(), a.clipCount() + 2);
        QCOMPARE(s->data().clips[std::size_t(s->currentClip())].id, currentId);
        QCOMPARE(s->data().label[std::size_t(s->data().indexOf(ids[2]))], std::string("alarm"));
    }

    void aMovedArchiveIsPointedAtItsRecordings()
    {
        // The recordings' folder moved away: opening says so and offers to locate it; a wrong
        // folder is refused; the right one brings the clips' sound back, on the same clip.
        UiTestArchive a;
        const QString moved = a.dir() + QStringLiteral("/moved-recordings");
        QVERIFY(QDir().rename(QString::fromStdString(a.root().string()), moved));
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openIn(w, a));
        QTRY_VERIFY(w.findChild<QMessageBox*>(QStringLiteral("recordingsMissingBox")));
        auto* box = w.findChild<QMessageBox*>(QStringLiteral("recordingsMissingBox"));
        QVERIFY2(box->text().contains(QStringLiteral("not under")), qPrintable(box->text()));
        box->close();
        w.session()->setCurrentClip(5);
        const ClipId current = w.session()->data().clips[5].id;

        QVERIFY(!w.locateRecordings(a.dir()));
        QVERIFY2(w.statusBar()->currentMessage().contains(QStringLiteral("none of its")), qPrintable(w.statusBar()->currentMessage()));
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        QVERIFY(w.locateRecordings(moved));
        QVERIFY(opened.wait(20000));
        QCOMPARE(QString::fromStdString(w.session()->data().root.string()), QDir::cleanPath(moved));
        QCOMPARE(w.session()->data().clips[std::size_t(w.session()->currentClip())].id, current);
        QVERIFY(std::filesystem::exists(w.session()->data().audioFile(w.session()->currentClip())));
        QTest::qWait(50);
        QVERIFY(!w.findChild<QMessageBox*>(QStringLiteral("recordingsMissingBox")));
    }

    void aMissingMapIsComputedAndStored()
    {
        UiTestArchive a(UiTestArchive::Options{.storeProjection = false});
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy finished(w.tasks(), &TaskRunner::finished);
        QVERIFY(openIn(w, a));
        QVERIFY2(finished.wait(60000), "no map was computed");
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(2).toString()));
        QCOMPARE(w.mapView()->pointCount(), a.clipCount());
        // Stored, so the next opening shows it at once.
        const Archive reread = Archive::open(a.path());
        const auto map = reread.latestProjection(reread.activeModel());
        QVERIFY(map.has_value());
        QCOMPARE(map->clipIds.size(), std::size_t(a.clipCount()));
        for (float v : map->xy) QVERIFY(std::isfinite(v));
    }

    void clusterAndMapSettingsDialogs()
    {
        // Analysis > Cluster Settings…: k-means with k = 3 replaces the stored clustering; the dialog
        // then starts from those parameters. Map Settings…: a UMAP with 5 neighbours is stored.
        UiTestArchive a;
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openIn(w, a));
        QSignalSpy finished(w.tasks(), &TaskRunner::finished);

        answer<ClusteringDialog>([](ClusteringDialog* d) {
            QVERIFY(d->kBox()->isEnabled() == false); // the archive's clustering is HDBSCAN's
            d->methodBox()->setCurrentIndex(d->methodBox()->findData(int(ClusterMethod::Kmeans)));
            QVERIFY(d->kBox()->isEnabled());
            QVERIFY(!d->minClusterSizeBox()->isEnabled());
            d->kBox()->setValue(3);
        });
        w.clusterDialog();
        QVERIFY(finished.wait(30000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(2).toString()));
        const Archive reread = Archive::open(a.path());
        const auto clustering = reread.latestClustering(reread.activeModel());
        QVERIFY(clustering.has_value());
        QVERIFY2(clustering->paramsJson.find("\"kmeans\"") != std::string::npos, clustering->paramsJson.c_str());
        std::set<int> ids(clustering->labels.begin(), clustering->labels.end());
        QCOMPARE(int(ids.size()), 3);
        QVERIFY(!ids.contains(-1)); // k-means assigns every clip
        QCOMPARE(int(std::set<int>(w.session()->data().cluster.begin(), w.session()->data().cluster.end()).size()), 3);

        answer<ClusteringDialog>([](ClusteringDialog* d) {
            QCOMPARE(ClusterMethod(d->methodBox()->currentData().toInt()), ClusterMethod::Kmeans);
            QCOMPARE(d->kBox()->value(), 3);
            QCOMPARE(d->kBox()->maximum(), 36); // no more clusters than clips
            d->reject();
        });
        w.clusterDialog();

        answer<ProjectionDialog>([](ProjectionDialog* d) {
            d->methodBox()->setCurrentIndex(d->methodBox()->findData(int(ProjectionMethod::Umap)));
            d->neighboursBox()->setValue(5);
        });
        w.mapDialog();
        QVERIFY(finished.wait(60000));
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(2).toString()));
        const auto map = Archive::open(a.path()).latestProjection(reread.activeModel());
        QVERIFY(map.has_value());
        const ProjectionParams stored = ProjectionParams::fromJson(map->paramsJson);
        QVERIFY(stored.method == ProjectionMethod::Umap);
        QCOMPARE(stored.nNeighbors, 5);
        QCOMPARE(w.mapView()->pointCount(), a.clipCount());
    }

    void clustersFollowAUmapMap()
    {
        // Cluster (the toolbar's, automatic space) looks among the embeddings while the map is not
        // a UMAP, and on the map once it is; a new map then brings new clusters found on it.
        UiTestArchive a;
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QVERIFY(openIn(w, a));
        QSignalSpy finished(w.tasks(), &TaskRunner::finished);
        const auto foundIn = [&a] {
            const Archive reread = Archive::open(a.path());
            return ClusterParams::spaceUsed(reread.latestClustering(reread.activeModel())->paramsJson);
        };
        w.jobs()->computeClusters(ClusterParams{});
        QVERIFY(finished.wait(30000));
        QVERIFY(foundIn() == ClusterSpace::Embeddings);
        QVERIFY2(w.summaryText().contains(QStringLiteral("clusters among the embeddings")), qPrintable(w.summaryText()));

        answer<ClusteringDialog>([](ClusteringDialog* d) {
            // The map the test archive stores is no UMAP: automatic means the embeddings, whose metric counts.
            QVERIFY(d->spaceBox()->currentText().contains(QStringLiteral("embeddings")));
            QVERIFY(d->metricBox()->isEnabled());
            d->spaceBox()->setCurrentIndex(d->spaceBox()->findData(int(ClusterSpace::Map)));
            QVERIFY(!d->metricBox()->isEnabled()); // positions on the map are compared as positions
            d->reject();
        });
        w.clusterDialog();

        ProjectionParams umap;
        umap.method = ProjectionMethod::Umap;
        umap.nNeighbors = 8;
        w.jobs()->computeMap(umap);
        QVERIFY(finished.wait(60000)); // the map; automatic clusters now belong on it, and follow
        QVERIFY(finished.wait(30000));
        QVERIFY(foundIn() == ClusterSpace::Map);
        QVERIFY2(w.summaryText().contains(QStringLiteral("clusters on the map")), qPrintable(w.summaryText()));
        const std::int64_t before = Archive::open(a.path()).latestClustering(kUiTestModelId)->computationId;

        umap.nNeighbors = 5;
        w.jobs()->computeMap(umap);
        QVERIFY(finished.wait(60000)); // the map
        QVERIFY(finished.wait(30000)); // the clusters found on it
        const Archive reread = Archive::open(a.path());
        const auto map = reread.latestProjection(kUiTestModelId);
        const auto clusters = reread.latestClustering(kUiTestModelId);
        QVERIFY(clusters->computationId > before);
        QVERIFY(clusters->computationId > map->computationId);
        QVERIFY(ClusterParams::spaceUsed(clusters->paramsJson) == ClusterSpace::Map);
    }

    void droppingAnArchiveOpensItAndAFolderOffersANewArchive()
    {
        UiTestArchive a;
        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto drag = [&](const QString& path, bool expectAccepted) {
            QMimeData mime;
            mime.setUrls({QUrl::fromLocalFile(path)});
            QDragEnterEvent enter(QPoint(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(&w, &enter);
            if (enter.isAccepted() != expectAccepted) return false;
            if (!expectAccepted) return true;
            QDropEvent drop(QPointF(50, 50), Qt::CopyAction, &mime, Qt::LeftButton, Qt::NoModifier);
            QApplication::sendEvent(&w, &drop);
            return drop.isAccepted();
        };
        // An archive file opens.
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        QVERIFY(drag(a.file(), true));
        QVERIFY(opened.wait(20000));
        QCOMPARE(w.session()->fileName(), a.file());
        // A folder offers the New Archive dialog on it.
        bool offered = false;
        answer<NewArchiveDialog>([&](NewArchiveDialog* d) {
            offered = true;
            QCOMPARE(QDir(d->folder()).canonicalPath(), QDir(QString::fromStdString(a.root().string())).canonicalPath());
            d->reject();
        });
        QVERIFY(drag(QString::fromStdString(a.root().string()), true));
        QTRY_VERIFY_WITH_TIMEOUT(offered, 10000);
        // Anything else is not taken.
        const QString text = a.dir() + QStringLiteral("/notes.txt");
        QFile(text).open(QIODevice::WriteOnly);
        QVERIFY(drag(text, false));
    }

    void newArchiveFromAFolderIsEmbeddedAndOpened()
    {
        // Two 4-second recordings, cut into 1-second windows, embedded by a small random model.
        QTemporaryDir dir;
        const std::filesystem::path root = std::filesystem::path(dir.path().toStdString()) / "field";
        std::filesystem::create_directories(root);
        for (int f = 0; f < 2; ++f) {
            std::vector<float> x(4 * 22050);
            for (std::size_t k = 0; k < x.size(); ++k) x[k] = 0.3f * float(std::sin(2 * std::numbers::pi * (800 + 1500 * f) * k / 22050.0));
            testkit::writeWav(root / ("rec" + std::to_string(f) + ".wav"), x, 22050);
        }
        const Model model = Model::createRandom(testkit::tinyUiModelConfig(), 11);
        const std::filesystem::path modelDir = std::filesystem::path(dir.path().toStdString()) / "model";
        model.save(modelDir);
        const QString archiveFile = dir.filePath(QStringLiteral("field.crowlingo"));

        MainWindow w;
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        QSignalSpy finished(w.tasks(), &TaskRunner::finished);
        EmbedFolderOptions options;
        options.segment = SegmentSpec::parse("window:1");
        w.embedFolder(QString::fromStdString(root.string()), archiveFile, QString::fromStdString(modelDir.string()), options);
        QVERIFY(w.tasks()->isBusy());
        QVERIFY2(opened.wait(120000), finished.isEmpty() ? "not opened" : qPrintable(finished.last().at(2).toString()));
        QCOMPARE(w.session()->clipCount(), 8);
        QCOMPARE(w.session()->data().modelId, model.id());
        // ... and a map was made for it (PCA, off the GUI thread).
        QTRY_VERIFY_WITH_TIMEOUT(!w.tasks()->isBusy() && finished.size() >= 2, 60000);
        QVERIFY2(finished.last().at(0).toBool(), qPrintable(finished.last().at(2).toString()));
        QCOMPARE(w.mapView()->pointCount(), 8);
    }

    void shortClipsAreReadAtTheArchivesTimeScale()
    {
        // 80-ms windows fit the tiny model's 0.37-s window 4 times finer: the archive is read at x4,
        // and the window reads its model at x4 too (reconstructions match the vectors).
        QTemporaryDir dir;
        const auto [root, modelDir, model] = toneFolder(dir, "field", "rec.wav", 2000, 22050, 2.0, 12);
        const QString archiveFile = dir.filePath(QStringLiteral("short.crowlingo"));

        MainWindow w;
        EmbedFolderOptions options;
        options.segment = SegmentSpec::parse("window:0.08");
        options.timeScale = EmbedFolderOptions::kStoredOrChosen;
        QVERIFY(embedAndOpen(w, root, archiveFile, modelDir, options));
        QCOMPARE(w.session()->data().timeScale, 4);
        const std::string scaledId = model.withTimeScale(4).id();
        QCOMPARE(w.session()->data().modelId, scaledId);
        QTRY_COMPARE_WITH_TIMEOUT(w.models()->id(), QString::fromStdString(scaledId), 30000);
    }

    void aHydrophoneFolderReadAtOneIsAdvisedToSpeedUp()
    {
        // A 2-kHz recording embedded at time expansion 1 fills only the model's lowest bands: the
        // window opens the archive and says which factor fits, without blocking.
        QTemporaryDir dir;
        const auto [root, modelDir, model] = toneFolder(dir, "hydrophone", "site1.wav", 40, 2000, 6.0, 13);
        MainWindow w;
        EmbedFolderOptions options;
        options.segment = SegmentSpec::parse("window:1");
        QVERIFY(embedAndOpen(w, root, dir.filePath(QStringLiteral("whales.crowlingo")), modelDir, options));
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w.findChild<QMessageBox*>(QStringLiteral("timeExpansionAdviceBox"))), 10000);
        QVERIFY2(box->text().contains(QStringLiteral("time expansion 0.1")), qPrintable(box->text()));
        QVERIFY(!box->isModal() || box->windowModality() != Qt::ApplicationModal);
    }

    void aStretchDrawnOnTheRecordingBecomesAClipAndCanBeRemoved()
    {
        // A call the segmentation missed: the researcher drags a box on the recording and adds it.
        // The window embeds it with the archive's model, reads the archive again with the new clip
        // current (its neighbours listed, its box drawn) and keeps it; removing it asks first.
        QTemporaryDir dir;
        const auto [root, modelDir, model] = toneFolder(dir, "drawn", "rec.wav", 3000, 22050, 4.0, 15);
        const QString archiveFile = dir.filePath(QStringLiteral("drawn.crowlingo"));
        MainWindow w;
        EmbedFolderOptions options;
        options.segment = SegmentSpec::parse("window:1");
        QVERIFY(embedAndOpen(w, root, archiveFile, modelDir, options));
        QCOMPARE(w.session()->clipCount(), 4);
        QTRY_COMPARE_WITH_TIMEOUT(w.models()->id(), QString::fromStdString(w.session()->data().modelId), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.tasks()->isBusy(), 60000); // the first map and clusters

        w.session()->setCurrentClip(0);
        RecordingPanel* panel = w.recordingPanel();
        QTRY_VERIFY(panel->view()->recording());
        panel->view()->setSelection(1.30, 1.62, 2000, 5000);
        QVERIFY(panel->addClipButton()->isEnabled());
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        panel->addClipButton()->click();
        QVERIFY(opened.wait(60000));
        QCOMPARE(w.session()->clipCount(), 5);
        const int current = w.session()->currentClip();
        QVERIFY(current >= 0);
        const ClipRow drawn = w.session()->data().clips[std::size_t(current)];
        QVERIFY(drawn.byHand);
        QCOMPARE(std::make_tuple(drawn.start, drawn.end, drawn.lowHz, drawn.highHz), std::make_tuple(1.30, 1.62, 2000.0, 5000.0));
        QVERIFY(w.session()->data().rowOfClip[std::size_t(current)] != EmbeddingRow::none);
        QCOMPARE(w.session()->neighbours().size(), 4); // the four windows
        // On the map among its neighbours until the map is computed again, and marked so.
        QVERIFY(std::isfinite(w.session()->data().xy[2 * std::size_t(current)]));
        QVERIFY(w.session()->data().placedOnMap[std::size_t(current)]);
        QCOMPARE(w.session()->data().clipsPlaced, 1);
        bool boxed = false;
        for (const RecordingView::Box& b : panel->view()->boxes()) boxed |= b.clipIndex == current && b.lowHz == 2000.0;
        QVERIFY(boxed);
        {
            const Archive stored = Archive::openReadOnly(archiveFile.toStdString());
            QCOMPARE(stored.clipCount(), std::int64_t(5));
            QVERIFY(stored.embedding(drawn.id, stored.activeModel()).has_value());
        }

        // Its right edge dragged later, as a Raven selection's: embedded again, its label kept, current.
        QVERIFY(w.session()->applyLabel({current}, QStringLiteral("trill")));
        RecordingView* view = panel->view();
        w.resize(1400, 900);
        w.show();
        QVERIFY(QTest::qWaitForWindowExposed(&w));
        auto* dock = w.findChild<QDockWidget*>(QStringLiteral("recordingDock"));
        QVERIFY(dock);
        dock->raise();
        view->showRange(0.0, 4.0);
        view->zoomFrequency(0.4, 3500); // the docked view is short: the box's band fills most of it
        const int y = int((view->yOfFrequency(2000) + view->yOfFrequency(5000)) / 2);
        QVERIFY2(view->yOfFrequency(2000) - view->yOfFrequency(5000) > 12,
                 qPrintable(QStringLiteral("the box is %1 px high").arg(view->yOfFrequency(2000) - view->yOfFrequency(5000))));
        QMouseEvent hover(QEvent::MouseMove, QPointF(view->xOfTime(1.62), y), view->mapToGlobal(QPointF(view->xOfTime(1.62), y)),
                          Qt::NoButton, Qt::NoButton, {});
        QApplication::sendEvent(view, &hover);
        QCOMPARE(view->QWidget::cursor().shape(), Qt::SizeHorCursor); // the pointer says the edge can be dragged
        testkit::drag(view, QPoint(int(view->xOfTime(1.62)), y), QPoint(int(view->xOfTime(1.85)), y));
        QVERIFY(opened.wait(60000));
        QCOMPARE(w.session()->clipCount(), 5);
        const int redrawnAt = w.session()->currentClip();
        QVERIFY(redrawnAt >= 0);
        const ClipRow redrawn = w.session()->data().clips[std::size_t(redrawnAt)];
        QVERIFY(redrawn.byHand);
        QVERIFY(redrawn.id != drawn.id);
        QCOMPARE(std::make_tuple(redrawn.start, redrawn.lowHz, redrawn.highHz), std::make_tuple(1.30, 2000.0, 5000.0));
        QVERIFY2(std::abs(redrawn.end - 1.85) < 2 * view->secondsPerPixel(), qPrintable(QString::number(redrawn.end)));
        QCOMPARE(w.session()->data().label[std::size_t(redrawnAt)], std::string("trill"));
        QCOMPARE(w.session()->neighbours().size(), 4);
        {
            const Archive stored = Archive::openReadOnly(archiveFile.toStdString());
            QVERIFY(!stored.clip(drawn.id));
            QVERIFY(stored.embedding(redrawn.id, stored.activeModel()).has_value());
        }

        // Edit > Undo takes the label edit back first (none made since the redraw), then the redraw.
        auto* undo = w.findChild<QAction*>(QStringLiteral("undoAction"));
        QVERIFY(undo && undo->isEnabled());
        QCOMPARE(undo->text(), QStringLiteral("&Undo Redraw Clip"));
        undo->trigger();
        QVERIFY(opened.wait(60000));
        {
            const int i = w.session()->currentClip();
            const ClipRow back = w.session()->data().clips[std::size_t(i)];
            QCOMPARE(std::make_tuple(back.start, back.end, back.lowHz, back.highHz), std::make_tuple(1.30, 1.62, 2000.0, 5000.0));
            QCOMPARE(w.session()->data().label[std::size_t(i)], std::string("trill"));
            QVERIFY(!undo->isEnabled()); // no redo, and nothing older to undo
        }
        const int redrawnIndex = w.session()->currentClip();

        // Its menu offers removal (the windows' menus do not); the question is answered yes.
        std::unique_ptr<QMenu> windowMenu(panel->clipMenu(redrawnIndex == 0 ? 1 : 0, nullptr));
        for (QAction* act : windowMenu->actions()) QVERIFY(act->objectName() != QStringLiteral("removeClipAction"));
        std::unique_ptr<QMenu> menu(panel->clipMenu(redrawnIndex, nullptr));
        QAction* remove = nullptr;
        for (QAction* act : menu->actions())
            if (act->objectName() == QStringLiteral("removeClipAction")) remove = act;
        QVERIFY(remove);
        QString question;
        answer<QMessageBox>([&](QMessageBox* box) {
            question = box->text();
            box->button(QMessageBox::Yes)->click();
        });
        remove->trigger();
        QVERIFY2(question.contains(QStringLiteral("drawn by hand")), qPrintable(question));
        QVERIFY(opened.wait(60000));
        QCOMPARE(w.session()->clipCount(), 4);
        QCOMPARE(Archive::openReadOnly(archiveFile.toStdString()).clipCount(), std::int64_t(4));

        // Undone: back where it was, with its label, current.
        QCOMPARE(undo->text(), QStringLiteral("&Undo Remove Clip"));
        undo->trigger();
        QVERIFY(opened.wait(60000));
        QCOMPARE(w.session()->clipCount(), 5);
        const int back = w.session()->currentClip();
        QVERIFY(back >= 0);
        const ClipRow restored = w.session()->data().clips[std::size_t(back)];
        QVERIFY(restored.byHand);
        QCOMPARE(std::make_tuple(restored.start, restored.end, restored.lowHz, restored.highHz),
                 std::make_tuple(1.30, 1.62, 2000.0, 5000.0));
        QCOMPARE(w.session()->data().label[std::size_t(back)], std::string("trill"));
        QVERIFY(!undo->isEnabled());
    }

    void aDrawnClipIsFittedToItsCallFromItsMenu()
    {
        // A call at 1.40-1.55 s drawn loosely and added; its menu's Fit This Clip to Its Call
        // draws it again around the call (cut into windows, the archive pads nothing), label kept.
        QTemporaryDir dir;
        auto [root, modelDir, model] = toneFolder(dir, "burst", "rec.wav", 3000, 22050, 3.0, 16);
        std::vector<float> x(std::size_t(3.0 * 22050));
        std::mt19937 rng(5);
        std::normal_distribution<float> noise(0.0f, 0.002f);
        for (std::size_t k = 0; k < x.size(); ++k) {
            const double t = double(k) / 22050;
            x[k] = noise(rng) + (t >= 1.40 && t < 1.55 ? 0.3f * float(std::sin(2 * std::numbers::pi * 3000 * t)) : 0.0f);
        }
        testkit::writeWav(root / "rec.wav", x, 22050);
        const QString archiveFile = dir.filePath(QStringLiteral("burst.crowlingo"));
        MainWindow w;
        EmbedFolderOptions options;
        options.segment = SegmentSpec::parse("window:1");
        QVERIFY(embedAndOpen(w, root, archiveFile, modelDir, options));
        QTRY_COMPARE_WITH_TIMEOUT(w.models()->id(), QString::fromStdString(w.session()->data().modelId), 30000);
        QTRY_VERIFY_WITH_TIMEOUT(!w.tasks()->isBusy(), 60000);
        w.session()->setCurrentClip(0);
        RecordingPanel* panel = w.recordingPanel();
        QTRY_VERIFY(panel->view()->recording());
        panel->view()->setSelection(1.25, 1.75, 1000, 6000);
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        panel->addClipButton()->click();
        QVERIFY(opened.wait(60000));
        const int drawn = w.session()->currentClip();
        QVERIFY(w.session()->data().clips[std::size_t(drawn)].byHand);
        QVERIFY(w.session()->applyLabel({drawn}, QStringLiteral("beep")));

        std::unique_ptr<QMenu> menu(panel->clipMenu(drawn, nullptr));
        QAction* fit = nullptr;
        for (QAction* act : menu->actions())
            if (act->objectName() == QStringLiteral("fitClipAction")) fit = act;
        QVERIFY(fit && fit->isEnabled());
        fit->trigger();
        QVERIFY(opened.wait(60000));
        const int now = w.session()->currentClip();
        const ClipRow c = w.session()->data().clips[std::size_t(now)];
        QVERIFY(c.byHand);
        QVERIFY2(std::abs(c.start - 1.40) < 0.006 && std::abs(c.end - 1.55) < 0.006,
                 qPrintable(QStringLiteral("%1-%2 s").arg(c.start).arg(c.end)));
        QCOMPARE(std::make_pair(c.lowHz, c.highHz), std::make_pair(1000.0, 6000.0));
        QCOMPARE(w.session()->data().label[std::size_t(now)], std::string("beep"));
        // The windows the segmentation cut offer no fitting (they would be cut there again).
        std::unique_ptr<QMenu> windowMenu(panel->clipMenu(now == 0 ? 1 : 0, nullptr));
        for (QAction* act : windowMenu->actions()) QVERIFY(act->objectName() != QStringLiteral("fitClipAction"));
    }

    void anArchiveFromSelectionTablesOpensLabelledAndNamesTheSelectionsLeftOut()
    {
        // The researcher's Raven table as the clips: the window opens the archive with each clip
        // labelled as drawn, and says (without blocking) which selection gave no clip, and why.
        QTemporaryDir dir;
        const auto [root, modelDir, model] = toneFolder(dir, "songs", "song1.wav", 3000, 22050, 4.0, 14);
        std::ofstream(root / "song1.Table.1.selections.txt")
            << "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tAnnotation\n"
               "1\tSpectrogram 1\t1\t0.5\t0.8\tchip\n2\tSpectrogram 1\t1\t2\t2.5\ttrill\n";
        std::ofstream(root / "song2.Table.1.selections.txt")
            << "Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tAnnotation\n1\tSpectrogram 1\t1\t1\t2\tchip\n";
        MainWindow w;
        EmbedFolderOptions options;
        options.segment = SegmentSpec::parse("table");
        QVERIFY(embedAndOpen(w, root, dir.filePath(QStringLiteral("songs.crowlingo")), modelDir, options));
        QCOMPARE(w.session()->clipCount(), 2);
        QStringList labels;
        for (const LabelRow& l : Archive::openReadOnly(dir.filePath(QStringLiteral("songs.crowlingo")).toStdString()).labels())
            labels << QString::fromStdString(l.label);
        labels.sort();
        QCOMPARE(labels, QStringList({QStringLiteral("chip"), QStringLiteral("trill")}));
        QMessageBox* box = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((box = w.findChild<QMessageBox*>(QStringLiteral("selectionProblemsBox"))), 10000);
        QVERIFY2(box->detailedText().contains(QStringLiteral("song2.Table.1.selections.txt line 2: no recording named \"song2.*\"")),
                 qPrintable(box->detailedText()));
        box->close();

        // A selection drawn since, then the archive updated from its folder: the recording is cut
        // again, the window says which, and the clips of the other selections keep their labels.
        std::ofstream(root / "song1.Table.1.selections.txt", std::ios::app) << "3\tSpectrogram 1\t1\t3\t3.4\tchip\n";
        QTRY_VERIFY_WITH_TIMEOUT(!w.tasks()->isBusy(), 60000); // the map and clusters of the first run
        QVERIFY(embedAndOpen(w, root, dir.filePath(QStringLiteral("songs.crowlingo")), modelDir, options));
        QCOMPARE(w.session()->clipCount(), 3);
        QMessageBox* recut = nullptr;
        QTRY_VERIFY_WITH_TIMEOUT((recut = w.findChild<QMessageBox*>(QStringLiteral("recutBox"))), 10000);
        QCOMPARE(recut->detailedText(), QStringLiteral("song1.wav"));
        QCOMPARE(int(Archive::openReadOnly(dir.filePath(QStringLiteral("songs.crowlingo")).toStdString()).labels().size()), 3);
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
