#pragma once
// 2-D maps of embeddings: PCA (exact) and UMAP (written here: no UMAP library is packaged in
// Debian). UMAP: kNN graph from faiss, fuzzy simplicial set, PCA initialisation (umap-learn's
// init="pca"), SGD layout with negative sampling, multi-threaded. The kNN graph is exact up to
// 20,000 rows and a clustered approximate search above (ClusteredKnn.h).
// Reproducible: same data and seed ⇒ bitwise the same map, whatever the thread count and on any
// x86-64 CPU and BLAS kernel. BLAS only proposes neighbour candidates; every distance that decides
// is computed in a fixed order by the project's own code (ExactRerank.h), and PCA sums in a fixed
// order too (Pca.h). Tested in tests/analysis/tst_reproducibility (1–3 threads, every OpenBLAS
// kernel the CPU runs). The one exception: where more than 8 candidates tie within float rounding
// (exact duplicate vectors), which duplicate is listed can vary; their distances cannot.
// The cosine metric works on L2-normalised rows (PCA too); Euclidean on the rows as given.
//
//   ProjectionParams p;  p.method = ProjectionMethod::Umap;  p.seed = 42;
//   Projection map = project(matrix.values, matrix.dimension, p, progress);   // map.xy: n x 2
//   std::vector<float> placed = map.transform(newRows);   // new clips into the same map
//
// Threading: project() uses threadCount() worker threads internally; call it from one thread.
#include "core/common/Progress.h"

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

enum class ProjectionMethod { Pca, Umap };
enum class Metric { Cosine, Euclidean };
// A metric's name in stored parameters: "cosine" | "euclidean". metricFromName throws UsageError
// for any other name.
const char* metricName(Metric metric);
Metric metricFromName(const std::string& name);

struct ProjectionParams {
    ProjectionMethod method = ProjectionMethod::Umap;
    int nNeighbors = 15;
    double minDist = 0.1;
    double spread = 1.0;
    Metric metric = Metric::Cosine;
    int epochs = 0;               // 0: 500 below 10k points, else 200 (as umap-learn)
    std::uint64_t seed = 42;
    std::string toJson() const;   // provenance
    // Reads toJson()'s text back (keys it lacks keep their defaults, so PCA's text gives UMAP
    // defaults for the UMAP fields). Throws UsageError for malformed JSON or unknown values.
    static ProjectionParams fromJson(const std::string& json);
};

class Projection {
public:
    std::vector<float> xy;        // n x 2, row-major
    ProjectionParams params;

    // Places new rows (same dimension) into this map without moving existing points.
    std::vector<float> transform(std::span<const float> rows) const;

    struct State;                 // what transform() needs (training data, kNN index, PCA basis)
    std::shared_ptr<const State> state;
};

Projection project(std::span<const float> rows, int dimension, const ProjectionParams& params,
                   const Progress& progress = {});

} // namespace crowlingo
