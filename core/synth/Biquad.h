#pragma once
// A second-order IIR section (RBJ "Audio EQ Cookbook" designs), used by the synthesiser for
// formant resonances, wind rumble, rain brightness and band limits.
//
//   Biquad lp = Biquad::lowpass(4000.0, Biquad::kButterworthQ, 22050);
//   for (float& x : samples) x = float(lp.process(x));
//   lp.reset();                                                       // before an unrelated signal
//
// Threading: a Biquad holds filter state; use one per thread. The factories are reentrant.
#include "core/common/Types.h"

#include <span>

namespace crowlingo {

class Biquad {
public:
    static constexpr double kButterworthQ = 0.70710678118654752;
    // 4th-order Butterworth as two sections: Q = 1 / (2 cos(pi/8)) and 1 / (2 cos(3 pi/8)).
    static constexpr double kButterworth4Q1 = 0.54119610014619698, kButterworth4Q2 = 1.3065629648763766;

    static Biquad lowpass(Hertz cutoff, double q, SampleRate rate);
    static Biquad highpass(Hertz cutoff, double q, SampleRate rate);
    static Biquad bandpass(Hertz centre, double q, SampleRate rate); // 0 dB at the centre

    double process(double x)
    {
        const double y = b0_ * x + s1_;
        s1_ = b1_ * x - a1_ * y + s2_;
        s2_ = b2_ * x - a2_ * y;
        return y;
    }
    void processInPlace(std::span<float> x);
    void reset() { s1_ = s2_ = 0.0; }

private:
    Biquad(double b0, double b1, double b2, double a0, double a1, double a2);
    double b0_ = 1, b1_ = 0, b2_ = 0, a1_ = 0, a2_ = 0;
    double s1_ = 0, s2_ = 0; // transposed direct form II state
};

} // namespace crowlingo
