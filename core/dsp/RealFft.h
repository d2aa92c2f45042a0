#pragma once
// A forward and an inverse real FFT of one size, planned under the planner lock (FftwPlanner.h)
// and executed on the object's own buffers: one user at a time, so each task makes its own.
//
//   RealFft fft(n);  std::copy(x, x + n, fft.time().begin());  fft.forward();  ... fft.freq() ...
//   fft.inverse();   // fft.time() holds n times the inverse
#include "core/common/Error.h"
#include "core/dsp/FftwPlanner.h"

#include <fftw3.h>

#include <complex>
#include <mutex>
#include <string>
#include <vector>

namespace crowlingo::detail {

class RealFft {
public:
    explicit RealFft(int n) : time_(std::size_t(n)), freq_(std::size_t(n / 2 + 1))
    {
        std::lock_guard lock(fftwPlannerMutex());
        auto* t = time_.data();
        auto* f = reinterpret_cast<fftwf_complex*>(freq_.data());
        forward_ = fftwf_plan_dft_r2c_1d(n, t, f, FFTW_ESTIMATE);
        inverse_ = fftwf_plan_dft_c2r_1d(n, f, t, FFTW_ESTIMATE);
        if (!forward_ || !inverse_) throw UsageError("FFTW could not plan a real FFT of size " + std::to_string(n));
    }
    ~RealFft()
    {
        std::lock_guard lock(fftwPlannerMutex());
        fftwf_destroy_plan(forward_);
        fftwf_destroy_plan(inverse_);
    }
    RealFft(const RealFft&) = delete;
    RealFft& operator=(const RealFft&) = delete;

    std::vector<float>& time() { return time_; }
    std::vector<std::complex<float>>& freq() { return freq_; }
    void forward() { fftwf_execute(forward_); }
    void inverse() { fftwf_execute(inverse_); } // unnormalised: n times the true inverse

private:
    std::vector<float> time_;
    std::vector<std::complex<float>> freq_;
    fftwf_plan forward_ = nullptr;
    fftwf_plan inverse_ = nullptr;
};

} // namespace crowlingo::detail
