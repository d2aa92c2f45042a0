#include "core/archive/LabelJournal.h"

#include <SQLiteCpp/SQLiteCpp.h>

#include <algorithm>
#include <cstring>
#include <unordered_map>

namespace crowlingo::labeljournal {

namespace {

// Clip ids as a blob: int64 in the host's byte order, little endian wherever CrowLingo builds.
std::vector<ClipId> idsOf(const SQLite::Column& c)
{
    std::vector<ClipId> ids(std::size_t(c.getBytes()) / sizeof(ClipId));
    if (!ids.empty()) std::memcpy(ids.data(), c.getBlob(), ids.size() * sizeof(ClipId));
    return ids;
}

bool anyPending(SQLite::Database& db)
{
    return present(db) && db.execAndGet("SELECT EXISTS(SELECT 1 FROM label_journal)").getInt() != 0;
}

} // namespace

bool present(SQLite::Database& db) { return db.tableExists("label_journal"); }

std::int64_t pendingClips(SQLite::Database& db)
{
    if (!present(db)) return 0;
    return db.execAndGet("SELECT coalesce(sum(length(clip_ids)), 0) FROM label_journal").getInt64()
           / std::int64_t(sizeof(ClipId));
}

void append(SQLite::Database& db, const std::vector<ClipId>& ids, const std::vector<std::string>& labels,
            const std::string& source, const std::string& updatedAt)
{
    // One record per label: the last label of each id, the ids of a label in the order given.
    std::unordered_map<ClipId, std::size_t> last;
    last.reserve(ids.size());
    for (std::size_t i = 0; i < ids.size(); ++i) last[ids[i]] = i;
    std::vector<std::string> order;                       // labels by first appearance
    std::unordered_map<std::string, std::vector<ClipId>> byLabel;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        if (last[ids[i]] != i) continue;
        auto [it, added] = byLabel.try_emplace(labels[i]);
        if (added) order.push_back(labels[i]);
        it->second.push_back(ids[i]);
    }
    SQLite::Statement insert(db, "INSERT INTO label_journal(source, label, updated_at, clip_ids) VALUES(?, ?, ?, ?)");
    insert.bind(1, source);
    insert.bind(3, updatedAt);
    for (const std::string& label : order) {
        const std::vector<ClipId>& clips = byLabel[label];
        insert.bind(2, label);
        for (std::size_t from = 0; from < clips.size(); from += kClipsPerRecord) {
            const std::size_t n = std::min(kClipsPerRecord, clips.size() - from);
            insert.bind(4, clips.data() + from, int(n * sizeof(ClipId)));
            insert.exec();
            insert.reset();
        }
    }
}

std::int64_t fold(SQLite::Database& db, std::int64_t maxClips)
{
    if (!anyPending(db)) return 0;
    SQLite::Statement oldest(db, "SELECT id, source, label, updated_at, clip_ids FROM label_journal ORDER BY id");
    // A clip deleted since the edit is skipped (its id may even be taken by a new clip later).
    SQLite::Statement upsert(db,
        "INSERT INTO labels(clip_id, source, label, updated_at) SELECT ?1, ?2, ?3, ?4 "
        "WHERE EXISTS(SELECT 1 FROM clips WHERE id = ?1) "
        "ON CONFLICT(clip_id, source) DO UPDATE SET label = excluded.label, updated_at = excluded.updated_at");
    SQLite::Statement remove(db, "DELETE FROM labels WHERE clip_id = ? AND source = ?");
    std::vector<std::int64_t> done;
    std::int64_t folded = 0;
    while (folded < maxClips && oldest.executeStep()) {
        const std::string source = oldest.getColumn(1).getString();
        const std::string label = oldest.getColumn(2).getString();
        const std::vector<ClipId> ids = idsOf(oldest.getColumn(4));
        if (label.empty()) {
            remove.bind(2, source);
        } else {
            upsert.bind(2, source);
            upsert.bind(3, label);
            upsert.bind(4, oldest.getColumn(3).getString());
        }
        SQLite::Statement& q = label.empty() ? remove : upsert;
        for (ClipId id : ids) {
            q.bind(1, id);
            q.exec();
            q.reset();
        }
        done.push_back(oldest.getColumn(0).getInt64());
        folded += std::int64_t(ids.size());
    }
    oldest.reset();
    SQLite::Statement drop(db, "DELETE FROM label_journal WHERE id = ?");
    for (std::int64_t id : done) {
        drop.bind(1, id);
        drop.exec();
        drop.reset();
    }
    return folded;
}

void applyJournal(SQLite::Database& db, std::vector<LabelRow>& rows, const std::string* source)
{
    if (!anyPending(db)) return;
    struct Record {
        std::string source, label;
    };
    struct Entry {
        ClipId clip;
        std::uint32_t record; // records are read in journal order: a later one wins
    };
    std::vector<Record> records;
    std::vector<Entry> entries;
    SQLite::Statement q(db, source ? "SELECT source, label, clip_ids FROM label_journal WHERE source = ? ORDER BY id"
                                   : "SELECT source, label, clip_ids FROM label_journal ORDER BY id");
    if (source) q.bind(1, *source);
    while (q.executeStep()) {
        const auto r = std::uint32_t(records.size());
        records.push_back({q.getColumn(0).getString(), q.getColumn(1).getString()});
        for (ClipId id : idsOf(q.getColumn(2))) entries.push_back({id, r});
    }
    if (entries.empty()) return;
    auto keyLess = [&](const Entry& a, const Entry& b) {
        if (a.clip != b.clip) return a.clip < b.clip;
        return records[a.record].source < records[b.record].source;
    };
    std::stable_sort(entries.begin(), entries.end(), keyLess);

    // Merge: both in (clip, source) order; for a key in both, the journal's last record wins, and
    // an empty label there removes the row.
    std::vector<LabelRow> merged;
    merged.reserve(rows.size() + entries.size());
    std::size_t r = 0;
    for (std::size_t e = 0; e < entries.size();) {
        std::size_t lastOfKey = e;
        while (lastOfKey + 1 < entries.size() && !keyLess(entries[lastOfKey], entries[lastOfKey + 1])) ++lastOfKey;
        const Entry& winner = entries[lastOfKey];
        const Record& rec = records[winner.record];
        while (r < rows.size() && (rows[r].clipId < winner.clip ||
                                   (rows[r].clipId == winner.clip && rows[r].source < rec.source)))
            merged.push_back(std::move(rows[r++]));
        if (r < rows.size() && rows[r].clipId == winner.clip && rows[r].source == rec.source) ++r; // replaced
        if (!rec.label.empty()) merged.push_back({winner.clip, rec.label, rec.source});
        e = lastOfKey + 1;
    }
    while (r < rows.size()) merged.push_back(std::move(rows[r++]));
    rows = std::move(merged);
}

} // namespace crowlingo::labeljournal
