#include "core/dsp/PowerSpectrogram.h"

#include "core/common/Error.h"
#include "core/dsp/FftwPlanner.h"

#include <fftw3.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <mutex>
#include <numbers>
#include <string>

namespace crowlingo {

namespace {

// Per-call FFT buffers. FFTW documents only the execute functions as thread-safe, so calls do
// not use fftwf_malloc (a library routine) but std::aligned_alloc with 64-byte alignment: at
// least the SIMD alignment fftwf_malloc gives the planning arrays, so fftwf_alignment_of agrees
// as the new-array execute functions require.
struct AlignedFree {
    void operator()(void* p) const { std::free(p); }
};
template <typename T>
using AlignedBuffer = std::unique_ptr<T, AlignedFree>;

template <typename T>
AlignedBuffer<T> alignedAlloc(std::size_t n)
{
    constexpr std::size_t alignment = 64;
    const std::size_t bytes = (sizeof(T) * n + alignment - 1) / alignment * alignment;
    auto* p = static_cast<T*>(std::aligned_alloc(alignment, bytes));
    if (!p)
        throw std::bad_alloc();
    return AlignedBuffer<T>(p);
}

} // namespace

struct PowerSpectrogram::Impl {
    StftParams params;
    std::vector<float> window; // periodic; Hann as torch.hann_window(nFft) (periodic=True)
    fftwf_plan plan = nullptr;

    ~Impl()
    {
        if (plan) {
            std::lock_guard lock(detail::fftwPlannerMutex());
            fftwf_destroy_plan(plan);
        }
    }
};

PowerSpectrogram::PowerSpectrogram(StftParams params) : d(std::make_unique<Impl>())
{
    if (params.nFft < 2 || params.hop < 1 || params.sampleRate < 1)
        throw UsageError("cannot make a spectrogram: need nFft >= 2, hop >= 1 and sampleRate >= 1 (got nFft "
                         + std::to_string(params.nFft) + ", hop " + std::to_string(params.hop) + ", sampleRate "
                         + std::to_string(params.sampleRate) + ")");
    d->params = params;
    const int n = params.nFft;
    d->window = window(params.window, n);

    // Plan once on FFTW-allocated scratch arrays (freed at once: a plan keeps no reference that
    // the new-array execute functions use). FFTW_ESTIMATE: no measuring, so planning is fast and
    // the plan, hence the rounding, is the same on every run.
    std::lock_guard lock(detail::fftwPlannerMutex());
    float* in = fftwf_alloc_real(std::size_t(n));
    fftwf_complex* out = fftwf_alloc_complex(std::size_t(n / 2 + 1));
    if (in && out)
        d->plan = fftwf_plan_dft_r2c_1d(n, in, out, FFTW_ESTIMATE);
    fftwf_free(in);
    fftwf_free(out);
    if (!d->plan)
        throw UsageError("cannot make a spectrogram: FFTW could not plan a real FFT of size " + std::to_string(n));
}

std::vector<float> PowerSpectrogram::hannWindow(int n)
{
    std::vector<float> w(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) // computed in double, rounded once
        w[std::size_t(i)] = float(0.5 - 0.5 * std::cos(2.0 * std::numbers::pi * i / n));
    return w;
}

std::vector<float> PowerSpectrogram::window(WindowShape shape, int n)
{
    if (shape == WindowShape::Hann)
        return hannWindow(n);
    std::vector<float> w(static_cast<std::size_t>(n));
    for (int i = 0; i < n; ++i) {
        const double x = 2.0 * std::numbers::pi * i / n;
        w[std::size_t(i)] = shape == WindowShape::Hamming ? float(0.54 - 0.46 * std::cos(x))
                                                          : float(0.42 - 0.5 * std::cos(x) + 0.08 * std::cos(2.0 * x));
    }
    return w;
}

float PowerSpectrogram::fullScaleSineDb(WindowShape shape, int n)
{
    double sum = 0.0;
    for (float v : window(shape, n))
        sum += v;
    return float(10.0 * std::log10(std::max(sum * sum / 4.0, 1e-30)));
}

PowerSpectrogram::~PowerSpectrogram() = default;
PowerSpectrogram::PowerSpectrogram(PowerSpectrogram&&) noexcept = default;
PowerSpectrogram& PowerSpectrogram::operator=(PowerSpectrogram&&) noexcept = default;

const StftParams& PowerSpectrogram::params() const { return d->params; }

int PowerSpectrogram::binCount() const { return d->params.nFft / 2 + 1; }

int PowerSpectrogram::frameCount(SampleCount samples) const
{
    if (samples < d->params.nFft)
        return 0;
    return int(1 + (samples - d->params.nFft) / d->params.hop);
}

std::vector<Hertz> PowerSpectrogram::binCentres() const
{
    std::vector<Hertz> f(binCount());
    for (int k = 0; k < binCount(); ++k)
        f[k] = double(k) * d->params.sampleRate / d->params.nFft;
    return f;
}

void PowerSpectrogram::forEachFrame(std::span<const float> samples,
                                    const std::function<void(int, std::span<const float>)>& fn) const
{
    const int frames = frameCount(SampleCount(samples.size()));
    if (frames == 0)
        return;
    const int n = d->params.nFft;
    const int bins = binCount();
    auto in = alignedAlloc<float>(n);
    auto out = alignedAlloc<fftwf_complex>(bins);
    std::vector<float> power(bins);
    for (int t = 0; t < frames; ++t) {
        const float* x = samples.data() + std::size_t(t) * d->params.hop;
        for (int i = 0; i < n; ++i)
            in.get()[i] = x[i] * d->window[i];
        fftwf_execute_dft_r2c(d->plan, in.get(), out.get());
        for (int k = 0; k < bins; ++k) {
            const float re = out.get()[k][0], im = out.get()[k][1];
            power[k] = re * re + im * im;
        }
        fn(t, power);
    }
}

Spectrogram PowerSpectrogram::compute(std::span<const float> samples, Seconds start, double timeScale) const
{
    Spectrogram s;
    s.frames = frameCount(SampleCount(samples.size()));
    s.bins = binCount();
    s.startSeconds = start;
    s.hopSeconds = double(d->params.hop) / d->params.sampleRate * timeScale;
    s.binCentres = binCentres();
    s.values.resize(std::size_t(s.frames) * s.bins);
    forEachFrame(samples, [&](int t, std::span<const float> power) {
        std::copy(power.begin(), power.end(), s.values.begin() + std::ptrdiff_t(t) * s.bins);
    });
    return s;
}

float PowerSpectrogram::powerToDb(float power)
{
    // NaN stays NaN (max would turn it into the floor and hide a masked value).
    if (std::isnan(power))
        return power;
    return 10.0f * std::log10(std::max(power, 1e-10f));
}

void PowerSpectrogram::powerToDb(std::span<float> values)
{
    for (float& v : values)
        v = powerToDb(v);
}

} // namespace crowlingo
