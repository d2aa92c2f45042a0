// crowlingo-cli add-clip ARCHIVE RECORDING --start S --end E [--low-hz F --high-hz F] [--label L]:
// a clip drawn by hand (the Recording view's "Add as Clip"), embedded at once with the archive's model.
// crowlingo-cli redraw-clip ARCHIVE ID [--start S] [--end E] [--low-hz F --high-hz F | --whole-band]:
// the same clip drawn again (the Recording view's dragged edges), its labels kept.
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
#include <optional>

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

// The model of the archive's vectors: given, else the one the archive remembers, else the bundled one.
Model archiveModel(const Archive& archive, const std::string& given)
{
    const std::string dir = !given.empty() ? given
        : ArchiveSettings::rememberedModelDir(archive, archive.activeModel()).value_or(defaultModelDir()).string();
    return loadModelOption(dir);
}

void printBox(const Clip& c)
{
    std::printf("%.3f-%.3f s", c.start, c.end);
    if (c.highHz > 0) std::printf(", %.0f-%.0f Hz", c.lowHz, c.highHz);
}

} // namespace

Command addAddClipCommand(CLI::App& app)
{
    struct Options {
        std::string archive, recording, model;
        ClipByHand clip;
        bool fit = false;
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
    sub->add_flag("--fit-to-call", o->fit, "Move its start and end in to where the call's energy lies in its band, "
                                           "padded as the archive's event segmentation pads events (as a selection is "
                                           "tightened by hand)");
    sub->add_option("--model", o->model, "The model of the archive's vectors; default: the one the archive remembers, "
                                         "else the bundled model");
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        ClipByHand clip = o->clip;
        clip.recording = storedRecordingPath(archive, o->recording);
        if (o->fit) {
            const CallFit fit = fitClipToCall(archive, clip.recording, {clip.start, clip.end, clip.lowHz, clip.highHz});
            if (fit.found) {
                std::printf("fitted to its call (%.1f dB above the floor): %.4f-%.4f s, drawn %.4f-%.4f s\n", fit.riseDb,
                            fit.box.start, fit.box.end, clip.start, clip.end);
                clip.start = fit.box.start;
                clip.end = fit.box.end;
            } else
                std::printf("not fitted (%s): added as drawn\n", fit.why.c_str());
        }
        const ClipId id = addClipByHand(archive, archiveModel(archive, o->model), clip);
        std::printf("clip %lld added to %s: ", (long long)id, clip.recording.c_str());
        printBox({clip.start, clip.end, clip.lowHz, clip.highHz});
        if (!clip.label.empty()) std::printf(", labelled \"%s\"", clip.label.c_str());
        std::printf("\n`crowlingo-cli neighbours %s %lld` lists the clips like it; it has a map position of its own once "
                    "the map is computed again (`crowlingo-cli project`; the workbench shows it among its neighbours "
                    "meanwhile)\n", o->archive.c_str(), (long long)id);
        return 0;
    }};
}

Command addRedrawClipCommand(CLI::App& app)
{
    struct Options {
        std::string archive, model;
        ClipId id = 0;
        std::optional<double> start, end, lowHz, highHz;
        bool wholeBand = false, fit = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand(kRedrawClipText.name, kRedrawClipText.description);
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("id", o->id, "The clip (drawn by hand), by id")->required();
    sub->add_option("--start", o->start, "New start (s); default: as it is")->check(finiteAtLeast(0));
    sub->add_option("--end", o->end, "New end (s); default: as it is")->check(finiteAtLeast(0));
    auto* low = sub->add_option("--low-hz", o->lowHz, "New low edge of its band (Hz)")->check(finiteAtLeast(0));
    auto* high = sub->add_option("--high-hz", o->highHz, "New high edge of its band (Hz)")->check(finiteAtLeast(0));
    auto* whole = sub->add_flag("--whole-band", o->wholeBand, "Give it the whole band (no low or high edge)");
    low->needs(high);
    high->needs(low);
    whole->excludes(low)->excludes(high);
    sub->add_flag("--fit-to-call", o->fit, "Then move its start and end in to the call inside, as add-clip --fit-to-call does");
    sub->add_option("--model", o->model, "The model of the archive's vectors; default: the one the archive remembers, "
                                         "else the bundled model");
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        const std::optional<ClipRow> old = archive.clip(o->id);
        if (!old) throw UsageError(fileError("redraw a clip of", archive.file(), "it holds no clip " + std::to_string(o->id)));
        Clip box{o->start.value_or(old->start), o->end.value_or(old->end), o->lowHz.value_or(old->lowHz),
                 o->highHz.value_or(old->highHz), true};
        if (o->wholeBand) box.lowHz = box.highHz = 0;
        if (o->fit) {
            const CallFit fit = fitClipToCall(archive, old->path, box);
            if (fit.found) {
                std::printf("fitted to its call (%.1f dB above the floor): %.4f-%.4f s\n", fit.riseDb, fit.box.start, fit.box.end);
                box.start = fit.box.start;
                box.end = fit.box.end;
            } else
                std::printf("not fitted (%s)\n", fit.why.c_str());
        }
        const ClipId id = redrawClipByHand(archive, archiveModel(archive, o->model), o->id, box);
        if (id == o->id) {
            std::printf("clip %lld of %s is already drawn so: nothing changed\n", (long long)id, old->path.c_str());
            return 0;
        }
        std::printf("clip %lld of %s redrawn as clip %lld: ", (long long)o->id, old->path.c_str(), (long long)id);
        printBox(box);
        std::printf(" (was ");
        printBox({old->start, old->end, old->lowHz, old->highHz});
        std::printf("); its labels kept\n");
        return 0;
    }};
}

} // namespace crowlingo::cli
