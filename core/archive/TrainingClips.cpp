#include "core/archive/ArchiveSettings.h"
#include "core/archive/TrainingClips.h"

#include "core/archive/Archive.h"
#include "core/archive/ClipFeatures.h"
#include "core/archive/FolderScanner.h"
#include "core/common/Threads.h"

#include <atomic>
#include <map>
#include <mutex>
#include <thread>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

// One unit of work: a file and, if known, its clips (else it is segmented first).
struct FileClips {
    fs::path path;
    std::vector<Clip> clips;
    std::vector<ClipId> ids;    // archive clips: their ids
    bool segmentFirst = false;
};

ClipSet decodeAll(const std::vector<FileClips>& files, const MelParams& params, const SegmentSpec& spec,
                  double timeExpansion, const Progress& progress)
{
    const MelSpectrogram mel(params);
    std::vector<std::vector<Spectrogram>> perFile(files.size());
    std::vector<std::vector<ClipId>> perFileIds(files.size());
    ClipSet out;
    std::mutex m;
    std::atomic<std::size_t> next{0}, done{0};
    auto work = [&] {
        for (std::size_t i; (i = next++) < files.size();) {
            if (progress.isCancelled()) return;
            try {
                AudioReader reader(files[i].path, {.targetRate = params.sampleRate, .timeExpansion = timeExpansion});
                std::vector<Clip> clips = files[i].segmentFirst ? segment(reader, spec) : files[i].clips;
                for (std::size_t j = 0; j < clips.size(); ++j) {
                    Spectrogram s = clipLogMel(reader, mel, clips[j].start, clips[j].end);
                    if (s.frames == 0) continue;
                    perFile[i].push_back(std::move(s));
                    if (j < files[i].ids.size()) perFileIds[i].push_back(files[i].ids[j]);
                }
            } catch (const std::exception& e) {
                std::lock_guard lock(m);
                out.errors.emplace_back(files[i].path.string(), e.what());
            }
            const std::size_t n = ++done;
            std::lock_guard lock(m);
            progress(double(n) / double(files.size()), files[i].path.filename().string());
        }
    };
    std::vector<std::thread> pool;
    const int n = std::max(1, std::min<int>(threadCount(), int(files.size())));
    for (int t = 1; t < n; ++t) pool.emplace_back(work);
    work();
    for (auto& t : pool) t.join();
    progress.checkCancelled();
    for (std::size_t i = 0; i < files.size(); ++i) {
        for (auto& s : perFile[i]) out.clips.push_back(std::move(s));
        out.clipIds.insert(out.clipIds.end(), perFileIds[i].begin(), perFileIds[i].end());
    }
    return out;
}

} // namespace

ClipSet archiveClipLogMels(const Archive& archive, const MelParams& mel, const Progress& progress)
{
    std::map<std::string, FileClips> byPath;
    for (const ClipRow& c : archive.clips()) {
        FileClips& f = byPath[c.path];
        f.path = archive.absolutePath(c.path);
        f.clips.push_back({c.start, c.end, c.lowHz, c.highHz});
        f.ids.push_back(c.id);
    }
    std::vector<FileClips> files;
    for (auto& [_, f] : byPath) files.push_back(std::move(f));
    return decodeAll(files, mel, {}, ArchiveSettings::read(archive).timeExpansion, progress);
}

ClipSet folderClipLogMels(const fs::path& folder, const MelParams& mel, const SegmentSpec& segment,
                          double timeExpansion, const Progress& progress)
{
    std::vector<FileClips> files;
    for (const ScannedFile& f : scanFolder(folder).files) files.push_back({f.path, {}, {}, true});
    return decodeAll(files, mel, segment, timeExpansion, progress);
}

} // namespace crowlingo
