#pragma once
// Shared by the UI tests: a small archive built in a temporary folder with real WAV files, so
// that the map, the inspector, the neighbours and playback all have something true to show.
//
//   UiTestArchive a;                     // 3 recordings x 12 clips, 3 kinds of call
//   MainWindow w;  w.openArchive(a.file());
//   a.kindOf(clipId)                     // 0: 1.2 kHz tone, 1: 2-5 kHz chirp, 2: noise burst
//
// Embeddings are the kind's one-hot vector plus small per-clip noise, so a clip's nearest
// neighbours are the clips of its kind; the stored map puts each kind around its own centre and
// the stored clustering is the kind. Each clip has its own noise too, so a recording of its
// playback correlates with it and not with another clip.
#include "archive/ArchiveTestKit.h"
#include "core/archive/Archive.h"
#include "core/model/Model.h"
#include "core/segment/Segmenter.h"

#include <QString>
#include <QTemporaryDir>

#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

namespace crowlingo::testkit {

inline const std::string kUiTestModelId = "5eed0000000000000000000000000000000000000000000000000000000ab1e5";

// The UI tests use the same tiny model as the archive tests.
inline ModelConfig tinyUiModelConfig() { return tinyConfig(); }

inline void writeWav(const std::filesystem::path& file, const std::vector<float>& samples, int rate)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(file.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error("cannot write " + file.string() + ": " + sf_strerror(nullptr));
    sf_writef_float(f, samples.data(), sf_count_t(samples.size()));
    sf_close(f);
}

class UiTestArchive {
public:
    struct Options {
        int recordings = 3;
        int clipsPerRecording = 12;
        int sampleRate = 22050;
        bool storeProjection = true;
        bool storeClustering = true;
        int dimension = 8;
    };

    UiTestArchive() : UiTestArchive(Options{}) {}
    explicit UiTestArchive(Options o) : options_(o)
    {
        if (!dir_.isValid()) throw std::runtime_error("no temporary folder");
        const std::filesystem::path root = std::filesystem::path(dir_.path().toStdString()) / "recordings";
        std::filesystem::create_directories(root);
        file_ = std::filesystem::path(dir_.path().toStdString()) / "test.crowlingo";
        Archive archive = Archive::create(file_, root);
        std::mt19937 rng(1234);
        std::normal_distribution<float> gauss(0.0f, 1.0f);
        const double seconds = o.clipsPerRecording + 0.5;
        std::vector<ClipId> allIds;
        std::vector<float> xy;
        std::vector<int> kinds;
        const double centres[3][2] = {{0, 0}, {10, 0}, {5, 8}};
        for (int r = 0; r < o.recordings; ++r) {
            const std::string name = "site" + std::to_string(r) + ".wav";
            std::vector<float> x(std::size_t(seconds * o.sampleRate));
            for (float& v : x) v = 0.003f * gauss(rng); // field-like floor, never digital silence
            std::vector<Clip> clips;
            std::vector<std::vector<float>> vectors;
            for (int j = 0; j < o.clipsPerRecording; ++j) {
                const int kind = (j + r) % 3;
                const Clip c{j + 0.25, j + 0.75, 0, 0};
                const auto s0 = std::size_t(c.start * o.sampleRate), n = std::size_t((c.end - c.start) * o.sampleRate);
                for (std::size_t k = 0; k < n; ++k) {
                    const double t = double(k) / o.sampleRate;
                    const double env = std::sin(std::numbers::pi * double(k) / double(n)); // smooth on and off
                    double v = 0;
                    if (kind == 0) v = 0.5 * std::sin(2 * std::numbers::pi * 1200 * t);
                    if (kind == 1) v = 0.5 * std::sin(2 * std::numbers::pi * (2000 * t + 0.5 * 6000 * t * t)); // 2 -> 5 kHz
                    if (kind == 2) v = 0.3 * gauss(rng);
                    v += 0.05 * gauss(rng); // each clip's own noise
                    x[s0 + k] += float(env * v);
                }
                clips.push_back(c);
                std::vector<float> e(std::size_t(o.dimension));
                for (float& v : e) v = 0.08f * gauss(rng);
                e[std::size_t(kind)] += 1.0f;
                vectors.push_back(e);
                kinds.push_back(kind);
                xy.push_back(float(centres[kind][0] + gauss(rng)));
                xy.push_back(float(centres[kind][1] + gauss(rng)));
            }
            writeWav(root / name, x, o.sampleRate);
            RecordingRow row;
            row.path = name;
            row.size = std::int64_t(std::filesystem::file_size(root / name));
            row.mtime = 0;
            row.duration = seconds;
            row.sampleRate = o.sampleRate;
            row.channels = 1;
            row.status = "embedded";
            archive.storeRecording(row, clips, "window:0.5", kUiTestModelId, vectors);
        }
        archive.setActiveModel(kUiTestModelId);
        // Clip ids in storage order are the clips' order above.
        for (const ClipRow& c : archive.clips()) allIds.push_back(c.id);
        for (std::size_t i = 0; i < allIds.size(); ++i) kind_[allIds[i]] = kinds[i];
        ids_ = allIds;
        if (o.storeProjection) archive.storeProjection(kUiTestModelId, R"({"method":"test"})", allIds, xy);
        if (o.storeClustering)
            archive.storeClustering(kUiTestModelId, R"({"method":"test"})", allIds, kinds,
                                    std::vector<float>(allIds.size(), 1.0f), std::vector<float>(allIds.size(), 0.0f));
    }

    QString file() const { return QString::fromStdString(file_.string()); }
    const std::filesystem::path& path() const { return file_; }
    std::filesystem::path root() const { return std::filesystem::path(dir_.path().toStdString()) / "recordings"; }
    QString dir() const { return dir_.path(); }
    const std::vector<ClipId>& ids() const { return ids_; }
    int kindOf(ClipId id) const { return kind_.at(id); }
    int clipCount() const { return int(ids_.size()); }
    const Options& options() const { return options_; }

private:
    Options options_;
    QTemporaryDir dir_;
    std::filesystem::path file_;
    std::vector<ClipId> ids_;
    std::map<ClipId, int> kind_;
};

} // namespace crowlingo::testkit
