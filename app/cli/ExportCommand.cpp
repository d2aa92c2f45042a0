// crowlingo-cli export ARCHIVE --embeddings OUT.npy --clips OUT.csv [--force]
#include "app/cli/Commands.h"
#include "core/archive/Archive.h"
#include "core/archive/ClusterExport.h"
#include "core/archive/EmbeddingExport.h"
#include "core/common/Error.h"
#include "core/common/OutputRules.h"

#include <cstdio>

namespace crowlingo::cli {

Command addExportCommand(CLI::App& app)
{
    struct Options { std::string archive, npy, clips, csv, raven, audacity; bool force = false; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("export", "Export embeddings (.npy) and the matching clip table (.csv)");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--embeddings", o->npy, "Write a float32 N x D .npy file (numpy.load reads it)");
    sub->add_option("--clips", o->clips, "Write the clip table, rows in the .npy's order");
    sub->add_option("--csv", o->csv, "Write clips with cluster, probability, outlier score, map position and label "
                                      "(+ a .json provenance sidecar)");
    sub->add_option("--raven", o->raven, "Write Raven Pro selection tables, one per recording, into this folder");
    sub->add_option("--audacity", o->audacity, "Write Audacity label files, one per recording, into this folder");
    sub->add_flag("--force", o->force, "Replace output files that exist (never the archive itself)");
    return {sub, [o] {
        if (o->npy.empty() && o->clips.empty() && o->csv.empty() && o->raven.empty() && o->audacity.empty())
            throw UsageError("nothing to export: give --embeddings, --clips, --csv, --raven or --audacity");
        const OutputRules rules{.protect = sqliteFiles(o->archive), .replace = o->force};
        // Every single-file output is checked before the first is written; the folder exports
        // check their files themselves, all before writing any.
        std::vector<std::filesystem::path> files;
        if (!o->csv.empty()) files.insert(files.end(), {o->csv, o->csv + ".json"});
        if (!o->npy.empty()) files.push_back(o->npy);
        if (!o->clips.empty()) files.push_back(o->clips);
        checkOutputPaths(files, rules);

        const Archive archive = Archive::openReadOnly(o->archive); // reads only: works on read-only media
        if (!o->csv.empty()) {
            writeClusterCsv(o->csv, archive, rules);
            std::printf("wrote %s and %s.json\n", o->csv.c_str(), o->csv.c_str());
        }
        if (!o->raven.empty())
            std::printf("wrote %zu Raven tables to %s\n", writeRavenTables(o->raven, archive, rules).size(), o->raven.c_str());
        if (!o->audacity.empty())
            std::printf("wrote %zu Audacity label files to %s\n", writeAudacityLabels(o->audacity, archive, rules).size(),
                        o->audacity.c_str());
        if (o->npy.empty() && o->clips.empty()) return 0;
        const std::string modelId = archive.activeModel();
        if (modelId.empty()) throw UsageError(fileError("export", o->archive, "the archive has no embeddings yet"));
        const EmbeddingMatrix m = archive.embeddings(modelId);
        if (!o->npy.empty()) {
            writeNpy(o->npy, m.values, m.rows(), m.dimension, rules);
            std::printf("wrote %s (%zu x %d, model %.12s…)\n", o->npy.c_str(), m.rows(), m.dimension, modelId.c_str());
        }
        if (!o->clips.empty()) {
            writeClipTable(o->clips, archive, m.clipIds, rules);
            std::printf("wrote %s (%zu clips)\n", o->clips.c_str(), m.rows());
        }
        return 0;
    }};
}

} // namespace crowlingo::cli
