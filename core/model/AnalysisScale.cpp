#include "core/model/AnalysisScale.h"

#include <algorithm>
#include <cmath>

namespace crowlingo {

double trainedWindowSeconds(const ModelConfig& model)
{
    return double(model.frames) * model.trainedHop() / model.mel.sampleRate;
}

int chooseTimeScale(std::vector<double> clipSeconds, const ModelConfig& model)
{
    clipSeconds.erase(std::remove_if(clipSeconds.begin(), clipSeconds.end(),
                                     [](double d) { return !std::isfinite(d) || d <= 0; }),
                      clipSeconds.end());
    if (clipSeconds.empty())
        return 1;
    const std::size_t at = std::min(clipSeconds.size() - 1, std::size_t(std::ceil(0.9 * double(clipSeconds.size()))) - 1);
    std::nth_element(clipSeconds.begin(), clipSeconds.begin() + std::ptrdiff_t(at), clipSeconds.end());
    const double p90 = clipSeconds[at];
    const double window = trainedWindowSeconds(model);
    for (int scale = kMaxAutoTimeScale; scale > 1; scale /= 2)
        if (model.trainedHop() % scale == 0 && p90 * scale <= window)
            return scale;
    return 1;
}

} // namespace crowlingo
