// matchClusterIds (declared in Clustering.h): stable cluster ids across re-runs.
#include "core/analysis/Clustering.h"

#include "core/common/Error.h"

#include <algorithm>
#include <map>
#include <tuple>
#include <unordered_map>

namespace crowlingo {

std::vector<int> matchClusterIds(const std::vector<ClipId>& previousIds, const std::vector<int>& previousLabels,
                                 const std::vector<ClipId>& ids, const std::vector<int>& labels)
{
    if (previousIds.size() != previousLabels.size() || ids.size() != labels.size())
        throw UsageError("cannot match cluster ids: ids and labels differ in length");
    std::unordered_map<ClipId, int> previous;
    previous.reserve(previousIds.size());
    int previousMax = -1;
    for (std::size_t i = 0; i < previousIds.size(); ++i) {
        previous[previousIds[i]] = previousLabels[i];
        previousMax = std::max(previousMax, previousLabels[i]);
    }
    // Overlaps are counted on the clips present in both runs, so that removed or added clips do
    // not by themselves make a persisting cluster look new. Noise takes no part.
    std::map<int, std::size_t> oldSize, newSize;
    std::map<std::pair<int, int>, std::size_t> overlap; // (old, new) -> shared clips
    for (std::size_t i = 0; i < ids.size(); ++i) {
        const auto it = previous.find(ids[i]);
        if (it == previous.end()) continue;
        if (it->second >= 0) ++oldSize[it->second];
        if (labels[i] >= 0) ++newSize[labels[i]];
        if (it->second >= 0 && labels[i] >= 0) ++overlap[{it->second, labels[i]}];
    }
    struct Candidate {
        double jaccard;
        int oldId, newId;
    };
    std::vector<Candidate> candidates;
    for (const auto& [pair, shared] : overlap) {
        const double uni = double(oldSize[pair.first] + newSize[pair.second] - shared);
        const double j = double(shared) / uni;
        if (j >= 0.5) candidates.push_back({j, pair.first, pair.second});
    }
    // Greedy on the largest overlap; ties by the ids, so the result is deterministic.
    std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
        return std::tie(b.jaccard, a.oldId, a.newId) < std::tie(a.jaccard, b.oldId, b.newId);
    });
    std::map<int, int> mapping; // new label -> id
    std::map<int, bool> oldTaken;
    for (const Candidate& c : candidates) {
        if (mapping.count(c.newId) || oldTaken[c.oldId]) continue;
        mapping[c.newId] = c.oldId;
        oldTaken[c.oldId] = true;
    }
    // Unmatched clusters: fresh ids above the previous maximum, in order of their current label.
    std::vector<int> current(labels.begin(), labels.end());
    std::sort(current.begin(), current.end());
    current.erase(std::unique(current.begin(), current.end()), current.end());
    int next = previousMax + 1;
    for (int l : current)
        if (l >= 0 && !mapping.count(l)) mapping[l] = next++;

    std::vector<int> out(labels.size(), -1);
    for (std::size_t i = 0; i < labels.size(); ++i)
        if (labels[i] >= 0) out[i] = mapping[labels[i]];
    return out;
}

} // namespace crowlingo
