#include "core/analysis/RetrievalSpace.h"

#include "core/common/Error.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>

// LAPACK's symmetric eigensolver for selected eigenpairs (liblapack3, linked with faiss already).
extern "C" void ssyevr_(const char* jobz, const char* range, const char* uplo, const int* n, float* a, const int* lda,
                        const float* vl, const float* vu, const int* il, const int* iu, const float* abstol, int* m,
                        float* w, float* z, const int* ldz, int* isuppz, float* work, const int* lwork, int* iwork,
                        const int* liwork, int* info);

namespace crowlingo {

namespace {

// The k largest eigenpairs of the symmetric n x n matrix `a` (column-major, upper triangle used;
// overwritten), in decreasing order: values, and vectors as columns of an n x k column-major matrix.
void largestEigenpairs(std::vector<float>& a, int n, int k, std::vector<float>& values, std::vector<float>& vectors)
{
    const char jobz = 'V', range = 'I', uplo = 'U';
    const int il = n - k + 1, iu = n;
    const float vl = 0, vu = 0, abstol = 0;
    int found = 0, info = 0;
    std::vector<float> w(static_cast<std::size_t>(n)), z(static_cast<std::size_t>(n) * std::size_t(k));
    std::vector<int> support(2 * std::size_t(k));
    int lwork = -1, liwork = -1, iworkSize = 0;
    float workSize = 0;
    ssyevr_(&jobz, &range, &uplo, &n, a.data(), &n, &vl, &vu, &il, &iu, &abstol, &found, w.data(), z.data(), &n,
            support.data(), &workSize, &lwork, &iworkSize, &liwork, &info);
    lwork = int(workSize);
    liwork = iworkSize;
    std::vector<float> work(std::size_t(std::max(lwork, 1)));
    std::vector<int> iwork(std::size_t(std::max(liwork, 1)));
    ssyevr_(&jobz, &range, &uplo, &n, a.data(), &n, &vl, &vu, &il, &iu, &abstol, &found, w.data(), z.data(), &n,
            support.data(), work.data(), &lwork, iwork.data(), &liwork, &info);
    if (info != 0 || found != k)
        throw Error("retrieval space: the eigensolver failed (LAPACK ssyevr info " + std::to_string(info) + ")");
    // LAPACK returns them in increasing order.
    values.assign(std::size_t(k), 0.f);
    vectors.assign(std::size_t(n) * std::size_t(k), 0.f);
    for (int j = 0; j < k; ++j) {
        values[std::size_t(j)] = w[std::size_t(k - 1 - j)];
        std::copy_n(z.begin() + std::ptrdiff_t(k - 1 - j) * n, n, vectors.begin() + std::ptrdiff_t(j) * n);
    }
}

} // namespace

std::vector<std::size_t> evenlySpacedRows(std::size_t rows, std::size_t atMost)
{
    const std::size_t s = std::min(rows, atMost);
    std::vector<std::size_t> out(s);
    for (std::size_t j = 0; j < s; ++j) out[j] = j * rows / s;
    return out;
}

RetrievalSpace RetrievalSpace::identity(int dimension)
{
    RetrievalSpace s;
    s.input_ = s.output_ = dimension;
    return s;
}

RetrievalSpace RetrievalSpace::fromParts(int inputDimension, int outputDimension, std::vector<float> mean,
                                         std::vector<float> projection)
{
    if (inputDimension <= 0 || outputDimension <= 0 || mean.size() != std::size_t(inputDimension)
        || projection.size() != std::size_t(inputDimension) * std::size_t(outputDimension))
        throw UsageError("retrieval space: its parts do not fit together (" + std::to_string(inputDimension) + " -> "
                         + std::to_string(outputDimension) + ")");
    RetrievalSpace s;
    s.input_ = inputDimension;
    s.output_ = outputDimension;
    s.mean_ = std::move(mean);
    s.projection_ = std::move(projection);
    return s;
}

RetrievalSpace RetrievalSpace::fit(std::span<const float> rows, int dimension, const RetrievalSpaceParams& params)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("retrieval space: " + std::to_string(rows.size()) + " values are not rows of "
                         + std::to_string(dimension));
    const std::size_t d = std::size_t(dimension);
    const std::size_t n = rows.size() / d;
    // Evenly spaced rows (clips are ordered by id, so by recording and time): the same rows, and
    // so the same space, every time (core/archive/RetrievalEmbeddings reads just these rows from an
    // archive). Rows holding NaN or infinity are left out.
    std::vector<std::size_t> fitRows;
    for (std::size_t i : evenlySpacedRows(n, std::size_t(std::max(params.maxFitRows, 2)))) {
        const float* r = rows.data() + i * d;
        if (std::all_of(r, r + d, [](float v) { return std::isfinite(v); })) fitRows.push_back(i);
    }
    if (dimension <= params.axes || int(fitRows.size()) < std::max(params.minRows, 2)) return identity(dimension);

    const std::size_t s = fitRows.size();
    std::vector<double> meanSum(d, 0.0);
    std::vector<float> sample(s * d);
    for (std::size_t j = 0; j < s; ++j) {
        const float* r = rows.data() + fitRows[j] * d;
        std::copy_n(r, d, sample.begin() + std::ptrdiff_t(j * d));
        for (std::size_t c = 0; c < d; ++c) meanSum[c] += r[c];
    }
    RetrievalSpace space;
    space.input_ = dimension;
    space.mean_.resize(d);
    for (std::size_t c = 0; c < d; ++c) space.mean_[c] = float(meanSum[c] / double(s));
    for (std::size_t j = 0; j < s; ++j)
        for (std::size_t c = 0; c < d; ++c) sample[j * d + c] -= space.mean_[c];

    // The axes from whichever of the covariance (d x d) and the Gram matrix (s x s) is smaller:
    // both have the same nonzero eigenvalues, and a Gram eigenvector u gives the axis X^T u.
    const int k = std::min<int>(params.axes, int(s) - 1); // centred rows span at most s - 1 axes
    std::vector<float> values, axes(d * std::size_t(k)); // axes: column k = axis k, length d (column-major d x k)
    if (d <= s) {
        std::vector<float> covariance(d * d);
        // sample is row-major s x d = column-major d x s: covariance = sample^T sample.
        cblas_ssyrk(CblasColMajor, CblasUpper, CblasNoTrans, int(d), int(s), 1.f, sample.data(), int(d), 0.f,
                    covariance.data(), int(d));
        largestEigenpairs(covariance, int(d), k, values, axes);
    } else {
        std::vector<float> gram(s * s), u;
        cblas_ssyrk(CblasColMajor, CblasUpper, CblasTrans, int(s), int(d), 1.f, sample.data(), int(d), 0.f,
                    gram.data(), int(s));
        largestEigenpairs(gram, int(s), k, values, u);
        // axes (d x k) = sample^T (d x s) u (s x k), then each column to unit length.
        cblas_sgemm(CblasColMajor, CblasNoTrans, CblasNoTrans, int(d), k, int(s), 1.f, sample.data(), int(d), u.data(),
                    int(s), 0.f, axes.data(), int(d));
        for (int j = 0; j < k; ++j) {
            float* a = axes.data() + std::ptrdiff_t(j) * std::ptrdiff_t(d);
            const float norm = cblas_snrm2(int(d), a, 1);
            if (norm > 0) cblas_sscal(int(d), 1.f / norm, a, 1);
        }
    }
    // Eigenvalues of X^T X are the variances times s; only their ratios matter here.
    const double largest = std::max(double(values.front()), 1e-30);
    space.output_ = k;
    space.projection_.assign(d * std::size_t(k), 0.f);
    for (int j = 0; j < k; ++j) {
        const double scale = 1.0 / std::sqrt(std::max(double(values[std::size_t(j)]), 0.0) + params.shrink * largest);
        const float* a = axes.data() + std::ptrdiff_t(j) * std::ptrdiff_t(d);
        for (std::size_t c = 0; c < d; ++c) space.projection_[c * std::size_t(k) + std::size_t(j)] = float(a[c] * scale);
    }
    return space;
}

std::vector<float> RetrievalSpace::apply(std::span<const float> rows) const
{
    const std::size_t d = std::size_t(input_);
    if (d == 0 || rows.size() % d != 0)
        throw UsageError("retrieval space: " + std::to_string(rows.size()) + " values are not rows of " + std::to_string(input_));
    if (isIdentity()) return {rows.begin(), rows.end()};
    const std::size_t n = rows.size() / d, k = std::size_t(output_);
    std::vector<float> out(n * k);
    if (n == 0) return out;
    // (x - mean) P = x P - mean P: no centred copy of the rows.
    std::vector<float> shift(k, 0.f);
    cblas_sgemv(CblasRowMajor, CblasTrans, int(d), int(k), 1.f, projection_.data(), int(k), mean_.data(), 1, 0.f,
                shift.data(), 1);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(n), int(k), int(d), 1.f, rows.data(), int(d),
                projection_.data(), int(k), 0.f, out.data(), int(k));
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < k; ++j) out[i * k + j] -= shift[j];
    return out;
}

} // namespace crowlingo
