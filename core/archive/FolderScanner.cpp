#include "core/archive/FolderScanner.h"

#include "core/audio/AudioReader.h"
#include "core/common/Error.h"

#include <algorithm>
#include <chrono>
#include <set>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

bool isHidden(const fs::path& p)
{
    const std::string name = p.filename().string();
    return !name.empty() && name[0] == '.';
}

std::int64_t mtimeSeconds(const fs::file_time_type& t)
{
    const auto sys = fs::file_time_type::clock::to_sys(t);
    return std::chrono::duration_cast<std::chrono::seconds>(sys.time_since_epoch()).count();
}

// Why a directory entry cannot be followed, in words a researcher can act on.
std::string unreachableReason(const fs::path& p, const std::error_code& ec)
{
    std::error_code lec;
    if (!fs::is_symlink(fs::symlink_status(p, lec))) return ec.message();
    if (ec == std::errc::too_many_symbolic_link_levels) return "symbolic link loop (the link leads back to itself)";
    const fs::path target = fs::read_symlink(p, lec);
    if (ec == std::errc::no_such_file_or_directory)
        return "broken symbolic link: its target \"" + target.string() + "\" does not exist";
    return "symbolic link to \"" + target.string() + "\": " + ec.message();
}

void scanInto(const fs::path& dir, std::set<fs::path>& visited, FolderScan& out)
{
    std::error_code ec;
    const fs::path real = fs::canonical(dir, ec);
    if (ec) {
        out.problems.emplace_back(dir, ec.message());
        return;
    }
    if (!visited.insert(real).second) return; // symlink loop or a folder reached twice
    fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    if (ec) {
        out.problems.emplace_back(dir, ec.message());
        return;
    }
    for (; it != fs::directory_iterator(); it.increment(ec)) {
        if (ec) {
            out.problems.emplace_back(dir, ec.message());
            break;
        }
        const fs::path p = it->path();
        if (isHidden(p)) continue;
        std::error_code sec;
        const fs::file_status st = fs::status(p, sec); // follows symlinks
        if (sec) {
            // A dangling link or a vanished file: report it when it looks like audio.
            if (hasAudioExtension(p)) out.problems.emplace_back(p, unreachableReason(p, sec));
            continue;
        }
        if (fs::is_directory(st)) {
            scanInto(p, visited, out);
        } else if (hasAudioExtension(p)) {
            // Non-regular files with an audio name (devices, fifos) are passed on too: the decoder
            // reports them per file, with the reason.
            ScannedFile f{fs::absolute(p).lexically_normal(), 0, 0};
            if (fs::is_regular_file(st)) {
                f.size = std::int64_t(fs::file_size(p, sec));
                f.mtime = mtimeSeconds(fs::last_write_time(p, sec));
            }
            out.files.push_back(std::move(f));
        }
    }
}

} // namespace

FolderScan scanFolder(const fs::path& root)
{
    FolderScan out;
    std::error_code ec;
    if (!fs::is_directory(root, ec))
        throw Error(fileError("scan", root, ec ? ec.message() : "not a folder"));
    std::set<fs::path> visited;
    scanInto(root, visited, out);
    std::sort(out.files.begin(), out.files.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

} // namespace crowlingo
