#pragma once
// "Find every call like these": a classifier trained from the archive's labels on its stored
// embeddings (LinearClassifier), checked by cross-validation, kept in the archive under a name
// with its provenance, and scoring every clip.
//
//   CallClassifier c = trainCallClassifier(archive, {.name = "caws", .labels = {.classes = {"caw"}}});
//   ClipScores s = scoreClips(archive, c);          // probability per clip and class
//   CallClassifier again = loadCallClassifier(archive, "caws");
//
// Which labels teach what (one-vs-rest): a clip labelled X is an example of X and a
// counter-example of every other class; a clip labelled with a negative label ("negative" unless
// told otherwise) is a counter-example of every class; "not:X" (what rejecting a clip in review
// stores) is a counter-example of X only. A clip labelled both X and not-X is left out and
// reported. Labels from every source count unless one source is named.
//
// Threading: uses the given Archive on the calling thread.
#include "core/analysis/ClassifierValidation.h"
#include "core/analysis/LinearClassifier.h"
#include "core/archive/Archive.h"
#include "core/common/Progress.h"

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace crowlingo {

// The label a rejected review answer stores: "not:caw".
inline constexpr std::string_view kNotLabelPrefix = "not:";
std::string notLabel(std::string_view cls);

struct ClassifierLabelOptions {
    std::vector<std::string> classes;                 // empty: every label that is not a negative
    std::vector<std::string> negativeLabels{"negative"};
    std::string source;                               // only labels from this source; empty: all
};

struct ClassifierExamples {
    std::vector<ClipId> clipIds;                      // one row per example clip, ascending
    ClassTargets targets;
    std::vector<std::pair<ClipId, std::string>> leftOut; // the clip and why
};

// Throws UsageError when no class is left, naming what was found.
ClassifierExamples classifierExamples(const std::vector<LabelRow>& labels, const ClassifierLabelOptions& options);

struct CallClassifierOptions {
    std::string name;
    ClassifierLabelOptions labels;
    LinearClassifierOptions fit;
    int folds = 5;
};

struct CallClassifier {
    StoredClassifier stored;     // as kept in the archive (name, model, report)
    LinearClassifier model;
    CrossValidation validation;  // held-out figures, from the report
    std::vector<ClipId> exampleClipIds; // the labelled clips it learned from (validation rows index these)
    double trainSeconds = 0;     // the final fit alone (not the cross-validation)
};

// Trains on the embeddings of the archive's active model, cross-validates, stores it under
// options.name (replacing one of that name) and returns it. Throws UsageError for a missing name,
// an archive without embeddings, labels that leave a class without examples or counter-examples;
// Cancelled when progress asks.
CallClassifier trainCallClassifier(Archive& archive, const CallClassifierOptions& options, const Progress& progress = {});

// Throws UsageError naming the classifiers the archive has when `name` is not one of them.
CallClassifier loadCallClassifier(const Archive& archive, const std::string& name);

struct ClipScores {
    std::vector<ClipId> clipIds;           // every clip with an embedding of the classifier's model
    std::vector<std::string> classes;
    std::vector<float> probabilities;      // clipIds.size() x classes.size()
    float at(std::size_t row, std::size_t cls) const { return probabilities[row * classes.size() + cls]; }
    // The class a row scores highest for (the first of equals); it is the row's prediction when
    // its score reaches the threshold.
    std::size_t best(std::size_t row) const;
};

// Throws UsageError when the archive holds no embeddings of the model the classifier was trained on.
ClipScores scoreClips(const Archive& archive, const CallClassifier& classifier);
// The same over vectors already read (embeddings of the classifier's model), for callers that
// need them too.
ClipScores scoreClips(const EmbeddingMatrix& vectors, const CallClassifier& classifier);

} // namespace crowlingo
