// crowlingo-cli recordings ARCHIVE: every recording of an archive with its clips and notes, so that
// the files which gave no clip, or could not be read, can be found again after embedding.
#include "app/cli/Commands.h"
#include "core/archive/Archive.h"
#include "core/archive/ArchiveRelocation.h"
#include "core/archive/RecordingOverview.h"

#include <cstdio>

namespace crowlingo::cli {

Command addRecordingsCommand(CLI::App& app)
{
    struct Options { std::string archive, show = "all"; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("recordings", "List an archive's recordings with their clips and notes: which "
                                                 "gave no clip, which could not be read");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--show", o->show, "all, without-clips (not on the map) or problems (not read, or read with a note)")
        ->check(CLI::IsMember({"all", "without-clips", "problems"}))
        ->capture_default_str();
    return {sub, [o] {
        const Archive archive = Archive::openReadOnly(o->archive);
        const RecordingFilter filter = *parseRecordingFilter(o->show);
        const std::vector<RecordingOverview> all = overviewRecordings(archive.recordings(), archive.clips());
        std::printf("path\tduration_s\tsample_rate\tclips\tnote\n");
        for (const RecordingOverview& r : all) {
            if (!r.shownBy(filter)) continue;
            std::printf("%s\t%.3f\t%d\t%lld\t%s\n", r.recording.path.c_str(), r.recording.duration,
                        r.recording.sampleRate, (long long)r.clips, r.note().c_str());
        }
        const RecordingTally t = tallyRecordings(all);
        std::fprintf(stderr, "%zu recordings: %zu gave no clip, %zu not read or with a note\n", t.recordings,
                     t.withoutClips, t.withProblems);
        // A sample is enough to tell a moved archive (none found) from a few deleted files, as the
        // workbench tells it when the archive opens.
        const RecordingsCheck c = checkRecordings(archive.recordings(), archive.root(), 20);
        if (c.checked > 0 && c.found == 0)
            std::fprintf(stderr,
                         "note: the recordings are not under %s (no \"%s\" there): was the archive moved or copied "
                         "without them? `crowlingo-cli relocate %s FOLDER` points it at the folder that holds them\n",
                         archive.root().string().c_str(), c.firstMissing.c_str(), o->archive.c_str());
        return 0;
    }};
}

} // namespace crowlingo::cli
