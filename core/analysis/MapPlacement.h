#pragma once
// Where a clip that is not in a map belongs on it (a clip drawn by hand, a recording added since
// the map was computed): among its nearest neighbours that are, weighted as UMAP weighs a point's
// neighbours. umap-learn's transform() starts a new point at exactly this weighted mean before
// optimising it (init_transform, with the weights of smooth_knn_dist); for a PCA map it is an
// approximation of the projection. Recomputing the map places every clip exactly.
//
//   std::optional<MapPoint> p = placeAmongNeighbours(similarities, neighbourXy);   // best first
//
// Threading: a pure function.
#include <array>
#include <optional>
#include <span>

namespace crowlingo {

using MapPoint = std::array<float, 2>;

// `similarity[i]` (cosine, best first) and `xy[2i], xy[2i+1]` of each neighbour on the map. Each
// weighs exp(-(d_i - d_0) / sigma), d = 1 - similarity, sigma such that the weights sum to
// log2(neighbours) (UMAP's fuzzy membership). nullopt without a neighbour.
std::optional<MapPoint> placeAmongNeighbours(std::span<const float> similarity, std::span<const float> xy);

} // namespace crowlingo
