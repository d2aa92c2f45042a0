// crowlingo-cli export ARCHIVE --embeddings OUT.npy --clips OUT.csv
#include "app/cli/Commands.h"
#include "core/archive/Archive.h"
#include "core/archive/EmbeddingExport.h"
#include "core/common/Error.h"

#include <cstdio>

namespace crowlingo::cli {

Command addExportCommand(CLI::App& app)
{
    struct Options { std::string archive, npy, clips; };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("export", "Export embeddings (.npy) and the matching clip table (.csv)");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    sub->add_option("--embeddings", o->npy, "Write a float32 N x D .npy file (numpy.load reads it)");
    sub->add_option("--clips", o->clips, "Write the clip table, rows in the .npy's order");
    return {sub, [o] {
        if (o->npy.empty() && o->clips.empty()) throw UsageError("nothing to export: give --embeddings and/or --clips");
        const Archive archive = Archive::open(o->archive);
        const std::string modelId = archive.activeModel();
        if (modelId.empty()) throw UsageError(fileError("export", o->archive, "the archive has no embeddings yet"));
        const EmbeddingMatrix m = archive.embeddings(modelId);
        if (!o->npy.empty()) {
            writeNpy(o->npy, m.values, m.rows(), m.dimension);
            std::printf("wrote %s (%zu x %d, model %.12s…)\n", o->npy.c_str(), m.rows(), m.dimension, modelId.c_str());
        }
        if (!o->clips.empty()) {
            writeClipTable(o->clips, archive, m.clipIds);
            std::printf("wrote %s (%zu clips)\n", o->clips.c_str(), m.rows());
        }
        return 0;
    }};
}

} // namespace crowlingo::cli
