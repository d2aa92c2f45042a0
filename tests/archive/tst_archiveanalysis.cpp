// Maps, clusterings and exemplars of an archive: three well-separated groups of vectors are found
// as three clusters, ids survive a re-run, and each cluster's exemplars are its own clips with
// the most central one (the medoid) first.
#include "core/archive/Archive.h"
#include "core/archive/ArchiveAnalysis.h"
#include "core/archive/ArchiveView.h"
#include "core/common/Error.h"
#include "core/segment/Segmenter.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <map>
#include <set>
#include <random>

using namespace crowlingo;
namespace fs = std::filesystem;

class TestArchiveAnalysis : public QObject {
    Q_OBJECT

    QTemporaryDir tmp;
    std::map<ClipId, int> groupOf;
    std::map<ClipId, double> offCentre; // distance from the group's direction
    const std::string model = std::string(64, 'a');

    fs::path file() const { return fs::path(tmp.path().toStdString()) / "a.crowlingo"; }

private Q_SLOTS:
    void initTestCase()
    {
        fs::create_directories(fs::path(tmp.path().toStdString()) / "rec");
        Archive a = Archive::create(file(), fs::path(tmp.path().toStdString()) / "rec");
        std::mt19937 rng(4);
        std::normal_distribution<float> noise(0.f, 1.f);
        const int dim = 16;
        for (int g = 0; g < 3; ++g) {
            RecordingRow r;
            r.path = "group" + std::to_string(g) + ".wav";
            r.duration = 60;
            std::vector<Clip> clips;
            std::vector<std::vector<float>> vectors;
            for (int i = 0; i < 30; ++i) {
                clips.push_back({i * 1.0, i * 1.0 + 0.5, 0, 0});
                std::vector<float> v(dim, 0.f);
                v[std::size_t(g * 5)] = 10.f; // the group's direction
                // Clip i's spread grows with i: clip 0 is the group's most central member.
                const float spread = 0.05f + 0.05f * float(i);
                for (float& x : v) x += spread * noise(rng);
                vectors.push_back(v);
            }
            a.storeRecording(r, clips, "window:0.5", model, vectors);
        }
        a.setActiveModel(model);
        for (const ClipRow& c : a.clips()) {
            groupOf[c.id] = c.path[5] - '0';
            offCentre[c.id] = c.start; // spread grows with the clip's start
        }
    }

    void findsTheGroupsAndTheirExemplars()
    {
        Archive a = Archive::open(file());
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 3;
        const StoredClustering s = clusterArchive(a, p);
        QCOMPARE(s.clipIds.size(), std::size_t(90));
        // Each cluster is one group.
        std::map<int, std::set<int>> groupsInCluster;
        for (std::size_t i = 0; i < s.clipIds.size(); ++i) groupsInCluster[s.labels[i]].insert(groupOf[s.clipIds[i]]);
        QCOMPARE(groupsInCluster.size(), std::size_t(3));
        for (const auto& [c, groups] : groupsInCluster) QCOMPARE(groups.size(), std::size_t(1));

        const auto exemplars = clusterExemplarClips(a, s, 4);
        QCOMPARE(exemplars.size(), std::size_t(3));
        for (std::size_t c = 0; c < exemplars.size(); ++c) {
            QCOMPARE(exemplars[c].size(), std::size_t(4));
            const int group = groupOf[exemplars[c].front()];
            for (ClipId id : exemplars[c]) QCOMPARE(groupOf[id], group);
            // The medoid is among the group's tightest members, not one of its outliers.
            QVERIFY2(offCentre[exemplars[c].front()] < 10, qPrintable(QString("medoid at spread rank %1").arg(offCentre[exemplars[c].front()])));
        }

        // A second run keeps the cluster ids of the first.
        const StoredClustering again = clusterArchive(a, p);
        QCOMPARE(again.labels, s.labels);
    }

    void automaticSpaceIsTheMapWhenItIsAUmap()
    {
        Archive a = Archive::open(file());
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 2;
        QVERIFY(p.space == ClusterSpace::Automatic);
        // A PCA map is not where call types are looked for: the embeddings are.
        ProjectionParams pca;
        pca.method = ProjectionMethod::Pca;
        projectArchive(a, pca);
        QVERIFY(ClusterParams::spaceUsed(clusterArchive(a, p).paramsJson) == ClusterSpace::Embeddings);

        // A UMAP map whose two islands cut across the three groups: even clips left, odd clips
        // right. Found on the map, the two clusters are the islands.
        std::vector<ClipId> ids;
        std::vector<float> xy;
        for (const ClipRow& c : a.clips()) {
            ids.push_back(c.id);
            xy.push_back(c.id % 2 == 0 ? -10.f : 10.f);
            xy.push_back(float(c.id % 7) * 0.1f);
        }
        a.storeProjection(model, R"({"method":"umap"})", ids, xy);
        const StoredClustering onMap = clusterArchive(a, p);
        QVERIFY(ClusterParams::spaceUsed(onMap.paramsJson) == ClusterSpace::Map);
        QVERIFY(ClusterParams::fromJson(onMap.paramsJson).metric == Metric::Euclidean); // positions, not directions
        for (std::size_t i = 0; i < onMap.clipIds.size(); ++i)
            for (std::size_t j = 0; j < onMap.clipIds.size(); ++j)
                QCOMPARE(onMap.labels[i] == onMap.labels[j], onMap.clipIds[i] % 2 == onMap.clipIds[j] % 2);

        // Asked for the embeddings, the groups come back whatever the map shows.
        p.space = ClusterSpace::Embeddings;
        p.k = 3;
        const StoredClustering inEmbeddings = clusterArchive(a, p);
        QVERIFY(ClusterParams::spaceUsed(inEmbeddings.paramsJson) == ClusterSpace::Embeddings);
        std::map<int, std::set<int>> groupsInCluster;
        for (std::size_t i = 0; i < inEmbeddings.clipIds.size(); ++i)
            groupsInCluster[inEmbeddings.labels[i]].insert(groupOf[inEmbeddings.clipIds[i]]);
        QCOMPARE(groupsInCluster.size(), std::size_t(3));
        for (const auto& [c, groups] : groupsInCluster) QCOMPARE(groups.size(), std::size_t(1));
    }

    // A clip the stored map does not hold (drawn by hand since) is shown among its nearest
    // neighbours on it, marked as placed; it is not in the clustering either, and says so.
    void clipsMissingFromTheMapArePlacedAmongTheirNeighbours()
    {
        const fs::path placedFile = fs::path(tmp.path().toStdString()) / "placed.crowlingo";
        fs::copy_file(file(), placedFile, fs::copy_options::overwrite_existing);
        Archive a = Archive::open(placedFile);
        // A map that puts each group at its own spot, 100 apart.
        std::vector<ClipId> ids;
        std::vector<float> xy;
        for (const ClipRow& c : a.clips()) {
            ids.push_back(c.id);
            xy.push_back(100.f * float(groupOf[c.id]) + 0.01f * float(c.start));
            xy.push_back(float(groupOf[c.id]) + 0.01f * float(c.start));
        }
        a.storeProjection(model, R"({"method":"umap"})", ids, xy);
        ClusterParams p;
        p.method = ClusterMethod::Kmeans;
        p.k = 3;
        p.space = ClusterSpace::Embeddings;
        clusterArchive(a, p);
        std::vector<float> v(16, 0.f);
        v[5] = 10.f; // group 1's direction
        v[0] = 0.3f;
        const ClipId drawn = a.addClip(a.recording("group1.wav")->id, Clip{40.0, 40.3, 0, 0, true}, kClipByHandSegmenter, model, v);

        const ArchiveView view = ArchiveView::load(placedFile);
        const int i = view.indexOf(drawn);
        QVERIFY(i >= 0);
        QVERIFY(view.clips[std::size_t(i)].byHand);
        QCOMPARE(view.clipsPlaced, 1);
        QCOMPARE(view.clipsOffMap, 0);
        QVERIFY(view.placedOnMap[std::size_t(i)]);
        QCOMPARE(std::count(view.placedOnMap.begin(), view.placedOnMap.end(), 1), 1);
        // Among group 1's clips (x 100 to 100.3, y 1 to 1.3), far from the other groups.
        const float x = view.xy[2 * std::size_t(i)], y = view.xy[2 * std::size_t(i) + 1];
        QVERIFY2(x >= 100.f && x <= 100.3f && y >= 1.f && y <= 1.3f, qPrintable(QString("placed at %1, %2").arg(x).arg(y)));
        // Not in the clustering: said apart from noise.
        QVERIFY(!view.clustered[std::size_t(i)]);
        QCOMPARE(std::count(view.clustered.begin(), view.clustered.end(), 1), 90);
    }

    void theMapWithoutAMapIsAnError()
    {
        const fs::path other = fs::path(tmp.path().toStdString()) / "nomap.crowlingo";
        Archive a = Archive::create(other, fs::path(tmp.path().toStdString()) / "rec");
        RecordingRow r;
        r.path = "group0.wav";
        a.storeRecording(r, {{0, 1, 0, 0}, {1, 2, 0, 0}}, "window:1", model, {{1, 0}, {0, 1}});
        a.setActiveModel(model);
        ClusterParams p;
        p.space = ClusterSpace::Map;
        QVERIFY_THROWS_EXCEPTION(UsageError, clusterArchive(a, p));
    }

    void spacesReadBackIncludingOlderArchives()
    {
        ClusterParams p;
        p.space = ClusterSpace::Map;
        QVERIFY(ClusterParams::fromJson(p.toJson()).space == ClusterSpace::Map);
        p.space = ClusterSpace::Embeddings;
        QVERIFY(ClusterParams::fromJson(p.toJson()).space == ClusterSpace::Embeddings);
        QVERIFY(ClusterParams::fromJson(ClusterParams{}.toJson()).space == ClusterSpace::Automatic);
        // Archives written before the space had a name.
        const std::string old = R"({"method":"hdbscan","metric":"euclidean","on_map":true})";
        QVERIFY(ClusterParams::fromJson(old).space == ClusterSpace::Map);
        QVERIFY(ClusterParams::spaceUsed(old) == ClusterSpace::Map);
        QVERIFY(ClusterParams::spaceUsed(R"({"method":"hdbscan"})") == ClusterSpace::Embeddings);
        QVERIFY_THROWS_EXCEPTION(UsageError, ClusterParams::fromJson(R"({"space":"moon"})"));
    }
};

QTEST_GUILESS_MAIN(TestArchiveAnalysis)
#include "tst_archiveanalysis.moc"
