#include "core/archive/ArchiveSettings.h"
#include "core/archive/ClusterExport.h"

#include "core/archive/LabelResolution.h"

#include "core/archive/Archive.h"
#include "core/archive/ExportFormat.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"
#include "core/common/OutputFile.h"
#include "core/common/UtcTime.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

// Everything known about each clip, gathered once for all three formats.
struct ClipExportRow {
    ClipRow clip;
    std::optional<int> cluster;
    float probability = 0, outlier = 0;
    std::optional<double> distanceToCentroid;
    std::optional<float> x, y;
    std::string label;
    std::string labelSource; // "user", the imported file's name, "review", ...
};

struct ExportData {
    std::vector<ClipExportRow> rows;
    std::optional<StoredProjection> map;
    std::optional<StoredClustering> clusters;
};

ExportData gather(const Archive& archive)
{
    ExportData d;
    const std::string modelId = archive.activeModel();
    std::map<ClipId, std::size_t> index;
    // A clip cut without a band (fixed windows, whole files) spans its recording's whole band:
    // 0 Hz to the Nyquist frequency, so Raven draws it as tall as the spectrogram, not 0 Hz high.
    std::map<std::int64_t, Hertz> nyquist;
    for (const RecordingRow& r : archive.recordings()) nyquist[r.id] = r.sampleRate / 2.0;
    for (ClipRow& c : archive.clips()) {
        if (c.lowHz == 0 && c.highHz == 0)
            if (auto it = nyquist.find(c.recordingId); it != nyquist.end()) c.highHz = it->second;
        index[c.id] = d.rows.size();
        d.rows.push_back({std::move(c), {}, 0, 0, {}, {}, {}, {}});
    }
    for (auto& [clip, shown] : shownLabels(archive.labels())) // the one rule (LabelResolution.h)
        if (auto it = index.find(clip); it != index.end()) {
            d.rows[it->second].label = std::move(shown.label);
            d.rows[it->second].labelSource = std::move(shown.source);
        }
    if (modelId.empty()) return d;
    d.map = archive.latestProjection(modelId);
    if (d.map)
        for (std::size_t i = 0; i < d.map->clipIds.size(); ++i)
            if (auto it = index.find(d.map->clipIds[i]); it != index.end()) {
                d.rows[it->second].x = d.map->xy[2 * i];
                d.rows[it->second].y = d.map->xy[2 * i + 1];
            }
    d.clusters = archive.latestClustering(modelId);
    if (!d.clusters) return d;
    for (std::size_t i = 0; i < d.clusters->clipIds.size(); ++i)
        if (auto it = index.find(d.clusters->clipIds[i]); it != index.end()) {
            d.rows[it->second].cluster = d.clusters->labels[i];
            d.rows[it->second].probability = d.clusters->probability[i];
            d.rows[it->second].outlier = d.clusters->outlierScore[i];
        }
    // Cosine distance of each clip to its cluster's centroid (mean of the unit vectors).
    const EmbeddingMatrix m = retrievalVectors(archive, modelId); // as clusters were found
    std::vector<std::vector<float>> unit(m.rows());
    for (std::size_t r = 0; r < m.rows(); ++r) {
        double n = 0;
        for (int j = 0; j < m.dimension; ++j) n += double(m.row(r)[j]) * m.row(r)[j];
        n = n > 0 ? 1.0 / std::sqrt(n) : 0.0;
        unit[r].resize(std::size_t(m.dimension));
        for (int j = 0; j < m.dimension; ++j) unit[r][std::size_t(j)] = float(m.row(r)[j] * n);
    }
    std::map<int, std::vector<double>> centroid;
    std::map<int, int> count;
    for (std::size_t r = 0; r < m.rows(); ++r) {
        const auto& row = d.rows[index.at(m.clipIds[r])];
        if (!row.cluster || *row.cluster < 0) continue;
        auto& c = centroid[*row.cluster];
        c.resize(std::size_t(m.dimension), 0.0);
        for (int j = 0; j < m.dimension; ++j) c[std::size_t(j)] += unit[r][std::size_t(j)];
        ++count[*row.cluster];
    }
    for (std::size_t r = 0; r < m.rows(); ++r) {
        auto& row = d.rows[index.at(m.clipIds[r])];
        if (!row.cluster || *row.cluster < 0) continue;
        const auto& c = centroid[*row.cluster];
        double dot = 0, cc = 0;
        for (int j = 0; j < m.dimension; ++j) {
            dot += c[std::size_t(j)] * unit[r][std::size_t(j)];
            cc += c[std::size_t(j)] * c[std::size_t(j)];
        }
        row.distanceToCentroid = cc > 0 ? 1.0 - dot / std::sqrt(cc) : 1.0;
    }
    return d;
}

// Groups rows by recording, in time order.
std::map<std::string, std::vector<const ClipExportRow*>> byRecording(const ExportData& d)
{
    std::map<std::string, std::vector<const ClipExportRow*>> m;
    for (const auto& r : d.rows) m[r.clip.path].push_back(&r);
    for (auto& [_, v] : m)
        std::stable_sort(v.begin(), v.end(), [](auto* a, auto* b) { return a->clip.start < b->clip.start; });
    return m;
}

// One table per recording into dir, all or none (writeTablesTogether).
template <class WriteTable>
std::vector<fs::path> writePerRecording(const fs::path& dir, const Archive& archive, const OutputRules& rules,
                                        const std::string& suffix, WriteTable writeTable)
{
    // Named, not a temporary: byRecording() points into it (found by AddressSanitizer).
    const ExportData data = gather(archive);
    const auto recordings = byRecording(data);
    std::vector<std::pair<std::string, TableWriter>> tables;
    for (const auto& [path, rows] : recordings)
        tables.emplace_back(tableStem(path) + suffix, [&writeTable, &rows](OutputFile& out) { writeTable(out, rows); });
    return writeTablesTogether(dir, archive, rules, tables);
}

} // namespace

void writeClusterCsv(const fs::path& file, const Archive& archive, const OutputRules& rules)
{
    fs::path sidecar = file;
    sidecar += ".json";
    const OutputRules checked = protectingArchive(rules, archive);
    checkOutputPaths({file, sidecar}, checked);
    const ExportData d = gather(archive);
    std::vector<std::unique_ptr<OutputFile>> files;
    files.push_back(std::make_unique<OutputFile>(file, checked));
    OutputFile& out = *files.back();
    out.write("clip_id,path,start_s,end_s,low_hz,high_hz,cluster,probability,outlier_score,distance_to_centroid,x,y,label,label_source\n");
    for (const auto& r : d.rows) {
        out.write(csvRow({std::to_string(r.clip.id), spreadsheetText(r.clip.path), formatNumber(r.clip.start, "%.6f"),
                          formatNumber(r.clip.end, "%.6f"), formatNumber(r.clip.lowHz, "%.2f"), formatNumber(r.clip.highHz, "%.2f"),
                          r.cluster ? std::to_string(*r.cluster) : "", r.cluster ? formatNumber(r.probability) : "",
                          r.cluster ? formatNumber(r.outlier) : "", r.distanceToCentroid ? formatNumber(*r.distanceToCentroid) : "",
                          r.x ? formatNumber(*r.x) : "", r.y ? formatNumber(*r.y) : "", spreadsheetText(r.label), spreadsheetText(r.labelSource)}));
    }

    nlohmann::json p;
    p["archive"] = archive.file().string();
    p["model_id"] = archive.activeModel();
    const ArchiveSettings settings = ArchiveSettings::read(archive);
    p["segmentation"] = settings.segmenter;
    p["time_expansion"] = settings.timeExpansion;
    p["projection"] = d.map ? nlohmann::json::parse(d.map->paramsJson) : nlohmann::json();
    p["clustering"] = d.clusters ? nlohmann::json::parse(d.clusters->paramsJson) : nlohmann::json();
    p["software"] = std::string("CrowLingo ") + CROWLINGO_VERSION;
    p["exported_at"] = utcNowIso();
    p["rows"] = d.rows.size();
    files.push_back(std::make_unique<OutputFile>(sidecar, checked));
    files.back()->write(p.dump(2) + "\n");
    commitTogether(files);
}

std::vector<fs::path> writeRavenTables(const fs::path& dir, const Archive& archive, const OutputRules& rules)
{
    return writePerRecording(dir, archive, rules, ".Table.1.selections.txt", [](OutputFile& out, const auto& rows) {
        out.write("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tCluster\tLabel\n");
        int selection = 1;
        for (const ClipExportRow* r : rows) {
            out.write(std::to_string(selection++) + "\tSpectrogram 1\t1\t" + formatNumber(r->clip.start, "%.6f") + '\t'
                      + formatNumber(r->clip.end, "%.6f") + '\t' + formatNumber(r->clip.lowHz, "%.2f") + '\t' + formatNumber(r->clip.highHz, "%.2f")
                      + '\t' + (r->cluster ? std::to_string(*r->cluster) : "") + '\t' + oneTabField(r->label) + '\n');
        }
    });
}

std::vector<fs::path> writeAudacityLabels(const fs::path& dir, const Archive& archive, const OutputRules& rules)
{
    return writePerRecording(dir, archive, rules, ".txt", [](OutputFile& out, const auto& rows) {
        for (const ClipExportRow* r : rows) {
            const std::string text = oneTabField(!r->label.empty() ? r->label
                                                 : !r->cluster      ? "clip"
                                                 : *r->cluster < 0  ? "noise"
                                                                    : "cluster " + std::to_string(*r->cluster));
            out.write(formatNumber(r->clip.start, "%.6f") + '\t' + formatNumber(r->clip.end, "%.6f") + '\t' + text + '\n');
        }
    });
}

} // namespace crowlingo
