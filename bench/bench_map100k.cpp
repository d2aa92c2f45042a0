// The workbench at scale: the time to open an archive of N clips (default 100,000; 256-D vectors or DIMENSION,
// a stored map and clustering) in the real MainWindow, and the map's frame time while zooming and
// panning over all N points. Run offscreen or under Xvfb (software rendering, as on most
// researchers' Linux desktops without GL acceleration for Qt Widgets).
//   QT_QPA_PLATFORM=offscreen bench_map100k [N=100000] [DIMENSION=256]   (BENCH_MAP_NO_STORED_SPACE=1: see makeArchive;
//   BENCH_MAP_KEEP=DIR keeps the archive made, BENCH_MAP_USE=FILE opens one kept before;
//   BENCH_MAP_OWN_LABELS=1 first gives every clip a label of the user's own, as after a season's work)
#include "bench/BenchTiming.h"
#include "core/archive/Archive.h"
#include "core/archive/ArchiveView.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/segment/Segmenter.h"
#include "ui/ArchiveSession.h"
#include "ui/MainWindow.h"
#include "ui/MapView.h"
#include "core/common/NumericsEnvironment.h"

#include <QApplication>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QWheelEvent>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <random>

using namespace crowlingo;
using namespace crowlingo::ui;

namespace {

qsizetype pointCountTenth(const MapView* map) { return map->pointCount() / 10; }

// N clips in recordings of 1,000 clips each, vectors around 24 centres, a map and clusters.
std::filesystem::path makeArchive(const std::filesystem::path& dir, int n, int dim)
{
    const std::filesystem::path file = dir / "big.crowlingo";
    Archive a = Archive::create(file, dir);
    const std::string model(64, 'b');
    const int centres = 24;
    std::mt19937 rng(7);
    std::normal_distribution<float> g(0.f, 1.f);
    std::vector<std::vector<float>> c(centres, std::vector<float>(dim));
    for (auto& v : c) for (float& x : v) x = g(rng);
    std::vector<ClipId> ids;
    std::vector<float> xy;
    std::vector<int> labels;
    for (int r = 0; r * 1000 < n; ++r) {
        const int count = std::min(1000, n - r * 1000);
        RecordingRow row;
        row.path = "site" + std::to_string(r) + ".wav";
        row.duration = count * 2.0;
        row.sampleRate = 22050;
        row.channels = 1;
        row.status = "embedded";
        std::vector<Clip> clips;
        std::vector<std::vector<float>> vectors;
        for (int k = 0; k < count; ++k) {
            const int kind = int(rng() % centres);
            clips.push_back(Clip{k * 2.0, k * 2.0 + 1.0, 500, 5000});
            std::vector<float> v = c[std::size_t(kind)];
            for (float& x : v) x += 0.5f * g(rng);
            vectors.push_back(std::move(v));
            labels.push_back(kind);
            xy.push_back(float(10 * std::cos(kind) + g(rng)));
            xy.push_back(float(10 * std::sin(kind * 1.7) + g(rng)));
        }
        a.storeRecording(row, clips, "window:1", model, vectors);
    }
    a.setActiveModel(model);
    // As `project` leaves an archive: the vectors stored in their retrieval space too (unless
    // BENCH_MAP_NO_STORED_SPACE is set: then the window computes the space as it opens).
    if (!std::getenv("BENCH_MAP_NO_STORED_SPACE")) storeRetrievalSpace(a, model);
    for (const ClipRow& cr : a.clips()) ids.push_back(cr.id);
    a.storeProjection(model, R"({"method":"umap"})", ids, xy);
    a.storeClustering(model, R"({"method":"kmeans","k":24})", ids, labels, std::vector<float>(ids.size(), 1.f),
                      std::vector<float>(ids.size(), 0.f));
    return file;
}

void wheel(QWidget* w, int delta)
{
    const QPointF centre(w->width() / 2.0, w->height() / 2.0);
    QWheelEvent e(centre, w->mapToGlobal(centre), QPoint(), QPoint(0, delta), Qt::NoButton, Qt::NoModifier,
                  Qt::NoScrollPhase, false);
    QApplication::sendEvent(w, &e);
}

void report(const char* what, std::vector<double> ms)
{
    std::sort(ms.begin(), ms.end());
    std::printf("%-34s median %6.1f ms, 95th percentile %6.1f ms, max %6.1f ms (%zu frames)\n", what,
                ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 95 / 100)], ms.back(), ms.size());
}

} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    QApplication app(argc, argv);
    const int n = argc > 1 ? std::atoi(argv[1]) : 100000;
    const int dim = argc > 2 ? std::atoi(argv[2]) : 256; // the default model's vectors have 2,048
    // BENCH_MAP_KEEP=DIR: the archive is made there and kept (e.g. to time the CLI on it);
    // BENCH_MAP_USE=FILE: an archive made so before is opened instead of making one.
    QTemporaryDir tmp;
    const char* keep = std::getenv("BENCH_MAP_KEEP");
    const char* use = std::getenv("BENCH_MAP_USE");
    std::filesystem::path file;
    const double build = use ? 0.0 : timeIt([&] { file = makeArchive(keep ? std::string(keep) : tmp.path().toStdString(), n, dim); });
    if (use) file = use;
    if (std::getenv("BENCH_MAP_OWN_LABELS")) {
        Archive a = Archive::open(file);
        std::vector<ClipId> all;
        for (const ClipRow& c : a.clips()) all.push_back(c.id);
        const double labelAll = timeIt([&] { a.setLabels(all, "earlier", "user"); });
        const double readOwn = timeIt([&] { (void)a.labels("user"); });
        std::printf("every clip labelled by the user first: %.1f s; reading those %zu labels: %.0f ms\n", labelAll,
                    all.size(), 1000 * readOwn);
    }
    std::printf("archive: %d clips, %d-D vectors, map and clusters stored (built in %.1f s, %.0f MB)\n", n, dim, build,
                double(std::filesystem::file_size(file)) / 1e6);

    std::optional<ArchiveView> view;
    const double snapshot = timeIt([&] { view = ArchiveView::load(file); });
    std::printf("reading the archive (ArchiveView::load, incl. neighbour index): %.2f s\n", snapshot);
    {
        // A click's neighbours, as the window asks for them (ArchiveSession::neighbours): 10 of
        // each of 200 clips spread over the archive.
        std::vector<double> ms;
        for (int q = 0; q < 200; ++q) {
            const auto row = EmbeddingRow(std::int64_t(q) * std::int64_t(view->embeddings.rows()) / 200);
            ms.push_back(1000 * timeIt([&] { (void)view->index->search(view->embeddings.vector(row), 10, std::int64_t(row)); }));
        }
        std::sort(ms.begin(), ms.end());
        std::printf("neighbours of a clip (%s): median %.1f ms, 95th percentile %.1f ms\n",
                    view->index->usesLists() ? "through the stored lists" : "exact search", ms[100], ms[190]);
        view.reset();
    }

    MainWindow w;
    w.setAutoProjection(false);
    w.resize(1600, 1000);
    w.show();
    QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
    const double open = timeIt([&] {
        w.openArchive(QString::fromStdString(file.string()));
        opened.wait(600000);
        QApplication::processEvents();
        w.mapView()->repaint();
    });
    std::printf("open in the window until the map is drawn: %.2f s (%d points on the map)\n", open, w.mapView()->pointCount());

    MapView* map = w.mapView();
    std::printf("map widget: %d x %d px\n", map->width(), map->height());
    std::vector<double> zoomIn, zoomOut, first;
    first.push_back(1000 * timeIt([&] { map->repaint(); }));
    for (int i = 0; i < 20; ++i) zoomIn.push_back(1000 * timeIt([&] { wheel(map, 120); map->repaint(); }));
    for (int i = 0; i < 20; ++i) zoomOut.push_back(1000 * timeIt([&] { wheel(map, -120); map->repaint(); }));
    // Zoom steps came without a pause: on a map slow to stamp they moved the last image; once the
    // view is still the points are stamped again, in one frame of this length.
    QTest::qWait(500);
    const double restamp = map->lastStampMs();
    std::vector<double> still;
    for (int i = 0; i < 10; ++i) still.push_back(1000 * timeIt([&] { map->update(); map->repaint(); }));
    report("zooming in (wheel, then paint)", zoomIn);
    report("zooming out (wheel, then paint)", zoomOut);
    report("repaint without a change", still);
    std::printf("stamping the points (after zooming, once the view is still): %.1f ms\n", restamp);

    // Hover: the clip under the pointer, at 1,000 places over the whole map.
    map->resetView();
    map->repaint();
    std::mt19937 rng(11);
    std::uniform_real_distribution<double> ux(0, map->width()), uy(0, map->height());
    std::vector<double> hover;
    for (int i = 0; i < 1000; ++i) {
        const QPointF at(ux(rng), uy(rng));
        hover.push_back(1000 * timeIt([&] { (void)map->clipAt(at); }));
    }
    report("hover look-up (clip under the pointer)", hover);
    // A rectangle over about a tenth of the points, then one label for all of them (saved in the
    // archive, as Label does).
    QRectF band(0, 0, map->width(), map->height() * 0.1);
    QVector<int> inBand;
    while (band.bottom() < map->height()) {
        inBand = map->clipsIn(band);
        if (inBand.size() >= pointCountTenth(map)) break;
        band.setBottom(band.bottom() + map->height() * 0.05);
    }
    // Each step, then the event-loop turn that follows it: the window's deferred repaints (and,
    // after an edit, the first slice of folding the label journal, below).
    QCoreApplication::processEvents(QEventLoop::AllEvents);
    const auto turn = [] { return 1000 * timeIt([] { QCoreApplication::processEvents(QEventLoop::AllEvents); }); };
    const double select = 1000 * timeIt([&] { inBand = map->clipsIn(band); w.session()->setSelection(inBand); });
    const double selectShown = turn();
    const double label = 1000 * timeIt([&] { w.session()->applyLabel(inBand, QStringLiteral("bench")); });
    const double labelShown = turn();
    const double undo = 1000 * timeIt([&] { w.session()->undoLabel(); });
    const double undoShown = turn();
    const double relabel = 1000 * timeIt([&] { w.session()->applyLabel(inBand, QStringLiteral("bench again")); });
    const double relabelShown = turn();
    std::printf("selecting %lld clips by rectangle: %.0f ms (+ %.0f ms the next event-loop turn); labelling them: %.0f ms "
                "(+ %.0f ms); undoing that: %.0f ms (+ %.0f ms)\n",
                (long long)inBand.size(), select, selectShown, label, labelShown, undo, undoShown);
    std::printf("labelling them again: %.0f ms (+ %.0f ms)\n", relabel, relabelShown);

    // Both edits went to the archive's label journal, which the window folds into the label table
    // a slice at a time while idle: the longest turn of the event loop is the most a frame or a
    // click waits meanwhile.
    const Archive reader = Archive::openReadOnly(file);
    const std::int64_t journalled = reader.journalledLabelClips();
    std::vector<double> turns;
    const double folding = timeIt([&] {
        while (reader.journalledLabelClips() > 0)
            turns.push_back(1000 * timeIt([] { QCoreApplication::processEvents(QEventLoop::AllEvents); }));
    });
    std::printf("folding the %lld journalled clips while idle: %.0f ms in all; longest event-loop turn %.1f ms\n",
                (long long)journalled, 1000 * folding, turns.empty() ? 0.0 : *std::max_element(turns.begin(), turns.end()));

    // For comparison, the same edit written a row per clip (as the window did before the journal),
    // under a source of its own.
    std::vector<ClipId> ids;
    for (int i : inBand) ids.push_back(w.session()->data().clips[std::size_t(i)].id);
    Archive writer = Archive::open(file);
    const double rows = 1000 * timeIt([&] { writer.setLabels(ids, "bench", "bench-rows"); });
    std::printf("the same edit written a row per clip (Archive::setLabels): %.0f ms\n", rows);
    return 0;
}
