#include "core/synth/Biquad.h"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace crowlingo {

namespace {
double omega(Hertz f, SampleRate rate)
{
    // Keep designs valid even when a caller asks for a corner at or past Nyquist.
    return 2.0 * std::numbers::pi * std::clamp(f / rate, 1e-6, 0.499);
}
} // namespace

Biquad::Biquad(double b0, double b1, double b2, double a0, double a1, double a2)
    : b0_(b0 / a0), b1_(b1 / a0), b2_(b2 / a0), a1_(a1 / a0), a2_(a2 / a0)
{
}

Biquad Biquad::lowpass(Hertz cutoff, double q, SampleRate rate)
{
    const double w = omega(cutoff, rate), c = std::cos(w), alpha = std::sin(w) / (2.0 * q);
    return Biquad((1 - c) / 2, 1 - c, (1 - c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad Biquad::highpass(Hertz cutoff, double q, SampleRate rate)
{
    const double w = omega(cutoff, rate), c = std::cos(w), alpha = std::sin(w) / (2.0 * q);
    return Biquad((1 + c) / 2, -(1 + c), (1 + c) / 2, 1 + alpha, -2 * c, 1 - alpha);
}

Biquad Biquad::bandpass(Hertz centre, double q, SampleRate rate)
{
    const double w = omega(centre, rate), c = std::cos(w), alpha = std::sin(w) / (2.0 * q);
    return Biquad(alpha, 0.0, -alpha, 1 + alpha, -2 * c, 1 - alpha);
}

void Biquad::processInPlace(std::span<float> x)
{
    for (float& v : x)
        v = float(process(v));
}

} // namespace crowlingo
