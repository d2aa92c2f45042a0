#pragma once
// A classifier's answers for every clip, taken away as a CSV (with a JSON provenance sidecar) or
// as Raven Pro selection tables of the detections, one per recording.
//
//   ClipScores s = scoreClips(archive, c);
//   writeClassifierCsv("caws.csv", archive, c, s, 0.5f);      // + caws.csv.json
//   writeClassifierRavenTables("raven/", archive, s, 0.8f)   ; // raven/<rec>.Table.1.selections.txt
//
// A clip's prediction is the class it scores highest for, if that score is at least the threshold;
// otherwise it is predicted as none of the classes (empty cell). Outputs are written whole or not
// at all, never onto the archive (see ClusterExport.h).
//
// Threading: uses the given Archive on the calling thread.
#include "core/archive/CallClassifier.h"
#include "core/common/OutputRules.h"

#include <filesystem>
#include <vector>

namespace crowlingo {

// Columns: clip_id,path,start_s,end_s,predicted,score, then score_<class> per class. Every clip the
// classifier scored, in clip order.
void writeClassifierCsv(const std::filesystem::path& file, const Archive& archive, const CallClassifier& classifier,
                        const ClipScores& scores, float threshold, const OutputRules& rules = {});

// One table per recording holding a detection (best score >= threshold): Selection, View,
// Channel, Begin/End Time (s), Low/High Freq (Hz), Class, Score. Returns the files written.
std::vector<std::filesystem::path> writeClassifierRavenTables(const std::filesystem::path& dir, const Archive& archive,
                                                              const ClipScores& scores, float threshold,
                                                              const OutputRules& rules = {});

} // namespace crowlingo
