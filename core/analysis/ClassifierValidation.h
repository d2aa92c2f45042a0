#pragma once
// How good a classifier trained from a few labels is, estimated honestly: stratified k-fold
// cross-validation gives every example a score from a classifier that never saw it; from those
// held-out scores come each class's average precision and its precision and recall at any
// threshold, with the number of labels behind each figure.
//
//   CrossValidation cv = crossValidate(vectors, dim, targets, {.folds = 5});
//   for (const ClassQuality& q : cv.classes) print(q.name, q.averagePrecision, q.positives);
//   PrecisionRecall pr = precisionRecallAt(cv.classes[0].scores, cv.classes[0].truth, 0.8f);
//
// Threading: pure functions.
#include "core/analysis/LinearClassifier.h"

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

struct CrossValidationOptions {
    int folds = 5;           // fewer when a class has fewer positives (never < 2)
    std::uint64_t seed = 1;  // which examples go to which fold
    LinearClassifierOptions fit;
};

struct ClassQuality {
    std::string name;
    int positives = 0, negatives = 0;     // examples of the class and of not-it
    double averagePrecision = 0;          // NaN when not estimable (< 2 positives)
    std::vector<float> scores;            // held-out probability of each example of this class (+ or -)
    std::vector<std::int8_t> truth;       // +1 / -1 for each score
    std::vector<std::size_t> rows;        // the example row each score belongs to
};

struct CrossValidation {
    int folds = 0;                        // 0 when no class could be estimated
    std::vector<ClassQuality> classes;
};

struct PrecisionRecall {
    double precision = 0;                 // NaN when nothing scores at or above the threshold
    double recall = 0;                    // NaN without positives
    int truePositives = 0, falsePositives = 0, positives = 0;
};

// Average precision (area under the precision-recall curve as a step function, ties scored
// together, as scikit-learn's average_precision_score). NaN without positives.
double averagePrecision(std::span<const float> scores, std::span<const std::int8_t> truth);
PrecisionRecall precisionRecallAt(std::span<const float> scores, std::span<const std::int8_t> truth, float threshold);

// Out-of-fold scores for every example. A class with fewer than 2 positives gets no figures.
CrossValidation crossValidate(std::span<const float> rows, int dimension, const ClassTargets& targets,
                              const CrossValidationOptions& options = {});

} // namespace crowlingo
