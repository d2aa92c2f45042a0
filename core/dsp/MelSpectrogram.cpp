#include "core/dsp/MelSpectrogram.h"

#include "core/common/Error.h"
#include "core/dsp/MelParamLimits.h"
#include "core/dsp/PowerSpectrogram.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace crowlingo {

namespace {

// One triangular filter, stored sparsely: weights for FFT bins first .. first + weights.size() - 1.
struct MelFilter {
    int first = 0;
    std::vector<float> weights;
};

} // namespace

struct MelSpectrogram::Impl {
    MelParams params;
    PowerSpectrogram stft;
    std::vector<Hertz> centres;
    std::vector<MelFilter> filters;

    explicit Impl(const MelParams& p) : params(p), stft(StftParams{p.sampleRate, p.nFft, p.hop}) {}
};

MelSpectrogram::MelSpectrogram(MelParams params)
{
    checkMelParams(params); // before the FFT plan and the filters are sized by them
    d = std::make_unique<Impl>(params); // validates nFft, hop, sampleRate

    // torchaudio.functional.melscale_fbanks(norm=None, mel_scale="htk"): nMels + 2 points equally
    // spaced in mel from fMin to fMax; filter m rises from point m to m+1 and falls to m+2, peak 1.
    const int nMels = params.nMels;
    std::vector<double> fPts(nMels + 2);
    const double mMin = hzToMel(params.fMin), mMax = hzToMel(params.fMax);
    for (int i = 0; i < nMels + 2; ++i)
        fPts[i] = melToHz(mMin + (mMax - mMin) * i / (nMels + 1));
    d->centres.assign(fPts.begin() + 1, fPts.end() - 1);

    // torchaudio places the FFT bins at linspace(0, sample_rate // 2, nFft/2 + 1): integer Nyquist,
    // which differs from k * sampleRate / nFft only for odd sample rates. Kept for identical output.
    const int nFreqs = d->stft.binCount();
    const double nyquist = double(params.sampleRate / 2);
    d->filters.resize(nMels);
    for (int m = 0; m < nMels; ++m) {
        MelFilter& f = d->filters[m];
        const double lo = fPts[m], mid = fPts[m + 1], hi = fPts[m + 2];
        for (int k = 0; k < nFreqs; ++k) {
            const double freq = nFreqs > 1 ? nyquist * k / (nFreqs - 1) : 0.0;
            const double down = (freq - lo) / (mid - lo);
            const double up = (hi - freq) / (hi - mid);
            const double w = std::max(0.0, std::min(down, up));
            if (w <= 0)
                continue;
            if (f.weights.empty())
                f.first = k;
            f.weights.resize(std::size_t(k - f.first + 1), 0.0f); // bins of one triangle are contiguous
            f.weights.back() = float(w);
        }
    }
}

MelSpectrogram::~MelSpectrogram() = default;

const MelParams& MelSpectrogram::params() const { return d->params; }

int MelSpectrogram::frameCount(SampleCount samples) const { return d->stft.frameCount(samples); }

const std::vector<Hertz>& MelSpectrogram::melCentres() const { return d->centres; }

Spectrogram MelSpectrogram::computePower(std::span<const float> samples, Seconds start, double timeScale) const
{
    Spectrogram s;
    s.frames = frameCount(SampleCount(samples.size()));
    s.bins = d->params.nMels;
    s.startSeconds = start;
    s.hopSeconds = double(d->params.hop) / d->params.sampleRate * timeScale;
    s.binCentres = d->centres;
    s.values.resize(std::size_t(s.frames) * s.bins);
    d->stft.forEachFrame(samples, [&](int t, std::span<const float> power) {
        float* row = s.values.data() + std::size_t(t) * s.bins;
        for (int m = 0; m < s.bins; ++m) {
            const MelFilter& f = d->filters[m];
            double acc = 0; // double: the sum spans up to hundreds of bins of very different size
            for (std::size_t i = 0; i < f.weights.size(); ++i)
                acc += double(f.weights[i]) * power[f.first + i];
            row[m] = float(acc);
        }
    });
    return s;
}

Spectrogram MelSpectrogram::compute(std::span<const float> samples, Seconds start, double timeScale) const
{
    Spectrogram s = computePower(samples, start, timeScale);
    PowerSpectrogram::powerToDb(s.values);
    return s;
}

void MelSpectrogram::melToLinearPower(std::span<const float> melPower, std::span<float> linearPower) const
{
    const int nFreqs = d->stft.binCount();
    if (int(melPower.size()) != d->params.nMels || int(linearPower.size()) != nFreqs)
        throw UsageError("melToLinearPower: expected " + std::to_string(d->params.nMels) + " mel and "
                         + std::to_string(nFreqs) + " linear values");
    // Least squares would be exact for the band sums but rings between bands; spreading each
    // band's power (per unit of filter weight) over its own bins is smooth, which is what the ear
    // wants from a reconstruction.
    std::vector<double> sum(std::size_t(nFreqs), 0.0), weight(std::size_t(nFreqs), 0.0);
    for (int m = 0; m < d->params.nMels; ++m) {
        const MelFilter& f = d->filters[std::size_t(m)];
        double area = 0;
        for (float w : f.weights) area += w;
        if (area <= 0) continue;
        const double perUnit = double(melPower[std::size_t(m)]) / area;
        for (std::size_t i = 0; i < f.weights.size(); ++i) {
            sum[std::size_t(f.first) + i] += f.weights[i] * perUnit;
            weight[std::size_t(f.first) + i] += f.weights[i];
        }
    }
    for (int k = 0; k < nFreqs; ++k)
        linearPower[std::size_t(k)] = weight[std::size_t(k)] > 0 ? float(sum[std::size_t(k)] / weight[std::size_t(k)]) : 0.0f;
}

double MelSpectrogram::hzToMel(double hz) { return 2595.0 * std::log10(1.0 + hz / 700.0); }

double MelSpectrogram::melToHz(double mel) { return 700.0 * (std::pow(10.0, mel / 2595.0) - 1.0); }

} // namespace crowlingo
