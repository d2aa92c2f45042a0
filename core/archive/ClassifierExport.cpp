#include "core/archive/ClassifierExport.h"

#include "core/archive/ExportFormat.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"
#include "core/common/OutputFile.h"
#include "core/common/UtcTime.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <map>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

struct Prediction {
    const ClipRow* clip = nullptr;
    std::size_t row = 0;     // in the scores
    int best = -1;           // class index with the highest score
    float score = 0;         // its score
    bool detected = false;   // score >= threshold
};

std::vector<Prediction> predictions(const std::vector<ClipRow>& clips, const ClipScores& s, float threshold)
{
    std::map<ClipId, const ClipRow*> byId;
    for (const ClipRow& c : clips) byId[c.id] = &c;
    std::vector<Prediction> out;
    for (std::size_t i = 0; i < s.clipIds.size(); ++i) {
        auto it = byId.find(s.clipIds[i]);
        if (it == byId.end()) continue;
        const std::size_t best = s.best(i);
        Prediction p{it->second, i, int(best), s.at(i, best), false};
        p.detected = p.score >= threshold;
        out.push_back(p);
    }
    return out;
}

void checkThreshold(float threshold)
{
    if (!(threshold >= 0.f && threshold <= 1.f)) throw UsageError("the threshold must lie between 0 and 1");
}

} // namespace

void writeClassifierCsv(const fs::path& file, const Archive& archive, const CallClassifier& classifier,
                        const ClipScores& scores, float threshold, const OutputRules& rules)
{
    checkThreshold(threshold);
    fs::path sidecar = file;
    sidecar += ".json";
    const OutputRules checked = protectingArchive(rules, archive);
    checkOutputPaths({file, sidecar}, checked);
    const std::vector<ClipRow> clips = archive.clips();
    const std::vector<Prediction> rows = predictions(clips, scores, threshold);

    std::vector<std::unique_ptr<OutputFile>> files;
    files.push_back(std::make_unique<OutputFile>(file, checked));
    OutputFile& out = *files.back();
    std::vector<std::string> header{"clip_id", "path", "start_s", "end_s", "predicted", "score"};
    for (const std::string& c : scores.classes) header.push_back(spreadsheetText("score_" + c));
    out.write(csvRow(header));
    int detections = 0;
    for (const Prediction& p : rows) {
        detections += p.detected;
        std::vector<std::string> f{std::to_string(p.clip->id), spreadsheetText(p.clip->path),
                                   formatNumber(p.clip->start, "%.6f"), formatNumber(p.clip->end, "%.6f"),
                                   p.detected ? spreadsheetText(scores.classes[std::size_t(p.best)]) : "",
                                   formatNumber(p.score, "%.5f")};
        for (std::size_t c = 0; c < scores.classes.size(); ++c) f.push_back(formatNumber(scores.at(p.row, c), "%.5f"));
        out.write(csvRow(f));
    }

    nlohmann::json j;
    j["archive"] = archive.file().string();
    j["classifier"] = classifier.stored.name;
    j["classes"] = classifier.stored.classes;
    j["model_id"] = classifier.stored.modelId;
    j["trained_at"] = classifier.stored.createdAt;
    j["threshold"] = threshold;
    j["rows"] = rows.size();
    j["detections"] = detections;
    nlohmann::json quality = nlohmann::json::array();
    for (const ClassQuality& q : classifier.validation.classes)
        quality.push_back({{"class", q.name}, {"positives", q.positives}, {"negatives", q.negatives},
                           {"cross_validated_average_precision",
                            std::isfinite(q.averagePrecision) ? nlohmann::json(q.averagePrecision) : nlohmann::json()}});
    j["quality"] = quality;
    j["software"] = std::string("CrowLingo ") + CROWLINGO_VERSION;
    j["exported_at"] = utcNowIso();
    files.push_back(std::make_unique<OutputFile>(sidecar, checked));
    files.back()->write(j.dump(2) + "\n");
    commitTogether(files);
}

std::vector<fs::path> writeClassifierRavenTables(const fs::path& dir, const Archive& archive,
                                                 const ClipScores& scores, float threshold, const OutputRules& rules)
{
    checkThreshold(threshold);
    const std::vector<ClipRow> clips = archive.clips();
    std::map<std::string, std::vector<Prediction>> byRecording;
    for (const Prediction& p : predictions(clips, scores, threshold))
        if (p.detected) byRecording[p.clip->path].push_back(p);
    std::vector<std::pair<std::string, TableWriter>> tables;
    for (auto& [path, rows] : byRecording) {
        std::stable_sort(rows.begin(), rows.end(), [](auto& a, auto& b) { return a.clip->start < b.clip->start; });
        tables.emplace_back(tableStem(path) + ".Table.1.selections.txt", [&rows = rows, &scores](OutputFile& out) {
            out.write("Selection\tView\tChannel\tBegin Time (s)\tEnd Time (s)\tLow Freq (Hz)\tHigh Freq (Hz)\tClass\tScore\n");
            int selection = 1;
            for (const Prediction& p : rows)
                out.write(std::to_string(selection++) + "\tSpectrogram 1\t1\t" + formatNumber(p.clip->start, "%.6f") + '\t' +
                          formatNumber(p.clip->end, "%.6f") + '\t' + formatNumber(p.clip->lowHz, "%.2f") + '\t' +
                          formatNumber(p.clip->highHz, "%.2f") + '\t' + oneTabField(scores.classes[std::size_t(p.best)]) +
                          '\t' + formatNumber(p.score, "%.5f") + '\n');
        });
    }
    return writeTablesTogether(dir, archive, rules, tables);
}

} // namespace crowlingo
