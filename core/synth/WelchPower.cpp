#include "core/synth/WelchPower.h"

#include <cmath>
#include <numbers>
#include <vector>

namespace crowlingo {

namespace {

// In-place iterative radix-2 FFT on split real/imaginary arrays; n is a power of two.
// (Written out instead of std::complex: its operator* checks for NaN/inf on every product.)
void fft(std::vector<double>& re, std::vector<double>& im, const std::vector<double>& cosT, const std::vector<double>& sinT)
{
    const std::size_t n = re.size();
    for (std::size_t i = 1, j = 0; i < n; ++i) { // bit reversal
        std::size_t bit = n >> 1;
        for (; j & bit; bit >>= 1)
            j ^= bit;
        j ^= bit;
        if (i < j) {
            std::swap(re[i], re[j]);
            std::swap(im[i], im[j]);
        }
    }
    for (std::size_t len = 2; len <= n; len <<= 1) {
        const std::size_t half = len / 2, step = n / len;
        for (std::size_t i = 0; i < n; i += len)
            for (std::size_t k = 0; k < half; ++k) {
                const double c = cosT[k * step], s = sinT[k * step];
                const std::size_t p = i + k, q = p + half;
                const double vr = re[q] * c - im[q] * s, vi = re[q] * s + im[q] * c;
                re[q] = re[p] - vr;
                im[q] = im[p] - vi;
                re[p] += vr;
                im[p] += vi;
            }
    }
}

} // namespace

double welchBandPower(std::span<const float> x, Hertz lowHz, Hertz highHz, SampleRate rate, int blockSize)
{
    std::size_t n = 64;
    while (n * 2 <= std::size_t(std::max(blockSize, 64)) && n * 2 <= x.size())
        n *= 2;
    if (x.size() < n || rate <= 0)
        return 0.0;

    std::vector<double> window(n);
    double windowEnergy = 0.0;
    for (std::size_t i = 0; i < n; ++i) {
        window[i] = 0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * double(i) / double(n));
        windowEnergy += window[i] * window[i];
    }
    std::vector<double> cosT(n / 2), sinT(n / 2); // twiddles e^{-2 pi i k / n}
    for (std::size_t k = 0; k < n / 2; ++k) {
        cosT[k] = std::cos(2.0 * std::numbers::pi * double(k) / double(n));
        sinT[k] = -std::sin(2.0 * std::numbers::pi * double(k) / double(n));
    }

    // One-sided bins whose centre lies in the band (DC and Nyquist excluded: never a call's band).
    const double binHz = double(rate) / double(n);
    const auto first = std::size_t(std::max(1.0, std::ceil(lowHz / binHz)));
    const auto last = std::size_t(std::min(double(n / 2 - 1), std::floor(highHz / binHz)));
    if (first > last)
        return 0.0;

    std::vector<double> re(n), im(n);
    double sum = 0.0;
    std::size_t blocks = 0;
    const std::size_t hop = n / 2;
    // Blocks spread evenly so the last samples count as much as the first.
    const std::size_t count = (x.size() - n) / hop + 1;
    const double stride = count > 1 ? double(x.size() - n) / double(count - 1) : 0.0;
    for (std::size_t b = 0; b < count; ++b) {
        const auto start = std::size_t(std::llround(double(b) * stride));
        for (std::size_t i = 0; i < n; ++i) {
            re[i] = x[start + i] * window[i];
            im[i] = 0.0;
        }
        fft(re, im, cosT, sinT);
        for (std::size_t k = first; k <= last; ++k)
            sum += 2.0 * (re[k] * re[k] + im[k] * im[k]);
        ++blocks;
    }
    return sum / (double(blocks) * double(n) * windowEnergy);
}

} // namespace crowlingo
