#include "core/analysis/detail/UmapLayout.h"

#include "core/analysis/detail/ParallelFor.h"
#include "core/analysis/detail/PowTable.h"
#include "core/common/Rng.h"

#include <algorithm>
#include <array>
#include <cmath>

// Determinism. umap-learn applies updates in place, edge after edge (or Hogwild across threads,
// which is not reproducible). Here each epoch reads a snapshot of the positions taken at its start
// and every thread writes only the head points of its own slice of vertices; negative samples come
// from a random stream derived from (seed, epoch, vertex). A vertex's update therefore depends on
// nothing but the snapshot and its own stream: the output is bitwise identical for any thread
// count. Within a vertex the updates are sequential (as umap-learn), only the other endpoints are
// one epoch stale — the same staleness Hogwild has, without the races.
//
// umap-learn moves both ends of an edge (move_other) and the symmetric graph holds each edge in
// both directions, so each vertex gets two attractive steps per sampling of a neighbour; with
// head-only writes the head takes one step of twice the size itself, keeping umap-learn's
// attraction/repulsion balance (and its count of pow() calls, which dominate the layout's time).

namespace crowlingo {

namespace {

constexpr int kDim = 2;
constexpr float kClip = 4.0f;

float clip(float v) { return std::clamp(v, -kClip, kClip); }

double curve(double a, double b, double x) { return 1.0 / (1.0 + a * std::pow(x, 2 * b)); }

} // namespace

UmapCurve UmapCurve::fit(double spread, double minDist)
{
    constexpr int points = 300;
    std::array<double, points> x{}, y{};
    for (int i = 0; i < points; ++i) {
        x[std::size_t(i)] = 3.0 * spread * i / (points - 1);
        y[std::size_t(i)] = x[std::size_t(i)] < minDist ? 1.0 : std::exp(-(x[std::size_t(i)] - minDist) / spread);
    }
    auto cost = [&](double a, double b) {
        double s = 0;
        for (int i = 0; i < points; ++i) {
            const double r = curve(a, b, x[std::size_t(i)]) - y[std::size_t(i)];
            s += r * r;
        }
        return s;
    };
    // Levenberg-Marquardt from (1, 1), scipy's curve_fit default start.
    double a = 1.0, b = 1.0, lambda = 1e-3;
    double c = cost(a, b);
    for (int iter = 0; iter < 500; ++iter) {
        double jaa = 0, jab = 0, jbb = 0, ga = 0, gb = 0;
        for (int i = 0; i < points; ++i) {
            const double xi = x[std::size_t(i)];
            if (xi <= 0) continue; // f = 1 there whatever a, b: no gradient
            const double u = std::pow(xi, 2 * b);
            const double f = 1.0 / (1.0 + a * u);
            const double r = f - y[std::size_t(i)];
            const double da = -u * f * f;
            const double db = -a * u * 2.0 * std::log(xi) * f * f;
            jaa += da * da;
            jab += da * db;
            jbb += db * db;
            ga += da * r;
            gb += db * r;
        }
        bool improved = false;
        for (int tries = 0; tries < 30 && !improved; ++tries) {
            const double m00 = jaa * (1 + lambda), m11 = jbb * (1 + lambda), m01 = jab;
            const double det = m00 * m11 - m01 * m01;
            if (!(std::abs(det) > 0)) { lambda *= 10; continue; }
            const double stepA = -(m11 * ga - m01 * gb) / det;
            const double stepB = -(m00 * gb - m01 * ga) / det;
            const double na = a + stepA, nb = b + stepB;
            const double nc = (na > 0 && nb > 0) ? cost(na, nb) : c + 1;
            if (nc < c) {
                const bool converged = c - nc < 1e-15 * std::max(1.0, c);
                a = na;
                b = nb;
                c = nc;
                lambda = std::max(lambda / 10, 1e-12);
                improved = true;
                if (converged) return {a, b};
            } else {
                lambda *= 10;
            }
        }
        if (!improved) break;
    }
    return {a, b};
}

void optimizeUmapLayout(std::vector<float>& xy, std::span<const float> tails, const FuzzySimplicialSet& graph,
                        const UmapLayoutOptions& o, const Progress& progress)
{
    const bool training = tails.empty();
    const std::size_t nHeads = graph.n;
    const std::size_t nTails = training ? nHeads : tails.size() / kDim;
    const std::size_t nEdges = graph.edges();
    if (nHeads == 0 || nTails == 0 || o.epochs <= 0 || nEdges == 0) return;
    const float a = float(o.curve.a), b = float(o.curve.b);
    const PowTable powB(b);
    const float gamma = float(o.repulsion);
    const int rate = std::max(o.negativeSampleRate, 0);

    // Edge schedule (make_epochs_per_sample): an edge of weight w is sampled every max/w epochs;
    // edges below max/epochs would be sampled less than once and are dropped, as umap-learn does.
    const float maxW = *std::max_element(graph.weight.begin(), graph.weight.end());
    std::vector<float> epochsPerSample(nEdges), nextSample(nEdges), epochsPerNegative(nEdges), nextNegative(nEdges);
    for (std::size_t e = 0; e < nEdges; ++e) {
        const float w = graph.weight[e];
        epochsPerSample[e] = w >= maxW / float(o.epochs) ? maxW / w : -1.0f;
        nextSample[e] = epochsPerSample[e];
        epochsPerNegative[e] = rate > 0 ? epochsPerSample[e] / float(rate) : 0.0f;
        nextNegative[e] = epochsPerNegative[e];
    }

    // One head vertex through one epoch, reading the others from `other`.
    auto step = [&](std::size_t i, int epoch, float alpha, const float* other, float* out) {
        float p[kDim] = {xy[i * kDim], xy[i * kDim + 1]};
        if (training) { p[0] = other[i * kDim]; p[1] = other[i * kDim + 1]; }
        Rng rng(Rng::mix(o.seed ^ (training ? 0 : 0x7472616E73666D72ull), std::uint64_t(epoch), i));
        const float attraction = training ? 2 * alpha : alpha;
        for (auto e = std::size_t(graph.rowStart[i]); e < std::size_t(graph.rowStart[i + 1]); ++e) {
            if (epochsPerSample[e] <= 0 || nextSample[e] > float(epoch)) continue;
            const std::size_t j = std::size_t(graph.column[e]);
            const float* q = other + j * kDim;
            const float dx = p[0] - q[0], dy = p[1] - q[1];
            const float d2 = dx * dx + dy * dy;
            if (d2 > 0) {
                const float pb = powB(d2);
                const float coeff = -2.0f * a * b * (pb / d2) / (a * pb + 1.0f);
                p[0] += clip(coeff * dx) * attraction;
                p[1] += clip(coeff * dy) * attraction;
            }
            nextSample[e] += epochsPerSample[e];
            if (rate == 0) continue;
            const int negatives = std::max(0, int((float(epoch) - nextNegative[e]) / epochsPerNegative[e]));
            // The negative samples of one edge all push from the same position and their steps
            // are summed (umap-learn applies them one after another). Independent samples let the
            // CPU overlap their pow() calls: the sequential chain made them half the layout's time.
            float push[kDim] = {0, 0};
            for (int s = 0; s < negatives; ++s) {
                const std::size_t k = std::size_t(rng.below(nTails));
                if (training && k == i) continue;
                const float* r = other + k * kDim;
                const float dx = p[0] - r[0], dy = p[1] - r[1];
                const float d2 = dx * dx + dy * dy;
                if (d2 <= 0) continue; // coincident points: no direction to push in
                const float pb = powB(d2);
                const float coeff = 2.0f * gamma * b / ((0.001f + d2) * (a * pb + 1.0f));
                push[0] += clip(coeff * dx);
                push[1] += clip(coeff * dy);
            }
            p[0] += push[0] * alpha;
            p[1] += push[1] * alpha;
            nextNegative[e] += float(negatives) * epochsPerNegative[e];
        }
        out[i * kDim] = p[0];
        out[i * kDim + 1] = p[1];
    };

    if (training) {
        std::vector<float> snapshot(xy.size());
        for (int epoch = 0; epoch < o.epochs; ++epoch) {
            progress.checkCancelled();
            const float alpha = float(o.initialAlpha * (1.0 - double(epoch) / o.epochs));
            snapshot = xy;
            parallelFor(nHeads, nHeads > 512 ? o.threads : 1, [&](std::size_t begin, std::size_t end, int) {
                for (std::size_t i = begin; i < end; ++i) step(i, epoch, alpha, snapshot.data(), xy.data());
            });
            if (epoch % 10 == 9) progress(double(epoch + 1) / o.epochs, "UMAP layout");
        }
    } else {
        // The moving points do not interact: each runs through all epochs on its own.
        std::vector<float> alpha(std::size_t(o.epochs));
        for (int epoch = 0; epoch < o.epochs; ++epoch)
            alpha[std::size_t(epoch)] = float(o.initialAlpha * (1.0 - double(epoch) / o.epochs));
        progress.checkCancelled();
        parallelFor(nHeads, nHeads > 64 ? o.threads : 1, [&](std::size_t begin, std::size_t end, int) {
            for (std::size_t i = begin; i < end; ++i)
                for (int epoch = 0; epoch < o.epochs; ++epoch) step(i, epoch, alpha[std::size_t(epoch)], tails.data(), xy.data());
        });
    }
}

} // namespace crowlingo
