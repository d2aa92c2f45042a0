#pragma once
// Measurements shared by the synth tests, written independently of the generator: FFT (FFTW)
// band masks instead of its IIR filters, autocorrelation for f0.
#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <complex>
#include <span>
#include <vector>

namespace synthtest {

// Power spectrum helper: X = rfft(x) (no window). Returns |X_k|^2 weighted so that the sum over
// all k equals sum(x^2) * N (Parseval), bin k at k * rate / N.
inline std::vector<double> powerSpectrum(std::span<const float> x)
{
    const int n = int(x.size());
    std::vector<float> in(x.begin(), x.end());
    std::vector<fftwf_complex> out(std::size_t(n / 2 + 1));
    fftwf_plan plan = fftwf_plan_dft_r2c_1d(n, in.data(), out.data(), FFTW_ESTIMATE);
    fftwf_execute(plan);
    fftwf_destroy_plan(plan);
    std::vector<double> p(out.size());
    for (std::size_t k = 0; k < out.size(); ++k) {
        const double m = double(out[k][0]) * out[k][0] + double(out[k][1]) * out[k][1];
        const bool single = k == 0 || (n % 2 == 0 && k == out.size() - 1);
        p[k] = single ? m : 2.0 * m;
    }
    return p;
}

// Fraction of x's energy between lo and hi Hz.
inline double bandEnergyFraction(std::span<const float> x, double lo, double hi, int rate)
{
    const std::vector<double> p = powerSpectrum(x);
    double in = 0.0, all = 0.0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        const double f = double(k) * rate / double(x.size());
        all += p[k];
        if (f >= lo && f <= hi)
            in += p[k];
    }
    return all > 0.0 ? in / all : 0.0;
}

// x band-limited to [lo, hi] Hz by an FFT mask with 30 Hz raised-cosine edges (zero phase).
inline std::vector<float> bandLimit(std::span<const float> x, double lo, double hi, int rate)
{
    int n = 1; // zero-padded to a power of two: fast, and the padding keeps the wrap-around away
    while (n < int(x.size()))
        n *= 2;
    std::vector<float> buf(std::size_t(n), 0.0f);
    std::copy(x.begin(), x.end(), buf.begin());
    std::vector<fftwf_complex> spec(std::size_t(n / 2 + 1));
    fftwf_plan fwd = fftwf_plan_dft_r2c_1d(n, buf.data(), spec.data(), FFTW_ESTIMATE);
    fftwf_plan inv = fftwf_plan_dft_c2r_1d(n, spec.data(), buf.data(), FFTW_ESTIMATE);
    fftwf_execute(fwd);
    const double edge = 30.0;
    for (std::size_t k = 0; k < spec.size(); ++k) {
        const double f = double(k) * rate / n;
        double g = 0.0;
        if (f >= lo && f <= hi)
            g = 1.0;
        else if (f > lo - edge && f < lo)
            g = 0.5 + 0.5 * std::cos(M_PI * (lo - f) / edge);
        else if (f > hi && f < hi + edge)
            g = 0.5 + 0.5 * std::cos(M_PI * (f - hi) / edge);
        spec[k][0] = float(spec[k][0] * g / n);
        spec[k][1] = float(spec[k][1] * g / n);
    }
    fftwf_execute(inv);
    fftwf_destroy_plan(fwd);
    fftwf_destroy_plan(inv);
    buf.resize(x.size());
    return buf;
}

inline double meanSquare(std::span<const float> x)
{
    double s = 0.0;
    for (float v : x)
        s += double(v) * v;
    return x.empty() ? 0.0 : s / double(x.size());
}

// f0 by normalised autocorrelation over frames of ~46 ms, searching periods for fMin..fMax Hz;
// the median over frames (parabolic peak interpolation). 0 if x is too short.
inline double estimateF0(std::span<const float> x, int rate, double fMin = 350.0, double fMax = 800.0)
{
    const int tauMin = int(std::floor(rate / fMax)), tauMax = int(std::ceil(rate / fMin));
    const int frame = std::min<int>(1024, int(x.size()) - tauMax - 2);
    if (frame < 4 * tauMax)
        return 0.0;
    std::vector<double> estimates;
    for (std::size_t start = 0; start + std::size_t(frame + tauMax + 2) <= x.size(); start += 256) {
        std::vector<double> r(std::size_t(tauMax + 2), 0.0);
        for (int tau = tauMin - 1; tau <= tauMax + 1; ++tau) {
            double xy = 0, xx = 0, yy = 0;
            for (int i = 0; i < frame; ++i) {
                const double a = x[start + std::size_t(i)], b = x[start + std::size_t(i + tau)];
                xy += a * b;
                xx += a * a;
                yy += b * b;
            }
            r[std::size_t(tau)] = xx > 0 && yy > 0 ? xy / std::sqrt(xx * yy) : 0.0;
        }
        int best = tauMin;
        for (int tau = tauMin; tau <= tauMax; ++tau)
            if (r[std::size_t(tau)] > r[std::size_t(best)])
                best = tau;
        const double a = r[std::size_t(best - 1)], b = r[std::size_t(best)], c = r[std::size_t(best + 1)];
        const double denom = a - 2 * b + c;
        const double shift = denom < 0 ? std::clamp(0.5 * (a - c) / denom, -0.5, 0.5) : 0.0;
        estimates.push_back(rate / (best + shift));
    }
    std::nth_element(estimates.begin(), estimates.begin() + std::ptrdiff_t(estimates.size() / 2), estimates.end());
    return estimates[estimates.size() / 2];
}

} // namespace synthtest
