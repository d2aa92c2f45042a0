#pragma once
// Shared by the archive tests: a small generated corpus and a tiny random model, so that the
// embedding pipeline runs for real in seconds.
#include "core/archive/Archive.h"
#include "core/common/Csv.h"
#include "core/model/Model.h"
#include "core/synth/DemoCorpus.h"

#include <filesystem>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <linux/capability.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace crowlingo::testkit {

// A deliberately small model with the real input pipeline (22.05 kHz log-mel), 32 bands.
inline ModelConfig tinyConfig()
{
    ModelConfig c;
    c.mel.nMels = 32;
    c.frames = 32;
    c.patch = 8;
    c.encoderDim = 32;
    c.encoderDepth = 1;
    c.encoderHeads = 2;
    c.decoderDim = 16;
    c.decoderDepth = 1;
    c.decoderHeads = 2;
    return c;
}

// As root, permissions do not stop reads or writes; this drops (or restores) the two capabilities
// that override them, in the effective set only, so that "permission denied" and read-only
// folders can be tested for real.
inline void setFileAccessOverride(bool on)
{
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[2]{};
    if (syscall(SYS_capget, &header, data) != 0) return;
    for (int cap : {CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH}) {
        if (on) data[cap / 32].effective |= data[cap / 32].permitted & (1u << (cap % 32));
        else data[cap / 32].effective &= ~(1u << (cap % 32));
    }
    syscall(SYS_capset, &header, data);
}

// `files` synthetic field recordings of `seconds` each under dir.
inline void writeCorpus(const std::filesystem::path& dir, int files, double seconds, std::uint64_t seed = 3)
{
    CorpusParams p;
    p.files = files;
    p.secondsPerFile = seconds;
    p.seed = seed;
    writeDemoCorpus(dir, p);
}

// Every clip of an archive (recording path, start, end, band) with its vector under the active
// model: two archives of the same folder compare equal whatever their clip ids.
using ClipKey = std::tuple<std::string, double, double, double, double>;
inline std::map<ClipKey, std::vector<float>> clipVectors(const Archive& a)
{
    const EmbeddingMatrix m = a.embeddings(a.activeModel());
    std::map<ClipId, std::vector<float>> byId;
    for (std::size_t i = 0; i < m.rows(); ++i) byId[m.clipIds[i]] = std::vector<float>(m.row(i), m.row(i) + m.dimension);
    std::map<ClipKey, std::vector<float>> out;
    for (const ClipRow& c : a.clips()) out[{c.path, c.start, c.end, c.lowHz, c.highHz}] = byId.at(c.id);
    return out;
}

// Every record of a CSV (',') or tab-separated ('\t') file, header included.
inline std::vector<std::vector<std::string>> readTable(const std::filesystem::path& file, char delimiter)
{
    CsvReader in(file, delimiter);
    std::vector<std::vector<std::string>> rows;
    std::vector<std::string> row;
    while (in.next(row)) rows.push_back(row);
    return rows;
}

} // namespace crowlingo::testkit
