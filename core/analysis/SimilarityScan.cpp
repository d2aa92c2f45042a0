#include "core/analysis/SimilarityScan.h"

#include "core/analysis/detail/Distance.h"
#include "core/analysis/detail/ParallelFor.h"
#include "core/common/Error.h"

#include <string>

namespace crowlingo {

std::vector<float> similaritiesTo(std::span<const float> rows, int dimension, std::span<const float> query, int threads)
{
    if (dimension <= 0 || rows.size() % std::size_t(dimension) != 0 || query.size() != std::size_t(dimension))
        throw UsageError("cannot compare vectors: the query has " + std::to_string(query.size()) +
                         " values for rows of " + std::to_string(dimension));
    const std::size_t n = rows.size() / std::size_t(dimension), dim = std::size_t(dimension);
    std::vector<float> out(n);
    // Below ~10^4 rows a thread costs more than it saves.
    parallelFor(n, n < 10000 ? 1 : threads, [&](std::size_t begin, std::size_t end, int) {
        for (std::size_t i = begin; i < end; ++i) out[i] = dot(query.data(), rows.data() + i * dim, dim);
    });
    return out;
}

std::vector<float> similaritiesToRow(std::span<const float> rows, int dimension, std::size_t row, int threads)
{
    if (dimension <= 0 || (row + 1) * std::size_t(dimension) > rows.size())
        throw UsageError("cannot compare vectors: row " + std::to_string(row) + " is not in the matrix");
    return similaritiesTo(rows, dimension, rows.subspan(row * std::size_t(dimension), std::size_t(dimension)), threads);
}

} // namespace crowlingo
