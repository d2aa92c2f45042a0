#pragma once
// Shared by the archive tests: a small generated corpus and a tiny random model, so that the
// embedding pipeline runs for real in seconds.
#include "core/model/Model.h"
#include "core/synth/DemoCorpus.h"

#include <filesystem>

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

// `files` synthetic field recordings of `seconds` each under dir.
inline void writeCorpus(const std::filesystem::path& dir, int files, double seconds, std::uint64_t seed = 3)
{
    CorpusParams p;
    p.files = files;
    p.secondsPerFile = seconds;
    p.seed = seed;
    writeDemoCorpus(dir, p);
}

} // namespace crowlingo::testkit
