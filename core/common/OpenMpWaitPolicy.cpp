#include "core/common/OpenMpWaitPolicy.h"

#include <cstdlib>
#include <unistd.h>

namespace crowlingo {

void ensurePassiveOpenMpWait(char** argv)
{
    if (std::getenv("OMP_WAIT_POLICY")) return; // the user's choice, or we already re-executed
    ::setenv("OMP_WAIT_POLICY", "PASSIVE", 1);
    ::execv("/proc/self/exe", argv);
    // execv only returns on failure: carry on with the default policy.
}

} // namespace crowlingo
