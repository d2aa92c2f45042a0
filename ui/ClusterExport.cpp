#include "ui/ClusterExport.h"

#include "core/archive/Archive.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"

#include <cstdio>
#include <fstream>
#include <map>

namespace crowlingo::ui {

void writeClusterTable(const std::filesystem::path& file, const Archive& archive, const std::string& modelId)
{
    const auto clustering = archive.latestClustering(modelId);
    if (!clustering) throw UsageError(fileError("export clusters to", file, "the archive has no clustering for its model yet"));
    std::map<ClipId, ClipRow> clips;
    for (ClipRow& c : archive.clips()) clips.emplace(c.id, std::move(c));
    std::map<ClipId, std::string> labels;
    for (const LabelRow& l : archive.labels())
        if (l.source == "user" || !labels.count(l.clipId)) labels[l.clipId] = l.label;
    std::ofstream out(file, std::ios::binary);
    if (!out) throw Error(fileError("write", file, "cannot create file"));
    out << csvRow({"clip_id", "path", "start_s", "end_s", "cluster", "probability", "outlier_score", "label"});
    char num[64];
    auto fmt = [&](const char* f, double v) {
        std::snprintf(num, sizeof num, f, v);
        return std::string(num);
    };
    for (std::size_t k = 0; k < clustering->clipIds.size(); ++k) {
        const ClipId id = clustering->clipIds[k];
        const auto c = clips.find(id);
        if (c == clips.end()) continue; // a clip removed since the clustering was made
        const auto l = labels.find(id);
        out << csvRow({std::to_string(id), c->second.path, fmt("%.6f", c->second.start), fmt("%.6f", c->second.end),
                       std::to_string(clustering->labels[k]),
                       fmt("%.4f", k < clustering->probability.size() ? clustering->probability[k] : 1.0),
                       fmt("%.4f", k < clustering->outlierScore.size() ? clustering->outlierScore[k] : 0.0),
                       l == labels.end() ? std::string() : l->second});
    }
    if (!out) throw Error(fileError("write", file, "write failed (disk full?)"));
}

} // namespace crowlingo::ui
