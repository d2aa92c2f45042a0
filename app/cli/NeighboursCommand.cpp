// crowlingo-cli neighbours ARCHIVE (CLIP_ID... | --file F [--start S --end E]) [-k 10] [--exact]
// Several clip ids search by example: the clips nearest to the examples' mean direction. An archive
// that stores neighbour lists (200,000 clips or more) is searched through them, as the workbench
// does; --exact compares with every clip instead.
#include "app/cli/Commands.h"
#include "app/cli/ModelCommands.h"
#include "app/cli/ModelOption.h"
#include "app/cli/OptionChecks.h"
#include "core/analysis/LabelSuggestions.h"
#include "core/analysis/NeighbourIndex.h"
#include "core/archive/Archive.h"
#include "core/archive/ListedNeighbours.h"
#include "core/archive/RetrievalEmbeddings.h"
#include "core/common/Error.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <optional>

namespace crowlingo::cli {

Command addNeighboursCommand(CLI::App& app)
{
    struct Options {
        std::string archive, file, model;
        std::vector<long long> clipIds;
        double start = 0, end = -1;
        int k = 10;
        bool exact = false;
    };
    auto o = std::make_shared<Options>();
    auto* sub = app.add_subcommand("neighbours", "List the clips most similar to a clip of the archive or to a "
                                                 "stretch of any audio file");
    sub->add_option("archive", o->archive, "Archive file")->required()->check(CLI::ExistingFile);
    auto* idOpt = sub->add_option("clip", o->clipIds, "Clip id in the archive; several: clips like all of them (search by example)");
    auto* fileOpt = sub->add_option("--file", o->file, "Query audio file (embedded on the fly)")->check(CLI::ExistingFile);
    sub->add_option("--start", o->start, "Query start (s)")->needs(fileOpt)->check(finiteAtLeast(0));
    sub->add_option("--end", o->end, "Query end (s); default: end of file")->needs(fileOpt)->check(finiteAtLeast(0));
    sub->add_option("-k", o->k, "Number of neighbours")->capture_default_str()->check(CLI::Range(1, 10000));
    sub->add_flag("--exact", o->exact, "Compare with every clip, even where the archive stores neighbour lists "
                                       "(about 95 ms per query at 10^6 clips against 6; the lists find about 95 % of the exact 10 "
                                       "nearest where clips form groups, fewer where they do not)");
    addModelOption(sub, o->model);
    idOpt->excludes(fileOpt);
    return {sub, [o] {
        if (o->clipIds.empty() && o->file.empty()) throw UsageError("give a clip id or --file");
        const Archive archive = Archive::openReadOnly(o->archive); // reads only: works on read-only media
        const std::string modelId = archive.activeModel();
        if (modelId.empty()) throw UsageError(fileError("search", o->archive, "the archive has no embeddings yet"));
        // First, so that crowlingo-cli hands a file query to crowlingo-cli-model before reading any vector.
        const std::vector<float> fileQuery =
            o->file.empty() ? std::vector<float>{} : embedAudioQuery(archive, modelId, o->model, o->file, o->start, o->end);
        for (long long id : o->clipIds) {
            const std::optional<std::vector<float>> v = archive.embedding(id, modelId);
            if (!v) throw UsageError(fileError("search", o->archive, "no clip " + std::to_string(id)));
            if (!std::all_of(v->begin(), v->end(), [](float x) { return std::isfinite(x); }))
                throw Error(fileError("search", o->archive, "the vector of clip " + std::to_string(id)
                                                              + " holds NaN or infinite values (damaged model weights?): re-embed it"));
        }
        // Compared as the workbench compares them: in the archive's retrieval space, the query too.
        const auto print = [&](const std::vector<ClipNeighbour>& hits) {
            std::printf("rank\tclip_id\tsimilarity\tpath\tstart_s\tend_s\n");
            int rank = 1;
            for (const ClipNeighbour& h : hits) {
                const std::optional<ClipRow> c = archive.clip(h.clip);
                if (!c) continue;
                std::printf("%d\t%lld\t%.4f\t%s\t%.3f\t%.3f\n", rank++, (long long)c->id, h.similarity, c->path.c_str(), c->start, c->end);
            }
        };
        // One query and stored lists: read only the vectors of the lists it probes.
        const std::optional<RetrievalSpace> space =
            !o->exact && o->clipIds.size() <= 1 ? storedRetrievalSpace(archive, modelId) : std::nullopt;
        if (space) {
            const std::optional<std::vector<float>> query = o->clipIds.empty()
                ? std::optional<std::vector<float>>(space->apply(fileQuery))
                : storedSpaceVector(archive, modelId, *space, o->clipIds.front());
            const ClipId exclude = o->clipIds.empty() ? -1 : o->clipIds.front();
            if (query)
                if (const auto hits = listedNeighbours(archive, modelId, *query, o->k, exclude)) {
                    print(*hits);
                    return 0;
                }
        }
        SearchableVectors searchable = searchableVectors(archive, modelId);
        const EmbeddingMatrix& m = searchable.vectors;
        const NeighbourIndex index = [&] {
            // Exact at any size without lists: an index built here would take minutes (ArchiveView.cpp).
            NeighbourIndexOptions exact;
            exact.exactUpTo = std::numeric_limits<std::size_t>::max();
            if (o->exact || !searchable.lists || m.rows() == 0) return NeighbourIndex(m.values, m.dimension, exact);
            auto unit = std::make_shared<std::vector<float>>(m.values);
            normaliseRows(*unit, m.dimension);
            return NeighbourIndex::sharedUnitRows(std::move(unit), m.dimension, searchable.lists);
        }();
        std::vector<Neighbour> hits;
        std::vector<float> examples;
        std::vector<bool> isExample(m.rows(), false);
        for (long long id : o->clipIds) {
            const std::size_t r = std::size_t(std::find(m.clipIds.begin(), m.clipIds.end(), id) - m.clipIds.begin());
            const float* v = m.row(r);
            examples.insert(examples.end(), v, v + m.dimension);
            isExample[r] = true;
        }
        if (o->clipIds.size() == 1) {
            const std::int64_t r = std::find(isExample.begin(), isExample.end(), true) - isExample.begin();
            hits = index.search({m.row(std::size_t(r)), std::size_t(m.dimension)}, o->k, r);
        } else if (o->clipIds.size() > 1) {
            for (const SimilarRow& r : rankByExamples(m.values, m.dimension, examples, o->k, isExample))
                hits.push_back({std::int64_t(r.row), r.similarity});
        } else {
            hits = index.search((space ? *space : retrievalSpaceOf(archive, modelId)).apply(fileQuery), o->k);
        }
        std::vector<ClipNeighbour> found;
        for (const Neighbour& h : hits) found.push_back({m.clipIds[std::size_t(h.row)], h.similarity});
        print(found);
        return 0;
    }};
}

} // namespace crowlingo::cli
