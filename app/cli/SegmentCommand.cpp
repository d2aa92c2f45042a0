// crowlingo-cli segment FILE|DIR: cut recordings into clips and print (or write) them as CSV.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "core/archive/FolderScanner.h"
#include "core/audio/AudioReader.h"
#include "core/dsp/MelSpectrogram.h"
#include "core/common/Csv.h"
#include "core/segment/Segmenter.h"

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace crowlingo::cli {

namespace fs = std::filesystem;

Command addSegmentCommand(CLI::App& app)
{
    struct Options {
        std::string input, csv, segment = "events";
        double timeExpansion = 1.0;
        int rate = MelParams{}.sampleRate;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("segment", "Cut a recording (or every recording under a folder) into clips");
    sub->add_option("input", o->input, "Audio file or folder")->required();
    sub->add_option("--segment", o->segment, "whole | window:LEN[:HOP] | events")->capture_default_str();
    sub->add_option("--time-expansion", o->timeExpansion, "Time-expansion factor for ultrasound (e.g. 10)")->capture_default_str()
        ->check(CLI::Range(1.0, 1000.0));
    sub->add_option("--rate", o->rate, "Analysis sample rate in Hz")->capture_default_str()->check(CLI::Range(1000, 400000));
    sub->add_option("--csv", o->csv, "Write the clips to this CSV file instead of standard output");
    return {sub, [o] {
        const SegmentSpec spec = SegmentSpec::parse(o->segment);
        std::vector<fs::path> files;
        if (fs::is_directory(o->input)) {
            for (const ScannedFile& f : scanFolder(o->input).files) files.push_back(f.path);
        } else {
            files.push_back(o->input);
        }
        std::ofstream csvFile;
        if (!o->csv.empty()) {
            csvFile.open(o->csv);
            if (!csvFile) throw std::runtime_error("cannot write \"" + o->csv + "\"");
        }
        std::ostream& out = o->csv.empty() ? std::cout : csvFile;
        out << "path,start_s,end_s,low_hz,high_hz\n";
        int failed = 0;
        std::size_t total = 0;
        TerminalProgress bar("segment");
        for (std::size_t i = 0; i < files.size(); ++i) {
            const fs::path& f = files[i];
            try {
                AudioReader reader(f, {.targetRate = o->rate, .timeExpansion = o->timeExpansion});
                const Progress outer = bar.progress();
                const Progress inner{[&](double done, std::string_view) {
                    outer((double(i) + done) / double(files.size()), f.filename().string());
                }, outer.cancelled};
                for (const Clip& c : segment(reader, spec, inner)) {
                    char line[128];
                    std::snprintf(line, sizeof line, ",%.4f,%.4f,%.1f,%.1f\n", c.start, c.end, c.lowHz, c.highHz);
                    out << csvField(f.string()) << line;
                    ++total;
                }
            } catch (const Cancelled&) {
                throw;
            } catch (const std::exception& e) {
                bar.finish();
                std::fprintf(stderr, "error: %s\n", e.what());
                ++failed;
            }
        }
        bar.finish();
        std::fprintf(stderr, "%zu clips from %zu files (%d unreadable)\n", total, files.size() - failed, failed);
        return failed ? 1 : 0;
    }};
}

} // namespace crowlingo::cli
