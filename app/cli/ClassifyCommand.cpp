// crowlingo-cli classify train|list|apply|suggest|remove: classifiers trained from a handful of
// labelled clips on the archive's embeddings, run over the whole archive (core/archive/CallClassifier.h).
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/OptionChecks.h"
#include "core/analysis/LabelSuggestions.h"
#include "core/archive/Archive.h"
#include "core/archive/CallClassifier.h"
#include "core/archive/ClassifierExport.h"
#include "core/archive/LabelImport.h"
#include "core/common/Error.h"
#include "core/common/OutputRules.h"

#include <cmath>
#include <cstdio>
#include <map>
#include <set>

namespace crowlingo::cli {

namespace {

std::string figure(double v, const char* format = "%.3f")
{
    if (!std::isfinite(v)) return "n/a";
    char buf[32];
    std::snprintf(buf, sizeof buf, format, v);
    return buf;
}

void printQuality(const CallClassifier& c, float threshold)
{
    std::printf("%-24s %9s %9s %9s %10s %9s\n", "class", "examples", "counter", "AP (cv)", "precision", "recall");
    for (const ClassQuality& q : c.validation.classes) {
        const PrecisionRecall pr = precisionRecallAt(q.scores, q.truth, threshold);
        std::printf("%-24s %9d %9d %9s %10s %9s\n", q.name.c_str(), q.positives, q.negatives,
                    figure(q.averagePrecision).c_str(), figure(q.scores.empty() ? NAN : pr.precision).c_str(),
                    figure(q.scores.empty() ? NAN : pr.recall).c_str());
    }
    if (c.validation.folds > 0)
        std::printf("figures: %d-fold cross-validation, precision and recall at threshold %.2f\n", c.validation.folds,
                    double(threshold));
    else
        std::printf("no cross-validated figures: every class needs at least 2 labelled examples\n");
}

Command addTrain(CLI::App& parent)
{
    struct Options {
        std::string archive, labels;
        CallClassifierOptions train;
        std::vector<std::string> negatives;
        LabelImportOptions import;
    };
    auto o = std::make_shared<Options>();
    auto* sub = parent.add_subcommand("train", "Train a classifier from labelled clips and store it in the archive");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--name", o->train.name, "Name to keep it under (replaces a classifier of that name)")->required();
    sub->add_option("--labels", o->labels,
                    "Import this label file first (formats as for import) and learn from its labels only")
        ->check(CLI::ExistingFile);
    sub->add_option("--source", o->train.labels.source, "Learn only from labels of this source (default: all)");
    sub->add_option("--classes", o->train.labels.classes, "Classes to learn (default: every label that is not a negative)")
        ->delimiter(',');
    sub->add_option("--negative", o->negatives,
                    "Label that marks clips as none of the classes (repeatable; default: negative)");
    sub->add_option("--l2", o->train.fit.l2, "L2 penalty on standardised features")->capture_default_str()
        ->check(finiteBetween(1e-8, 1e4));
    sub->add_option("--folds", o->train.folds, "Cross-validation folds")->capture_default_str()->check(CLI::Range(2, 20));
    sub->add_option("--recording", o->import.recording, "Raven single-file table: the recording it annotates");
    sub->add_option("--label-column", o->import.labelColumn, "Raven table: the column holding the labels");
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        archive.requireIntact("store a classifier in");
        if (!o->negatives.empty()) o->train.labels.negativeLabels = o->negatives;
        if (!o->labels.empty()) {
            const LabelImportReport r = importLabels(archive, o->labels, o->import);
            std::printf("%s: %d rows, %d matched, %d clips labelled\n", o->labels.c_str(), r.rows, r.matchedRows,
                        r.clipsLabelled);
            for (const auto& [line, why] : r.unmatched) std::printf("  line %d matched nothing: %s\n", line, why.c_str());
            if (o->train.labels.source.empty())
                o->train.labels.source = o->import.source.empty() ? std::filesystem::path(o->labels).filename().string()
                                                                  : o->import.source;
        }
        TerminalProgress bar("training " + o->train.name);
        const CallClassifier c = trainCallClassifier(archive, o->train, bar.progress());
        bar.finish();
        std::printf("classifier \"%s\": %zu classes from %zu labelled clips, model %.12s…, fitted in %.3f s "
                    "(%d iterations)\n",
                    c.stored.name.c_str(), c.stored.classes.size(), c.exampleClipIds.size(), c.stored.modelId.c_str(),
                    c.trainSeconds, c.model.iterations);
        printQuality(c, 0.5f);
        return 0;
    }};
}

Command addList(CLI::App& parent)
{
    auto archivePath = std::make_shared<std::string>();
    auto* sub = parent.add_subcommand("list", "List the archive's classifiers with their cross-validated figures");
    sub->add_option("archive", *archivePath, "Archive file")->required()->check(CLI::ExistingFile);
    return {sub, [archivePath] {
        const Archive archive = Archive::openReadOnly(*archivePath);
        const std::vector<StoredClassifier> all = archive.classifiers();
        if (all.empty()) std::printf("no classifiers: train one with `crowlingo-cli classify train`\n");
        for (const StoredClassifier& s : all) {
            const CallClassifier c = loadCallClassifier(archive, s.name);
            std::printf("%s\ttrained %s on model %.12s…%s\n", s.name.c_str(), s.createdAt.c_str(), s.modelId.c_str(),
                        s.modelId == archive.activeModel() ? "" : " (not the archive's current model: train it again)");
            printQuality(c, 0.5f);
            std::printf("\n");
        }
        return 0;
    }};
}

Command addApply(CLI::App& parent)
{
    struct Options { std::string archive, name, csv, raven; float threshold = 0.5f; bool force = false; };
    auto o = std::make_shared<Options>();
    auto* sub = parent.add_subcommand("apply", "Score every clip with a classifier: CSV of scores, Raven tables of detections");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--name", o->name, "Classifier name")->required();
    sub->add_option("--csv", o->csv, "Write clip_id,path,start_s,end_s,predicted,score,score_<class>... (+ .json sidecar)");
    sub->add_option("--raven", o->raven, "Write Raven selection tables of the detections, one per recording, into this folder");
    sub->add_option("--threshold", o->threshold, "Probability from which a clip counts as a detection")
        ->capture_default_str()->check(finiteBetween(0, 1));
    sub->add_flag("--force", o->force, "Replace output files that exist (never the archive itself)");
    return {sub, [o] {
        if (o->csv.empty() && o->raven.empty()) throw UsageError("nothing to write: give --csv and/or --raven");
        const OutputRules rules{.protect = sqliteFiles(o->archive), .replace = o->force};
        if (!o->csv.empty()) checkOutputPaths({o->csv, o->csv + ".json"}, rules);
        const Archive archive = Archive::openReadOnly(o->archive);
        const CallClassifier c = loadCallClassifier(archive, o->name);
        const ClipScores s = scoreClips(archive, c);
        std::map<std::string, int> detections;
        for (std::size_t i = 0; i < s.clipIds.size(); ++i)
            if (const std::size_t best = s.best(i); s.at(i, best) >= o->threshold) ++detections[s.classes[best]];
        std::printf("scored %zu clips at threshold %.2f:", s.clipIds.size(), double(o->threshold));
        for (const std::string& cls : s.classes) std::printf(" %s %d", cls.c_str(), detections[cls]);
        std::printf("\n");
        if (!o->csv.empty()) {
            writeClassifierCsv(o->csv, archive, c, s, o->threshold, rules);
            std::printf("wrote %s and %s.json\n", o->csv.c_str(), o->csv.c_str());
        }
        if (!o->raven.empty())
            std::printf("wrote %zu Raven tables to %s\n",
                        writeClassifierRavenTables(o->raven, archive, s, o->threshold, rules).size(), o->raven.c_str());
        return 0;
    }};
}

Command addSuggest(CLI::App& parent)
{
    struct Options { std::string archive, name, cls; int count = 20; float threshold = 0.5f; };
    auto o = std::make_shared<Options>();
    auto* sub = parent.add_subcommand("suggest", "The unlabelled clips a classifier is least sure of, without near-duplicates: "
                                                 "the next ones worth labelling");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--name", o->name, "Classifier name")->required();
    sub->add_option("--class", o->cls, "Class to ask about (default: the classifier's first)");
    sub->add_option("--count", o->count, "How many clips")->capture_default_str()->check(CLI::Range(1, 10000));
    sub->add_option("--threshold", o->threshold, "Where the classifier is least sure")->capture_default_str()
        ->check(finiteBetween(0, 1));
    return {sub, [o] {
        const Archive archive = Archive::openReadOnly(o->archive);
        const CallClassifier c = loadCallClassifier(archive, o->name);
        const EmbeddingMatrix m = archive.embeddings(c.stored.modelId); // read once: scores and near-duplicates
        const ClipScores s = scoreClips(m, c);
        std::size_t cls = 0;
        if (!o->cls.empty()) {
            const auto it = std::find(s.classes.begin(), s.classes.end(), o->cls);
            if (it == s.classes.end()) throw UsageError("classifier \"" + o->name + "\" has no class \"" + o->cls + "\"");
            cls = std::size_t(it - s.classes.begin());
        }
        std::set<ClipId> labelled;
        for (const LabelRow& l : archive.labels()) labelled.insert(l.clipId);
        std::vector<float> scores(s.clipIds.size());
        std::vector<bool> isLabelled(s.clipIds.size());
        for (std::size_t i = 0; i < s.clipIds.size(); ++i) {
            scores[i] = s.at(i, cls);
            isLabelled[i] = labelled.count(s.clipIds[i]) > 0;
        }
        const std::vector<std::size_t> rows =
            clipsWorthLabelling(m.values, m.dimension, scores, isLabelled, {.count = o->count, .threshold = o->threshold});
        std::map<ClipId, ClipRow> clips;
        for (ClipRow& r : archive.clips()) clips.emplace(r.id, std::move(r));
        std::printf("clip_id\tscore_%s\tpath\tstart_s\tend_s\n", s.classes[cls].c_str());
        for (std::size_t r : rows) {
            const ClipRow& clip = clips.at(s.clipIds[r]);
            std::printf("%lld\t%.4f\t%s\t%.3f\t%.3f\n", (long long)clip.id, double(scores[r]), clip.path.c_str(), clip.start,
                        clip.end);
        }
        return 0;
    }};
}

Command addRemove(CLI::App& parent)
{
    struct Options { std::string archive, name; };
    auto o = std::make_shared<Options>();
    auto* sub = parent.add_subcommand("remove", "Remove a classifier from the archive (its labels stay)");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--name", o->name, "Classifier name")->required();
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        loadCallClassifier(archive, o->name); // says which exist when the name is wrong
        archive.removeClassifier(o->name);
        std::printf("removed classifier \"%s\"\n", o->name.c_str());
        return 0;
    }};
}

} // namespace

Command addClassifyCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("classify", "Find every call like these: classifiers trained from a handful of "
                                               "labelled clips (label counter-examples \"negative\")");
    sub->require_subcommand(1);
    auto commands = std::make_shared<std::vector<Command>>(
        std::vector<Command>{addTrain(*sub), addList(*sub), addApply(*sub), addSuggest(*sub), addRemove(*sub)});
    return {sub, [commands] {
        for (const Command& c : *commands)
            if (c.app->parsed()) return c.run();
        return 2;
    }};
}

} // namespace crowlingo::cli
