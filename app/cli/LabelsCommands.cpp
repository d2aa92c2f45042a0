// crowlingo-cli import ARCHIVE --labels FILE, and evaluate ARCHIVE [--labels FILE]:
// the researcher's labels into the archive, and labels as evaluation of the embedding.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/analysis/ClusterMetrics.h"
#include "core/analysis/Clustering.h"
#include "core/analysis/Evaluation.h"
#include "core/analysis/Silhouette.h"
#include "core/archive/Archive.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/archive/LabelImport.h"
#include "core/archive/LabelResolution.h"
#include "core/archive/TrainingClips.h"
#include "core/common/Error.h"
#include "core/dsp/BandStatistics.h"
#include "core/model/DefaultModel.h"
#include "core/model/ModelConfig.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdio>
#include <map>

namespace crowlingo::cli {

namespace {

// Raven selection tables, for import and for evaluate --labels.
void addRavenOptions(CLI::App* sub, LabelImportOptions& o)
{
    sub->add_option("--recording", o.recording,
                    "Raven single-file table or Audacity label track: the recording it annotates (default: from "
                    "the file's name, <recording>.Table.1.selections.txt or <recording>.txt)");
    sub->add_option("--label-column", o.labelColumn,
                    "Raven table: the column holding the labels (default: the first of Annotation, Label, Species, "
                    "Call Type, Type)");
}

struct ClusterScores { double ari = NAN, nmi = NAN, silhouette = NAN; };

// Agreement of a clustering with the labels (labelled clips only) and its silhouette.
ClusterScores scoreClustering(std::span<const float> rows, int dim, const std::vector<int>& clusters,
                              const std::vector<std::string>& labels)
{
    std::map<std::string, int> ids;
    std::vector<int> truth, found;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        if (labels[i].empty()) continue;
        truth.push_back(ids.emplace(labels[i], int(ids.size())).first->second);
        found.push_back(clusters[i]);
    }
    ClusterScores s;
    if (truth.size() >= 2) {
        s.ari = adjustedRandIndex(truth, found);
        s.nmi = normalizedMutualInfo(truth, found);
    }
    s.silhouette = meanSilhouette(rows, dim, clusters);
    return s;
}

void printImport(const std::string& file, const LabelImportReport& r)
{
    if (r.format == LabelTableFormat::RavenSelections)
        std::printf("%s: Raven selection table, labels from column \"%s\"\n", file.c_str(), r.labelColumn.c_str());
    else if (r.format == LabelTableFormat::AudacityLabels)
        std::printf("%s: Audacity label track\n", file.c_str());
    std::printf("%s: %d rows, %d matched, %d clips labelled\n", file.c_str(), r.rows, r.matchedRows, r.clipsLabelled);
    for (const auto& [line, why] : r.unmatched) std::printf("  line %d matched nothing: %s\n", line, why.c_str());
}

} // namespace

Command addImportCommand(CLI::App& app)
{
    struct Options { std::string archive, labels; LabelImportOptions import; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("import", "Import labels (CSV: path,label | path,start_s,end_s,label | clip_id,label; "
                                             "or a Raven Pro selection table, single- or multi-file; or an Audacity "
                                             "label track named after its recording, <recording>.txt)");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--labels", o->labels, "Label file (CSV or Raven .selections.txt)")->required()->check(CLI::ExistingFile);
    sub->add_option("--source", o->import.source, "Name stored with these labels (default: the file's name)");
    addRavenOptions(sub, o->import);
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        printImport(o->labels, importLabels(archive, o->labels, o->import));
        return 0;
    }};
}

Command addEvaluateCommand(CLI::App& app)
{
    struct Options { std::string archive, labels, source; LabelImportOptions import; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("evaluate", "How well the embedding groups labelled clips: leave-one-out kNN "
                                               "precision@k (cosine), next to a hand-made baseline");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--labels", o->labels, "Import this label file first (same formats as import)")->check(CLI::ExistingFile);
    sub->add_option("--source", o->source, "Use only labels from this source (default: all; a clip labelled by several shows 'user', else the source named first)");
    addRavenOptions(sub, o->import);
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        std::string source = o->source;
        if (!o->labels.empty()) {
            printImport(o->labels, importLabels(archive, o->labels, o->import));
            if (source.empty()) source = std::filesystem::path(o->labels).filename().string();
        }
        std::map<ClipId, std::string> labelOf; // ordered by clip id
        for (auto& [clip, shown] : shownLabels(archive.labels(), source)) labelOf[clip] = std::move(shown.label);
        if (labelOf.empty()) throw UsageError(fileError("evaluate", o->archive, "no labelled clips"));
        const std::string modelId = archive.activeModel();
        if (modelId.empty()) throw UsageError(fileError("evaluate", o->archive, "the archive has no embeddings yet"));
        // The vectors as the workbench compares clips (the archive's retrieval space), and as stored.
        const EmbeddingMatrix stored = archive.embeddings(modelId);
        const EmbeddingMatrix m = retrievalVectors(archive, modelId);
        std::vector<std::string> labels;
        for (ClipId id : m.clipIds) labels.push_back(labelOf.count(id) ? labelOf[id] : "");
        const std::vector<int> ks = {1, 5, 10};
        const std::vector<std::vector<double>> modelPerQuery = knnPrecisionPerQuery(m.values, m.dimension, labels, ks);
        const std::vector<double> model = meanPrecision(modelPerQuery);
        const std::vector<double> modelStored = knnPrecision(stored.values, stored.dimension, labels, ks);

        // Baseline: mean and standard deviation of each log-mel band, from the same clips.
        TerminalProgress bar("baseline features");
        MelParams mel;
        if (auto cfg = archive.meta("model_config:" + modelId)) mel = ModelConfig::fromJsonString(*cfg).mel;
        const ClipSet clips = archiveClipLogMels(archive, mel, bar.progress());
        bar.finish();
        // The baseline needs the audio: an archive moved without its recordings says so instead
        // of printing a baseline of nan.
        if (clips.clipIds.empty() && !clips.errors.empty())
            throw UsageError(fileError("evaluate", o->archive, "none of its recordings could be read under \"" +
                                                               archive.root().string() + "\" (" + clips.errors.front().second + "); was the archive moved without its recordings?"));
        for (const auto& [file, why] : clips.errors) std::fprintf(stderr, "baseline skips %s: %s\n", file.c_str(), why.c_str());
        std::map<ClipId, std::vector<float>> baselineOf;
        for (std::size_t i = 0; i < clips.clipIds.size(); ++i) baselineOf[clips.clipIds[i]] = bandMeanStd(clips.clips[i]);
        std::vector<float> base;
        std::vector<std::string> baseLabels;
        std::vector<ClipId> baseClips;
        for (ClipId id : m.clipIds) {
            auto it = baselineOf.find(id);
            if (it == baselineOf.end()) continue;
            base.insert(base.end(), it->second.begin(), it->second.end());
            baseLabels.push_back(labelOf.count(id) ? labelOf[id] : "");
            baseClips.push_back(id);
        }
        const int baseDim = 2 * mel.nMels;
        const std::vector<std::vector<double>> basePerQuery = knnPrecisionPerQuery(base, baseDim, baseLabels, ks);
        const std::vector<double> baseline = meanPrecision(basePerQuery);
        // Model and baseline scored on the same queries (the labelled clips both have), for the
        // interval of their difference.
        std::vector<std::vector<double>> pairedModel(ks.size()), pairedBase(ks.size());
        if (!modelPerQuery.front().empty() && !basePerQuery.front().empty()) {
            // Both lists follow m.clipIds; the baseline's lacks the clips whose audio was not read.
            for (std::size_t i = 0, qm = 0, qb = 0, j = 0; i < m.clipIds.size(); ++i) {
                const bool inBase = j < baseClips.size() && baseClips[j] == m.clipIds[i];
                if (inBase) ++j;
                if (labels[i].empty()) continue; // a query of neither
                for (std::size_t k = 0; inBase && k < ks.size(); ++k) {
                    pairedModel[k].push_back(modelPerQuery[k][qm]);
                    pairedBase[k].push_back(basePerQuery[k][qb]);
                }
                qb += inBase ? 1 : 0;
                ++qm;
            }
        }
        // The baseline compared in a retrieval space of its own, as the model's vectors are.
        const RetrievalSpace baseSpace = RetrievalSpace::fit(base, baseDim);
        const std::vector<double> baselineSpace =
            knnPrecision(baseSpace.apply(base), baseSpace.outputDimension(), baseLabels, ks);

        // Clusterings: the archive's latest one for the model, and the same method and parameters run
        // on the baseline features.
        ClusterScores modelScores, baseScores;
        bool haveClustering = false;
        std::string clusterNote = "no clustering stored: run `crowlingo-cli cluster` first", noBaseClusters;
        if (const auto stored = archive.latestClustering(modelId); stored && stored->clipIds == m.clipIds) {
            modelScores = scoreClustering(m.values, m.dimension, stored->labels, labels);
            haveClustering = true;
            const ClusterParams p = ClusterParams::fromJson(stored->paramsJson);
            const bool onMap = ClusterParams::spaceUsed(stored->paramsJson) == ClusterSpace::Map;
            if (onMap)
                noBaseClusters = "(no baseline row: the clustering ran on the 2-D map, which the baseline has none of)";
            else if (baseLabels.size() != m.clipIds.size())
                noBaseClusters = "(no baseline row: the audio of some clips could not be read for the baseline)";
            else {
                const Clusters c = cluster(base, baseDim, p);
                baseScores = scoreClustering(base, baseDim, c.labels, baseLabels);
            }
            clusterNote = "clustering: " + stored->paramsJson;
        }

        std::size_t n = 0;
        std::map<std::string, int> classes;
        for (const auto& l : labels) if (!l.empty()) { ++n; ++classes[l]; }
        std::printf("%zu labelled clips in %zu classes (model %.12s…)\n", n, classes.size(), modelId.c_str());
        std::printf("%-34s %8s %8s %8s\n", "leave-one-out kNN precision", "@1", "@5", "@10");
        std::printf("%-34s %8.3f %8.3f %8.3f\n", "model embedding", model[0], model[1], model[2]);
        std::printf("%-34s %8.3f %8.3f %8.3f\n", "baseline (log-mel band mean+std)", baseline[0], baseline[1], baseline[2]);
        std::printf("%-34s %8.3f %8.3f %8.3f\n", "model, vectors as stored", modelStored[0], modelStored[1], modelStored[2]);
        std::printf("%-34s %8.3f %8.3f %8.3f\n", "baseline in its retrieval space", baselineSpace[0], baselineSpace[1],
                    baselineSpace[2]);
        std::printf("(the model's vectors are compared in the archive's retrieval space: %s)\n",
                    m.dimension == stored.dimension ? "as stored, too few clips or dimensions to fit one"
                                                    : ("whitened top " + std::to_string(m.dimension) + " of "
                                                       + std::to_string(stored.dimension) + " axes").c_str());
        // Whether the model's lead or lag over the baseline is more than the draw of queries.
        if (!pairedModel.front().empty()) {
            std::printf("model - baseline (paired bootstrap over %zu queries, 95%% interval):\n ", pairedModel.front().size());
            for (std::size_t k = 0; k < ks.size(); ++k) {
                const PairedDifference d = pairedBootstrap(pairedModel[k], pairedBase[k]);
                std::printf(" @%d %+.3f [%+.3f,%+.3f]", ks[k], d.mean, d.low, d.high);
            }
            std::printf("\n");
        }
        std::printf("\n%s\n", clusterNote.c_str());
        // Rows only for the clusterings that exist: a table of "nan" says nothing.
        if (haveClustering) {
            std::printf("%-34s %8s %8s %10s\n", "clusters against the labels", "ARI", "NMI", "silhouette");
            std::printf("%-34s %8.3f %8.3f %10.3f\n", "model embedding", modelScores.ari, modelScores.nmi, modelScores.silhouette);
            if (noBaseClusters.empty())
                std::printf("%-34s %8.3f %8.3f %10.3f\n", "baseline (log-mel band mean+std)", baseScores.ari, baseScores.nmi,
                            baseScores.silhouette);
            else
                std::printf("%s\n", noBaseClusters.c_str());
        }
        return 0;
    }};
}

} // namespace crowlingo::cli
