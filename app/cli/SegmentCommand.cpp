// crowlingo-cli segment FILE|DIR [--csv OUT [--force]]: cut recordings into clips and print (or write) them as CSV.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/OptionChecks.h"
#include "core/archive/FolderScanner.h"
#include "core/audio/AudioReader.h"
#include "core/dsp/MelSpectrogram.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"
#include "core/common/OutputFile.h"
#include "core/segment/Segmenter.h"

#include <cstdio>
#include <filesystem>
#include <memory>
#include <iostream>

namespace crowlingo::cli {

namespace fs = std::filesystem;

Command addSegmentCommand(CLI::App& app)
{
    struct Options {
        std::string input, csv, segment = "events";
        double timeExpansion = 1.0;
        int rate = MelParams{}.sampleRate;
        bool force = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("segment", "Cut a recording (or every recording under a folder) into clips");
    sub->add_option("input", o->input, "Audio file or folder")->required();
    sub->add_option("--segment", o->segment, "whole | window:LEN[:HOP] | events")->capture_default_str();
    sub->add_option("--time-expansion", o->timeExpansion, "Time-expansion factor (10 for bat ultrasound, 0.1 for whale infrasound)")->capture_default_str()
        ->check(finiteBetween(kMinTimeExpansion, kMaxTimeExpansion));
    sub->add_option("--rate", o->rate, "Analysis sample rate in Hz")->capture_default_str()->check(CLI::Range(1000, 400000));
    sub->add_option("--csv", o->csv, "Write the clips to this CSV file instead of standard output");
    sub->add_flag("--force", o->force, "Replace the --csv file if it exists (never an input recording)");
    return {sub, [o] {
        const SegmentSpec spec = SegmentSpec::parse(o->segment);
        std::vector<fs::path> files;
        if (fs::is_directory(o->input)) {
            for (const ScannedFile& f : scanFolder(o->input).files) files.push_back(f.path);
        } else {
            files.push_back(o->input);
        }
        // The CSV appears only once complete (OutputFile): a full disk or Ctrl-C leaves no cut-off table.
        std::unique_ptr<OutputFile> csvFile;
        if (!o->csv.empty()) csvFile = std::make_unique<OutputFile>(o->csv, OutputRules{.protect = files, .replace = o->force});
        const auto emit = [&](const std::string& text) {
            if (csvFile) csvFile->write(text);
            else std::cout << text;
        };
        emit("path,start_s,end_s,low_hz,high_hz\n");
        int failed = 0;
        std::size_t total = 0;
        TerminalProgress bar("segment");
        for (std::size_t i = 0; i < files.size(); ++i) {
            const fs::path& f = files[i];
            std::vector<Clip> clips;
            try {
                AudioReader reader(f, {.targetRate = o->rate, .timeExpansion = o->timeExpansion});
                const Progress outer = bar.progress();
                const Progress inner{[&](double done, std::string_view) {
                    outer((double(i) + done) / double(files.size()), f.filename().string());
                }, outer.cancelled};
                clips = segment(reader, spec, inner);
            } catch (const Cancelled&) {
                throw;
            } catch (const std::exception& e) {
                bar.finish();
                std::fprintf(stderr, "error: %s\n", e.what());
                ++failed;
            }
            // Outside the try: a failed write is fatal, not one more unreadable recording.
            for (const Clip& c : clips) {
                char line[128];
                std::snprintf(line, sizeof line, ",%.4f,%.4f,%.1f,%.1f\n", c.start, c.end, c.lowHz, c.highHz);
                emit(csvField(spreadsheetText(f.string())) + line);
                ++total;
            }
        }
        bar.finish();
        if (csvFile) csvFile->commit();
        else if (!(std::cout << std::flush)) throw Error("cannot write the clips to standard output");
        std::fprintf(stderr, "%zu clips from %zu files (%d unreadable)\n", total, files.size() - failed, failed);
        return failed ? 1 : 0;
    }};
}

} // namespace crowlingo::cli
