#pragma once
// Which clips a researcher should look at next when teaching a classifier (active learning), and
// where to start (search by example).
//
//   std::vector<SimilarRow> seed = rankByExamples(vectors, dim, exampleVectors, 50, isLabelled);
//   std::vector<std::size_t> next = clipsWorthLabelling(vectors, dim, scores, isLabelled, {.count = 20});
//
// clipsWorthLabelling takes the unlabelled clips the classifier is least sure of (probability
// nearest the threshold), and skips any that is a near-duplicate (cosine >= duplicateCosine) of a
// clip already picked or already labelled: ten copies of one ambiguous call teach no more than one.
//
// Threading: pure functions; BLAS may use several threads inside.
#include <span>
#include <vector>

namespace crowlingo {

struct SuggestionOptions {
    int count = 20;
    float threshold = 0.5f;        // the probability where the classifier is least sure
    float duplicateCosine = 0.98f; // at or above: the same call again
};

// rows: n x dim; scores: one probability per row; labelled: n flags. Returns row indices, most
// uncertain first.
std::vector<std::size_t> clipsWorthLabelling(std::span<const float> rows, int dimension, std::span<const float> scores,
                                             const std::vector<bool>& labelled, const SuggestionOptions& options = {});

struct SimilarRow {
    std::size_t row = 0;
    float similarity = 0; // cosine to the examples' mean direction
};

// Rows most similar (cosine) to the mean direction of the examples (m x dim), best first, leaving
// out rows flagged in exclude (may be empty). The examples themselves are usually excluded.
std::vector<SimilarRow> rankByExamples(std::span<const float> rows, int dimension, std::span<const float> examples,
                                        int count, const std::vector<bool>& exclude = {});

} // namespace crowlingo
