#include "core/archive/ArchiveSchema.h"

#include "core/archive/Archive.h"
#include "core/common/Error.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <string>
#include <vector>

namespace crowlingo {

namespace {

// migrations[i] brings schema version i to i + 1. Append, never edit a released step.
const std::vector<const char*> kMigrations = {
    // 0 -> 1: the base schema
    R"sql(
    CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE recordings(
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,           -- relative to the archive's root folder
        size INTEGER NOT NULL DEFAULT 0,
        mtime INTEGER NOT NULL DEFAULT 0,
        duration REAL NOT NULL DEFAULT 0,
        sample_rate INTEGER NOT NULL DEFAULT 0,
        channels INTEGER NOT NULL DEFAULT 0,
        status TEXT NOT NULL,
        error TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL);
    CREATE TABLE clips(
        id INTEGER PRIMARY KEY,
        recording_id INTEGER NOT NULL REFERENCES recordings(id) ON DELETE CASCADE,
        start_s REAL NOT NULL,
        end_s REAL NOT NULL,
        low_hz REAL NOT NULL DEFAULT 0,
        high_hz REAL NOT NULL DEFAULT 0,
        segmenter TEXT NOT NULL);
    CREATE INDEX clips_by_recording ON clips(recording_id);
    CREATE TABLE embeddings(
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,              -- SHA-256 of the model's weights
        vector BLOB NOT NULL,                -- float32, little endian
        PRIMARY KEY(clip_id, model_id));
    CREATE TABLE labels(
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        source TEXT NOT NULL,
        label TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        PRIMARY KEY(clip_id, source));
    CREATE TABLE computations(
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,                  -- embed, projection, clustering, training, import
        model_id TEXT NOT NULL DEFAULT '',
        params TEXT NOT NULL,                -- JSON
        software_version TEXT NOT NULL,
        created_at TEXT NOT NULL);
    )sql",
    // 1 -> 2: maps and clusterings, each tied to the computation (parameters, model) that made it
    R"sql(
    CREATE TABLE projections(
        computation_id INTEGER NOT NULL REFERENCES computations(id) ON DELETE CASCADE,
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        x REAL NOT NULL,
        y REAL NOT NULL,
        PRIMARY KEY(computation_id, clip_id));
    CREATE TABLE clusterings(
        computation_id INTEGER NOT NULL REFERENCES computations(id) ON DELETE CASCADE,
        clip_id INTEGER NOT NULL REFERENCES clips(id) ON DELETE CASCADE,
        cluster INTEGER NOT NULL,            -- -1 = noise
        probability REAL NOT NULL DEFAULT 1,
        outlier_score REAL NOT NULL DEFAULT 0,
        PRIMARY KEY(computation_id, clip_id));
    )sql",
    // 2 -> 3: classifiers trained from labels, each with the computation that made it
    R"sql(
    CREATE TABLE classifiers(
        name TEXT PRIMARY KEY,
        computation_id INTEGER NOT NULL REFERENCES computations(id) ON DELETE CASCADE,
        model_id TEXT NOT NULL,
        classes TEXT NOT NULL,               -- JSON array of class names
        dimension INTEGER NOT NULL,
        weights BLOB NOT NULL,               -- float32 LE: classes x dimension, then one bias per class
        report TEXT NOT NULL,                -- JSON: labels used, fit, cross-validated figures
        created_at TEXT NOT NULL);
    )sql",
    // 3 -> 4: the retrieval space each model's vectors are compared in (core/analysis/
    // RetrievalSpace.h), kept so that clips added later are moved into the same space; and inverted
    // lists over the vectors of a large archive, for fast neighbour search (core/analysis/
    // InvertedLists.h). Both optional: a reader of schema 3 simply has none.
    R"sql(
    CREATE TABLE retrieval_spaces(
        model_id TEXT PRIMARY KEY,           -- the model whose vectors it moves
        input_dimension INTEGER NOT NULL,
        output_dimension INTEGER NOT NULL,
        mean BLOB NOT NULL,                  -- float32 LE, input_dimension
        projection BLOB NOT NULL,            -- float32 LE, input x output, row-major
        fitted_on INTEGER NOT NULL,          -- the model's vectors when it was fitted
        created_at TEXT NOT NULL);
    CREATE TABLE neighbour_lists(
        model_id TEXT PRIMARY KEY,           -- the vectors' model id in embeddings
        dimension INTEGER NOT NULL,
        centroids BLOB NOT NULL,             -- float32 LE, lists x dimension
        clip_ids BLOB NOT NULL,              -- int64 LE, ascending
        lists BLOB NOT NULL,                 -- int32 LE, the list of each of clip_ids
        created_at TEXT NOT NULL);
    )sql",
    // 5: each neighbour list's clips with their vectors in one row, so that a search reads the
    // lists it probes in a few blobs instead of a page per candidate clip. A deleted clip empties
    // the table (the trigger), so a reader never finds one there; the next store fills it again.
    // The lists' last clip goes before their blobs: SQLite reads a row's columns in order, so a
    // column after the blobs (ALTER TABLE ADD COLUMN) would cost reading 12 MB at 10^6 clips.
    R"sql(
    CREATE TABLE neighbour_lists_5(
        model_id TEXT PRIMARY KEY,
        dimension INTEGER NOT NULL,
        last_clip_id INTEGER,                -- the largest of clip_ids (NULL: stored before schema 5)
        centroids BLOB NOT NULL,
        clip_ids BLOB NOT NULL,
        lists BLOB NOT NULL,
        created_at TEXT NOT NULL);
    INSERT INTO neighbour_lists_5(model_id, dimension, last_clip_id, centroids, clip_ids, lists, created_at)
        SELECT model_id, dimension, NULL, centroids, clip_ids, lists, created_at FROM neighbour_lists;
    DROP TABLE neighbour_lists;
    ALTER TABLE neighbour_lists_5 RENAME TO neighbour_lists;
    CREATE TABLE neighbour_list_members(
        model_id TEXT NOT NULL,              -- as neighbour_lists.model_id
        list INTEGER NOT NULL,
        clip_ids BLOB NOT NULL,              -- int64 LE, ascending
        vectors BLOB NOT NULL,               -- float32 LE, clip_ids x dimension, from embeddings
        PRIMARY KEY(model_id, list));
    CREATE TRIGGER clip_leaves_neighbour_lists AFTER DELETE ON clips
    BEGIN
        DELETE FROM neighbour_list_members;
    END;
    )sql",
    // 5 -> 6: label edits of many clips as a journal, a few rows per edit, folded into labels
    // later (core/archive/LabelJournal.h). Every reader applies it; a reader of schema 5 has none.
    R"sql(
    CREATE TABLE label_journal(
        id INTEGER PRIMARY KEY,              -- records apply, and fold, in this order
        source TEXT NOT NULL,
        label TEXT NOT NULL,                 -- '' removes the clips' label from source
        updated_at TEXT NOT NULL,
        clip_ids BLOB NOT NULL);             -- int64 LE, at most 4,096
    )sql",
};

// Read-only connections cannot migrate. They accept schemas from this one on: what came after it
// only adds what readers do without (retrieval_spaces, neighbour_lists, neighbour_list_members,
// label_journal).
constexpr int kOldestReadableSchema = 3;

} // namespace

void createSchema(SQLite::Database& db)
{
    for (const char* step : kMigrations) db.exec(step);
    db.exec("PRAGMA user_version = " + std::to_string(kMigrations.size()));
}

void requireCurrentSchema(SQLite::Database& db, const std::filesystem::path& file)
{
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > int(kMigrations.size()))
        throw ArchiveError(fileError("open archive", file,
            "made by a newer CrowLingo (schema " + std::to_string(version) + ", this version reads up to " +
            std::to_string(kMigrations.size()) + ")"));
    if (version < kOldestReadableSchema)
        throw ArchiveError(fileError("open archive", file,
            "made by an older CrowLingo: open it once with write access (e.g. `crowlingo-cli cluster` or the "
            "workbench) to update it"));
}

void migrateSchema(SQLite::Database& db, const std::filesystem::path& file)
{
    static_assert(Archive::kSchemaVersion > 0);
    bool isArchive = false;
    try {
        isArchive = db.tableExists("meta") && db.tableExists("recordings");
    } catch (const SQLite::Exception&) {
        throw ArchiveError(fileError("open archive", file, "not a CrowLingo archive (not an SQLite database)"));
    }
    if (!isArchive) throw ArchiveError(fileError("open archive", file, "not a CrowLingo archive"));
    const int version = db.execAndGet("PRAGMA user_version").getInt();
    if (version > int(kMigrations.size()))
        throw ArchiveError(fileError("open archive", file,
            "made by a newer CrowLingo (schema " + std::to_string(version) + ", this version reads up to " +
            std::to_string(kMigrations.size()) + ")"));
    if (version == int(kMigrations.size())) return;
    SQLite::Transaction tx(db);
    for (std::size_t v = std::size_t(version); v < kMigrations.size(); ++v) db.exec(kMigrations[v]);
    db.exec("PRAGMA user_version = " + std::to_string(kMigrations.size()));
    tx.commit();
}

} // namespace crowlingo
