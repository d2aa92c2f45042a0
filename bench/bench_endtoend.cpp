// End-to-end embedding throughput of a folder (decode, resample, segment into fixed windows,
// log-mel, model) with 1 and 2 threads, and the inputs for bench/python_reference.py: the exact
// log-mel clips of the first archive clips and the vectors core computed for them, so the Python
// reference can check it gets the same vectors from the same safetensors weights.
//   bench_endtoend CORPUS_DIR MODEL_DIR OUT_DIR [SEGMENT=window:1.5]
// Writes OUT_DIR/mels.npy (clips x frames*bins, zero-padded), OUT_DIR/frames.npy (clips x 1),
// OUT_DIR/embeddings.npy (clips x dim) and OUT_DIR/cpp_throughput.txt.
#include "bench/BenchTiming.h"
#include "core/archive/Archive.h"
#include "core/archive/EmbeddingExport.h"
#include "core/pipeline/FolderEmbedder.h"
#include "core/archive/TrainingClips.h"
#include "core/common/Threads.h"
#include "core/model/Embedder.h"
#include "core/model/Model.h"
#include "core/common/NumericsEnvironment.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace crowlingo;
namespace fs = std::filesystem;

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    if (argc < 4) {
        std::fprintf(stderr, "usage: bench_endtoend CORPUS_DIR MODEL_DIR OUT_DIR [SEGMENT=window:1.5]\n");
        return 2;
    }
    const fs::path corpus = argv[1], out = argv[3];
    const Model model = Model::load(argv[2]);
    const std::string segment = argc > 4 ? argv[4] : "window:1.5";
    fs::create_directories(out);
    std::ofstream report(out / "cpp_throughput.txt");
    for (int threads : {1, 2}) {
        setThreadCount(threads);
        const fs::path file = out / ("bench-" + std::to_string(threads) + ".crowlingo");
        fs::remove(file);
        Archive archive = Archive::create(file, corpus);
        EmbedReport r;
        const double t = timeIt([&] { r = embedFolder(archive, model, EmbedFolderOptions{.segment = SegmentSpec::parse(segment)}); });
        char line[200];
        std::snprintf(line, sizeof line, "C++ threads %d: %lld clips, %.1f s of audio in %.2f s: %.0f s audio/s, %.0f clips/s\n",
                      threads, (long long)r.clipsEmbedded, r.audioSeconds, t, r.audioSeconds / t, double(r.clipsEmbedded) / t);
        std::fputs(line, stdout);
        report << line;
    }

    // The reference inputs: the first 256 clips, as the model saw them.
    const Archive archive = Archive::open(out / "bench-2.crowlingo");
    ClipSet set = archiveClipLogMels(archive, model.config().mel);
    const std::size_t n = std::min<std::size_t>(256, set.clips.size());
    set.clips.resize(n);
    const std::vector<std::vector<float>> vectors = Embedder(model).embedBatch(set.clips);
    int maxFrames = 0;
    for (const Spectrogram& s : set.clips) maxFrames = std::max(maxFrames, s.frames);
    const int bins = model.config().mel.nMels, dim = int(vectors.front().size());
    std::vector<float> mels(n * std::size_t(maxFrames) * std::size_t(bins), 0.0f), frames(n), emb;
    for (std::size_t i = 0; i < n; ++i) {
        std::copy(set.clips[i].values.begin(), set.clips[i].values.end(), mels.begin() + std::ptrdiff_t(i * maxFrames * bins));
        frames[i] = float(set.clips[i].frames);
        emb.insert(emb.end(), vectors[i].begin(), vectors[i].end());
    }
    writeNpy(out / "mels.npy", mels, n, maxFrames * bins, {.replace = true}); // regenerated on every run
    writeNpy(out / "frames.npy", frames, n, 1, {.replace = true});
    writeNpy(out / "embeddings.npy", emb, n, dim, {.replace = true});
    std::printf("reference inputs: %zu clips (up to %d frames x %d bins) in %s\n", n, maxFrames, bins, out.c_str());
    return 0;
}
