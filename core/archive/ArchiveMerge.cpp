#include "core/archive/ArchiveMerge.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveSettings.h"
#include "core/archive/Sharding.h"
#include "core/common/Error.h"
#include "core/segment/Segmenter.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

// What every part must agree on, read from one part.
struct PartIdentity {
    fs::path root;
    std::string segmenter, timeScale, modelId, modelConfig;
    std::optional<double> timeExpansion;
};

PartIdentity identityOf(const Archive& a)
{
    PartIdentity id;
    id.root = fs::weakly_canonical(a.root());
    const ArchiveSettings s = ArchiveSettings::read(a);
    id.segmenter = s.segmenter;
    if (s.hasTimeExpansion) id.timeExpansion = s.timeExpansion;
    if (s.hasTimeScale) id.timeScale = std::to_string(s.timeScale);
    id.modelId = a.activeModel();
    if (!s.embedFinished || (a.clipCount() > 0 && (id.modelId.empty() || a.usableClipsWithoutVector(id.modelId) != 0)))
        throw ArchiveError(fileError("merge", a.file(), "its embedding did not finish: run its embed command again, "
                                                        "then merge"));
    if (!id.modelId.empty()) id.modelConfig = a.meta("model_config:" + id.modelId).value_or("");
    return id;
}

void checkAgrees(const PartIdentity& first, const fs::path& firstFile, const PartIdentity& part, const fs::path& partFile)
{
    const auto differ = [&](const std::string& what, const std::string& a, const std::string& b) {
        throw ArchiveError(fileError("merge", partFile, "its " + what + " (" + b + ") differs from that of " +
                                     firstFile.string() + " (" + a + "): these are not shards of one archive"));
    };
    if (part.root != first.root) differ("recordings folder", first.root.string(), part.root.string());
    // An empty shard (more shards than files) has no clips and so nothing to disagree with.
    if (!part.segmenter.empty() && !first.segmenter.empty() && part.segmenter != first.segmenter)
        differ("segmentation", first.segmenter, part.segmenter);
    if (part.timeExpansion && first.timeExpansion
        && !ArchiveSettings::sameTimeExpansion(*part.timeExpansion, *first.timeExpansion))
        differ("time expansion", ArchiveSettings::timeExpansionText(*first.timeExpansion),
               ArchiveSettings::timeExpansionText(*part.timeExpansion));
    if (!part.timeScale.empty() && !first.timeScale.empty() && part.timeScale != first.timeScale)
        differ("analysis time scale", first.timeScale, part.timeScale);
    if (!part.modelId.empty() && !first.modelId.empty() && part.modelId != first.modelId)
        differ("model", first.modelId, part.modelId);
}

// Says which shards of a job are missing or given twice.
void checkShardCoverage(const std::vector<std::string>& shards, MergeReport& report)
{
    std::map<int, std::map<int, int>> seen; // count -> index -> times
    for (const std::string& s : shards) {
        if (s.empty()) continue;
        const ShardSpec spec = ShardSpec::parse(s);
        ++seen[spec.count][spec.index];
    }
    for (const auto& [count, indices] : seen) {
        std::string missing;
        for (int i = 1; i <= count; ++i)
            if (!indices.count(i)) missing += (missing.empty() ? "" : ", ") + std::to_string(i) + "/" + std::to_string(count);
        if (!missing.empty()) report.warnings.push_back("shards missing: " + missing + " (their recordings are not in the "
                                                        "merged archive; run embed on it to add them)");
        for (const auto& [i, times] : indices)
            if (times > 1) report.warnings.push_back("shard " + std::to_string(i) + "/" + std::to_string(count) +
                                                     " given " + std::to_string(times) + " times");
    }
}

// Recording path, start, end, band and origin: two clips of a recording differ in one of them.
using ClipKey = std::tuple<std::string, double, double, double, double, bool>;

} // namespace

MergeReport mergeArchives(const fs::path& out, const std::vector<fs::path>& partFiles, const Progress& progress)
{
    if (partFiles.empty()) throw UsageError("merge: name at least one archive to merge");
    if (fs::exists(out)) throw UsageError(fileError("merge into", out, "the file exists; name a new archive"));
    MergeReport report;
    report.parts = int(partFiles.size());

    // 1. Open every part and check that they belong together before writing anything.
    std::vector<Archive> parts;
    std::vector<PartIdentity> ids;
    std::vector<std::string> shards;
    for (const fs::path& f : partFiles) {
        if (fs::weakly_canonical(f) == fs::weakly_canonical(out))
            throw UsageError(fileError("merge", f, "is also the output"));
        parts.push_back(Archive::open(f));
        ids.push_back(identityOf(parts.back()));
        if (parts.size() > 1) checkAgrees(ids.front(), partFiles.front(), ids.back(), f);
        shards.push_back(parts.back().meta("shard").value_or(""));
    }
    checkShardCoverage(shards, report);
    PartIdentity common = ids.front();
    for (const PartIdentity& id : ids) {
        if (common.segmenter.empty()) common.segmenter = id.segmenter;
        if (!common.timeExpansion) common.timeExpansion = id.timeExpansion;
        if (common.timeScale.empty()) common.timeScale = id.timeScale;
        if (common.modelId.empty()) { common.modelId = id.modelId; common.modelConfig = id.modelConfig; }
    }
    report.modelId = common.modelId;

    // 2. Write under a temporary name; rename once complete.
    const fs::path temporary = out.string() + ".merging";
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(temporary.string() + suffix);
    std::int64_t totalClips = 0;
    for (const Archive& p : parts) totalClips += p.clipCount();
    const auto removeTemporary = [&] {
        std::error_code ec;
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(temporary.string() + suffix, ec);
    };
    try {
        Archive merged = Archive::create(temporary, common.root);
        if (!common.segmenter.empty()) merged.setMeta("segmenter", common.segmenter);
        if (common.timeExpansion)
            merged.setMeta("time_expansion", ArchiveSettings::timeExpansionText(*common.timeExpansion));
        if (!common.timeScale.empty()) merged.setMeta("time_scale", common.timeScale);
        if (!common.modelId.empty() && !common.modelConfig.empty())
            merged.setMeta("model_config:" + common.modelId, common.modelConfig);

        std::map<std::string, std::pair<RecordingRow, std::size_t>> taken; // path -> (row, part)
        std::int64_t clipsDone = 0;
        std::map<ClipKey, ClipId> newIds;
        std::vector<std::pair<ClipKey, LabelRow>> labels;
        for (std::size_t p = 0; p < parts.size(); ++p) {
            const Archive& part = parts[p];
            std::map<std::int64_t, std::vector<ClipRow>> clipsOf;
            for (ClipRow& c : part.clips()) clipsOf[c.recordingId].push_back(std::move(c));
            const EmbeddingMatrix vectors = common.modelId.empty() ? EmbeddingMatrix{} : part.embeddings(common.modelId);
            std::unordered_map<ClipId, std::size_t> rowOf;
            for (std::size_t i = 0; i < vectors.rows(); ++i) rowOf.emplace(vectors.clipIds[i], i);
            std::unordered_map<ClipId, ClipKey> keyOf;

            for (const RecordingRow& rec : part.recordings()) {
                progress.checkCancelled();
                if (auto it = taken.find(rec.path); it != taken.end()) {
                    const RecordingRow& first = it->second.first;
                    if (first.size != rec.size || first.mtime != rec.mtime || first.status != rec.status)
                        throw ArchiveError(fileError("merge", partFiles[p], "holds \"" + rec.path + "\" as it was at another "
                                                     "time than " + partFiles[it->second.second].string() + " does"));
                    report.warnings.push_back("\"" + rec.path + "\" is in both " + partFiles[it->second.second].string() +
                                              " and " + partFiles[p].string() + "; kept once");
                    continue;
                }
                taken.emplace(rec.path, std::make_pair(rec, p));
                // A recording that failed keeps the clips it gave before (Archive::storeRecordingError),
                // with their labels, and with vectors of the merged model where they have them: those
                // without get theirs when the file can be read again and is cut again.
                const bool failed = rec.status == "error";
                if (failed && !std::all_of(clipsOf[rec.id].begin(), clipsOf[rec.id].end(),
                                           [&](const ClipRow& c) { return rowOf.count(c.id) > 0; }))
                    report.warnings.push_back("\"" + rec.path + "\" could not be read, and its earlier clips have no vectors "
                                              "of the merged model: they are kept with their labels, off the map until the "
                                              "file can be read again");
                if (failed && clipsOf[rec.id].empty()) {
                    merged.storeRecordingError(rec);
                    ++report.failedRecordings;
                    continue;
                }
                std::vector<Clip> clips;
                std::vector<std::vector<float>> embedded;
                for (const ClipRow& c : clipsOf[rec.id]) {
                    clips.push_back({c.start, c.end, c.lowHz, c.highHz, c.byHand});
                    if (const auto row = rowOf.find(c.id); row != rowOf.end())
                        embedded.emplace_back(vectors.row(row->second), vectors.row(row->second) + vectors.dimension);
                    else
                        embedded.emplace_back(); // a failed recording's clip the merged model never read
                    keyOf.emplace(c.id, ClipKey{rec.path, c.start, c.end, c.lowHz, c.highHz, c.byHand});
                }
                merged.storeRecording(rec, clips, common.segmenter, common.modelId, embedded);
                if (failed) {
                    merged.storeRecordingError(rec);
                    ++report.failedRecordings;
                } else {
                    ++report.recordings;
                }
                report.clips += std::int64_t(clips.size());
                clipsDone += std::int64_t(clips.size());
                progress(totalClips ? 0.95 * double(clipsDone) / double(totalClips) : 0.0, rec.path);
            }
            for (const LabelRow& l : part.labels())
                if (auto k = keyOf.find(l.clipId); k != keyOf.end()) labels.emplace_back(k->second, l);
        }

        // Labels follow their clips to the clips' new ids.
        for (const ClipRow& c : merged.clips()) newIds.emplace(ClipKey{c.path, c.start, c.end, c.lowHz, c.highHz, c.byHand}, c.id);
        // One transaction per source, not one per label.
        std::map<std::string, std::pair<std::vector<ClipId>, std::vector<std::string>>> bySource;
        for (const auto& [key, l] : labels) {
            auto& [ids, texts] = bySource[l.source];
            ids.push_back(newIds.at(key));
            texts.push_back(l.label);
        }
        for (const auto& [source, rows] : bySource) {
            merged.writeLabels(rows.first, rows.second, source);
            report.labels += std::int64_t(rows.first.size());
        }
        if (!common.modelId.empty()) merged.setActiveModel(common.modelId);
        nlohmann::json params = {{"parts", nlohmann::json::array()}, {"shards", shards}};
        for (const fs::path& f : partFiles) params["parts"].push_back(fs::absolute(f).string());
        merged.recordComputation("merge", common.modelId, params.dump());
        const std::string integrity = merged.integrityCheck();
        if (integrity != "ok") throw ArchiveError(fileError("merge into", temporary, "integrity check failed: " + integrity));
        // Leaving this block closes the archive: SQLite folds the WAL back into the file.
    } catch (...) { // `merged` is closed by now
        removeTemporary();
        throw;
    }
    // Archive::create stored the root relative to the temporary file; same folder, so still valid.
    fs::rename(temporary, out);
    progress(1.0, "merged");
    return report;
}

} // namespace crowlingo
