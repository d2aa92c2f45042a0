// crowlingo-cli info FILE|FOLDER...: format, rate, channels and duration of each file (every audio
// file under a folder), or a clear per-file error; with several files, what they add up to.
#include "app/cli/Commands.h"
#include "core/archive/FolderScanner.h"
#include "core/audio/AudioReader.h"

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>

namespace crowlingo::cli {

namespace {

std::string hoursMinutesSeconds(double seconds)
{
    const auto s = static_cast<long long>(std::llround(seconds));
    char text[32];
    std::snprintf(text, sizeof text, "%lld:%02lld:%02lld", s / 3600, (s / 60) % 60, s % 60);
    return text;
}

} // namespace

Command addInfoCommand(CLI::App& app)
{
    auto* sub = app.add_subcommand("info", "Show format, sample rate, channels and duration of audio files (or of every "
                                           "audio file under a folder)");
    auto paths = std::make_shared<std::vector<std::string>>();
    sub->add_option("files", *paths, "Audio files or folders")->required();
    return {sub, [paths] {
        // Folders expand to their audio files, named as the folder was given.
        std::vector<std::string> files;
        int failed = 0;
        for (const std::string& p : *paths) {
            std::error_code ec;
            if (!std::filesystem::is_directory(p, ec)) {
                files.push_back(p);
                continue;
            }
            const FolderScan scan = scanFolder(p);
            for (const auto& [folder, why] : scan.problems) {
                std::fprintf(stderr, "error: cannot read folder %s: %s\n", folder.string().c_str(), why.c_str());
                ++failed;
            }
            if (scan.files.empty() && scan.problems.empty())
                std::fprintf(stderr, "note: no audio files under %s\n", p.c_str());
            const std::filesystem::path root = std::filesystem::absolute(p);
            for (const ScannedFile& f : scan.files)
                files.push_back((std::filesystem::path(p) / f.path.lexically_relative(root)).string());
        }
        double total = 0;
        std::map<int, int> rates; // sample rate -> files
        int read = 0;
        for (const std::string& f : files) {
            try {
                const AudioInfo i = probeAudio(f);
                std::printf("%s\t%s, %s, %d Hz, %d ch, %.3f s\n", f.c_str(), i.format.c_str(), i.encoding.c_str(),
                            i.sampleRate, i.channels, i.duration());
                total += i.duration();
                ++rates[i.sampleRate];
                ++read;
            } catch (const std::exception& e) {
                std::fprintf(stderr, "error: %s\n", e.what());
                ++failed;
            }
        }
        if (files.size() > 1) {
            std::string rateList;
            for (const auto& [rate, count] : rates)
                rateList += (rateList.empty() ? "" : ", ") + std::to_string(rate) + " Hz (" + std::to_string(count) + ")";
            std::printf("%d files, %s of audio; sample rates: %s", read, hoursMinutesSeconds(total).c_str(),
                        rateList.empty() ? "none" : rateList.c_str());
            if (failed) std::printf("; %d could not be read", failed);
            std::printf("\n");
        }
        return failed ? 1 : 0;
    }};
}

} // namespace crowlingo::cli
