#include "core/archive/CallClassifier.h"

#include "core/common/Error.h"
#include "core/common/UtcTime.h"
#include "core/model/ModelConfig.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <set>

namespace crowlingo {

namespace {

using json = nlohmann::json;

bool contains(const std::vector<std::string>& v, const std::string& s) { return std::find(v.begin(), v.end(), s) != v.end(); }
bool isNotLabel(const std::string& l) { return l.starts_with(kNotLabelPrefix); }

json numberOrNull(double v) { return std::isfinite(v) ? json(v) : json(nullptr); }

json reportOf(const CallClassifierOptions& o, const ClassifierExamples& ex, const LinearClassifier& model,
              double seconds, const CrossValidation& cv)
{
    json r;
    json leftOut = json::array();
    for (std::size_t i = 0; i < ex.leftOut.size() && i < 100; ++i) leftOut.push_back({ex.leftOut[i].first, ex.leftOut[i].second});
    r["labels"] = {{"source", o.labels.source}, {"negative_labels", o.labels.negativeLabels},
                   {"examples", ex.clipIds.size()}, {"left_out", ex.leftOut.size()}, {"left_out_first", leftOut},
                   {"example_clip_ids", ex.clipIds}};
    r["fit"] = {{"method", "one-vs-rest logistic regression, class-balanced, L2, L-BFGS on standardised features"},
                {"l2", model.l2}, {"iterations", model.iterations}, {"gradient_norm", model.gradientNorm},
                {"seconds", seconds}};
    json classes = json::array();
    for (const ClassQuality& q : cv.classes)
        classes.push_back({{"name", q.name}, {"positives", q.positives}, {"negatives", q.negatives},
                           {"average_precision", numberOrNull(q.averagePrecision)}, {"rows", q.rows},
                           {"scores", q.scores}, {"truth", q.truth}});
    r["cross_validation"] = {{"folds", cv.folds}, {"classes", classes}};
    return r;
}

CrossValidation validationFrom(const json& r)
{
    CrossValidation cv;
    const json& v = r.at("cross_validation");
    cv.folds = v.at("folds").get<int>();
    for (const json& c : v.at("classes")) {
        ClassQuality q;
        q.name = c.at("name").get<std::string>();
        q.positives = c.at("positives").get<int>();
        q.negatives = c.at("negatives").get<int>();
        q.averagePrecision = c.at("average_precision").is_null() ? NAN : c.at("average_precision").get<double>();
        q.rows = c.at("rows").get<std::vector<std::size_t>>();
        q.scores = c.at("scores").get<std::vector<float>>();
        q.truth = c.at("truth").get<std::vector<std::int8_t>>();
        cv.classes.push_back(std::move(q));
    }
    return cv;
}

} // namespace

std::string notLabel(std::string_view cls) { return std::string(kNotLabelPrefix) + std::string(cls); }

ClassifierExamples classifierExamples(const std::vector<LabelRow>& labels, const ClassifierLabelOptions& options)
{
    std::map<ClipId, std::set<std::string>> byClip;
    std::set<std::string> found;
    for (const LabelRow& l : labels) {
        if (!options.source.empty() && l.source != options.source) continue;
        byClip[l.clipId].insert(l.label);
        if (!contains(options.negativeLabels, l.label) && !isNotLabel(l.label)) found.insert(l.label);
    }
    std::vector<std::string> classes = options.classes;
    if (classes.empty()) classes.assign(found.begin(), found.end());
    if (classes.empty())
        throw UsageError(byClip.empty() ? std::string("no labelled clip") + (options.source.empty() ? "" : " from \"" + options.source + "\"")
                                        : std::string("no class to learn: every label is a negative"));
    for (const std::string& c : classes)
        if (c.empty() || contains(options.negativeLabels, c) || isNotLabel(c))
            throw UsageError("\"" + c + "\" cannot be a class: it marks counter-examples");

    ClassifierExamples ex;
    std::vector<std::vector<std::int8_t>> rows;
    for (const auto& [clip, set] : byClip) {
        bool negativeForAll = false, conflict = false;
        for (const std::string& l : set) negativeForAll |= contains(options.negativeLabels, l);
        std::vector<std::int8_t> t(classes.size(), 0);
        for (std::size_t c = 0; c < classes.size(); ++c) {
            const bool yes = set.count(classes[c]) > 0;
            const bool no = negativeForAll || set.count(notLabel(classes[c])) > 0;
            if (yes && no) {
                conflict = true;
                ex.leftOut.emplace_back(clip, "labelled both \"" + classes[c] + "\" and not \"" + classes[c] + "\"");
                break;
            }
            const bool otherLabel = std::any_of(set.begin(), set.end(), [&](const std::string& l) {
                return l != classes[c] && !isNotLabel(l);
            });
            t[c] = yes ? 1 : (no || otherLabel) ? -1 : 0;
        }
        if (conflict || std::all_of(t.begin(), t.end(), [](auto v) { return v == 0; })) continue;
        ex.clipIds.push_back(clip);
        rows.push_back(std::move(t));
    }
    ex.targets = ClassTargets(rows.size(), classes);
    for (std::size_t i = 0; i < rows.size(); ++i)
        for (std::size_t c = 0; c < classes.size(); ++c) ex.targets.set(i, c, rows[i][c]);
    return ex;
}

CallClassifier trainCallClassifier(Archive& archive, const CallClassifierOptions& options, const Progress& progress)
{
    if (options.name.empty()) throw UsageError("a classifier needs a name");
    const std::string modelId = archive.activeModel();
    if (modelId.empty()) throw UsageError("the archive has no embeddings yet: embed its recordings first");
    progress(0.0, "reading labels and embeddings");
    ClassifierExamples ex = classifierExamples(archive.labels(), options.labels);
    const EmbeddingMatrix m = archive.embeddings(modelId);
    std::map<ClipId, std::size_t> rowOf;
    for (std::size_t i = 0; i < m.rows(); ++i) rowOf[m.clipIds[i]] = i;

    // Keep the examples that have a vector of this model.
    const std::size_t d = std::size_t(m.dimension), k = ex.targets.classes.size();
    std::vector<float> x;
    std::vector<ClipId> kept;
    std::vector<std::int8_t> targets;
    for (std::size_t i = 0; i < ex.clipIds.size(); ++i) {
        auto it = rowOf.find(ex.clipIds[i]);
        if (it == rowOf.end()) {
            ex.leftOut.emplace_back(ex.clipIds[i], "no embedding of the archive's model");
            continue;
        }
        x.insert(x.end(), m.row(it->second), m.row(it->second) + d);
        kept.push_back(ex.clipIds[i]);
        for (std::size_t c = 0; c < k; ++c) targets.push_back(ex.targets.at(i, c));
    }
    ex.clipIds = std::move(kept);
    ex.targets.values = std::move(targets);
    progress.checkCancelled();

    CallClassifier result;
    const auto start = std::chrono::steady_clock::now();
    result.model = trainLinearClassifier(x, m.dimension, ex.targets, options.fit);
    result.trainSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    progress.checkCancelled();
    progress(0.2, "cross-validating");
    result.validation = crossValidate(x, m.dimension, ex.targets, {.folds = options.folds, .seed = 1, .fit = options.fit});
    progress.checkCancelled();
    progress(0.95, "storing the classifier");

    result.exampleClipIds = ex.clipIds;
    StoredClassifier& s = result.stored;
    s.name = options.name;
    s.modelId = modelId;
    s.createdAt = utcNowIso();
    s.classes = result.model.classes;
    s.dimension = result.model.dimension;
    s.weights = result.model.weights;
    s.bias = result.model.bias;
    json report = reportOf(options, ex, result.model, result.trainSeconds, result.validation);
    // The embedding it reads: the model id covers weights and input; the readout is named too.
    report["embedding"] = {{"model_id", modelId}, {"dimension", m.dimension}};
    if (const auto config = archive.meta("model_config:" + modelId)) {
        const ModelConfig c = ModelConfig::fromJsonString(*config);
        report["embedding"]["readout"] = json::parse(c.readoutJsonString());
        report["embedding"]["time_scale"] = c.timeScale;
    }
    s.reportJson = report.dump();
    archive.storeClassifier(s);
    progress(1.0, "done");
    return result;
}

CallClassifier loadCallClassifier(const Archive& archive, const std::string& name)
{
    std::optional<StoredClassifier> s = archive.classifier(name);
    if (!s) {
        std::string known;
        for (const StoredClassifier& c : archive.classifiers()) known += (known.empty() ? "" : ", ") + c.name;
        throw UsageError("the archive has no classifier \"" + name + "\"" +
                         (known.empty() ? std::string(" (it has none: train one first)") : " (it has: " + known + ")"));
    }
    CallClassifier c;
    c.stored = std::move(*s);
    c.model.dimension = c.stored.dimension;
    c.model.classes = c.stored.classes;
    c.model.weights = c.stored.weights;
    c.model.bias = c.stored.bias;
    try {
        const json r = json::parse(c.stored.reportJson);
        c.model.l2 = r.at("fit").at("l2").get<double>();
        c.model.iterations = r.at("fit").at("iterations").get<int>();
        c.model.gradientNorm = r.at("fit").at("gradient_norm").get<double>();
        c.trainSeconds = r.at("fit").at("seconds").get<double>();
        c.exampleClipIds = r.at("labels").at("example_clip_ids").get<std::vector<ClipId>>();
        c.validation = validationFrom(r);
    } catch (const json::exception& e) {
        throw ArchiveError(fileError("read archive", archive.file(), "classifier \"" + name + "\" has a damaged report: " + e.what()));
    }
    return c;
}

std::size_t ClipScores::best(std::size_t row) const
{
    std::size_t b = 0;
    for (std::size_t c = 1; c < classes.size(); ++c)
        if (at(row, c) > at(row, b)) b = c;
    return b;
}

ClipScores scoreClips(const Archive& archive, const CallClassifier& classifier)
{
    return scoreClips(archive.embeddings(classifier.stored.modelId), classifier);
}

ClipScores scoreClips(const EmbeddingMatrix& m, const CallClassifier& classifier)
{
    if (m.rows() == 0)
        throw UsageError("classifier \"" + classifier.stored.name + "\" reads embeddings of model " +
                         classifier.stored.modelId.substr(0, 12) + ", which this archive no longer has: train it again");
    if (m.dimension != classifier.model.dimension)
        throw UsageError("classifier \"" + classifier.stored.name + "\" expects vectors of " +
                         std::to_string(classifier.model.dimension) + " values, the archive's have " + std::to_string(m.dimension));
    ClipScores s;
    s.clipIds = m.clipIds;
    s.classes = classifier.model.classes;
    s.probabilities = classifier.model.probabilities(m.values);
    return s;
}

} // namespace crowlingo
