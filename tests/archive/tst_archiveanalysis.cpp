// Maps, clusterings and exemplars of an archive: three well-separated groups of vectors are found
// as three clusters, ids survive a re-run, and each cluster's exemplars are its own clips with
// the most central one (the medoid) first.
#include "core/archive/Archive.h"
#include "core/archive/ArchiveAnalysis.h"
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
        const StoredClustering s = clusterArchive(a, p, false);
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
        const StoredClustering again = clusterArchive(a, p, false);
        QCOMPARE(again.labels, s.labels);
    }
};

QTEST_GUILESS_MAIN(TestArchiveAnalysis)
#include "tst_archiveanalysis.moc"
