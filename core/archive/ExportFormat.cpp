#include "core/archive/ExportFormat.h"

#include "core/archive/Archive.h"
#include "core/common/Error.h"
#include "core/common/OutputFile.h"

#include <cstdio>
#include <memory>

namespace crowlingo {

namespace fs = std::filesystem;

std::string formatNumber(double v, const char* format)
{
    char buf[64];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

OutputRules protectingArchive(OutputRules rules, const Archive& archive)
{
    for (fs::path& p : sqliteFiles(archive.file())) rules.protect.push_back(std::move(p));
    return rules;
}

std::string oneTabField(std::string text)
{
    for (char& c : text)
        if (c == '\t' || c == '\n' || c == '\r') c = ' ';
    return text;
}

std::string tableStem(const std::string& recordingPath)
{
    std::string s = fs::path(recordingPath).replace_extension().generic_string();
    for (char& c : s)
        if (c == '/') c = '_';
    return s;
}

std::vector<fs::path> writeTablesTogether(const fs::path& dir, const Archive& archive, const OutputRules& rules,
                                          const std::vector<std::pair<std::string, TableWriter>>& tables)
{
    std::vector<fs::path> targets;
    for (const auto& [name, _] : tables) targets.push_back(dir / name);
    std::error_code ec;
    if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
        throw UsageError(fileError("write tables into", dir, "it is a file, not a folder"));
    const OutputRules checked = protectingArchive(rules, archive);
    checkOutputPaths(targets, checked);
    fs::create_directories(dir);
    std::vector<std::unique_ptr<OutputFile>> files;
    for (std::size_t i = 0; i < tables.size(); ++i) {
        files.push_back(std::make_unique<OutputFile>(targets[i], checked));
        tables[i].second(*files.back());
        files.back()->finish(); // one open descriptor at a time, however many recordings
    }
    commitTogether(files);
    return targets;
}

} // namespace crowlingo
