// crowlingo-cli project ARCHIVE --method umap|pca, and cluster ARCHIVE --method hdbscan|kmeans:
// the map and the clusters, stored in the archive with their parameters and the model id.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/OptionChecks.h"
#include "core/archive/ArchiveAnalysis.h"

#include <cstdio>
#include <map>

namespace crowlingo::cli {

namespace {
const std::map<std::string, Metric> kMetrics{{"cosine", Metric::Cosine}, {"euclidean", Metric::Euclidean}};
}

Command addProjectCommand(CLI::App& app)
{
    struct Options { std::string archive, method = "umap", metric = "cosine"; ProjectionParams p; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("project", "Compute the 2-D map of the archive's clips (UMAP or PCA)");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--method", o->method, "umap | pca")->capture_default_str()->check(CLI::IsMember({"umap", "pca"}));
    sub->add_option("--n-neighbors", o->p.nNeighbors, "UMAP: neighbourhood size")->capture_default_str()->check(CLI::Range(2, 200));
    sub->add_option("--min-dist", o->p.minDist, "UMAP: minimum distance between points in the map")->capture_default_str()
        ->check(finiteBetween(0.0, 10.0));
    sub->add_option("--metric", o->metric, "cosine | euclidean")->capture_default_str()->check(CLI::IsMember({"cosine", "euclidean"}));
    sub->add_option("--epochs", o->p.epochs, "UMAP: optimisation epochs (0: automatic)")->capture_default_str()
        ->check(wholeBetween(0, 100000));
    sub->add_option("--seed", o->p.seed, "Random seed (same seed, same map on any machine and thread count)")->capture_default_str();
    return {sub, [o] {
        o->p.method = o->method == "pca" ? ProjectionMethod::Pca : ProjectionMethod::Umap;
        o->p.metric = kMetrics.at(o->metric);
        Archive archive = Archive::open(o->archive);
        TerminalProgress bar("project");
        const StoredProjection s = projectArchive(archive, o->p, bar.progress());
        bar.finish();
        std::printf("map of %zu clips stored (computation %lld): %s\n", s.clipIds.size(), (long long)s.computationId,
                    s.paramsJson.c_str());
        return 0;
    }};
}

Command addClusterCommand(CLI::App& app)
{
    struct Options { std::string archive, method = "hdbscan", metric = "cosine", space = "automatic"; bool onMap = false; ClusterParams p; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("cluster", "Cluster the archive's clips (HDBSCAN or k-means); ids stay stable across re-runs");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--method", o->method, "hdbscan | kmeans")->capture_default_str()->check(CLI::IsMember({"hdbscan", "kmeans"}));
    sub->add_option("--min-cluster-size", o->p.minClusterSize, "HDBSCAN: smallest cluster")->capture_default_str()->check(CLI::Range(2, 1000000));
    sub->add_option("--min-samples", o->p.minSamples, "HDBSCAN: density smoothing (0: = min cluster size)")->capture_default_str()
        ->check(wholeBetween(0, 1000000));
    sub->add_option("-k", o->p.k, "k-means: number of clusters")->capture_default_str()->check(CLI::Range(1, 100000));
    sub->add_option("--metric", o->metric, "cosine | euclidean")->capture_default_str()->check(CLI::IsMember({"cosine", "euclidean"}));
    sub->add_option("--space", o->space, "Where to look for clusters: embeddings | map (the 2-D map's coordinates) | "
                                         "automatic (the map if it is a UMAP, else the embeddings)")
        ->capture_default_str()->check(CLI::IsMember({"automatic", "embeddings", "map"}));
    sub->add_flag("--on-map", o->onMap, "Same as --space map");
    sub->add_option("--seed", o->p.seed, "Random seed")->capture_default_str();
    return {sub, [o] {
        o->p.method = o->method == "kmeans" ? ClusterMethod::Kmeans : ClusterMethod::Hdbscan;
        o->p.metric = kMetrics.at(o->metric);
        o->p.space = o->onMap || o->space == "map" ? ClusterSpace::Map
                   : o->space == "embeddings"      ? ClusterSpace::Embeddings
                                                   : ClusterSpace::Automatic;
        Archive archive = Archive::open(o->archive);
        TerminalProgress bar("cluster");
        const StoredClustering s = clusterArchive(archive, o->p, bar.progress());
        bar.finish();
        std::map<int, int> sizes;
        for (int l : s.labels) ++sizes[l];
        const bool onMap = ClusterParams::spaceUsed(s.paramsJson) == ClusterSpace::Map;
        std::printf("%zu clusters over %zu clips, found %s (computation %lld)\n", sizes.size() - sizes.count(-1),
                    s.clipIds.size(), onMap ? "on the map" : "among the embeddings", (long long)s.computationId);
        // Where to start listening: each cluster's most typical clips (medoid first).
        const auto exemplars = clusterExemplarClips(archive, s, 3);
        for (const auto& [id, n] : sizes) {
            std::printf("  %s %d: %d clips", id < 0 ? "noise  " : "cluster", id, n);
            if (id >= 0 && std::size_t(id) < exemplars.size() && !exemplars[std::size_t(id)].empty()) {
                std::printf("; typical:");
                for (ClipId c : exemplars[std::size_t(id)])
                    if (const auto clip = archive.clip(c))
                        std::printf(" %s@%.2fs", clip->path.c_str(), clip->start);
            }
            std::printf("\n");
        }
        return 0;
    }};
}

} // namespace crowlingo::cli
