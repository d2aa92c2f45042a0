#pragma once
// Helpers shared by the audio tests: generated signals, files written with libsndfile, and
// measurements (sine fit, zero-crossing frequency) that do not use the code under test.
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <numbers>
#include <span>
#include <string>
#include <vector>

namespace crowlingo::test {

inline std::vector<float> tone(double freq, double rate, std::size_t n, double amplitude = 0.5, double phase = 0)
{
    std::vector<float> x(n);
    for (std::size_t i = 0; i < n; ++i)
        x[i] = float(amplitude * std::sin(2 * std::numbers::pi * freq * double(i) / rate + phase));
    return x;
}

// Writes interleaved float frames with libsndfile; returns an error text, empty on success.
inline std::string writeSound(const std::filesystem::path& path, int format, int rate, int channels,
                              std::span<const float> interleaved)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    if (!sf_format_check(&info))
        return "libsndfile cannot write format " + std::to_string(format);
    SNDFILE* file = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!file)
        return std::string("sf_open: ") + sf_strerror(nullptr);
    const sf_count_t frames = sf_count_t(interleaved.size()) / channels;
    const sf_count_t written = sf_writef_float(file, interleaved.data(), frames);
    sf_close(file);
    return written == frames ? std::string() : "short write";
}

struct SineFit {
    double amplitude = 0; // of the best-fitting sinusoid at the given frequency
    double residualRms = 0;
};

// Least-squares fit of a*sin + b*cos + c at a known frequency over x[from, to).
inline SineFit fitSine(std::span<const float> x, double rate, double freq, std::size_t from, std::size_t to)
{
    double ss = 0, cc = 0, sc = 0, s1 = 0, c1 = 0, xs = 0, xc = 0, x1 = 0;
    const double n = double(to - from);
    for (std::size_t i = from; i < to; ++i) {
        const double w = 2 * std::numbers::pi * freq * double(i) / rate;
        const double s = std::sin(w), c = std::cos(w);
        ss += s * s; cc += c * c; sc += s * c; s1 += s; c1 += c;
        xs += x[i] * s; xc += x[i] * c; x1 += x[i];
    }
    // Solve the 3x3 normal equations by Cramer's rule.
    const double m[3][3] = {{ss, sc, s1}, {sc, cc, c1}, {s1, c1, n}};
    const double r[3] = {xs, xc, x1};
    const auto det3 = [](const double a[3][3]) {
        return a[0][0] * (a[1][1] * a[2][2] - a[1][2] * a[2][1]) - a[0][1] * (a[1][0] * a[2][2] - a[1][2] * a[2][0]) +
               a[0][2] * (a[1][0] * a[2][1] - a[1][1] * a[2][0]);
    };
    const double det = det3(m);
    double coef[3];
    for (int k = 0; k < 3; ++k) {
        double mk[3][3];
        for (int i = 0; i < 3; ++i)
            for (int j = 0; j < 3; ++j)
                mk[i][j] = j == k ? r[i] : m[i][j];
        coef[k] = det3(mk) / det;
    }
    SineFit fit;
    fit.amplitude = std::hypot(coef[0], coef[1]);
    double residual = 0;
    for (std::size_t i = from; i < to; ++i) {
        const double w = 2 * std::numbers::pi * freq * double(i) / rate;
        const double e = x[i] - (coef[0] * std::sin(w) + coef[1] * std::cos(w) + coef[2]);
        residual += e * e;
    }
    fit.residualRms = std::sqrt(residual / n);
    return fit;
}

// Frequency from upward zero crossings (linearly interpolated) over x[from, to).
inline double zeroCrossingFrequency(std::span<const float> x, double rate, std::size_t from, std::size_t to)
{
    double first = -1, last = -1;
    int crossings = 0;
    for (std::size_t i = from + 1; i < to; ++i) {
        if (x[i - 1] < 0 && x[i] >= 0) {
            const double t = double(i - 1) + x[i - 1] / (x[i - 1] - x[i]);
            if (first < 0)
                first = t;
            last = t;
            ++crossings;
        }
    }
    return crossings > 1 ? (crossings - 1) * rate / (last - first) : 0.0;
}

inline double rms(std::span<const float> x, std::size_t from, std::size_t to)
{
    double sum = 0;
    for (std::size_t i = from; i < to; ++i)
        sum += double(x[i]) * x[i];
    return std::sqrt(sum / double(to - from));
}

inline double dB(double ratio) { return 20 * std::log10(ratio); }

} // namespace crowlingo::test
