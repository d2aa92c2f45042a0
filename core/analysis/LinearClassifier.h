#pragma once
// A classifier over frozen embeddings, trained from a handful of labelled clips: one-vs-rest
// logistic regression with class-balanced loss and an L2 penalty, solved to a small gradient by
// L-BFGS (the problem is convex, so the solution does not depend on the starting point or seed).
// Features are centred and scaled while fitting (FeatureScaling); the stored weights act on raw
// embeddings, so scoring is one matrix product.
//
//   ClassTargets t(rows, {"caw"});  t.set(i, 0, +1);  t.set(j, 0, -1);   // 0 = no example
//   LinearClassifier c = trainLinearClassifier(vectors, dim, t);
//   std::vector<float> p = c.probabilities(allVectors);                   // rows x classes
//
// Each class is its own yes/no question, so a clip may score high for none of the classes (a
// "not a call" answer) or for two. Positives and negatives of a class weigh equally in total,
// whatever their counts: probabilities are as if both were equally common, and the threshold
// that suits an archive is chosen with the cross-validated figures (ClassifierValidation.h).
//
// Threading: pure functions; BLAS may use several threads inside.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

// How features are scaled before the fit (the weights are then mapped back to raw embeddings).
// Both centre on the examples' mean. PerFeature gives each dimension unit variance over the
// examples (the default: on the real labelled sets it gave 0.007-0.019 more macro average
// precision at 5 and 10 examples per class than Global, and converges in fewer iterations;
// MODEL_CARD "Few-shot classifier"). Global divides every dimension by one number, the examples'
// overall spread, keeping the embedding's own geometry.
enum class FeatureScaling { Global, PerFeature };

struct LinearClassifierOptions {
    double l2 = 1e-2;           // penalty on the weights of scaled features (the loss is a mean)
    FeatureScaling scaling = FeatureScaling::PerFeature;
    int maxIterations = 1000;
    double gradientTolerance = 1e-5; // stop when every partial derivative is below this
};

// What each example row means to each class: +1 an example of it, -1 an example of not-it, 0 no
// information (the row does not take part in that class's fit).
struct ClassTargets {
    ClassTargets() = default;
    ClassTargets(std::size_t rows, std::vector<std::string> classNames)
        : classes(std::move(classNames)), values(rows * classes.size(), 0) {}
    std::vector<std::string> classes;
    std::vector<std::int8_t> values; // rows x classes
    std::size_t rows() const { return classes.empty() ? 0 : values.size() / classes.size(); }
    std::int8_t at(std::size_t row, std::size_t cls) const { return values[row * classes.size() + cls]; }
    void set(std::size_t row, std::size_t cls, std::int8_t v) { values[row * classes.size() + cls] = v; }
    int count(std::size_t cls, std::int8_t v) const;
};

struct LinearClassifier {
    int dimension = 0;
    std::vector<std::string> classes;
    std::vector<float> weights; // classes x dimension, on raw embeddings
    std::vector<float> bias;    // classes
    // How the fit ended, for provenance.
    int iterations = 0;
    double gradientNorm = 0;    // largest partial derivative at the solution
    double l2 = 0;

    // rows x classes; logits() are w.x + b, probabilities() their logistic.
    std::vector<float> logits(std::span<const float> rows) const;
    std::vector<float> probabilities(std::span<const float> rows) const;
};

// Throws UsageError when a class has no positive or no negative example, or on size mismatches.
LinearClassifier trainLinearClassifier(std::span<const float> rows, int dimension, const ClassTargets& targets,
                                       const LinearClassifierOptions& options = {});

} // namespace crowlingo
