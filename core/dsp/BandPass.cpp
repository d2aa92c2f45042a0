#include "core/dsp/BandPass.h"

#include "core/common/Error.h"
#include "core/dsp/RealFft.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace crowlingo {

namespace {

// The smallest n >= minimum whose only prime factors are 2, 3 and 5 (FFTW is fastest there).
int smoothSize(std::size_t minimum)
{
    for (std::size_t n = std::max<std::size_t>(minimum, 2);; ++n) {
        std::size_t m = n;
        for (const std::size_t p : {2u, 3u, 5u})
            while (m % p == 0) m /= p;
        if (m == 1) return int(n);
    }
}

// 0 below edge - width/2, 1 above edge + width/2, a raised cosine between.
double rising(double f, double edge, double width)
{
    const double x = (f - (edge - width / 2)) / width;
    if (x <= 0) return 0;
    if (x >= 1) return 1;
    return 0.5 - 0.5 * std::cos(std::numbers::pi * x);
}

} // namespace

void keepBand(std::vector<float>& samples, double sampleRate, double lowHz, double highHz)
{
    if (!(sampleRate > 0) || !(highHz > lowHz) || lowHz < 0)
        throw UsageError("cannot filter a sound to the band " + std::to_string(lowHz) + "-" + std::to_string(highHz) + " Hz");
    if (samples.empty()) return;
    const double taper = std::max(50.0, 0.1 * (highHz - lowHz));
    // Zero padding longer than the mask's response (about 1 / taper) keeps the ends from wrapping.
    const std::size_t pad = std::size_t(std::ceil(sampleRate * 4.0 / taper));
    const int n = smoothSize(samples.size() + pad);
    detail::RealFft fft(n);
    std::fill(std::copy(samples.begin(), samples.end(), fft.time().begin()), fft.time().end(), 0.0f);
    fft.forward();
    const double nyquist = sampleRate / 2;
    const bool open = highHz >= nyquist; // nothing above to cut
    for (std::size_t k = 0; k < fft.freq().size(); ++k) {
        const double f = double(k) * sampleRate / n;
        double gain = lowHz > 0 ? rising(f, lowHz, taper) : 1.0;
        if (!open) gain *= 1.0 - rising(f, highHz, taper);
        fft.freq()[k] *= float(gain / n);
    }
    fft.inverse();
    std::copy(fft.time().begin(), fft.time().begin() + std::ptrdiff_t(samples.size()), samples.begin());
}

} // namespace crowlingo
