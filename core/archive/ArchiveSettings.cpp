#include "core/archive/ArchiveSettings.h"

#include "core/archive/Archive.h"
#include "core/common/Error.h"
#include "core/model/ModelConfig.h"

#include <charconv>
#include <cmath>
#include <system_error>

namespace crowlingo {
namespace {

[[noreturn]] void badValue(const Archive& a, const std::string& key, const std::string& value, const std::string& expected)
{
    throw ArchiveError(fileError("read", a.file(), "its setting \"" + key + "\" holds \"" + value + "\", " + expected
                                                       + " (was the archive edited by hand?)"));
}

// The whole text must be the number: "10x" or "" is refused, not read as 10 or 0.
template <typename T>
bool parseWhole(const std::string& text, T& out)
{
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(text.data(), end, out);
    return ec == std::errc() && ptr == end;
}

} // namespace

ArchiveSettings ArchiveSettings::read(const Archive& archive)
{
    ArchiveSettings s;
    s.segmenter = archive.meta("segmenter").value_or("");
    if (const auto te = archive.meta("time_expansion")) {
        double v = 0;
        if (!parseWhole(*te, v) || !std::isfinite(v) || v < minTimeExpansion || v > maxTimeExpansion)
            badValue(archive, "time_expansion", *te,
                     "expected a number from " + timeExpansionText(minTimeExpansion) + " to " + timeExpansionText(maxTimeExpansion));
        s.timeExpansion = v;
        s.hasTimeExpansion = true;
    }
    if (const auto scale = archive.meta("time_scale")) {
        int v = 0;
        if (!parseWhole(*scale, v) || v < 1 || v > ModelLimits::maxTimeScale)
            badValue(archive, "time_scale", *scale,
                     "expected a whole number from 1 to " + std::to_string(ModelLimits::maxTimeScale));
        s.timeScale = v;
        s.hasTimeScale = true;
    }
    s.shard = archive.meta("shard").value_or("");
    const std::string state = archive.meta("embed_state").value_or("complete");
    if (state != "complete" && state != "running")
        badValue(archive, "embed_state", state, "expected \"complete\" or \"running\"");
    s.embedFinished = state == "complete";
    return s;
}

void ArchiveSettings::writeEmbedSettings(Archive& archive) const
{
    archive.setMeta("segmenter", segmenter);
    archive.setMeta("time_expansion", timeExpansionText(timeExpansion));
    archive.setMeta("time_scale", std::to_string(timeScale));
}

std::string ArchiveSettings::timeExpansionText(double timeExpansion)
{
    char buf[32];
    const auto [ptr, ec] = std::to_chars(buf, buf + sizeof buf, timeExpansion); // shortest round-trip form
    return ec == std::errc() ? std::string(buf, ptr) : std::to_string(timeExpansion);
}

std::optional<std::filesystem::path> ArchiveSettings::rememberedModelDir(const Archive& archive, const std::string& modelId)
{
    namespace fs = std::filesystem;
    const auto stored = archive.meta("model_dir:" + modelId);
    if (!stored) return std::nullopt;
    fs::path dir(*stored);
    if (dir.is_relative()) dir = fs::absolute(archive.file()).parent_path() / dir;
    if (!fs::is_regular_file(dir / "model.safetensors")) return std::nullopt;
    return dir.lexically_normal();
}

void ArchiveSettings::rememberModelDir(Archive& archive, const std::string& modelId, const std::filesystem::path& dir)
{
    namespace fs = std::filesystem;
    const fs::path base = fs::absolute(archive.file()).parent_path();
    const fs::path abs = fs::absolute(dir).lexically_normal();
    const fs::path rel = abs.lexically_relative(base);
    const bool inside = !rel.empty() && *rel.begin() != "..";
    archive.setMeta("model_dir:" + modelId, (inside ? rel : abs).generic_string());
}

} // namespace crowlingo
