#pragma once
// Internal to core/analysis: exact PCA for the first few axes: the covariance summed in double in a
// fixed order, its leading eigenvectors by power iteration with deflation (no BLAS or LAPACK, so
// the same bits on any CPU and thread count). Each axis' sign is fixed (largest-magnitude
// coefficient positive) so that maps do not flip. Meant for 2 or 3 components (maps, UMAP's start).
//
//   Pca pca = Pca::fit(rows, dimension, 2);
//   std::vector<float> xy = pca.apply(rows);   // n x 2
//
// Threading: fit() uses threadCount() threads; apply() is const and may run from several threads.
#include <span>
#include <vector>

namespace crowlingo {

struct Pca {
    int dimension = 0;
    int components = 0;
    std::vector<float> mean;     // dimension
    std::vector<float> axes;     // components x dimension, orthonormal rows, by decreasing variance
    std::vector<float> variance; // components: eigenvalues of the covariance

    static Pca fit(std::span<const float> rows, int dimension, int components);
    std::vector<float> apply(std::span<const float> rows) const; // n x components
};

} // namespace crowlingo
