#include "core/audio/Resampler.h"

#include "core/common/Error.h"

#include <soxr.h>

#include <cmath>
#include <string>
#include <utility>

namespace crowlingo {

namespace {
std::string rateText(double rate)
{
    std::string s = std::to_string(rate);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s + " Hz";
}
} // namespace

Resampler::Resampler(double inputRate, double outputRate)
{
    if (!(inputRate > 0) || !(outputRate > 0) || !std::isfinite(inputRate) || !std::isfinite(outputRate))
        throw AudioError("cannot resample " + rateText(inputRate) + " to " + rateText(outputRate) + ": invalid rate");
    ratio_ = outputRate / inputRate;
    soxr_error_t error = nullptr;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    // One thread: callers already run one reader per worker thread.
    const soxr_runtime_spec_t runtime = soxr_runtime_spec(1);
    soxr_ = soxr_create(inputRate, outputRate, 1, &error, &io, &quality, &runtime);
    if (error || !soxr_) {
        soxr_delete(soxr_);
        soxr_ = nullptr;
        throw AudioError("cannot resample " + rateText(inputRate) + " to " + rateText(outputRate) + ": soxr: " +
                         (error ? error : "unknown error"));
    }
}

Resampler::~Resampler()
{
    soxr_delete(soxr_);
}

Resampler::Resampler(Resampler&& other) noexcept
    : soxr_(std::exchange(other.soxr_, nullptr)), ratio_(other.ratio_)
{
}

Resampler& Resampler::operator=(Resampler&& other) noexcept
{
    if (this != &other) {
        soxr_delete(soxr_);
        soxr_ = std::exchange(other.soxr_, nullptr);
        ratio_ = other.ratio_;
    }
    return *this;
}

void Resampler::process(std::span<const float> input, std::vector<float>& output)
{
    if (!soxr_)
        throw AudioError("cannot resample: resampler was moved from");
    // Room for this input's share of output plus what the filter may release at once.
    const std::size_t room = std::size_t(std::ceil(double(input.size()) * ratio_)) + 1024;
    std::size_t consumed = 0;
    while (consumed < input.size()) {
        const std::size_t before = output.size();
        output.resize(before + room);
        std::size_t inDone = 0, outDone = 0;
        const soxr_error_t error = soxr_process(soxr_, input.data() + consumed, input.size() - consumed, &inDone,
                                                output.data() + before, room, &outDone);
        output.resize(before + outDone);
        if (error)
            throw AudioError(std::string("cannot resample: soxr: ") + error);
        consumed += inDone;
        if (inDone == 0 && outDone == 0)
            break; // cannot happen with a non-full output buffer; guards against a spin
    }
}

void Resampler::flush(std::vector<float>& output)
{
    if (!soxr_)
        throw AudioError("cannot resample: resampler was moved from");
    const std::size_t room = 4096;
    for (;;) {
        const std::size_t before = output.size();
        output.resize(before + room);
        std::size_t outDone = 0;
        const soxr_error_t error = soxr_process(soxr_, nullptr, 0, nullptr, output.data() + before, room, &outDone);
        output.resize(before + outDone);
        if (error)
            throw AudioError(std::string("cannot resample: soxr: ") + error);
        if (outDone == 0)
            break;
    }
}

} // namespace crowlingo
