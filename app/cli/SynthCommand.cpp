// crowlingo-cli synth OUTDIR [--minutes M --files N --seed S --style demo|field|song]: the synthetic
// demo corpus, or a field-like training corpus.
#include "app/cli/CliSupport.h"
#include "app/cli/Commands.h"
#include "app/cli/OptionChecks.h"
#include "core/synth/DemoCorpus.h"

#include <cstdio>
#include <map>

namespace crowlingo::cli {

Command addSynthCommand(CLI::App& app)
{
    static const std::map<std::string, CorpusStyle> styles{
        {"demo", CorpusStyle::Demo}, {"field", CorpusStyle::Field}, {"song", CorpusStyle::Song}};
    struct Options { std::string out; double minutes = 2; int files = 8; std::uint64_t seed = 1; int rate = 22050; std::string style = "demo"; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("synth", "Generate the synthetic demo corpus (field recordings with calls at known "
                                            "times, and ground_truth.csv)");
    sub->add_option("outdir", o->out, "Folder to write into")->required();
    sub->add_option("--minutes", o->minutes, "Minutes per recording")->capture_default_str()->check(finiteBetween(0.05, 600.0));
    sub->add_option("--files", o->files, "Number of recordings")->capture_default_str()->check(CLI::Range(1, 10000));
    sub->add_option("--seed", o->seed, "Random seed (same seed, same corpus)")->capture_default_str();
    sub->add_option("--rate", o->rate, "Sample rate (Hz)")->capture_default_str()->check(CLI::Range(16000, 192000));
    sub->add_option("--style", o->style, "demo: the six call types with clean gaps; field: a training corpus with "
                                         "random vocalisations, speed changes, reverberation and overlaps; song: field, "
                                         "with most vocalisations repeated 2-8 times at a steady rhythm")
        ->capture_default_str()->check(CLI::IsMember(styles));
    return {sub, [o] {
        CorpusParams p;
        p.style = styles.at(o->style);
        p.files = o->files;
        p.secondsPerFile = o->minutes * 60;
        p.seed = o->seed;
        p.sampleRate = o->rate;
        TerminalProgress bar("synth");
        const std::vector<GroundTruthCall> calls = writeDemoCorpus(o->out, p, bar.progress());
        bar.finish();
        std::map<std::string, int> perType;
        for (const GroundTruthCall& c : calls) ++perType[c.callType];
        std::printf("wrote %d recordings of %.1f min and %zu ground-truth calls to %s\n", p.files, o->minutes,
                    calls.size(), o->out.c_str());
        for (const auto& [type, n] : perType) std::printf("  %-12s %d\n", type.c_str(), n);
        return 0;
    }};
}

} // namespace crowlingo::cli
