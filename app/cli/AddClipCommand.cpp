// crowlingo-cli add-clip ARCHIVE RECORDING --start S --end E [--low-hz F --high-hz F] [--label L]:
// a clip drawn by hand (the Recording view's "Add as Clip"), embedded at once with the archive's model.
#include "app/cli/Commands.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelOption.h"
#include "app/cli/OptionChecks.h"
#include "core/archive/Archive.h"
#include "core/archive/ArchiveSettings.h"
#include "core/common/Error.h"
#include "core/model/DefaultModel.h"
#include "core/pipeline/ClipsByHand.h"

#include <cstdio>

namespace crowlingo::cli {

namespace fs = std::filesystem;

namespace {

// The recording as the archive stores it: given as stored (relative to the archive's folder), or
// as a path to the file from here.
std::string storedRecordingPath(const Archive& archive, const std::string& given)
{
    if (archive.recording(given)) return given;
    std::error_code ec;
    const fs::path file = fs::weakly_canonical(fs::absolute(given), ec);
    if (!ec) {
        const std::string relative = archive.relativePath(file);
        if (archive.recording(relative)) return relative;
    }
    throw UsageError(fileError("add a clip to", archive.file(), "it holds no recording \"" + given + "\" (give the path "
                               "`crowlingo-cli recordings` lists, or the file's own path)"));
}

} // namespace

Command addAddClipCommand(CLI::App& app)
{
    struct Options {
        std::string archive, recording, model;
        ClipByHand clip;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(kAddClipText.name, kAddClipText.description);
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("recording", o->recording, "The recording: its path as `recordings` lists it, or the file's path")
        ->required();
    sub->add_option("--start", o->clip.start, "Start (s, the recording's own timeline)")->required()->check(finiteAtLeast(0));
    sub->add_option("--end", o->clip.end, "End (s)")->required()->check(finiteAtLeast(0));
    auto* low = sub->add_option("--low-hz", o->clip.lowHz, "Low edge of the band drawn (Hz, as recorded); default: the whole band")
                    ->check(finiteAtLeast(0));
    auto* high = sub->add_option("--high-hz", o->clip.highHz, "High edge of the band drawn (Hz)")->check(finiteAtLeast(0));
    low->needs(high);
    high->needs(low);
    sub->add_option("--label", o->clip.label, "Label it at once (as the researcher's own)");
    sub->add_option("--model", o->model, "The model of the archive's vectors; default: the one the archive remembers, "
                                         "else the bundled model");
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        ClipByHand clip = o->clip;
        clip.recording = storedRecordingPath(archive, o->recording);
        const std::string dir = !o->model.empty() ? o->model
            : ArchiveSettings::rememberedModelDir(archive, archive.activeModel()).value_or(defaultModelDir()).string();
        const Model model = loadModelOption(dir);
        const ClipId id = addClipByHand(archive, model, clip);
        std::printf("clip %lld added to %s: %.3f-%.3f s", (long long)id, clip.recording.c_str(), clip.start, clip.end);
        if (clip.highHz > 0) std::printf(", %.0f-%.0f Hz", clip.lowHz, clip.highHz);
        if (!clip.label.empty()) std::printf(", labelled \"%s\"", clip.label.c_str());
        std::printf("\n`crowlingo-cli neighbours %s %lld` lists the clips like it; it has a map position of its own once "
                    "the map is computed again (`crowlingo-cli project`; the workbench shows it among its neighbours "
                    "meanwhile)\n", o->archive.c_str(), (long long)id);
        return 0;
    }};
}

} // namespace crowlingo::cli
