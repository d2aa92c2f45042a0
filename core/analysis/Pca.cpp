#include "core/analysis/Pca.h"

#include "core/analysis/OmpThreadLimit.h"
#include "core/analysis/ParallelFor.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"

#include <faiss/VectorTransform.h>

#include <algorithm>
#include <cmath>

namespace crowlingo {

Pca Pca::fit(std::span<const float> rows, int dimension, int components)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot compute PCA: data is not a whole number of vectors");
    if (components <= 0 || components > dimension)
        throw UsageError("cannot compute PCA: " + std::to_string(components) + " components of " +
                         std::to_string(dimension) + "-dimensional data");
    const std::size_t n = rows.size() / std::size_t(dimension);
    Pca p;
    p.dimension = dimension;
    p.components = components;
    p.mean.assign(std::size_t(dimension), 0.0f);
    p.axes.assign(std::size_t(components) * std::size_t(dimension), 0.0f);
    p.variance.assign(std::size_t(components), 0.0f);
    if (n == 0) return p;
    if (n == 1) {
        std::copy(rows.begin(), rows.end(), p.mean.begin());
        for (int c = 0; c < components; ++c) p.axes[std::size_t(c) * std::size_t(dimension) + std::size_t(c)] = 1.0f;
        return p;
    }
    faiss::PCAMatrix pca(dimension, components);
    pca.max_points_per_d = std::max<std::size_t>(1000, n / std::size_t(dimension) + 1); // use every row
    {
        // LAPACK's eigensolver (dsyev, called by faiss) makes hundreds of small OpenMP-parallel
        // BLAS calls; when the cores are busy, each region's barrier can wait for a scheduler
        // slice. Measured at 10k x 256 on a loaded 2-core machine: 0.07 s on one thread, 3-10 s
        // on two. So one thread here.
        OmpThreadLimit single(1);
        pca.train(faiss::Index::idx_t(n), rows.data());
    }
    p.mean = pca.mean;
    for (int c = 0; c < components; ++c) {
        float* axis = p.axes.data() + std::size_t(c) * std::size_t(dimension);
        std::copy_n(pca.PCAMat.data() + std::size_t(c) * std::size_t(dimension), dimension, axis);
        int argmax = 0;
        for (int j = 1; j < dimension; ++j)
            if (std::abs(axis[j]) > std::abs(axis[argmax])) argmax = j;
        if (axis[argmax] < 0)
            for (int j = 0; j < dimension; ++j) axis[j] = -axis[j];
        p.variance[std::size_t(c)] = c < int(pca.eigenvalues.size()) ? pca.eigenvalues[std::size_t(c)] : 0.0f;
    }
    return p;
}

std::vector<float> Pca::apply(std::span<const float> rows) const
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("cannot apply PCA: rows are not " + std::to_string(dimension) + "-dimensional");
    const std::size_t n = rows.size() / std::size_t(dimension);
    std::vector<float> out(n * std::size_t(components));
    parallelFor(n, n > 2048 ? threadCount() : 1, [&](std::size_t begin, std::size_t end, int) {
        for (std::size_t i = begin; i < end; ++i) {
            const float* x = rows.data() + i * std::size_t(dimension);
            for (int c = 0; c < components; ++c) {
                const float* axis = axes.data() + std::size_t(c) * std::size_t(dimension);
                double s = 0;
                for (int j = 0; j < dimension; ++j) s += double(x[j] - mean[std::size_t(j)]) * axis[j];
                out[i * std::size_t(components) + std::size_t(c)] = float(s);
            }
        }
    });
    return out;
}

} // namespace crowlingo
