#include "core/dsp/FftwPlanner.h"

namespace crowlingo::detail {

std::mutex& fftwPlannerMutex()
{
    static std::mutex m;
    return m;
}

} // namespace crowlingo::detail
