#pragma once
// The label journal: how an edit of many clips is in the archive in milliseconds.
//
// A label is one row of `labels` per clip and source, and SQLite spends about 2 µs a row in its
// B-trees: labelling 100k clips took 200 ms before anything was shown. A journalled edit is
// instead written as a few rows of `label_journal` (the label and up to kClipsPerRecord clip ids
// in a blob per row), committed at once and as durable as a row per clip. Every reader sees the
// labels with the journal applied in order (applyJournal), so no one can tell a journalled label
// from a folded one; the journal is later folded into `labels` a record at a time, each fold one
// transaction (atomic, and resumed where it stopped after a crash).
//
// Internal to core/archive: Archive's label methods are the interface (Archive.h).
#include "core/archive/Archive.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace SQLite {
class Database;
}

namespace crowlingo::labeljournal {

constexpr std::size_t kClipsPerRecord = 4096;

// Whether the archive has the journal table (schema 6 on; a read-only older archive has none).
bool present(SQLite::Database& db);

// Clips in the journal not yet folded into `labels` (0 without the table).
std::int64_t pendingClips(SQLite::Database& db);

// Appends labels[i] for ids[i] from `source` ("" removes); inside the caller's transaction. When
// an id repeats, its last label counts, as it would written row by row.
void append(SQLite::Database& db, const std::vector<ClipId>& ids, const std::vector<std::string>& labels,
            const std::string& source, const std::string& updatedAt);

// Folds the oldest records into `labels` until at least maxClips clips are folded or the journal
// is empty; inside the caller's transaction. Clips deleted since the edit are skipped. Returns the
// clips folded.
std::int64_t fold(SQLite::Database& db, std::int64_t maxClips);

// rows: `labels` as read, ordered by (clip, source), of one source when `source` is given. Applies
// the journal's records in order on top of them, keeping that order.
void applyJournal(SQLite::Database& db, std::vector<LabelRow>& rows, const std::string* source);

} // namespace crowlingo::labeljournal
