#include "core/archive/ArchiveView.h"

#include "core/analysis/MapPlacement.h"

#include "core/archive/ArchiveSettings.h"
#include "core/analysis/Clustering.h"
#include "core/archive/LabelResolution.h"
#include "core/archive/RetrievalEmbeddings.h"

#include <future>
#include <limits>

namespace crowlingo {

ArchiveView ArchiveView::load(const std::filesystem::path& file, const Progress& progress)
{
    const Archive archive = Archive::open(file);
    ArchiveView s;
    s.file = archive.file();
    s.root = archive.root();
    s.modelId = archive.activeModel();
    const ArchiveSettings settings = ArchiveSettings::read(archive);
    s.timeExpansion = settings.timeExpansion;
    s.timeScale = settings.timeScale;
    s.segmenter = settings.segmenter;
    if (!s.modelId.empty()) s.modelDir = ArchiveSettings::rememberedModelDir(archive, s.modelId).value_or(std::filesystem::path());
    // The vectors are the largest read (1 GB at 10^6 clips of 256 values): a second connection
    // reads them while this one reads the clips, as SQLite lets readers of a WAL database run side
    // by side. Each read is one statement, so each is consistent; a clip added in between has no
    // row yet, and a vector of a clip not read is left out (clipOfRow -1).
    std::future<SearchableVectors> vectors;
    if (!s.modelId.empty())
        vectors = std::async(std::launch::async,
                             [file = s.file, model = s.modelId] { return searchableVectors(Archive::openReadOnly(file), model); });
    // The map and the clusters (10^6 rows each, about 0.5 s apiece at 10^6 clips) on a third
    // connection, beside the other two reads, instead of after them.
    struct MapAndClusters {
        std::optional<StoredProjection> projection;
        std::optional<StoredClustering> clustering;
    };
    std::future<MapAndClusters> analysis;
    if (!s.modelId.empty())
        analysis = std::async(std::launch::async, [file = s.file, model = s.modelId] {
            const Archive a = Archive::openReadOnly(file);
            return MapAndClusters{a.latestProjection(model), a.latestClustering(model)};
        });
    progress(0.05, "reading clips");
    progress.checkCancelled();
    s.clips = archive.clips();
    s.recordings = archive.recordings();
    const int n = s.clipCount();
    s.indexOfClip.reserve(std::size_t(n));
    for (int i = 0; i < n; ++i) s.indexOfClip.emplace(s.clips[std::size_t(i)].id, i);
    std::unordered_map<std::int64_t, int> recordingIndex;
    for (std::size_t r = 0; r < s.recordings.size(); ++r) {
        recordingIndex.emplace(s.recordings[r].id, int(r));
        s.recordingFiles.push_back(archive.absolutePath(s.recordings[r].path));
    }
    s.recordingOfClip.resize(std::size_t(n), -1);
    for (int i = 0; i < n; ++i) {
        const auto it = recordingIndex.find(s.clips[std::size_t(i)].recordingId);
        if (it != recordingIndex.end()) s.recordingOfClip[std::size_t(i)] = it->second;
    }

    progress(0.2, "reading embeddings");
    progress.checkCancelled();
    s.rowOfClip.assign(std::size_t(n), EmbeddingRow::none);
    if (!s.modelId.empty()) {
        SearchableVectors searchable = vectors.get();
        EmbeddingMatrix& m = searchable.vectors;
        s.clipOfRow.assign(m.rows(), -1);
        for (std::size_t r = 0; r < m.rows(); ++r) {
            const int i = s.indexOf(m.clipIds[r]);
            s.clipOfRow[r] = i;
            if (i >= 0) s.rowOfClip[std::size_t(i)] = EmbeddingRow(r);
        }
        s.embeddings.dimension = m.dimension;
        if (m.rows() > 0 && m.dimension > 0) {
            normaliseRows(m.values, m.dimension);
            auto rows = std::make_shared<const std::vector<float>>(std::move(m.values));
            s.embeddings.storage = rows;
            progress(0.5, "building the neighbour index");
            progress.checkCancelled();
            // Stored lists make it fast at 10^6 clips. Without them, exact search over the rows at
            // any size (about 0.2 s per click at 2·10^6): building an index here would keep the
            // archive from opening for minutes (HNSW: 21 minutes at 10^6), and the next embed, map
            // or clustering stores the lists.
            NeighbourIndexOptions exact;
            exact.exactUpTo = std::numeric_limits<std::size_t>::max();
            s.index = std::make_shared<const NeighbourIndex>(
                searchable.lists ? NeighbourIndex::sharedUnitRows(rows, m.dimension, searchable.lists)
                                 : NeighbourIndex::sharedUnitRows(rows, m.dimension, exact));
        }
    }

    progress(0.8, "reading map, clusters and labels");
    progress.checkCancelled();
    s.xy.assign(std::size_t(n) * 2, std::numeric_limits<float>::quiet_NaN());
    s.cluster.assign(std::size_t(n), -1);
    s.clustered.assign(std::size_t(n), 0);
    if (!s.modelId.empty()) {
        const MapAndClusters stored = analysis.get();
        if (const auto& p = stored.projection) s.setProjection(p->clipIds, p->xy, p->paramsJson);
        if (const auto& c = stored.clustering) s.setClustering(c->clipIds, c->labels, c->paramsJson);
    }
    s.setLabels(archive.labels());
    progress(1.0, "archive read");
    return s;
}

void ArchiveView::placeClipsMissingFromTheMap()
{
    placedOnMap.assign(clips.size(), 0);
    clipsPlaced = clipsOffMap = 0;
    if (!hasProjection) return;
    std::vector<int> missing;
    for (std::size_t i = 0; i < clips.size(); ++i)
        if (!std::isfinite(xy[2 * i]) && i < rowOfClip.size() && rowOfClip[i] != EmbeddingRow::none) missing.push_back(int(i));
    clipsOffMap = int(missing.size());
    if (missing.empty() || !index || double(missing.size()) * double(index->size()) > kMaxPlacementWork) return;
    // Among the clips the map holds: positions of this map, not of clips placed before them.
    const std::vector<float> computed = xy;
    constexpr int kNeighbours = 15; // UMAP's default n_neighbors
    for (int i : missing) {
        const EmbeddingRow row = rowOfClip[std::size_t(i)];
        const std::vector<Neighbour> near = index->search(embeddings.vector(row), kNeighbours + int(missing.size()),
                                                          std::int64_t(row));
        std::vector<float> similarity, at;
        for (const Neighbour& n : near) {
            const int c = n.row >= 0 && std::size_t(n.row) < clipOfRow.size() ? clipOfRow[std::size_t(n.row)] : -1;
            if (c < 0 || !std::isfinite(computed[2 * std::size_t(c)])) continue;
            similarity.push_back(n.similarity);
            at.push_back(computed[2 * std::size_t(c)]);
            at.push_back(computed[2 * std::size_t(c) + 1]);
            if (int(similarity.size()) == kNeighbours) break;
        }
        const std::optional<MapPoint> p = placeAmongNeighbours(similarity, at);
        if (!p) continue;
        xy[2 * std::size_t(i)] = (*p)[0];
        xy[2 * std::size_t(i) + 1] = (*p)[1];
        placedOnMap[std::size_t(i)] = 1;
        ++clipsPlaced;
        --clipsOffMap;
    }
}

int ArchiveView::indexOf(ClipId id) const
{
    const auto it = indexOfClip.find(id);
    return it == indexOfClip.end() ? -1 : it->second;
}

std::filesystem::path ArchiveView::audioFile(int clipIndex) const
{
    const int r = recordingOfClip[std::size_t(clipIndex)];
    return r >= 0 ? recordingFiles[std::size_t(r)] : root / clips[std::size_t(clipIndex)].path;
}

std::string ArchiveView::recordingPath(int clipIndex) const
{
    return clips[std::size_t(clipIndex)].path;
}

void ArchiveView::setProjection(const std::vector<ClipId>& ids, const std::vector<float>& points, std::string params)
{
    xy.assign(clips.size() * 2, std::numeric_limits<float>::quiet_NaN());
    for (std::size_t k = 0; k < ids.size() && 2 * k + 1 < points.size(); ++k) {
        const int i = indexOf(ids[k]);
        if (i < 0) continue;
        xy[2 * std::size_t(i)] = points[2 * k];
        xy[2 * std::size_t(i) + 1] = points[2 * k + 1];
    }
    hasProjection = !ids.empty();
    placeClipsMissingFromTheMap();
    projectionParams = std::move(params);
    projectionMethod.reset(); // a map imported or written by another tool
    try {
        projectionMethod = ProjectionParams::fromJson(projectionParams).method;
    } catch (const std::exception&) {
    }
}

void ArchiveView::setLabels(const std::vector<LabelRow>& rows)
{
    label.assign(clips.size(), {});
    for (auto& [clip, shown] : shownLabels(rows)) // the one rule (core/archive/LabelResolution.h)
        if (const int i = indexOf(clip); i >= 0) label[std::size_t(i)] = std::move(shown.label);
    ownLabel.assign(clips.size(), {});
    for (const LabelRow& r : rows)
        if (r.source == "user")
            if (const int i = indexOf(r.clipId); i >= 0) ownLabel[std::size_t(i)] = r.label;
}

void ArchiveView::setClustering(const std::vector<ClipId>& ids, const std::vector<int>& labels, std::string params)
{
    clusteringParams = std::move(params);
    cluster.assign(clips.size(), -1);
    clustered.assign(clips.size(), 0);
    for (std::size_t k = 0; k < ids.size() && k < labels.size(); ++k) {
        const int i = indexOf(ids[k]);
        if (i < 0) continue;
        cluster[std::size_t(i)] = labels[k];
        clustered[std::size_t(i)] = 1;
    }
    hasClustering = !ids.empty();
}

std::vector<int> ArchiveView::clusterExemplars(int clusterId, int count) const
{
    if (clusterId < 0 || count <= 0) return {};
    std::vector<int> members;
    std::vector<float> rows;
    const std::size_t dim = std::size_t(embeddings.dimension);
    for (int i = 0; i < clipCount(); ++i) {
        const EmbeddingRow row = rowOfClip[std::size_t(i)];
        if (cluster[std::size_t(i)] != clusterId || row == EmbeddingRow::none) continue;
        members.push_back(i);
        const std::span<const float> v = embeddings.vector(row);
        rows.insert(rows.end(), v.begin(), v.end());
    }
    if (members.empty()) return {};
    const auto best = ::crowlingo::clusterExemplars(rows, int(dim), std::vector<int>(members.size(), 0), count);
    std::vector<int> out;
    for (std::size_t k : best.front()) out.push_back(members[k]);
    return out;
}

} // namespace crowlingo
