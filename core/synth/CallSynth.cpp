#include "core/synth/CallSynth.h"

#include "core/common/Error.h"
#include "core/synth/Biquad.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numbers>
#include <span>

namespace crowlingo {

namespace {

constexpr double kTwoPi = 2.0 * std::numbers::pi;
constexpr double kTicksPerSecond = 1e4; // durations live on a 0.1 ms grid

struct Length {
    Seconds duration;
    std::size_t samples;
};

Length quantise(Seconds seconds, SampleRate rate)
{
    const std::int64_t ticks = std::max<std::int64_t>(1, std::llround(seconds * kTicksPerSecond));
    const std::int64_t n = (ticks * rate + std::int64_t(kTicksPerSecond) / 2) / std::int64_t(kTicksPerSecond);
    return {double(ticks) / kTicksPerSecond, std::size_t(std::max<std::int64_t>(n, 8))};
}

// Outward rounding to 0.1 Hz keeps the band honest and short to print.
Hertz roundDown(Hertz f) { return std::floor(std::max(0.0, f) * 10.0) / 10.0; }
Hertz roundUp(Hertz f) { return std::ceil(f * 10.0) / 10.0; }

// Raised-cosine fade-in and fade-out so no call starts or ends with a click.
double edgeGain(std::size_t n, std::size_t total, std::size_t attack, std::size_t release)
{
    double g = 1.0;
    if (attack > 0 && n < attack)
        g *= 0.5 - 0.5 * std::cos(std::numbers::pi * double(n) / double(attack));
    const std::size_t fromEnd = total - 1 - n;
    if (release > 0 && fromEnd < release)
        g *= 0.5 - 0.5 * std::cos(std::numbers::pi * double(fromEnd) / double(release));
    return g;
}

void normalisePeak(std::vector<float>& x, double peak)
{
    float m = 0.0f;
    for (float v : x)
        m = std::max(m, std::abs(v));
    if (m > 0.0f)
        for (float& v : x)
            v = float(v * (peak / m));
}

// A tonal call described by its instantaneous frequency and amplitude per sample.
struct Track {
    std::vector<double> freq, amp;
    explicit Track(std::size_t n) : freq(n, 0.0), amp(n, 0.0) {}
};

std::vector<float> render(const Track& t, SampleRate rate, std::span<const double> harmonicGains,
                          double phase)
{
    std::vector<float> out(t.freq.size());
    for (std::size_t n = 0; n < out.size(); ++n) {
        double s = 0.0;
        for (std::size_t h = 0; h < harmonicGains.size(); ++h)
            if (double(h + 1) * t.freq[n] < 0.49 * rate)
                s += harmonicGains[h] * std::sin(kTwoPi * double(h + 1) * phase);
        out[n] = float(t.amp[n] * s);
        phase += t.freq[n] / rate;
        phase -= std::floor(phase);
    }
    return out;
}

// The band of a track: frequencies where the amplitude is within 20 dB of its peak, widened by
// `margin` for the spectral spread of the envelope, up to the highest harmonic rendered.
void trackBand(const Track& t, int harmonics, Hertz margin, SampleRate rate, SynthCall& c)
{
    const double peak = *std::max_element(t.amp.begin(), t.amp.end());
    double lo = 1e9, hi = 0.0;
    for (std::size_t n = 0; n < t.freq.size(); ++n)
        if (t.amp[n] >= 0.1 * peak) {
            lo = std::min(lo, t.freq[n]);
            hi = std::max(hi, t.freq[n]);
        }
    double top = hi * harmonics;
    while (top >= 0.49 * rate && harmonics > 1)
        top = hi * --harmonics;
    c.lowHz = roundDown(lo - margin);
    c.highHz = roundUp(std::min(top + margin, 0.5 * rate));
}

Hertz maxTonalHz(SampleRate rate) { return std::min(8000.0, 0.45 * rate); }

// ---------------------------------------------------------------- crow caw

double formantEnvelope(Hertz f, const std::array<Hertz, 3>& fc, const std::array<Hertz, 3>& bw,
                       const std::array<double, 3>& gain, double tilt)
{
    double g = 0.08; // floor: caws are harsh, energy everywhere between the resonances
    for (int i = 0; i < 3; ++i) {
        const double x = (f - fc[i]) / (0.5 * bw[i]);
        g += gain[i] / (1.0 + x * x);
    }
    return g * std::pow(f / 1000.0, -tilt); // spectral tilt: how dull or bright this caw is
}

SynthCall synthesizeCaw(int variant, SampleRate rate, SynthRng& rng)
{
    const CrowIndividual& ind = crowIndividuals()[std::size_t(variant)];
    SynthCall c;
    c.variant = variant;
    c.individual = ind.id;

    const Length len = quantise(std::clamp(rng.normal(ind.durationMean, ind.durationSd), 0.30, 0.60), rate);
    c.duration = len.duration;
    const std::size_t N = len.samples;

    // Per-caw variation of the individual's voice.
    const double depth = rng.uniform(0.02, 0.09);
    const int contour = rng.uniformInt(0, 2);
    const double jitter = ind.jitter * rng.uniform(0.7, 1.3);
    const double hnrDb = ind.harmonicToNoiseDb + rng.uniform(-2.0, 2.0);
    const double tilt = rng.uniform(0.2, 0.8);
    std::array<Hertz, 3> formant = ind.formantHz;
    for (Hertz& f : formant)
        f *= 1.0 + std::clamp(rng.normal(0.0, 0.05), -0.12, 0.12);
    // Centre f0 drawn so that contour and jitter stay inside the individual's range; a final
    // clamp catches the rest (narrow ranges with a deep contour).
    const double loC = ind.f0Min / ((1.0 - depth / 2) * (1.0 - 2 * jitter));
    const double hiC = ind.f0Max / ((1.0 + depth / 2) * (1.0 + 2 * jitter));
    const double z = rng.normal(ind.f0Typical, (ind.f0Max - ind.f0Min) / 4.0);
    const double f0c = loC < hiC ? std::clamp(z, loC, hiC) : std::sqrt(ind.f0Min * ind.f0Max);
    const Seconds attack = rng.uniform(0.015, 0.035), release = rng.uniform(0.05, 0.12);
    const double decay = rng.uniform(0.1, 0.4); // loudness drops over the caw

    // Per-sample f0 with per-cycle jitter and shimmer.
    std::vector<double> f0(N), cycleGain(N), phase(N);
    double ph = 0.0, dev = 0.0, shim = 1.0;
    for (std::size_t n = 0; n < N; ++n) {
        const double u = double(n) / double(N - 1);
        double s = 0.0;
        switch (contour) {
        case 0: s = std::sin(std::numbers::pi * u) - 0.5; break; // arch
        case 1: s = 0.5 - u; break;                              // falling
        default: s = 0.5 - std::exp(-6.0 * u); break;           // fast rise, plateau
        }
        f0[n] = std::clamp(f0c * (1.0 + depth * s) * (1.0 + dev), ind.f0Min, ind.f0Max);
        cycleGain[n] = shim;
        phase[n] = ph;
        ph += f0[n] / rate;
        if (ph >= 1.0) { // a new glottal cycle: new jitter and shimmer
            ph -= 1.0;
            dev = std::clamp(rng.normal(0.0, jitter), -2 * jitter, 2 * jitter);
            shim = std::clamp(1.0 + rng.normal(0.0, ind.shimmer), 0.6, 1.4);
        }
    }

    // Harmonic stack shaped by the resonances, via the Chebyshev recurrence sin(k t).
    const Hertz ceiling = std::min(ind.harmonicCeiling, 0.45 * rate);
    std::vector<float> harm(N, 0.0f);
    const int kMax = int(ceiling / ind.f0Min);
    std::vector<double> gains(std::size_t(kMax) + 1, 0.0);
    for (std::size_t n = 0; n < N; ++n) {
        if (n % 32 == 0)
            for (int k = 1; k <= kMax; ++k) {
                const Hertz f = k * f0[n];
                // Taper harmonics near the ceiling instead of switching them off (no clicks).
                const double taper = f < 0.85 * ceiling ? 1.0
                    : f >= ceiling ? 0.0
                                   : 0.5 + 0.5 * std::cos(std::numbers::pi * (f - 0.85 * ceiling) / (0.15 * ceiling));
                gains[std::size_t(k)] = taper * formantEnvelope(f, formant, ind.formantBandwidthHz, ind.formantGain, tilt);
            }
        const double t = kTwoPi * phase[n], s1 = std::sin(t), twoC = 2.0 * std::cos(t);
        double prev = 0.0, cur = s1, sum = 0.0;
        for (int k = 1; k <= kMax; ++k) {
            sum += gains[std::size_t(k)] * cur;
            const double next = twoC * cur - prev;
            prev = cur;
            cur = next;
        }
        harm[n] = float(sum * cycleGain[n]);
    }

    // Harshness: pulse-synchronous noise through the same resonances, kept inside the band.
    std::vector<float> noise(N, 0.0f);
    {
        std::array<Biquad, 3> bp = {Biquad::bandpass(formant[0], formant[0] / ind.formantBandwidthHz[0], rate),
                                    Biquad::bandpass(formant[1], formant[1] / ind.formantBandwidthHz[1], rate),
                                    Biquad::bandpass(formant[2], formant[2] / ind.formantBandwidthHz[2], rate)};
        Biquad lp1 = Biquad::lowpass(ceiling, Biquad::kButterworth4Q1, rate), lp2 = Biquad::lowpass(ceiling, Biquad::kButterworth4Q2, rate);
        Biquad hp1 = Biquad::highpass(ind.f0Min, Biquad::kButterworth4Q1, rate), hp2 = Biquad::highpass(ind.f0Min, Biquad::kButterworth4Q2, rate);
        for (std::size_t n = 0; n < N; ++n) {
            const double pulse = std::pow(0.5 + 0.5 * std::cos(kTwoPi * phase[n]), 3.0);
            const double w = rng.noise() * pulse;
            double y = 0.0;
            for (int i = 0; i < 3; ++i)
                y += ind.formantGain[std::size_t(i)] * bp[std::size_t(i)].process(w);
            noise[n] = float(hp2.process(hp1.process(lp2.process(lp1.process(y)))));
        }
    }
    double ph2 = 0.0, pn2 = 0.0;
    for (std::size_t n = 0; n < N; ++n) {
        ph2 += double(harm[n]) * harm[n];
        pn2 += double(noise[n]) * noise[n];
    }
    const double noiseScale = pn2 > 0 ? std::sqrt(ph2 / pn2 / std::pow(10.0, hnrDb / 10.0)) : 0.0;

    c.samples.resize(N);
    const auto att = std::size_t(attack * rate), rel = std::size_t(release * rate);
    for (std::size_t n = 0; n < N; ++n) {
        const double u = double(n) / double(N - 1);
        c.samples[n] = float((harm[n] + noiseScale * noise[n]) * edgeGain(n, N, att, rel) * (1.0 - decay * u));
    }
    normalisePeak(c.samples, 0.5);

    // Band: f0 minimum .. highest harmonic within 25 dB of the strongest one (at the caw's
    // highest f0), or the top resonance if that is higher (the noise lives there too).
    const auto [mn, mx] = std::minmax_element(f0.begin(), f0.end());
    double gMax = 0.0;
    for (int k = 1; k <= kMax; ++k)
        gMax = std::max(gMax, formantEnvelope(k * f0c, formant, ind.formantBandwidthHz, ind.formantGain, tilt));
    int kStrong = 1;
    for (int k = 1; k * f0c < ceiling; ++k)
        if (formantEnvelope(k * f0c, formant, ind.formantBandwidthHz, ind.formantGain, tilt) >= gMax * 0.056)
            kStrong = k;
    const Hertz top = std::max(kStrong * *mx, formant[2] + 0.5 * ind.formantBandwidthHz[2]);
    c.lowHz = roundDown(*mn - 10.0);
    c.highHz = roundUp(std::min(top + 30.0, ceiling));
    return c;
}

// ---------------------------------------------------------------- songbird whistle

SynthCall synthesizeWhistle(int songType, SampleRate rate, SynthRng& rng)
{
    SynthCall c;
    c.variant = songType;
    const Hertz fMax = maxTonalHz(rate) - 200.0;
    const auto lim = [&](Hertz f) { return std::min(f, fMax); };
    const Length len = quantise(songType == 0   ? rng.uniform(0.35, 0.8)
                                : songType == 1 ? rng.uniform(0.3, 0.7)
                                                : rng.uniform(0.45, 0.85),
                                rate);
    c.duration = len.duration;
    const std::size_t N = len.samples;
    Track t(N);
    const double vibDepth = rng.uniform(0.0, 0.012), vibRate = rng.uniform(15.0, 35.0);
    const double vibPhase = rng.uniform(0.0, 1.0);
    const auto att = std::size_t(rng.uniform(0.02, 0.05) * rate), rel = std::size_t(rng.uniform(0.03, 0.08) * rate);

    if (songType == 0) { // rising-falling slur
        const Hertz fa = lim(rng.uniform(2500, 3800)), fb = lim(rng.uniform(4800, 7000)), fe = lim(fa * rng.uniform(0.9, 1.2));
        for (std::size_t n = 0; n < N; ++n) {
            const double u = double(n) / double(N - 1);
            t.freq[n] = fa + (fb - fa) * std::sin(std::numbers::pi * u) + (fe - fa) * u;
            t.amp[n] = edgeGain(n, N, att, rel);
        }
    } else if (songType == 1) { // down-slur
        const Hertz fa = lim(rng.uniform(6000, 7800)), fb = rng.uniform(2600, 3600);
        for (std::size_t n = 0; n < N; ++n) {
            const double u = double(n) / double(N - 1);
            t.freq[n] = fa * std::pow(fb / fa, u);
            t.amp[n] = edgeGain(n, N, att, rel);
        }
    } else { // two notes, "tee-yoo"
        const Hertz f1 = lim(rng.uniform(5000, 7200)), f2 = f1 * rng.uniform(0.62, 0.75);
        const auto n1 = std::size_t(double(N) * rng.uniform(0.4, 0.5));
        const auto gap = std::size_t(rng.uniform(0.03, 0.05) * rate);
        const auto ramp = std::size_t(0.008 * rate);
        for (std::size_t n = 0; n < N; ++n) {
            const bool first = n < n1;
            const std::size_t start = first ? 0 : n1 + gap, end = first ? n1 : N;
            const double u = end > start + 1 ? double(n - std::min(n, start)) / double(end - start - 1) : 0.0;
            t.freq[n] = (first ? f1 : f2) * (1.0 - 0.03 * u);
            if (n >= n1 && n < n1 + gap)
                t.amp[n] = 0.0;
            else
                t.amp[n] = edgeGain(n - start, end - start, first ? att : ramp, first ? ramp : rel) * (first ? 1.0 : 0.8);
        }
    }
    for (std::size_t n = 0; n < N; ++n)
        t.freq[n] *= 1.0 + vibDepth * std::sin(kTwoPi * (vibRate * double(n) / rate + vibPhase));
    const double gains[] = {1.0};
    c.samples = render(t, rate, gains, rng.uniform());
    normalisePeak(c.samples, 0.5);
    trackBand(t, 1, 80.0, rate, c);
    return c;
}

// ---------------------------------------------------------------- songbird trill

SynthCall synthesizeTrill(int songType, SampleRate rate, SynthRng& rng)
{
    SynthCall c;
    c.variant = songType;
    const Hertz fMax = maxTonalHz(rate) - 200.0;
    const double syllRate = rng.uniform(12.0, 24.0), duty = rng.uniform(0.45, 0.7);
    const double period = 1.0 / syllRate, syllDur = duty * period;
    // Whole syllables only: the trill ends where its last syllable does.
    const int syllables = std::max(3, int(std::lround(rng.uniform(0.5, 1.4) / period)));
    const Length len = quantise(double(syllables - 1) * period + syllDur, rate);
    c.duration = len.duration;
    const std::size_t N = len.samples;
    const Hertz fa = songType == 0 ? rng.uniform(2500, 3500) : songType == 1 ? std::min(rng.uniform(6000, 7800), fMax) : rng.uniform(3500, 5500);
    const Hertz fb = songType == 0 ? std::min(rng.uniform(5000, 7000), fMax) : songType == 1 ? rng.uniform(3000, 4200) : rng.uniform(400, 1000);
    Track t(N);
    double syllScale = 1.0;
    std::int64_t lastSyll = -1;
    for (std::size_t n = 0; n < N; ++n) {
        const double time = double(n) / rate;
        const auto syll = std::int64_t(time / period);
        if (syll != lastSyll) { // each syllable a little different
            syllScale = 1.0 + std::clamp(rng.normal(0.0, 0.01), -0.02, 0.02);
            lastSyll = syll;
        }
        const double v = (time - double(syll) * period) / syllDur; // position inside the syllable
        const double w = std::clamp(v, 0.0, 1.0);
        if (songType == 2) // buzzy: two FM cycles per syllable around a centre
            t.freq[n] = std::min(fa + fb * std::sin(2.0 * kTwoPi * w), fMax) * syllScale;
        else
            t.freq[n] = (fa + (fb - fa) * w) * syllScale;
        const double u = double(n) / double(N - 1);
        const double overall = std::max(0.3, std::sqrt(std::sin(std::numbers::pi * u)));
        t.amp[n] = v < 1.0 ? overall * (0.5 - 0.5 * std::cos(kTwoPi * v)) * edgeGain(n, N, 0, std::size_t(0.002 * rate)) : 0.0;
    }
    const double gains[] = {1.0};
    c.samples = render(t, rate, gains, rng.uniform());
    normalisePeak(c.samples, 0.5);
    trackBand(t, 1, 2.0 / syllDur + 50.0, rate, c);
    return c;
}

// ---------------------------------------------------------------- frog pulse train

SynthCall synthesizeFrog(SampleRate rate, SynthRng& rng)
{
    SynthCall c;
    const Hertz fc = rng.uniform(500, 2000);
    const double pulseRate = rng.uniform(8.0, 30.0);
    const Seconds pulseDur = std::clamp(rng.uniform(0.3, 0.6) / pulseRate, 0.010, 0.035);
    const Length len = quantise(std::max(rng.uniform(0.3, 1.5), 3.0 / pulseRate), rate);
    c.duration = len.duration;
    const std::size_t N = len.samples;
    const double period = 1.0 / pulseRate;
    Track t(N);
    double pulseGain = 1.0;
    std::int64_t lastPulse = -1;
    for (std::size_t n = 0; n < N; ++n) {
        const double time = double(n) / rate;
        const auto p = std::int64_t(time / period);
        if (p != lastPulse) {
            pulseGain = std::clamp(1.0 + rng.normal(0.0, 0.1), 0.7, 1.3);
            lastPulse = p;
        }
        const double v = (time - double(p) * period) / pulseDur;
        t.freq[n] = fc * (1.0 - 0.04 * std::clamp(v, 0.0, 1.0)); // slight downward glide per pulse
        // Fast attack (30 %), slower decay: raised-cosine halves.
        double e = 0.0;
        if (v < 0.3)
            e = 0.5 - 0.5 * std::cos(std::numbers::pi * v / 0.3);
        else if (v < 1.0)
            e = 0.5 + 0.5 * std::cos(std::numbers::pi * (v - 0.3) / 0.7);
        t.amp[n] = e * pulseGain * edgeGain(n, N, 0, std::size_t(0.002 * rate));
    }
    const double gains[] = {1.0, 0.35}; // frogs often show a second spectral peak
    c.samples = render(t, rate, gains, rng.uniform());
    normalisePeak(c.samples, 0.5);
    trackBand(t, 2, 2.5 / pulseDur, rate, c);
    return c;
}

// ---------------------------------------------------------------- insect buzz

SynthCall synthesizeInsect(SampleRate rate, SynthRng& rng)
{
    SynthCall c;
    const Hertz fc = std::min(rng.uniform(3000, 6500), maxTonalHz(rate) - 600.0);
    const double amRate = rng.uniform(30.0, 90.0), duty = rng.uniform(0.4, 0.8);
    const double p1 = rng.uniform(), p2 = rng.uniform();
    const Length len = quantise(rng.uniform(0.6, 2.5), rate);
    c.duration = len.duration;
    const std::size_t N = len.samples;
    Track t(N);
    const auto att = std::size_t(0.05 * rate), rel = std::size_t(0.08 * rate);
    for (std::size_t n = 0; n < N; ++n) {
        const double time = double(n) / rate;
        t.freq[n] = fc * (1.0 + 0.008 * std::sin(kTwoPi * (0.7 * time + p1)) + 0.004 * std::sin(kTwoPi * (3.1 * time + p2)));
        const double v = (amRate * time - std::floor(amRate * time)) / duty;
        const double pulse = v < 1.0 ? std::pow(std::sin(std::numbers::pi * v), 2.0) : 0.0;
        t.amp[n] = pulse * edgeGain(n, N, att, rel);
    }
    const double gains[] = {1.0};
    c.samples = render(t, rate, gains, rng.uniform());
    normalisePeak(c.samples, 0.5);
    // sin^2 pulses of length duty / amRate: nearly all energy within 1.2 / length of the carrier.
    trackBand(t, 1, 1.2 * amRate / duty + 40.0, rate, c);
    return c;
}

// ---------------------------------------------------------------- bat-like FM sweep

SynthCall synthesizeBat(SampleRate rate, SynthRng& rng)
{
    SynthCall c;
    const Hertz fH = std::min(rng.uniform(8500, 10500), 0.45 * rate);
    const Hertz fL = rng.uniform(2500, 4000);
    const Length len = quantise(rng.uniform(0.003, 0.008), rate);
    c.duration = len.duration;
    const std::size_t N = len.samples;
    Track t(N);
    for (std::size_t n = 0; n < N; ++n) {
        const double u = double(n) / double(N - 1);
        t.freq[n] = 1.0 / (1.0 / fH + (1.0 / fL - 1.0 / fH) * u); // hyperbolic, like real FM bats
        t.amp[n] = std::pow(std::sin(std::numbers::pi * std::pow(u, 0.7)), 2.0); // peaks early
    }
    const double gains[] = {1.0};
    c.samples = render(t, rate, gains, rng.uniform());
    normalisePeak(c.samples, 0.5);
    // The sweep is so fast that the envelope widens the spectrum: add a quarter of the
    // square root of the sweep rate (the chirp's instantaneous bandwidth) as margin.
    const double sweepRate = fH * (fH / fL - 1.0) / len.duration;
    trackBand(t, 1, 0.25 * std::sqrt(sweepRate) + 100.0, rate, c);
    return c;
}

} // namespace

std::string_view callTypeName(CallType type)
{
    switch (type) {
    case CallType::Caw: return "caw";
    case CallType::Whistle: return "whistle";
    case CallType::Trill: return "trill";
    case CallType::Frog: return "frog";
    case CallType::Insect: return "insect";
    case CallType::Bat: return "bat";
    }
    return "unknown";
}

std::optional<CallType> callTypeFromName(std::string_view name)
{
    for (CallType t : kAllCallTypes)
        if (callTypeName(t) == name)
            return t;
    return std::nullopt;
}

const std::vector<CrowIndividual>& crowIndividuals()
{
    // Ranges overlap pairwise; crow6 is a wide-ranging, very harsh bird overlapping most others.
    static const std::vector<CrowIndividual> table = {
        {"crow1", 420, 520, 470, {1200, 2400, 3500}, {300, 380, 450}, {1.0, 0.55, 0.35}, 0.40, 0.05, 0.010, 0.06, 8, 4200},
        {"crow2", 460, 570, 515, {1300, 2550, 3700}, {320, 400, 480}, {1.0, 0.65, 0.4}, 0.45, 0.05, 0.018, 0.08, 5, 4400},
        {"crow3", 500, 610, 555, {1250, 2450, 3400}, {280, 360, 420}, {1.0, 0.5, 0.35}, 0.42, 0.05, 0.014, 0.05, 9, 4000},
        {"crow4", 540, 650, 595, {1350, 2650, 3800}, {340, 420, 500}, {0.95, 0.7, 0.45}, 0.47, 0.05, 0.020, 0.10, 4, 4600},
        {"crow5", 590, 695, 640, {1220, 2600, 3600}, {300, 360, 440}, {1.0, 0.6, 0.4}, 0.43, 0.05, 0.012, 0.07, 7, 4400},
        {"crow6", 480, 640, 560, {1300, 2500, 3600}, {340, 420, 480}, {1.0, 0.6, 0.4}, 0.46, 0.06, 0.025, 0.12, 3, 4400},
    };
    return table;
}

int variantCount(CallType type)
{
    switch (type) {
    case CallType::Caw: return int(crowIndividuals().size());
    case CallType::Whistle:
    case CallType::Trill: return 3;
    default: return 1;
    }
}

SynthCall synthesizeCall(CallType type, int variant, SampleRate rate, SynthRng& rng)
{
    if (rate < 16000)
        throw UsageError("cannot synthesize a " + std::string(callTypeName(type)) + " call at "
                         + std::to_string(rate) + " Hz: the synthetic corpus needs at least 16000 Hz");
    const int count = variantCount(type);
    if (variant >= count)
        throw UsageError("cannot synthesize a " + std::string(callTypeName(type)) + " call: variant "
                         + std::to_string(variant) + " out of range (" + std::to_string(count) + " exist)");
    if (variant < 0)
        variant = rng.uniformInt(0, count - 1);
    switch (type) {
    case CallType::Caw: return synthesizeCaw(variant, rate, rng);
    case CallType::Whistle: return synthesizeWhistle(variant, rate, rng);
    case CallType::Trill: return synthesizeTrill(variant, rate, rng);
    case CallType::Frog: return synthesizeFrog(rate, rng);
    case CallType::Insect: return synthesizeInsect(rate, rng);
    case CallType::Bat: return synthesizeBat(rate, rng);
    }
    return {};
}

} // namespace crowlingo
