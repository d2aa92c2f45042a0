#pragma once
// The one rule for the label a clip shows when several sources labelled it, used by the
// workbench, the cluster CSV and Raven export, and `evaluate`: the researcher's own label
// ("user") wins; among imported files, the source whose name sorts first wins. The rule does not
// depend on the order the rows are read in, so every view of an archive agrees.
//
//   std::unordered_map<ClipId, ShownLabel> shown = shownLabels(archive.labels());
//   const ShownLabel& s = shown.at(id);   // s.label, s.source
//
// Threading: plain functions on data.
#include "core/archive/Archive.h"

#include <string>
#include <unordered_map>
#include <vector>

namespace crowlingo {

struct ShownLabel {
    std::string label;
    std::string source;
};

// Whether a label from `candidate` replaces one from `current` (the rule above).
bool labelSourceWins(const std::string& candidate, const std::string& current);

// The label shown for each labelled clip. With onlySource, only that source's labels count.
std::unordered_map<ClipId, ShownLabel> shownLabels(const std::vector<LabelRow>& rows, const std::string& onlySource = {});

} // namespace crowlingo
