#include "core/common/OutputRules.h"

#include "core/common/Error.h"

#include <string>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

// Absolute, symlinks and `..` followed as far as the path exists; the path as given if even that fails.
fs::path resolved(const fs::path& p)
{
    std::error_code ec;
    fs::path r = fs::weakly_canonical(fs::absolute(p, ec), ec);
    return ec ? p.lexically_normal() : r;
}

bool sameFile(const fs::path& a, const fs::path& b)
{
    if (resolved(a) == resolved(b)) return true;
    std::error_code ec;
    return fs::exists(a, ec) && fs::exists(b, ec) && fs::equivalent(a, b, ec) && !ec; // hard links
}

std::string quoted(const fs::path& p) { return "\"" + p.string() + "\""; }

} // namespace

std::vector<fs::path> sqliteFiles(const fs::path& database)
{
    std::vector<fs::path> out;
    for (const fs::path& base : {database, resolved(database)})
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) out.push_back(fs::path(base.string() + suffix));
    return out;
}

void checkOutputPaths(const std::vector<fs::path>& targets, const OutputRules& rules)
{
    std::vector<fs::path> existing;
    for (std::size_t i = 0; i < targets.size(); ++i) {
        const fs::path& t = targets[i];
        for (const fs::path& p : rules.protect)
            if (sameFile(t, p))
                throw UsageError(fileError("write", t, "it is " + quoted(p) + ", which this command reads; "
                                                       "choose another output file"));
        for (std::size_t j = 0; j < i; ++j)
            if (sameFile(t, targets[j]))
                throw UsageError(fileError("write", t, "it is also the output " + quoted(targets[j])));
        std::error_code ec;
        if (fs::is_directory(t, ec)) throw UsageError(fileError("write", t, "it is a folder"));
        if (fs::exists(t, ec)) existing.push_back(t);
    }
    if (existing.empty() || rules.replace) return;
    if (existing.size() == 1) throw OutputExistsError(quoted(existing[0]) + " exists; use --force to replace it");
    throw OutputExistsError(quoted(existing[0]) + " and " + std::to_string(existing.size() - 1)
                            + " more of the files to write exist; nothing was written; use --force to replace them");
}

} // namespace crowlingo
