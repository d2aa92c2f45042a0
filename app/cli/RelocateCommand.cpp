// crowlingo-cli relocate ARCHIVE FOLDER: points an archive that was moved or copied at the folder
// that now holds its recordings.
#include "app/cli/Commands.h"
#include "core/archive/Archive.h"
#include "core/archive/ArchiveRelocation.h"

#include <cstdio>

namespace crowlingo::cli {

Command addRelocateCommand(CLI::App& app)
{
    struct Options { std::string archive, folder; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("relocate", "Point an archive that was moved or copied at the folder that now holds "
                                               "its recordings");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("folder", o->folder, "The recordings folder (the one the archive was made from)")->required();
    return {sub, [o] {
        Archive archive = Archive::open(o->archive);
        const RecordingsCheck c = relocateRecordings(archive, o->folder);
        std::printf("%s now reads its recordings from %s: %zu of %zu found\n", o->archive.c_str(),
                    archive.root().string().c_str(), c.found, c.checked);
        if (c.found < c.checked) std::printf("missing, for example: %s\n", c.firstMissing.c_str());
        return 0;
    }};
}

} // namespace crowlingo::cli
