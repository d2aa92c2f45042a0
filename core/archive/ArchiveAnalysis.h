#pragma once
// Maps and clusterings of an archive's active embeddings, computed and stored with their
// parameters and the model id (provenance). One place for the CLI's `project`/`cluster` and the
// GUI's controls.
//
//   StoredProjection map = projectArchive(archive, ProjectionParams{}, progress);
//   StoredClustering clusters = clusterArchive(archive, ClusterParams{}, false, progress);
//
// Threading: call from one thread with an Archive opened by that thread.
#include "core/analysis/Clustering.h"
#include "core/analysis/Projection.h"
#include "core/archive/Archive.h"
#include "core/common/Progress.h"

namespace crowlingo {

StoredProjection projectArchive(Archive& archive, const ProjectionParams& params, const Progress& progress = {});

// Clusters in params.space: the embeddings, or the latest map's 2-D coordinates (Euclidean);
// Automatic takes the map when it is a UMAP, else the embeddings. The stored parameters say where
// ("found_in", read by ClusterParams::spaceUsed). Cluster ids are matched to the previous
// clustering of the same model, so clusters that persist keep their id. Throws UsageError for
// space Map without a map.
StoredClustering clusterArchive(Archive& archive, const ClusterParams& params, const Progress& progress = {});
// Where clusterArchive looks for clusters (Embeddings or Map), given the latest map's parameters
// (JSON; empty: no map).
ClusterSpace resolveClusterSpace(const std::string& mapParamsJson, ClusterSpace requested);

// The clips to listen to first in each cluster of `clusters`: the medoid, then its nearest
// members (in the embedding space, cosine), `perCluster` each. Result[label] for labels 0..max;
// empty where a label is unused. Throws UsageError if the clustering's clips lack vectors.
std::vector<std::vector<ClipId>> clusterExemplarClips(const Archive& archive, const StoredClustering& clusters,
                                                      int perCluster = 5);

} // namespace crowlingo
