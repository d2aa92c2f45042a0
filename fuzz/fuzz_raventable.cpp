// Fuzzes LabelTable::parse on Raven Pro selection tables. The first input byte picks the options
// (bit 0: recording given, bit 1: label column named, bit 2: table name without Raven's pattern) so
// that every way of finding the recording and the label column is exercised; the rest is the table.
// Invariants: only UsageError escapes; every row passes checkLabelTable(); a single-file table puts
// every row on the given or inferred recording; no selection number yields two rows.
#include "core/common/Error.h"
#include "fuzz/LabelTableInvariants.h"

#include <string_view>

using namespace crowlingo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    if (size == 0) return 0;
    const unsigned flags = data[0];
    const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
    LabelTableOptions options;
    if (flags & 1) options.recording = "site/rec.wav";
    if (flags & 2) options.labelColumn = "call type";
    const char* source = (flags & 4) ? "selections.txt" : "rec.Table.1.selections.txt";
    try {
        const LabelTable t = LabelTable::parse(text, source, options);
        checkLabelTable(t, text);
        if (t.format == LabelTableFormat::RavenSelections) {
            require(int(t.rows.size() + t.problems.size()) == t.records, "a Raven record neither a row nor a problem");
            for (const LabelTableRow& r : t.rows) {
                require(r.ref != RecordingRef::RelativePath, "Raven row with a CSV path ref");
                if (r.ref == RecordingRef::FileStem) require(r.path == "rec" && !(flags & 1), "wrong inferred recording");
            }
        }
    } catch (const UsageError&) {
    }
    return 0;
}
