#pragma once
// crowlingo-cli starts without LibTorch, which takes about half a second to load: the commands
// that run the model are carried out by a second program, crowlingo-cli-model, which
// crowlingo-cli replaces itself with (exec: the exit status, signals, output and Ctrl-C are the
// runner's own). Both programs register these commands under the names and descriptions below,
// so that `crowlingo-cli --help` lists them without loading the model.
//
//   crowlingo-cli info x.wav             -> answered at once, no LibTorch
//   crowlingo-cli embed rec -o a.crowlingo -> exec crowlingo-cli-model embed rec -o a.crowlingo
#include <string>
#include <vector>

namespace crowlingo {
class Archive;
}

namespace crowlingo::cli {

struct CommandText {
    const char* name;
    const char* description;
};

inline constexpr CommandText kEmbedText{"embed", "Embed every recording under a folder into an archive (resumable: "
                                                 "run again to continue or to add new files)"};
inline constexpr CommandText kTrainText{"train", "Train the model without labels on a folder of recordings or an archive's clips"};
inline constexpr CommandText kAdaptText{"adapt", "Adapt the model to an archive: train on its clips without labels, then re-embed them"};
inline constexpr CommandText kAddClipText{"add-clip", "Add a clip drawn by hand: a stretch (and band) of a recording of the "
                                                       "archive, embedded at once with the archive's model"};
inline constexpr CommandText kRedrawClipText{"redraw-clip", "Draw a clip drawn by hand again: new start, end or band, "
                                                             "embedded at once; its labels are kept"};
inline constexpr CommandText kReconstructText{"reconstruct", "Mask patches of a spectrogram window, let the model fill them in, "
                                                             "and draw original, masked input, reconstruction and error"};

// Whether this program runs the model itself (crowlingo-cli-model) or hands it over (crowlingo-cli).
bool runsModelItself();

// Thrown by crowlingo-cli where a command needs the model; main() answers it with execModelProcess.
struct NeedsModelProcess {};

// Replaces this process with crowlingo-cli-model (next to this program in the build tree, else in
// the installation's libexec/crowlingo folder) running the same command line. Returns only when
// that fails, after printing why and where it looked (exit status 1).
int execModelProcess(char** argv);

// `neighbours --file`: the vector of a stretch of an audio file, embedded with the model of the
// archive's vectors (checked against modelId). In crowlingo-cli this throws NeedsModelProcess.
std::vector<float> embedAudioQuery(const Archive& archive, const std::string& modelId, const std::string& modelDir,
                                   const std::string& file, double start, double end);

} // namespace crowlingo::cli
