// crowlingo-cli remove-clip ARCHIVE CLIP_ID...: removes clips drawn by hand (add-clip, the
// Recording view's "Add as Clip"), with their vectors and labels.
#include "app/cli/Commands.h"
#include "core/archive/Archive.h"
#include "core/archive/ClipByHandRemoval.h"
#include "core/common/Error.h"

#include <cstdio>

namespace crowlingo::cli {

Command addRemoveClipCommand(CLI::App& app)
{
    struct Options {
        std::string archive;
        std::vector<long long> clipIds;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("remove-clip", "Remove clips drawn by hand, with their vectors and labels (clips the "
                                                  "segmentation made come back when recordings are cut again: label them)");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("clip", o->clipIds, "Clip id (as `neighbours` or `export` list them)")->required();
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        // All or none: a clip that cannot go stops the command before any is removed.
        for (long long id : o->clipIds) {
            const std::optional<ClipRow> c = archive.clip(id);
            if (!c) throw UsageError(fileError("remove a clip from", archive.file(), "it holds no clip " + std::to_string(id)));
            if (!c->byHand) removeClipByHand(archive, id); // refuses, saying why
        }
        for (long long id : o->clipIds) {
            removeClipByHand(archive, id);
            std::printf("clip %lld removed\n", id);
        }
        return 0;
    }};
}

} // namespace crowlingo::cli
