#include "core/analysis/LinearClassifier.h"

#include "core/common/Error.h"

#include <cblas.h>

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>

namespace crowlingo {

namespace {

// log(1 + exp(-m)) without overflow.
double logistic_loss(double m) { return m > 0 ? std::log1p(std::exp(-m)) : -m + std::log1p(std::exp(m)); }
double sigmoid(double z) { return z >= 0 ? 1.0 / (1.0 + std::exp(-z)) : std::exp(z) / (1.0 + std::exp(z)); }

double dot(const std::vector<double>& a, const std::vector<double>& b)
{
    return std::inner_product(a.begin(), a.end(), b.begin(), 0.0);
}

// The fit's objective on standardised rows: for each class, the class-balanced mean logistic loss
// plus l2/2 |w|^2 (the bias is not penalised). Parameters are classes x (dimension + 1), bias last.
class Objective {
public:
    Objective(const std::vector<float>& x, std::size_t n, int dim, const ClassTargets& t, double l2)
        : x_(x), n_(n), d_(std::size_t(dim)), k_(t.classes.size()), l2_(l2),
          weight_(n * k_, 0.f), positive_(n * k_, 0.f), w_(k_ * d_), z_(n * k_), r_(n * k_), g_(k_ * d_)
    {
        for (std::size_t c = 0; c < k_; ++c) {
            const int pos = t.count(c, +1), neg = t.count(c, -1);
            for (std::size_t i = 0; i < n; ++i) {
                const std::int8_t v = t.at(i, c);
                if (v > 0) { weight_[i * k_ + c] = float(0.5 / pos); positive_[i * k_ + c] = 1.f; }
                if (v < 0) weight_[i * k_ + c] = float(0.5 / neg);
            }
        }
    }
    std::size_t size() const { return k_ * (d_ + 1); }

    double operator()(const std::vector<double>& theta, std::vector<double>& grad)
    {
        double f = 0;
        for (std::size_t c = 0; c < k_; ++c)
            for (std::size_t j = 0; j < d_; ++j) {
                const double w = theta[c * (d_ + 1) + j];
                w_[c * d_ + j] = float(w);
                f += 0.5 * l2_ * w * w;
            }
        // z = X W^T: the one product that costs, done by BLAS.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n_), int(k_), int(d_), 1.f, x_.data(), int(d_),
                    w_.data(), int(d_), 0.f, z_.data(), int(k_));
        std::vector<double> biasGrad(k_, 0.0);
        for (std::size_t i = 0; i < n_; ++i)
            for (std::size_t c = 0; c < k_; ++c) {
                const std::size_t ic = i * k_ + c;
                if (weight_[ic] == 0.f) { r_[ic] = 0.f; continue; }
                const double z = double(z_[ic]) + theta[c * (d_ + 1) + d_];
                const double y = positive_[ic] > 0 ? 1.0 : -1.0;
                f += weight_[ic] * logistic_loss(y * z);
                const double r = weight_[ic] * (sigmoid(z) - positive_[ic]);
                r_[ic] = float(r);
                biasGrad[c] += r;
            }
        // dW = R^T X
        cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, int(k_), int(d_), int(n_), 1.f, r_.data(), int(k_),
                    x_.data(), int(d_), 0.f, g_.data(), int(d_));
        grad.assign(size(), 0.0);
        for (std::size_t c = 0; c < k_; ++c) {
            for (std::size_t j = 0; j < d_; ++j)
                grad[c * (d_ + 1) + j] = double(g_[c * d_ + j]) + l2_ * theta[c * (d_ + 1) + j];
            grad[c * (d_ + 1) + d_] = biasGrad[c];
        }
        return f;
    }

private:
    const std::vector<float>& x_;
    std::size_t n_, d_, k_;
    double l2_;
    std::vector<float> weight_, positive_, w_, z_, r_, g_;
};

double maxAbs(const std::vector<double>& v)
{
    double m = 0;
    for (double x : v) m = std::max(m, std::abs(x));
    return m;
}

struct LbfgsResult { int iterations = 0; double gradientNorm = 0; };

// Limited-memory BFGS (Nocedal & Wright, algorithm 7.4) with a backtracking Armijo line search;
// enough for a smooth, strictly convex objective. Written here because no Debian package offers
// a C++ L-BFGS for plain vectors (LibTorch's needs tensors and autograd in core/analysis).
LbfgsResult minimise(Objective& f, std::vector<double>& theta, const LinearClassifierOptions& o)
{
    constexpr std::size_t kMemory = 10;
    std::deque<std::pair<std::vector<double>, std::vector<double>>> history; // (s, y)
    std::vector<double> g, gNew, thetaNew, dir;
    double fx = f(theta, g);
    LbfgsResult r;
    for (r.iterations = 0; r.iterations < o.maxIterations; ++r.iterations) {
        r.gradientNorm = maxAbs(g);
        if (r.gradientNorm <= o.gradientTolerance) break;
        // Two-loop recursion: dir = -H g.
        dir = g;
        std::vector<double> alpha(history.size());
        for (std::size_t m = history.size(); m-- > 0;) {
            const auto& [s, y] = history[m];
            alpha[m] = dot(s, dir) / dot(y, s);
            for (std::size_t i = 0; i < dir.size(); ++i) dir[i] -= alpha[m] * y[i];
        }
        if (!history.empty()) {
            const auto& [s, y] = history.back();
            const double gamma = dot(s, y) / dot(y, y);
            for (double& v : dir) v *= gamma;
        } else {
            const double scale = 1.0 / std::max(1.0, std::sqrt(dot(g, g)));
            for (double& v : dir) v *= scale;
        }
        for (std::size_t m = 0; m < history.size(); ++m) {
            const auto& [s, y] = history[m];
            const double beta = dot(y, dir) / dot(y, s);
            for (std::size_t i = 0; i < dir.size(); ++i) dir[i] += s[i] * (alpha[m] - beta);
        }
        for (double& v : dir) v = -v;
        double slope = dot(g, dir);
        if (slope >= 0) { // not a descent direction (rounding): restart from steepest descent
            history.clear();
            dir = g;
            for (double& v : dir) v = -v / std::max(1.0, std::sqrt(dot(g, g)));
            slope = dot(g, dir);
        }
        double step = 1.0, fNew = 0;
        bool accepted = false;
        for (int tries = 0; tries < 40; ++tries, step *= 0.5) {
            thetaNew = theta;
            for (std::size_t i = 0; i < theta.size(); ++i) thetaNew[i] += step * dir[i];
            fNew = f(thetaNew, gNew);
            if (fNew <= fx + 1e-4 * step * slope) { accepted = true; break; }
        }
        if (!accepted) break; // no decrease left at float precision: as good as it gets
        std::vector<double> s(theta.size()), y(theta.size());
        for (std::size_t i = 0; i < theta.size(); ++i) { s[i] = thetaNew[i] - theta[i]; y[i] = gNew[i] - g[i]; }
        if (dot(s, y) > 1e-12 * std::sqrt(dot(y, y) * dot(s, s))) {
            history.emplace_back(std::move(s), std::move(y));
            if (history.size() > kMemory) history.pop_front();
        }
        const double decrease = fx - fNew;
        theta.swap(thetaNew);
        g.swap(gNew);
        fx = fNew;
        if (decrease <= 1e-14 * std::max(1.0, std::abs(fx))) { ++r.iterations; break; }
    }
    r.gradientNorm = maxAbs(g);
    return r;
}

} // namespace

int ClassTargets::count(std::size_t cls, std::int8_t v) const
{
    int n = 0;
    for (std::size_t i = 0; i < rows(); ++i) n += at(i, cls) == v;
    return n;
}

std::vector<float> LinearClassifier::logits(std::span<const float> rows) const
{
    const std::size_t k = classes.size();
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("classifier expects vectors of " + std::to_string(dimension) + " values");
    const std::size_t n = rows.size() / std::size_t(dimension);
    std::vector<float> z(n * k);
    if (n == 0 || k == 0) return z;
    for (std::size_t i = 0; i < n; ++i) std::copy(bias.begin(), bias.end(), z.begin() + std::ptrdiff_t(i * k));
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, int(n), int(k), dimension, 1.f, rows.data(), dimension,
                weights.data(), dimension, 1.f, z.data(), int(k));
    return z;
}

std::vector<float> LinearClassifier::probabilities(std::span<const float> rows) const
{
    std::vector<float> p = logits(rows);
    for (float& v : p) v = float(sigmoid(v));
    return p;
}

LinearClassifier trainLinearClassifier(std::span<const float> rows, int dimension, const ClassTargets& targets,
                                       const LinearClassifierOptions& options)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0)
        throw UsageError("classifier training: vectors do not have " + std::to_string(dimension) + " values");
    const std::size_t n = rows.size() / std::size_t(dimension), d = std::size_t(dimension);
    const std::size_t k = targets.classes.size();
    if (k == 0) throw UsageError("classifier training: no class to learn");
    if (targets.values.size() != n * k) throw UsageError("classifier training: targets do not match the vectors");
    if (!(options.l2 > 0) || !std::isfinite(options.l2)) throw UsageError("classifier training: l2 must be > 0");
    for (std::size_t c = 0; c < k; ++c) {
        if (targets.count(c, +1) == 0)
            throw UsageError("class \"" + targets.classes[c] + "\" has no example: label at least one clip with it");
        if (targets.count(c, -1) == 0)
            throw UsageError("class \"" + targets.classes[c] +
                             "\" has no counter-example: label clips that are not it (another class, or \"negative\")");
    }
    // Centre and scale over the examples; a constant feature keeps scale 1 and carries no weight.
    std::vector<double> mean(d, 0.0), scale(d, 0.0);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) mean[j] += rows[i * d + j];
    for (double& m : mean) m /= double(n);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) scale[j] += std::pow(rows[i * d + j] - mean[j], 2);
    if (options.scaling == FeatureScaling::Global) {
        double total = 0;
        for (double s : scale) total += s;
        const double spread = std::sqrt(total / double(n) / double(d));
        std::fill(scale.begin(), scale.end(), spread > 1e-12 ? spread : 1.0);
    } else {
        for (double& s : scale) {
            s = std::sqrt(s / double(n));
            if (!(s > 1e-12)) s = 1.0;
        }
    }
    std::vector<float> x(n * d);
    for (std::size_t i = 0; i < n; ++i)
        for (std::size_t j = 0; j < d; ++j) x[i * d + j] = float((rows[i * d + j] - mean[j]) / scale[j]);

    Objective objective(x, n, dimension, targets, options.l2);
    std::vector<double> theta(objective.size(), 0.0);
    const LbfgsResult fit = minimise(objective, theta, options);

    LinearClassifier c;
    c.dimension = dimension;
    c.classes = targets.classes;
    c.iterations = fit.iterations;
    c.gradientNorm = fit.gradientNorm;
    c.l2 = options.l2;
    c.weights.resize(k * d);
    c.bias.resize(k);
    for (std::size_t cls = 0; cls < k; ++cls) {
        double b = theta[cls * (d + 1) + d];
        for (std::size_t j = 0; j < d; ++j) {
            const double w = theta[cls * (d + 1) + j] / scale[j];
            c.weights[cls * d + j] = float(w);
            b -= w * mean[j];
        }
        c.bias[cls] = float(b);
    }
    return c;
}

} // namespace crowlingo
