#pragma once
// Cosine similarity of one vector to every row of a matrix whose rows are L2-normalised (a dot
// product each), for a "similarity to the current clip" column over a whole archive. Rows are
// split over threads; each similarity is summed in a fixed order, so results do not depend on
// the thread count.
//
//   std::vector<float> s = similaritiesToRow(matrix.values, matrix.dimension, row, threadCount());
//
// Threading: reads only its inputs; call from any thread.
#include <cstddef>
#include <span>
#include <vector>

namespace crowlingo {

// Similarity of `query` (dimension values, normalised by the caller) to each row.
std::vector<float> similaritiesTo(std::span<const float> rowMajor, int dimension, std::span<const float> query,
                                  int threads);

// The same for one of the matrix's own rows.
std::vector<float> similaritiesToRow(std::span<const float> rowMajor, int dimension, std::size_t row, int threads);

} // namespace crowlingo
