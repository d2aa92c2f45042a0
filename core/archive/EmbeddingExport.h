#pragma once
// Exports an archive's embeddings for Python: a float32 N x D .npy (NumPy format 1.0, read by
// numpy.load) and a clip table whose rows are in the same order.
//
//   EmbeddingMatrix m = archive.embeddings(archive.activeModel());
//   writeNpy("emb.npy", m.values, m.rows(), m.dimension);
//   writeClipTable("clips.csv", archive, m.clipIds);  // clip_id,path,start_s,end_s,low_hz,high_hz
//
// Both are written whole or not at all (OutputFile), an existing file replaced only with
// rules.replace; the clip table is never written onto the archive it reads (the .npy writer does
// not know the archive: pass it in rules.protect). Paths a spreadsheet would take for a formula
// start with a single quote (spreadsheetText in Csv.h).
//
// Threading: plain functions; the Archive is used by the calling thread only.
#include "core/common/OutputRules.h"
#include "core/common/Types.h"

#include <cstddef>
#include <filesystem>
#include <span>
#include <vector>

namespace crowlingo {

class Archive;

void writeNpy(const std::filesystem::path& file, std::span<const float> rowMajor, std::size_t rows, int columns,
              const OutputRules& rules = {});
void writeClipTable(const std::filesystem::path& file, const Archive& archive, const std::vector<ClipId>& order,
                    const OutputRules& rules = {});

} // namespace crowlingo
