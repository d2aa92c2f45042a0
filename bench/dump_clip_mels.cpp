// The log-mel clips an archive's active model read, with their clip ids and the model's stored
// vectors, for offline analysis in Python (bench/retrieval_views.py):
//   dump_clip_mels ARCHIVE OUT_DIR
// Writes OUT_DIR/mels.npy (clips x frames*bins, zero-padded), frames.npy (clips x 1), ids.npy
// (clips x 1, clip ids as float), vectors.npy (clips x dimension, the model's vectors in the same
// order) and clips.csv (id,path,start,end).
#include "core/archive/Archive.h"
#include "core/archive/EmbeddingExport.h"
#include "core/archive/TrainingClips.h"
#include "core/model/ModelConfig.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>

using namespace crowlingo;
namespace fs = std::filesystem;

int main(int argc, char** argv)
{
    if (argc < 3) {
        std::fprintf(stderr, "usage: dump_clip_mels ARCHIVE OUT_DIR\n");
        return 2;
    }
    const Archive archive = Archive::open(argv[1]);
    const fs::path out = argv[2];
    fs::create_directories(out);
    const std::string modelId = archive.activeModel();
    const auto config = archive.meta("model_config:" + modelId);
    if (modelId.empty() || !config) {
        std::fprintf(stderr, "the archive has no embeddings\n");
        return 1;
    }
    const ModelConfig model = ModelConfig::fromJsonString(*config);
    const ClipSet set = archiveClipLogMels(archive, model.mel);
    const EmbeddingMatrix m = archive.embeddings(modelId);
    std::map<ClipId, std::size_t> rowOf;
    for (std::size_t i = 0; i < m.rows(); ++i) rowOf[m.clipIds[i]] = i;

    int maxFrames = 0;
    for (const Spectrogram& s : set.clips) maxFrames = std::max(maxFrames, s.frames);
    const int bins = model.mel.nMels;
    const std::size_t n = set.clips.size();
    std::vector<float> mels(n * std::size_t(maxFrames) * std::size_t(bins), 0.0f), frames(n), ids(n), vectors;
    for (std::size_t i = 0; i < n; ++i) {
        std::copy(set.clips[i].values.begin(), set.clips[i].values.end(),
                  mels.begin() + std::ptrdiff_t(i * std::size_t(maxFrames) * std::size_t(bins)));
        frames[i] = float(set.clips[i].frames);
        ids[i] = float(set.clipIds[i]);
        const auto r = rowOf.find(set.clipIds[i]);
        if (r == rowOf.end()) vectors.insert(vectors.end(), std::size_t(m.dimension), 0.0f);
        else vectors.insert(vectors.end(), m.row(r->second), m.row(r->second) + m.dimension);
    }
    writeNpy(out / "mels.npy", mels, n, maxFrames * bins, {.replace = true});
    writeNpy(out / "frames.npy", frames, n, 1, {.replace = true});
    writeNpy(out / "ids.npy", ids, n, 1, {.replace = true});
    writeNpy(out / "vectors.npy", vectors, n, m.dimension, {.replace = true});
    std::ofstream csv(out / "clips.csv");
    csv << "id,path,start,end\n";
    for (const ClipRow& c : archive.clips()) csv << c.id << ',' << c.path << ',' << c.start << ',' << c.end << '\n';
    std::printf("%zu clips (up to %d frames x %d bins, time scale %d) in %s\n", n, maxFrames, bins, model.timeScale,
                out.c_str());
    return 0;
}
