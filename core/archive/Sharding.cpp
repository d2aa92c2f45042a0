#include "core/archive/Sharding.h"

#include "core/common/Error.h"

#include <algorithm>
#include <charconv>
#include <numeric>

namespace crowlingo {

namespace {

int parsePositive(std::string_view s, std::string_view whole)
{
    int v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 1)
        throw UsageError("shard \"" + std::string(whole) + "\": expected I/N with 1 <= I <= N, e.g. 2/4");
    return v;
}

} // namespace

ShardSpec ShardSpec::parse(std::string_view text)
{
    const auto slash = text.find('/');
    if (slash == std::string_view::npos)
        throw UsageError("shard \"" + std::string(text) + "\": expected I/N with 1 <= I <= N, e.g. 2/4");
    ShardSpec s{parsePositive(text.substr(0, slash), text), parsePositive(text.substr(slash + 1), text)};
    if (s.index > s.count)
        throw UsageError("shard \"" + std::string(text) + "\": the index must not exceed the count");
    return s;
}

std::string ShardSpec::toString() const { return std::to_string(index) + "/" + std::to_string(count); }

std::vector<ScannedFile> shareOf(const std::vector<ScannedFile>& files, const ShardSpec& shard)
{
    if (shard.isWhole()) return files;
    // Largest first, ties by path: a total order, so every process deals the same hands.
    std::vector<std::size_t> order(files.size());
    std::iota(order.begin(), order.end(), 0);
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        if (files[a].size != files[b].size) return files[a].size > files[b].size;
        return files[a].path < files[b].path;
    });
    std::vector<std::int64_t> load(std::size_t(shard.count), 0);
    std::vector<ScannedFile> mine;
    for (std::size_t i : order) {
        // Lightest share takes the file; ties go to the lowest index.
        const auto lightest = std::size_t(std::min_element(load.begin(), load.end()) - load.begin());
        load[lightest] += std::max<std::int64_t>(files[i].size, 1);
        if (int(lightest) == shard.index - 1) mine.push_back(files[i]);
    }
    std::sort(mine.begin(), mine.end(), [](const ScannedFile& a, const ScannedFile& b) { return a.path < b.path; });
    return mine;
}

} // namespace crowlingo
