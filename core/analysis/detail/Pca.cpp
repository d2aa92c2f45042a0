#include "core/analysis/detail/Pca.h"

#include "core/analysis/detail/ParallelFor.h"
#include "core/common/Rng.h"
#include "core/common/Error.h"
#include "core/common/Threads.h"


#include <algorithm>
#include <cmath>

namespace crowlingo {

// Written here rather than with faiss::PCAMatrix (BLAS syrk + LAPACK dsyev): those sum in an order
// that depends on the CPU's BLAS kernel and the thread count, and the map's initial layout, hence the
// whole UMAP map, would differ in its last bits from one machine to another. Every sum below runs
// in a fixed order in double, so the axes are the same bits on any CPU and thread count.
namespace {

std::vector<double> columnMeans(const float* rows, std::size_t n, std::size_t dim)
{
    std::vector<double> mean(dim, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < dim; ++j) mean[j] += rows[i * dim + j];
    for (double& m : mean) m /= double(n);
    return mean;
}

// The covariance matrix (dim x dim, divided by n - 1), each element summed over the rows in row
// order. Threads share out blocks of 16 matrix rows; a block's sums do not depend on who runs it.
std::vector<double> covariance(const float* rows, std::size_t n, std::size_t dim, const std::vector<double>& mean, int threads)
{
    constexpr std::size_t kBlock = 16;
    const std::size_t blocks = (dim + kBlock - 1) / kBlock;
    // Blocks in the order first, last, second, second-last ...: contiguous slices of this order
    // get similar shares of the triangle.
    std::vector<std::size_t> order;
    for (std::size_t lo = 0, hi = blocks; lo < hi;) {
        order.push_back(lo++);
        if (lo < hi) order.push_back(--hi);
    }
    std::vector<double> cov(dim * dim, 0.0);
    parallelFor(blocks, double(n) * double(dim) * double(dim) > 1e7 ? threads : 1, [&](std::size_t begin, std::size_t end, int) {
        std::vector<double> centred(dim);
        for (std::size_t o = begin; o < end; ++o) {
            const std::size_t j0 = order[o] * kBlock, j1 = std::min(dim, j0 + kBlock);
            for (std::size_t i = 0; i < n; ++i) {
                const float* x = rows + i * dim;
                for (std::size_t j = j0; j < dim; ++j) centred[j] = double(x[j]) - mean[j];
                for (std::size_t j = j0; j < j1; ++j) {
                    const double a = centred[j];
                    double* out = cov.data() + j * dim;
                    for (std::size_t m = j; m < dim; ++m) out[m] += a * centred[m];
                }
            }
        }
    });
    const double scale = 1.0 / double(std::max<std::size_t>(1, n - 1));
    for (std::size_t j = 0; j < dim; ++j)
        for (std::size_t m = j; m < dim; ++m) cov[m * dim + j] = cov[j * dim + m] *= scale;
    return cov;
}

std::vector<double> times(const std::vector<double>& matrix, std::size_t dim, const std::vector<double>& v)
{
    std::vector<double> out(dim, 0.0);
    for (std::size_t j = 0; j < dim; ++j) {
        double s = 0;
        for (std::size_t m = 0; m < dim; ++m) s += matrix[j * dim + m] * v[m];
        out[j] = s;
    }
    return out;
}

// Removes from v its parts along the (orthonormal) vectors in `found`, then scales it to length 1.
// Returns false if nothing is left.
bool orthonormalise(std::vector<double>& v, const std::vector<std::vector<double>>& found)
{
    for (int pass = 0; pass < 2; ++pass) // twice: one Gram-Schmidt pass loses orthogonality in float noise
        for (const auto& f : found) {
            double d = 0;
            for (std::size_t j = 0; j < v.size(); ++j) d += v[j] * f[j];
            for (std::size_t j = 0; j < v.size(); ++j) v[j] -= d * f[j];
        }
    double norm = 0;
    for (double x : v) norm += x * x;
    norm = std::sqrt(norm);
    if (!(norm > 1e-300)) return false;
    for (double& x : v) x /= norm;
    return true;
}

// The leading eigenvector of the symmetric positive semi-definite `cov` orthogonal to `found`,
// by power iteration from a seeded start. Only the first components are ever needed (the map's
// two axes), for which this is exact to double rounding within a few hundred steps unless two
// variances nearly tie, when any vector of their plane is as good an axis.
std::vector<double> leadingEigenvector(const std::vector<double>& cov, std::size_t dim, const std::vector<std::vector<double>>& found,
                                       std::uint64_t stream)
{
    Rng rng(Rng::mix(0x706361ull, stream));
    std::vector<double> v(dim);
    for (double& x : v) x = rng.normal();
    if (!orthonormalise(v, found)) return v;
    for (int step = 0; step < 3000; ++step) {
        std::vector<double> next = times(cov, dim, v);
        if (!orthonormalise(next, found)) return v; // no variance left outside `found`: any direction
        double change = 0;
        for (std::size_t j = 0; j < dim; ++j) change = std::max(change, std::abs(next[j] - v[j]));
        v = std::move(next);
        if (change < 1e-13) break;
    }
    return v;
}

} // namespace

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
    const auto dim = std::size_t(dimension);
    const std::vector<double> mean = columnMeans(rows.data(), n, dim);
    const std::vector<double> cov = covariance(rows.data(), n, dim, mean, threadCount());
    std::vector<std::vector<double>> found;
    for (int c = 0; c < components; ++c) {
        std::vector<double> v = leadingEigenvector(cov, dim, found, std::uint64_t(c));
        // Sign: the largest-magnitude coefficient positive (the first such on a tie).
        std::size_t argmax = 0;
        for (std::size_t j = 1; j < dim; ++j)
            if (std::abs(v[j]) > std::abs(v[argmax])) argmax = j;
        if (v[argmax] < 0)
            for (double& x : v) x = -x;
        const std::vector<double> cv = times(cov, dim, v);
        double variance = 0;
        for (std::size_t j = 0; j < dim; ++j) variance += v[j] * cv[j];
        for (std::size_t j = 0; j < dim; ++j) p.axes[std::size_t(c) * dim + j] = float(v[j]);
        p.variance[std::size_t(c)] = float(std::max(0.0, variance));
        found.push_back(std::move(v));
    }
    for (std::size_t j = 0; j < dim; ++j) p.mean[j] = float(mean[j]);
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
