#include "core/archive/ArchiveRelocation.h"

#include "core/archive/Archive.h"
#include "core/common/Error.h"

namespace crowlingo {

namespace fs = std::filesystem;

RecordingsCheck checkRecordings(const std::vector<RecordingRow>& recordings, const fs::path& folder, std::size_t sample)
{
    RecordingsCheck c;
    std::error_code ec;
    for (const RecordingRow& r : recordings) {
        if (sample > 0 && c.checked == sample) break;
        ++c.checked;
        if (fs::is_regular_file(folder / fs::path(r.path), ec)) ++c.found;
        else if (c.firstMissing.empty()) c.firstMissing = r.path;
    }
    return c;
}

RecordingsCheck relocateRecordings(Archive& archive, const fs::path& folder)
{
    archive.requireIntact("relocate the recordings of");
    std::error_code ec;
    const fs::path absolute = fs::absolute(folder, ec).lexically_normal();
    if (ec || !fs::is_directory(absolute, ec))
        throw UsageError(fileError("relocate the recordings of", archive.file(), "\"" + folder.string() + "\" is not a folder"));
    const RecordingsCheck c = checkRecordings(archive.recordings(), absolute);
    if (c.checked > 0 && c.found == 0)
        throw UsageError(fileError("relocate the recordings of", archive.file(),
                                   "none of its " + std::to_string(c.checked) + " recordings is under \"" + absolute.string()
                                       + "\" (looked for \"" + c.firstMissing + "\" there); choose the folder the archive was made from"));
    const fs::path relative = absolute.lexically_relative(fs::absolute(archive.file()).parent_path());
    archive.setMeta("root", relative.empty() ? "." : relative.generic_string());
    return c;
}

} // namespace crowlingo
