#include "core/analysis/detail/OmpThreadLimit.h"

#include "core/common/Threads.h"

namespace crowlingo {

int OmpThreadLimit::forWork(double multiplyAdds) { return multiplyAdds < 2e7 ? 1 : threadCount(); }

} // namespace crowlingo
