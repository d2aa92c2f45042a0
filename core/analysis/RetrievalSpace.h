#pragma once
// The space in which clips are compared: a model's vectors projected onto the leading principal
// axes of the archive's own vectors, each axis scaled by 1 / sqrt(variance + shrink x the largest
// variance) (shrunk PCA whitening; Jégou & Chum, ECCV 2012, for image retrieval). A few directions
// along which every clip of an archive varies (its recorder, background, level) otherwise outweigh
// the many finer ones that tell calls apart. Fitted without labels on the archive's own clips, so
// each archive gets its own; measured in resources/models/MODEL_CARD.md ("Retrieval space").
// Neighbours, maps, clusters and `evaluate` use it; exported vectors and classifiers keep the
// model's own.
//
//   const RetrievalSpace space = RetrievalSpace::fit(rows, dimension);   // rows: n x dimension
//   std::vector<float> z = space.apply(rows);           // n x space.outputDimension()
//   std::vector<float> q = space.apply(queryVector);    // a query from outside the archive
//
// Threading: fit() uses BLAS/LAPACK (their own threads); apply() is const and may be called from
// several threads.
#include <cstddef>
#include <span>
#include <vector>

namespace crowlingo {

// The rows a space is fitted on: positions j * rows / s for j < s = min(rows, atMost).
std::vector<std::size_t> evenlySpacedRows(std::size_t rows, std::size_t atMost);

struct RetrievalSpaceParams {
    int axes = 128;         // at most this many axes are kept (fewer when the clips span fewer)
    double shrink = 0.3;    // added to every axis' variance, as a share of the largest
    int minRows = 32;       // fewer (finite) vectors than this give too poor a covariance: identity
    int maxFitRows = 4096;  // the axes are fitted on at most this many rows, evenly spaced
};

class RetrievalSpace {
public:
    // Fitted on the finite rows among evenlySpacedRows(n, params.maxFitRows). The identity (vectors
    // used as they are) when fewer than params.minRows of them are finite or the vectors have no
    // more than params.axes dimensions.
    static RetrievalSpace fit(std::span<const float> rows, int dimension, const RetrievalSpaceParams& params = {});
    static RetrievalSpace identity(int dimension);
    // A space as mean() and projection() gave it (read back from an archive); error if the sizes disagree.
    static RetrievalSpace fromParts(int inputDimension, int outputDimension, std::vector<float> mean,
                                    std::vector<float> projection);

    bool isIdentity() const { return projection_.empty(); }
    int inputDimension() const { return input_; }
    int outputDimension() const { return output_; }

    const std::vector<float>& mean() const { return mean_; }             // inputDimension(); empty for the identity
    const std::vector<float>& projection() const { return projection_; } // input x output, row-major

    // rows: n x inputDimension() -> n x outputDimension() (not scaled to unit length).
    std::vector<float> apply(std::span<const float> rows) const;

private:
    int input_ = 0;
    int output_ = 0;
    std::vector<float> mean_;       // input_
    std::vector<float> projection_; // input_ x output_, row-major: axis k in column k, scaled
};

} // namespace crowlingo
