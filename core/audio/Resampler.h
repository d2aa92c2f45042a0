#pragma once
// Streaming sample-rate conversion of one mono channel with libsoxr (SOXR_HQ: 20-bit, linear phase).
//
//   Resampler r(44100, 22050);          // rates may be fractional (time expansion: 384000 / 10)
//   r.process(chunk, out);              // appends the converted samples to out, as many as are ready
//   r.flush(out);                       // end of input: drains the filter's tail
//
// Threading: a Resampler is used by one thread at a time.
// Output sample k lines up with input time k / ratio() (soxr compensates its own filter delay), so
// a stream started at input frame a yields output index a * ratio() + k; the total output after
// flush() is round(inputFrames * ratio()).
#include <span>
#include <vector>

struct soxr; // libsoxr's handle (soxr_t), declared here so that callers need not include soxr.h

namespace crowlingo {

class Resampler {
public:
    Resampler(double inputRate, double outputRate);
    ~Resampler();
    Resampler(Resampler&& other) noexcept;
    Resampler& operator=(Resampler&& other) noexcept;
    Resampler(const Resampler&) = delete;
    Resampler& operator=(const Resampler&) = delete;

    double ratio() const { return ratio_; } // outputRate / inputRate

    // Consumes all of input; appends the output samples that are ready.
    void process(std::span<const float> input, std::vector<float>& output);
    // Signals the end of input and appends the remaining output. Further process() calls are errors.
    void flush(std::vector<float>& output);

private:
    ::soxr* soxr_ = nullptr;
    double ratio_ = 1.0;
};

} // namespace crowlingo
