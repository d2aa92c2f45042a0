// crowlingo-cli info FILE...: format, rate, channels and duration, or a clear per-file error.
#include "app/cli/Commands.h"
#include "core/audio/AudioReader.h"

#include <cstdio>

namespace crowlingo::cli {

Command addInfoCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("info", "Show format, sample rate, channels and duration of audio files");
    auto files = std::make_shared<std::vector<std::string>>();
    sub->add_option("files", *files, "Audio files")->required();
    return {sub, [files] {
        int failed = 0;
        for (const std::string& f : *files) {
            try {
                const AudioInfo i = probeAudio(f);
                std::printf("%s\t%s, %s, %d Hz, %d ch, %.3f s\n", f.c_str(), i.format.c_str(), i.encoding.c_str(),
                            i.sampleRate, i.channels, i.duration());
            } catch (const std::exception& e) {
                std::fprintf(stderr, "error: %s\n", e.what());
                ++failed;
            }
        }
        return failed ? 1 : 0;
    }};
}

} // namespace crowlingo::cli
