// Fuzzes LabelTable::parse on CSV label files (path,label | path,start_s,end_s,label | clip_id,label).
// Invariants: only UsageError escapes; every row passes checkLabelTable(); parsing is deterministic.
#include "core/common/Error.h"
#include "fuzz/LabelTableInvariants.h"

#include <string_view>

using namespace crowlingo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    try {
        const LabelTable t = LabelTable::parse(text, "labels.csv");
        checkLabelTable(t, text);
        const LabelTable again = LabelTable::parse(text, "labels.csv");
        require(again.rows.size() == t.rows.size() && again.problems == t.problems, "parse is not deterministic");
    } catch (const UsageError&) {
    }
    return 0;
}
