#pragma once
// Internal to core/analysis: exact PCA (covariance eigen-decomposition by faiss::PCAMatrix, which
// calls LAPACK). Each axis' sign is fixed (largest-magnitude coefficient positive) so that maps do
// not flip between BLAS builds.
//
//   Pca pca = Pca::fit(rows, dimension, 2);
//   std::vector<float> xy = pca.apply(rows);   // n x 2
//
// Threading: fit() uses faiss/BLAS threads; apply() is const and may run from several threads.
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
