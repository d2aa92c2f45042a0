// One file for the Archive class on purpose (about 1,000 lines): every method is a few SQL statements
// inside the same transaction, lock and damage rules, and splitting them by table would scatter
// those rules. Settings, label rules, merging and export live in their own files.
#include "core/archive/Archive.h"

#include "core/archive/ArchiveSchema.h"
#include "core/archive/LabelJournal.h"
#include "core/common/Error.h"
#include "core/common/UtcTime.h"
#include "core/model/ModelConfig.h"
#include "core/model/ModelId.h"
#include "core/segment/Segmenter.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <nlohmann/json.hpp>
#include <sqlite3.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <limits>
#include <map>
#include <tuple>

#include <fcntl.h>    // AT_FDCWD
#include <signal.h>   // kill(pid, 0): is the process that made a leftover still running?
#include <stdio.h>    // renameat2, RENAME_NOREPLACE (glibc >= 2.28)
#include <sys/stat.h>
#include <unistd.h>

namespace crowlingo {

namespace fs = std::filesystem;

struct Archive::Impl {
    fs::path file;
    std::unique_ptr<SQLite::Database> db;
};

namespace {


// Which model ids the archive's vectors are filed under (see adoptConfigCoveringModelIds).
constexpr const char* kModelIdScheme = "weights+input-config";

// Before SQLite touches a file that is not ours: SQLite would turn an empty file into a database,
// and the WAL pragma below would convert another program's database. So the header is read first.
void refuseUnlessSqlite(const fs::path& file)
{
    std::error_code ec;
    const fs::file_status st = fs::status(file, ec);
    if (ec || !fs::exists(st)) throw ArchiveError(fileError("open archive", file, "no such file"));
    if (!fs::is_regular_file(st)) throw ArchiveError(fileError("open archive", file, "not a regular file"));
    if (fs::file_size(file, ec) == 0) throw ArchiveError(fileError("open archive", file, "not a CrowLingo archive (the file is empty)"));
    std::ifstream in(file, std::ios::binary);
    if (!in) throw ArchiveError(fileError("open archive", file, std::strerror(errno)));
    char header[16] = {};
    in.read(header, sizeof header);
    if (in.gcount() != sizeof header || std::memcmp(header, "SQLite format 3", 16) != 0)
        throw ArchiveError(fileError("open archive", file, "not a CrowLingo archive (not an SQLite database)"));
}

// SQLite opens a write-protected database read-only without a word, and makes its -shm and -wal
// with the database's permissions: a 0444 archive then fails at its first write, and leaves a
// 0444 -shm that blocks writing even after the archive is made writable again. So: a clear error
// for a write-protected archive, and -wal/-shm that an earlier such run left write-protected
// get the archive's permissions back (when this user owns them; SQLite's own files, no one else's).
void refuseUnlessWritable(const fs::path& file)
{
    if (::faccessat(AT_FDCWD, file.c_str(), W_OK, AT_EACCESS) != 0) // (effective ids: what the open will meet)
        throw ArchiveError(fileError("open archive", file, std::string("cannot write to it (") + std::strerror(errno) +
                                     "): make it writable, or use a command that only reads (export, neighbours)"));
    std::error_code ec;
    const fs::perms archivePerms = fs::status(file, ec).permissions();
    for (const char* suffix : {"-shm", "-wal"}) {
        // Another process may remove these at any moment (when it closes the archive): only a
        // file that is there and refuses us with EACCES is mended.
        const fs::path side = file.string() + suffix;
        struct stat st {};
        if (::stat(side.c_str(), &st) != 0 || st.st_uid != ::geteuid()) continue;
        if (::faccessat(AT_FDCWD, side.c_str(), W_OK, AT_EACCESS) == 0 || errno != EACCES) continue;
        fs::permissions(side, archivePerms, ec);
        if (::faccessat(AT_FDCWD, side.c_str(), W_OK, AT_EACCESS) != 0 && errno == EACCES)
            throw ArchiveError(fileError("open archive", file, "its \"" + side.filename().string() +
                                         "\" is write-protected: make it writable (or remove it if no program has the archive open)"));
    }
}

// An Archive is used by one thread at a time (Archive.h), so its connection needs none of the
// mutex SQLite otherwise takes on every call (sqlite3_step, each column read): SQLite's
// "multi-thread" mode. The locks were 6 % of `bench_map100k 1000000` (BENCHMARKS.md).
constexpr int kOneThreadAtATime = SQLITE_OPEN_NOMUTEX;

// How long a statement waits for another process's write to end before it gives up.
constexpr int kBusyTimeoutMs = 10000;

// Opens the database; with `verify`, refuses (before any write) one that lacks the archive's tables.
std::unique_ptr<SQLite::Database> connect(const fs::path& file, int flags, bool verify)
{
    auto db = std::make_unique<SQLite::Database>(file.string(), flags | kOneThreadAtATime, kBusyTimeoutMs);
    if (verify) {
        bool isArchive = false;
        try {
            isArchive = db->tableExists("meta") && db->tableExists("recordings");
        } catch (const SQLite::Exception& e) {
            if (e.getErrorCode() == SQLITE_NOTADB)
                throw ArchiveError(fileError("open archive", file, "not a CrowLingo archive (not an SQLite database)"));
            throw;
        }
        if (!isArchive) throw ArchiveError(fileError("open archive", file, "not a CrowLingo archive"));
    }
    db->exec("PRAGMA journal_mode=WAL");
    db->exec("PRAGMA synchronous=NORMAL"); // WAL + NORMAL: durable at checkpoints, never corrupt
    db->exec("PRAGMA foreign_keys=ON");
    return db;
}

// Numbers as blobs: the host's byte order, little endian on every machine CrowLingo builds for.
template <class T>
std::string blobOf(const std::vector<T>& v)
{
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

template <class T>
std::vector<T> valuesOf(const SQLite::Column& c)
{
    std::vector<T> v(std::size_t(c.getBytes()) / sizeof(T));
    if (!v.empty()) std::memcpy(v.data(), c.getBlob(), v.size() * sizeof(T));
    return v;
}

std::vector<float> floatsOf(const SQLite::Column& c) { return valuesOf<float>(c); }

// Appends one stored vector (a float32 blob) to m; all of a model's vectors have one dimension.
void appendVector(EmbeddingMatrix& m, ClipId id, const SQLite::Column& blob, const fs::path& file,
                  const std::string& modelId)
{
    const int dim = blob.getBytes() / int(sizeof(float));
    if (m.dimension == 0) m.dimension = dim;
    if (dim != m.dimension)
        throw ArchiveError(fileError("read archive", file, "embeddings of model " + modelId + " differ in dimension"));
    m.clipIds.push_back(id);
    const auto* p = static_cast<const float*>(blob.getBlob());
    m.values.insert(m.values.end(), p, p + dim);
}

RecordingRow recordingFrom(SQLite::Statement& q)
{
    RecordingRow r;
    r.id = q.getColumn(0).getInt64();
    r.path = q.getColumn(1).getString();
    r.size = q.getColumn(2).getInt64();
    r.mtime = q.getColumn(3).getInt64();
    r.duration = q.getColumn(4).getDouble();
    r.sampleRate = q.getColumn(5).getInt();
    r.channels = q.getColumn(6).getInt();
    r.status = q.getColumn(7).getString();
    r.error = q.getColumn(8).getString();
    return r;
}

constexpr const char* kRecordingColumns =
    "id, path, size, mtime, duration, sample_rate, channels, status, error";
const std::string kClipSelect =
    std::string("SELECT c.id, c.recording_id, r.path, c.start_s, c.end_s, c.low_hz, c.high_hz, c.segmenter = '")
    + kClipByHandSegmenter + "' FROM clips c JOIN recordings r ON r.id = c.recording_id";

ClipRow clipFrom(SQLite::Statement& q)
{
    ClipRow c;
    c.id = q.getColumn(0).getInt64();
    c.recordingId = q.getColumn(1).getInt64();
    c.path = q.getColumn(2).getString();
    c.start = q.getColumn(3).getDouble();
    c.end = q.getColumn(4).getDouble();
    c.lowHz = q.getColumn(5).getDouble();
    c.highHz = q.getColumn(6).getDouble();
    c.byHand = q.getColumn(7).getInt() != 0;
    return c;
}

// Wraps SQLite exceptions so that every message names the archive file, and says plainly when
// another process holds the archive.
template <class F>
auto guarded(const fs::path& file, const char* what, F&& f) -> decltype(f())
{
    try {
        return f();
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED)
            throw ArchiveError(fileError(what, file, "the archive is in use by another process, which did not let go of it "
                                                     "within 10 s; try again when it has finished"));
        throw ArchiveError(fileError(what, file, e.what()));
    }
}

// A name beside `target` that no other process uses: target.creating-PID-N.
fs::path creationName(const fs::path& target)
{
    static std::atomic<int> counter{0};
    return target.string() + ".creating-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// Removes what a process killed while creating `target` left behind: target.creating-PID-N
// (with -wal/-shm) whose PID no longer runs.
void removeAbandonedCreations(const fs::path& target)
{
    const std::string prefix = target.filename().string() + ".creating-";
    std::error_code ec;
    for (const fs::directory_entry& e : fs::directory_iterator(target.parent_path(), ec)) {
        const std::string name = e.path().filename().string();
        if (name.rfind(prefix, 0) != 0) continue;
        const long pid = std::strtol(name.c_str() + prefix.size(), nullptr, 10);
        if (pid > 0 && (::kill(pid_t(pid), 0) == 0 || errno != ESRCH)) continue; // still running (or not ours to judge)
        fs::remove(e.path(), ec);
    }
}

// Moves `from` to `to` unless `to` exists (then returns false and leaves both alone): two
// processes creating the same archive cannot replace each other's.
bool renameNoReplace(const fs::path& from, const fs::path& to)
{
    if (::renameat2(AT_FDCWD, from.c_str(), AT_FDCWD, to.c_str(), RENAME_NOREPLACE) == 0) return true;
    if (errno == EEXIST) return false;
    if (errno != EINVAL && errno != ENOSYS) throw ArchiveError(fileError("create archive", to, std::strerror(errno)));
    // A file system without RENAME_NOREPLACE: link() fails with EEXIST just the same.
    if (::link(from.c_str(), to.c_str()) != 0) {
        if (errno == EEXIST) return false;
        throw ArchiveError(fileError("create archive", to, std::strerror(errno)));
    }
    ::unlink(from.c_str());
    return true;
}

// Model ids once were the SHA-256 of the weights alone; they now cover the config's input part too
// (Model.h). Vectors filed under an old id whose config the archive kept are refiled under the id
// that model has now, everywhere the id appears; vectors without a kept config stay as they are
// (the model that made them is unknown, so they are not claimed for any). Runs once per archive.
void adoptConfigCoveringModelIds(SQLite::Database& db)
{
    SQLite::Statement marker(db, "SELECT value FROM meta WHERE key = 'model_ids'");
    if (marker.executeStep() && marker.getColumn(0).getString() == kModelIdScheme) return;
    SQLite::Transaction tx(db);
    std::vector<std::pair<std::string, std::string>> configs; // old id, config JSON
    {
        SQLite::Statement q(db, "SELECT substr(key, 14), value FROM meta WHERE key LIKE 'model_config:%'");
        while (q.executeStep()) configs.emplace_back(q.getColumn(0).getString(), q.getColumn(1).getString());
    }
    for (const auto& [oldId, json] : configs) {
        std::string newId;
        try {
            newId = modelIdFor(oldId, ModelConfig::fromJsonString(json));
        } catch (const std::exception&) {
            continue; // a config this version cannot read: leave its vectors alone
        }
        for (const char* sql : {"UPDATE embeddings SET model_id = ?2 WHERE model_id = ?1",
                                "UPDATE computations SET model_id = ?2 WHERE model_id = ?1",
                                "UPDATE meta SET value = ?2 WHERE key = 'active_model' AND value = ?1",
                                "UPDATE meta SET key = 'model_config:' || ?2 WHERE key = 'model_config:' || ?1",
                                "UPDATE meta SET key = 'model_dir:' || ?2 WHERE key = 'model_dir:' || ?1"}) {
            SQLite::Statement u(db, sql);
            u.bind(1, oldId);
            u.bind(2, newId);
            u.exec();
        }
    }
    SQLite::Statement set(db, "INSERT OR REPLACE INTO meta(key, value) VALUES('model_ids', ?)");
    set.bind(1, kModelIdScheme);
    set.exec();
    tx.commit();
}

} // namespace

Archive::Archive() : d(std::make_unique<Impl>()) {}
Archive::~Archive() = default;
Archive::Archive(Archive&&) noexcept = default;
Archive& Archive::operator=(Archive&&) noexcept = default;

Archive Archive::create(const fs::path& file, const fs::path& root)
{
    if (fs::exists(file)) throw ArchiveError(fileError("create archive", file, "file exists"));
    std::error_code ec;
    if (!fs::is_directory(root, ec)) throw ArchiveError(fileError("create archive", file, "root folder \"" + root.string() + "\" is not a folder"));
    // Built under a name of this process's own and moved into place once schema and metadata are
    // committed: a process killed while creating leaves no half-made archive under the real name,
    // and two processes creating the same archive never touch each other's file (the second to
    // finish finds the name taken and reports that the archive exists).
    const fs::path target = fs::absolute(file);
    removeAbandonedCreations(target);
    const fs::path temporary = creationName(target);
    auto removeTemporary = [&] {
        for (const char* suffix : {"", "-wal", "-shm", "-journal"}) fs::remove(temporary.string() + suffix, ec);
    };
    try {
        guarded(file, "create archive", [&] {
            const auto db = connect(temporary, SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE, false);
            SQLite::Transaction tx(*db);
            createSchema(*db);
            const fs::path rel = fs::relative(fs::absolute(root), target.parent_path());
            SQLite::Statement q(*db, "INSERT INTO meta(key, value) VALUES(?, ?)");
            for (const auto& [key, value] : {std::pair<std::string, std::string>{"root", rel.empty() ? "." : rel.generic_string()},
                                             {"created_at", utcNowIso()}, {"software_version", CROWLINGO_VERSION},
                                             {"model_ids", kModelIdScheme}}) {
                q.bind(1, key);
                q.bind(2, value);
                q.exec();
                q.reset();
            }
            tx.commit();
        }); // closed here: the WAL is folded into the file, so the move takes everything
        if (!renameNoReplace(temporary, target)) throw ArchiveError(fileError("create archive", file, "file exists"));
    } catch (...) {
        removeTemporary();
        throw;
    }
    return open(target);
}

Archive Archive::open(const fs::path& file)
{
    refuseUnlessSqlite(file);
    refuseUnlessWritable(file);
    Archive a;
    a.d->file = fs::absolute(file);
    guarded(file, "open archive", [&] {
        a.d->db = connect(a.d->file, SQLite::OPEN_READWRITE, true);
        migrateSchema(*a.d->db, a.d->file);
        adoptConfigCoveringModelIds(*a.d->db);
    });
    return a;
}

Archive Archive::openReadOnly(const fs::path& file)
{
    refuseUnlessSqlite(file);
    Archive a;
    a.d->file = fs::absolute(file);
    guarded(file, "open archive", [&] {
        try {
            a.d->db = std::make_unique<SQLite::Database>(a.d->file.string(), SQLite::OPEN_READONLY | kOneThreadAtATime, kBusyTimeoutMs);
            (void)a.d->db->tableExists("meta"); // SQLite opens lazily: this is where a missing -shm fails
        } catch (const SQLite::Exception& e) {
            if (e.getErrorCode() == SQLITE_NOTADB) throw;
            // A WAL archive whose folder cannot hold the -shm file (read-only media): nothing can
            // write to it there, so SQLite may read it as immutable.
            std::string uri = "file:";
            for (const char c : a.d->file.string()) {
                if (c == '%' || c == '?' || c == '#') {
                    char hex[4];
                    std::snprintf(hex, sizeof hex, "%%%02X", static_cast<unsigned char>(c));
                    uri += hex;
                } else {
                    uri += c;
                }
            }
            a.d->db = std::make_unique<SQLite::Database>(uri + "?immutable=1",
                                                         SQLite::OPEN_READONLY | SQLite::OPEN_URI | kOneThreadAtATime,
                                                         kBusyTimeoutMs);
        }
        if (!(a.d->db->tableExists("meta") && a.d->db->tableExists("recordings")))
            throw ArchiveError(fileError("open archive", file, "not a CrowLingo archive"));
        requireCurrentSchema(*a.d->db, a.d->file);
    });
    return a;
}

Archive Archive::openOrCreate(const fs::path& file, const fs::path& root)
{
    if (fs::exists(file)) return open(file);
    try {
        return create(file, root);
    } catch (const ArchiveError&) {
        if (fs::exists(file)) return open(file); // another process created it meanwhile
        throw;
    }
}

const fs::path& Archive::file() const { return d->file; }

fs::path Archive::root() const
{
    return (d->file.parent_path() / meta("root").value_or(".")).lexically_normal();
}

fs::path Archive::absolutePath(const std::string& relativePath) const
{
    return (root() / fs::path(relativePath)).lexically_normal();
}

std::string Archive::relativePath(const fs::path& absolute) const
{
    return fs::absolute(absolute).lexically_normal().lexically_relative(root()).generic_string();
}

int Archive::schemaVersion() const
{
    return guarded(d->file, "read archive", [&] { return d->db->execAndGet("PRAGMA user_version").getInt(); });
}

std::optional<std::string> Archive::meta(const std::string& key) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<std::string> {
        SQLite::Statement q(*d->db, "SELECT value FROM meta WHERE key = ?");
        q.bind(1, key);
        if (q.executeStep()) return q.getColumn(0).getString();
        return std::nullopt;
    });
}

void Archive::setMeta(const std::string& key, const std::string& value)
{
    guarded(d->file, "write archive", [&] {
        SQLite::Statement q(*d->db, "INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
        q.bind(1, key);
        q.bind(2, value);
        q.exec();
    });
}

std::vector<RecordingRow> Archive::recordings() const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<RecordingRow> rows;
        SQLite::Statement q(*d->db, std::string("SELECT ") + kRecordingColumns + " FROM recordings ORDER BY path");
        while (q.executeStep()) rows.push_back(recordingFrom(q));
        return rows;
    });
}

std::optional<RecordingRow> Archive::recording(const std::string& relativePath) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<RecordingRow> {
        SQLite::Statement q(*d->db, std::string("SELECT ") + kRecordingColumns + " FROM recordings WHERE path = ?");
        q.bind(1, relativePath);
        if (q.executeStep()) return recordingFrom(q);
        return std::nullopt;
    });
}

namespace {

std::int64_t upsertRecording(SQLite::Database& db, const RecordingRow& r, const char* status)
{
    SQLite::Statement q(db,
        "INSERT INTO recordings(path, size, mtime, duration, sample_rate, channels, status, error, updated_at) "
        "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(path) DO UPDATE SET size = excluded.size, "
        "mtime = excluded.mtime, duration = excluded.duration, sample_rate = excluded.sample_rate, "
        "channels = excluded.channels, status = excluded.status, error = excluded.error, updated_at = excluded.updated_at");
    q.bind(1, r.path);
    q.bind(2, r.size);
    q.bind(3, r.mtime);
    q.bind(4, r.duration);
    q.bind(5, r.sampleRate);
    q.bind(6, r.channels);
    q.bind(7, status);
    q.bind(8, r.error);
    q.bind(9, utcNowIso());
    q.exec();
    SQLite::Statement id(db, "SELECT id FROM recordings WHERE path = ?");
    id.bind(1, r.path);
    id.executeStep();
    return id.getColumn(0).getInt64();
}

// A journalled label names its clip by id, and SQLite may give a deleted clip's id to the next
// clip stored: the journal is folded (its labels of deleted clips then go with them) first.
void foldJournalBeforeDeletingClips(SQLite::Database& db)
{
    labeljournal::fold(db, std::numeric_limits<std::int64_t>::max());
}

// Inserts clips with their vectors, the statements prepared once for a recording's clips.
class ClipInserter {
public:
    explicit ClipInserter(SQLite::Database& db)
        : db_(db),
          clip_(db, "INSERT INTO clips(recording_id, start_s, end_s, low_hz, high_hz, segmenter) VALUES(?, ?, ?, ?, ?, ?)"),
          embedding_(db, "INSERT INTO embeddings(clip_id, model_id, vector) VALUES(?, ?, ?)")
    {
    }
    ClipId insert(std::int64_t recordingId, const Clip& clip, const std::string& segmenter, const std::string& modelId,
                  const std::vector<float>& vector)
    {
        clip_.bind(1, recordingId);
        clip_.bind(2, clip.start);
        clip_.bind(3, clip.end);
        clip_.bind(4, clip.lowHz);
        clip_.bind(5, clip.highHz);
        clip_.bind(6, clip.byHand ? std::string(kClipByHandSegmenter) : segmenter);
        clip_.exec();
        clip_.reset();
        const ClipId id = db_.getLastInsertRowid();
        if (vector.empty()) return id;
        const std::string blob = blobOf(vector);
        embedding_.bind(1, id);
        embedding_.bind(2, modelId);
        embedding_.bind(3, blob.data(), int(blob.size()));
        embedding_.exec();
        embedding_.reset();
        return id;
    }

private:
    SQLite::Database& db_;
    SQLite::Statement clip_, embedding_;
};

} // namespace

void Archive::storeRecording(const RecordingRow& recording, const std::vector<Clip>& clips,
                             const std::string& segmenter, const std::string& modelId,
                             const std::vector<std::vector<float>>& embeddings)
{
    if (embeddings.size() != clips.size())
        throw ArchiveError(fileError("write archive", d->file, "clip and embedding counts differ"));
    guarded(d->file, "write archive", [&] {
        SQLite::Transaction tx(*d->db);
        foldJournalBeforeDeletingClips(*d->db);
        const std::int64_t recId = upsertRecording(*d->db, recording, "embedded");
        // The labels of clips cut again exactly where they were (a file whose metadata changed, a
        // selection table with a selection added) go to their new clips, in this transaction.
        struct KeptLabel {
            std::string source, label, updatedAt;
        };
        using Span = std::tuple<double, double, double, double, bool>;
        std::map<Span, std::vector<KeptLabel>> labelsBySpan;
        {
            SQLite::Statement q(*d->db, "SELECT c.start_s, c.end_s, c.low_hz, c.high_hz, c.segmenter = ?, l.source, l.label, "
                                        "l.updated_at FROM labels l JOIN clips c ON c.id = l.clip_id WHERE c.recording_id = ?");
            q.bind(1, kClipByHandSegmenter);
            q.bind(2, recId);
            while (q.executeStep())
                labelsBySpan[{q.getColumn(0).getDouble(), q.getColumn(1).getDouble(), q.getColumn(2).getDouble(),
                              q.getColumn(3).getDouble(), q.getColumn(4).getInt() != 0}]
                    .push_back({q.getColumn(5).getString(), q.getColumn(6).getString(), q.getColumn(7).getString()});
        }
        SQLite::Statement del(*d->db, "DELETE FROM clips WHERE recording_id = ?");
        del.bind(1, recId);
        del.exec();
        ClipInserter inserter(*d->db);
        SQLite::Statement insLabel(*d->db, "INSERT OR IGNORE INTO labels(clip_id, source, label, updated_at) VALUES(?, ?, ?, ?)");
        for (std::size_t i = 0; i < clips.size(); ++i) {
            const ClipId clipId = inserter.insert(recId, clips[i], segmenter, modelId, embeddings[i]);
            const auto kept = labelsBySpan.find({clips[i].start, clips[i].end, clips[i].lowHz, clips[i].highHz, clips[i].byHand});
            if (kept == labelsBySpan.end()) continue;
            for (const KeptLabel& l : kept->second) {
                insLabel.bind(1, clipId);
                insLabel.bind(2, l.source);
                insLabel.bind(3, l.label);
                insLabel.bind(4, l.updatedAt);
                insLabel.exec();
                insLabel.reset();
            }
        }
        tx.commit();
    });
}

ClipId Archive::addClip(std::int64_t recordingId, const Clip& clip, const std::string& segmenter,
                        const std::string& modelId, const std::vector<float>& embedding)
{
    return guarded(d->file, "write archive", [&] {
        SQLite::Transaction tx(*d->db);
        const ClipId id = ClipInserter(*d->db).insert(recordingId, clip, segmenter, modelId, embedding);
        tx.commit();
        return id;
    });
}

ClipId Archive::replaceClip(ClipId old, const Clip& clip, const std::string& segmenter, const std::string& modelId,
                           const std::vector<float>& embedding)
{
    return guarded(d->file, "write archive", [&] {
        SQLite::Transaction tx(*d->db);
        foldJournalBeforeDeletingClips(*d->db);
        SQLite::Statement recording(*d->db, "SELECT recording_id FROM clips WHERE id = ?");
        recording.bind(1, old);
        if (!recording.executeStep()) throw ArchiveError(fileError("write archive", d->file, "it holds no clip " + std::to_string(old)));
        const std::int64_t recId = recording.getColumn(0).getInt64();
        recording.reset();
        // Inserted before the old clip goes, so that the new one never takes the old one's id.
        const ClipId id = ClipInserter(*d->db).insert(recId, clip, segmenter, modelId, embedding);
        SQLite::Statement labels(*d->db, "INSERT INTO labels(clip_id, source, label, updated_at) "
                                         "SELECT ?, source, label, updated_at FROM labels WHERE clip_id = ?");
        labels.bind(1, id);
        labels.bind(2, old);
        labels.exec();
        SQLite::Statement del(*d->db, "DELETE FROM clips WHERE id = ?");
        del.bind(1, old);
        del.exec();
        tx.commit();
        return id;
    });
}

bool Archive::removeClip(ClipId id)
{
    return guarded(d->file, "write archive", [&] {
        SQLite::Transaction tx(*d->db);
        foldJournalBeforeDeletingClips(*d->db);
        SQLite::Statement q(*d->db, "DELETE FROM clips WHERE id = ?");
        q.bind(1, id);
        const bool removed = q.exec() > 0;
        tx.commit();
        return removed;
    });
}

void Archive::storeRecordingError(const RecordingRow& recording)
{
    guarded(d->file, "write archive", [&] {
        SQLite::Transaction tx(*d->db);
        upsertRecording(*d->db, recording, "error");
        tx.commit();
    });
}

void Archive::removeRecording(const std::string& relativePath)
{
    guarded(d->file, "write archive", [&] {
        SQLite::Transaction tx(*d->db);
        foldJournalBeforeDeletingClips(*d->db);
        SQLite::Statement q(*d->db, "DELETE FROM recordings WHERE path = ?");
        q.bind(1, relativePath);
        q.exec();
        tx.commit();
    });
}

std::vector<ClipRow> Archive::clips() const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<ClipRow> rows;
        rows.reserve(std::size_t(clipCount()));
        SQLite::Statement q(*d->db, std::string(kClipSelect) + " ORDER BY c.id");
        while (q.executeStep()) rows.push_back(clipFrom(q));
        return rows;
    });
}

std::optional<ClipRow> Archive::clip(ClipId id) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<ClipRow> {
        SQLite::Statement q(*d->db, std::string(kClipSelect) + " WHERE c.id = ?");
        q.bind(1, id);
        if (q.executeStep()) return clipFrom(q);
        return std::nullopt;
    });
}

std::vector<ClipRow> Archive::clipsOfRecording(std::int64_t recordingId) const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<ClipRow> rows;
        SQLite::Statement q(*d->db, kClipSelect + " WHERE c.recording_id = ? ORDER BY c.id");
        q.bind(1, recordingId);
        while (q.executeStep()) rows.push_back(clipFrom(q));
        return rows;
    });
}

std::int64_t Archive::clipCount() const
{
    return guarded(d->file, "read archive", [&] { return d->db->execAndGet("SELECT COUNT(*) FROM clips").getInt64(); });
}

std::int64_t Archive::dataVersion() const
{
    return guarded(d->file, "read archive", [&] { return d->db->execAndGet("PRAGMA data_version").getInt64(); });
}

std::string Archive::activeModel() const { return meta("active_model").value_or(""); }

void Archive::setActiveModel(const std::string& modelId) { setMeta("active_model", modelId); }

std::vector<std::string> Archive::modelsWithEmbeddings() const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<std::string> ids;
        SQLite::Statement q(*d->db, "SELECT DISTINCT model_id FROM embeddings");
        while (q.executeStep()) ids.push_back(q.getColumn(0).getString());
        return ids;
    });
}

std::int64_t Archive::embeddingCount(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&] {
        SQLite::Statement q(*d->db, "SELECT COUNT(*) FROM embeddings WHERE model_id = ?");
        q.bind(1, modelId);
        q.executeStep();
        return q.getColumn(0).getInt64();
    });
}

std::int64_t Archive::usableClipsWithoutVector(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&] {
        SQLite::Statement q(*d->db, "SELECT COUNT(*) FROM clips c JOIN recordings r ON r.id = c.recording_id "
                                    "WHERE r.status != 'error' AND NOT EXISTS "
                                    "(SELECT 1 FROM embeddings e WHERE e.clip_id = c.id AND e.model_id = ?)");
        q.bind(1, modelId);
        q.executeStep();
        return q.getColumn(0).getInt64();
    });
}

EmbeddingMatrix Archive::embeddings(const std::string& modelId) const
{
    EmbeddingMatrix m;
    forEachEmbeddingBlock(modelId, 1 << 16, [&](const EmbeddingMatrix& block) {
        if (m.dimension == 0) {
            // At most one vector per clip: sized once, so that 10^6 vectors are not copied again
            // and again as the array doubles.
            m.dimension = block.dimension;
            const auto atMost = std::size_t(clipCount());
            m.clipIds.reserve(atMost);
            m.values.reserve(atMost * std::size_t(block.dimension));
        }
        m.clipIds.insert(m.clipIds.end(), block.clipIds.begin(), block.clipIds.end());
        m.values.insert(m.values.end(), block.values.begin(), block.values.end());
    });
    return m;
}

void Archive::forEachEmbeddingBlock(const std::string& modelId, std::size_t blockRows,
                                    const std::function<void(const EmbeddingMatrix& block)>& use) const
{
    guarded(d->file, "read archive", [&] {
        EmbeddingMatrix block;
        SQLite::Statement q(*d->db, "SELECT clip_id, vector FROM embeddings WHERE model_id = ? ORDER BY clip_id");
        q.bind(1, modelId);
        while (q.executeStep()) {
            appendVector(block, q.getColumn(0).getInt64(), q.getColumn(1), d->file, modelId);
            if (block.rows() >= std::max<std::size_t>(blockRows, 1)) {
                use(block);
                block.clipIds.clear();
                block.values.clear();
            }
        }
        if (block.rows() > 0) use(block);
    });
}

std::vector<ClipId> Archive::embeddedClips(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<ClipId> ids;
        SQLite::Statement q(*d->db, "SELECT clip_id FROM embeddings WHERE model_id = ? ORDER BY clip_id");
        q.bind(1, modelId);
        while (q.executeStep()) ids.push_back(q.getColumn(0).getInt64());
        return ids;
    });
}

std::optional<ClipId> Archive::lastEmbeddedClip(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<ClipId> {
        // Walks the primary key (clip_id, model_id) from its end: stops at the first match.
        SQLite::Statement q(*d->db, "SELECT clip_id FROM embeddings WHERE model_id = ? ORDER BY clip_id DESC LIMIT 1");
        q.bind(1, modelId);
        if (q.executeStep()) return q.getColumn(0).getInt64();
        return std::nullopt;
    });
}

EmbeddingMatrix Archive::embeddingsOf(const std::string& modelId, const std::vector<ClipId>& ids) const
{
    return guarded(d->file, "read archive", [&] {
        EmbeddingMatrix m;
        SQLite::Statement q(*d->db, "SELECT vector FROM embeddings WHERE clip_id = ? AND model_id = ?");
        q.bind(2, modelId);
        for (ClipId id : ids) {
            q.bind(1, id);
            if (q.executeStep()) appendVector(m, id, q.getColumn(0), d->file, modelId);
            q.reset();
        }
        return m;
    });
}

std::optional<std::vector<float>> Archive::embedding(ClipId id, const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<std::vector<float>> {
        SQLite::Statement q(*d->db, "SELECT vector FROM embeddings WHERE clip_id = ? AND model_id = ?");
        q.bind(1, id);
        q.bind(2, modelId);
        if (q.executeStep()) return floatsOf(q.getColumn(0));
        return std::nullopt;
    });
}

void Archive::storeEmbeddings(const std::string& modelId, const std::vector<ClipId>& ids,
                              const std::vector<std::vector<float>>& vectors)
{
    guarded(d->file, "write archive", [&] {
        SQLite::Transaction tx(*d->db);
        SQLite::Statement ins(*d->db, "INSERT OR REPLACE INTO embeddings(clip_id, model_id, vector) VALUES(?, ?, ?)");
        for (std::size_t i = 0; i < ids.size(); ++i) {
            const std::string blob = blobOf(vectors.at(i));
            ins.bind(1, ids[i]);
            ins.bind(2, modelId);
            ins.bind(3, blob.data(), int(blob.size()));
            ins.exec();
            ins.reset();
        }
        tx.commit();
    });
}

void Archive::removeEmbeddings(const std::string& modelId)
{
    guarded(d->file, "write archive", [&] {
        SQLite::Statement q(*d->db, "DELETE FROM embeddings WHERE model_id = ?");
        q.bind(1, modelId);
        q.exec();
    });
}

void Archive::setLabel(ClipId id, const std::string& label, const std::string& source)
{
    setLabels({id}, label, source);
}

void Archive::setLabels(const std::vector<ClipId>& ids, const std::string& label, const std::string& source)
{
    writeLabels(ids, std::vector<std::string>(ids.size(), label), source);
}

void Archive::clearLabel(ClipId id, const std::string& source)
{
    clearLabels({id}, source);
}

void Archive::clearLabels(const std::vector<ClipId>& ids, const std::string& source)
{
    writeLabels(ids, std::vector<std::string>(ids.size()), source);
}

void Archive::writeLabels(const std::vector<ClipId>& ids, const std::vector<std::string>& labels, const std::string& source)
{
    if (labels.size() != ids.size())
        throw UsageError("writeLabels: " + std::to_string(ids.size()) + " clips but " + std::to_string(labels.size())
                         + " labels");
    guarded(d->file, "write labels to archive", [&] {
        SQLite::Transaction tx(*d->db);
        labeljournal::fold(*d->db, std::numeric_limits<std::int64_t>::max()); // earlier edits first
        SQLite::Statement upsert(*d->db,
            "INSERT INTO labels(clip_id, source, label, updated_at) VALUES(?, ?, ?, ?) "
            "ON CONFLICT(clip_id, source) DO UPDATE SET label = excluded.label, updated_at = excluded.updated_at");
        SQLite::Statement remove(*d->db, "DELETE FROM labels WHERE clip_id = ? AND source = ?");
        // Bindings outlive reset(): the values every row shares are bound once (a 100k-clip edit
        // spends its time in SQLite's B-trees, not in copying the same strings 100k times).
        upsert.bind(2, source);
        upsert.bind(4, utcNowIso());
        remove.bind(2, source);
        const std::string* bound = nullptr;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            SQLite::Statement& q = labels[i].empty() ? remove : upsert;
            q.bind(1, ids[i]);
            if (!labels[i].empty() && (bound == nullptr || *bound != labels[i])) {
                upsert.bind(3, labels[i]);
                bound = &labels[i];
            }
            q.exec();
            q.reset();
        }
        tx.commit();
    });
}

std::vector<LabelRow> Archive::labels() const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<LabelRow> rows;
        SQLite::Transaction snapshot(*d->db); // the table and the journal as of one moment
        SQLite::Statement q(*d->db, "SELECT clip_id, label, source FROM labels ORDER BY clip_id, source");
        while (q.executeStep())
            rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), q.getColumn(2).getString()});
        labeljournal::applyJournal(*d->db, rows, nullptr);
        return rows;
    });
}

std::vector<LabelRow> Archive::labels(const std::string& source) const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<LabelRow> rows;
        SQLite::Transaction snapshot(*d->db);
        SQLite::Statement q(*d->db, "SELECT clip_id, label FROM labels WHERE source = ? ORDER BY clip_id");
        q.bind(1, source);
        while (q.executeStep())
            rows.push_back({q.getColumn(0).getInt64(), q.getColumn(1).getString(), source});
        labeljournal::applyJournal(*d->db, rows, &source);
        return rows;
    });
}

std::vector<LabelRow> Archive::labelsOf(ClipId id) const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<LabelRow> rows;
        SQLite::Transaction snapshot(*d->db);
        SQLite::Statement q(*d->db, "SELECT label, source FROM labels WHERE clip_id = ? ORDER BY source");
        q.bind(1, id);
        while (q.executeStep()) rows.push_back({id, q.getColumn(0).getString(), q.getColumn(1).getString()});
        labeljournal::applyJournal(*d->db, rows, nullptr);
        std::erase_if(rows, [id](const LabelRow& r) { return r.clipId != id; }); // the journal's other clips
        return rows;
    });
}

void Archive::journalLabels(const std::vector<ClipId>& ids, const std::vector<std::string>& labels,
                            const std::string& source)
{
    if (labels.size() != ids.size())
        throw UsageError("journalLabels: " + std::to_string(ids.size()) + " clips but " +
                         std::to_string(labels.size()) + " labels");
    guarded(d->file, "write labels to archive", [&] {
        SQLite::Transaction tx(*d->db);
        labeljournal::append(*d->db, ids, labels, source, utcNowIso());
        tx.commit();
    });
}

std::int64_t Archive::foldLabelJournal(std::int64_t maxClips)
{
    return guarded(d->file, "write labels to archive", [&] {
        SQLite::Transaction tx(*d->db);
        labeljournal::fold(*d->db, maxClips);
        tx.commit();
        return labeljournal::pendingClips(*d->db);
    });
}

std::optional<std::int64_t> Archive::tryFoldLabelJournal(std::int64_t maxClips)
{
    // No waiting for another process's write: the caller folds while a window idles.
    ::sqlite3_busy_timeout(d->db->getHandle(), 0);
    struct WaitAgain {
        sqlite3* db;
        ~WaitAgain() { ::sqlite3_busy_timeout(db, kBusyTimeoutMs); }
    } waitAgain{d->db->getHandle()};
    try {
        SQLite::Transaction tx(*d->db, SQLite::TransactionBehavior::IMMEDIATE); // the write lock now, or busy
        labeljournal::fold(*d->db, maxClips);
        tx.commit();
        return labeljournal::pendingClips(*d->db);
    } catch (const SQLite::Exception& e) {
        if (e.getErrorCode() == SQLITE_BUSY || e.getErrorCode() == SQLITE_LOCKED) return std::nullopt;
        throw ArchiveError(fileError("write labels to archive", d->file, e.what()));
    }
}

std::int64_t Archive::journalledLabelClips() const
{
    return guarded(d->file, "read archive", [&] { return labeljournal::pendingClips(*d->db); });
}


namespace {

std::int64_t insertComputation(SQLite::Database& db, const std::string& kind, const std::string& modelId,
                               const std::string& paramsJson)
{
    SQLite::Statement q(db,
        "INSERT INTO computations(kind, model_id, params, software_version, created_at) VALUES(?, ?, ?, ?, ?)");
    q.bind(1, kind);
    q.bind(2, modelId);
    q.bind(3, paramsJson);
    q.bind(4, CROWLINGO_VERSION);
    q.bind(5, utcNowIso());
    q.exec();
    return db.getLastInsertRowid();
}

// The newest computation of a kind for a model: (id, params), or nullopt.
std::optional<std::pair<std::int64_t, std::string>> latestComputation(SQLite::Database& db, const char* kind,
                                                                      const std::string& modelId)
{
    SQLite::Statement q(db, "SELECT id, params FROM computations WHERE kind = ? AND model_id = ? ORDER BY id DESC LIMIT 1");
    q.bind(1, kind);
    q.bind(2, modelId);
    if (!q.executeStep()) return std::nullopt;
    return std::make_pair(q.getColumn(0).getInt64(), q.getColumn(1).getString());
}

} // namespace

std::int64_t Archive::recordComputation(const std::string& kind, const std::string& modelId, const std::string& paramsJson)
{
    return guarded(d->file, "write archive", [&] { return insertComputation(*d->db, kind, modelId, paramsJson); });
}

std::int64_t Archive::storeProjection(const std::string& modelId, const std::string& paramsJson,
                                      const std::vector<ClipId>& ids, const std::vector<float>& xy)
{
    if (xy.size() != ids.size() * 2) throw ArchiveError(fileError("write archive", d->file, "projection size mismatch"));
    return guarded(d->file, "write map to archive", [&] {
        SQLite::Transaction tx(*d->db);
        const std::int64_t cid = insertComputation(*d->db, "projection", modelId, paramsJson);
        SQLite::Statement q(*d->db, "INSERT INTO projections(computation_id, clip_id, x, y) VALUES(?, ?, ?, ?)");
        for (std::size_t i = 0; i < ids.size(); ++i) {
            q.bind(1, cid);
            q.bind(2, ids[i]);
            q.bind(3, double(xy[2 * i]));
            q.bind(4, double(xy[2 * i + 1]));
            q.exec();
            q.reset();
        }
        tx.commit();
        return cid;
    });
}

std::optional<StoredProjection> Archive::latestProjection(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<StoredProjection> {
        const auto c = latestComputation(*d->db, "projection", modelId);
        if (!c) return std::nullopt;
        StoredProjection p{c->first, modelId, c->second, {}, {}};
        SQLite::Statement q(*d->db, "SELECT clip_id, x, y FROM projections WHERE computation_id = ? ORDER BY clip_id");
        q.bind(1, c->first);
        while (q.executeStep()) {
            p.clipIds.push_back(q.getColumn(0).getInt64());
            p.xy.push_back(float(q.getColumn(1).getDouble()));
            p.xy.push_back(float(q.getColumn(2).getDouble()));
        }
        return p;
    });
}

std::int64_t Archive::storeClustering(const std::string& modelId, const std::string& paramsJson,
                                      const std::vector<ClipId>& ids, const std::vector<int>& labels,
                                      const std::vector<float>& probability, const std::vector<float>& outlierScore)
{
    if (labels.size() != ids.size() || probability.size() != ids.size() || outlierScore.size() != ids.size())
        throw ArchiveError(fileError("write archive", d->file, "clustering size mismatch"));
    return guarded(d->file, "write clusters to archive", [&] {
        SQLite::Transaction tx(*d->db);
        const std::int64_t cid = insertComputation(*d->db, "clustering", modelId, paramsJson);
        SQLite::Statement q(*d->db,
            "INSERT INTO clusterings(computation_id, clip_id, cluster, probability, outlier_score) VALUES(?, ?, ?, ?, ?)");
        for (std::size_t i = 0; i < ids.size(); ++i) {
            q.bind(1, cid);
            q.bind(2, ids[i]);
            q.bind(3, labels[i]);
            q.bind(4, double(probability[i]));
            q.bind(5, double(outlierScore[i]));
            q.exec();
            q.reset();
        }
        tx.commit();
        return cid;
    });
}

std::optional<StoredClustering> Archive::latestClustering(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<StoredClustering> {
        const auto c = latestComputation(*d->db, "clustering", modelId);
        if (!c) return std::nullopt;
        StoredClustering s;
        s.computationId = c->first;
        s.modelId = modelId;
        s.paramsJson = c->second;
        SQLite::Statement q(*d->db,
            "SELECT clip_id, cluster, probability, outlier_score FROM clusterings WHERE computation_id = ? ORDER BY clip_id");
        q.bind(1, c->first);
        while (q.executeStep()) {
            s.clipIds.push_back(q.getColumn(0).getInt64());
            s.labels.push_back(q.getColumn(1).getInt());
            s.probability.push_back(float(q.getColumn(2).getDouble()));
            s.outlierScore.push_back(float(q.getColumn(3).getDouble()));
        }
        return s;
    });
}

void Archive::storeClassifier(const StoredClassifier& c)
{
    const std::size_t k = c.classes.size();
    if (k == 0 || c.dimension <= 0 || c.weights.size() != k * std::size_t(c.dimension) || c.bias.size() != k)
        throw ArchiveError(fileError("write archive", d->file, "classifier \"" + c.name + "\" has inconsistent sizes"));
    guarded(d->file, "write classifier to archive", [&] {
        SQLite::Transaction tx(*d->db);
        const std::int64_t cid = insertComputation(*d->db, "classifier", c.modelId, c.reportJson);
        std::vector<float> values = c.weights;
        values.insert(values.end(), c.bias.begin(), c.bias.end());
        const std::string blob = blobOf(values);
        SQLite::Statement q(*d->db,
            "INSERT OR REPLACE INTO classifiers(name, computation_id, model_id, classes, dimension, weights, report, created_at) "
            "VALUES(?, ?, ?, ?, ?, ?, ?, ?)");
        q.bind(1, c.name);
        q.bind(2, cid);
        q.bind(3, c.modelId);
        q.bind(4, nlohmann::json(c.classes).dump());
        q.bind(5, c.dimension);
        q.bind(6, blob.data(), int(blob.size()));
        q.bind(7, c.reportJson);
        q.bind(8, c.createdAt.empty() ? utcNowIso() : c.createdAt);
        q.exec();
        tx.commit();
    });
}

namespace {

constexpr const char* kClassifierSelect =
    "SELECT name, model_id, classes, dimension, weights, report, created_at FROM classifiers";

StoredClassifier classifierFrom(SQLite::Statement& q, const fs::path& file)
{
    StoredClassifier c;
    c.name = q.getColumn(0).getString();
    c.modelId = q.getColumn(1).getString();
    c.dimension = q.getColumn(3).getInt();
    const std::vector<float> values = floatsOf(q.getColumn(4));
    c.reportJson = q.getColumn(5).getString();
    c.createdAt = q.getColumn(6).getString();
    try {
        c.classes = nlohmann::json::parse(q.getColumn(2).getString()).get<std::vector<std::string>>();
    } catch (const nlohmann::json::exception&) {
        c.classes.clear();
    }
    const std::size_t k = c.classes.size();
    if (k == 0 || c.dimension <= 0 || values.size() != k * (std::size_t(c.dimension) + 1))
        throw ArchiveError(fileError("read archive", file, "classifier \"" + c.name + "\" is damaged"));
    c.weights.assign(values.begin(), values.begin() + std::ptrdiff_t(k * std::size_t(c.dimension)));
    c.bias.assign(values.end() - std::ptrdiff_t(k), values.end());
    return c;
}

} // namespace

std::vector<StoredClassifier> Archive::classifiers() const
{
    return guarded(d->file, "read archive", [&] {
        std::vector<StoredClassifier> all;
        SQLite::Statement q(*d->db, std::string(kClassifierSelect) + " ORDER BY name");
        while (q.executeStep()) all.push_back(classifierFrom(q, d->file));
        return all;
    });
}

std::optional<StoredClassifier> Archive::classifier(const std::string& name) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<StoredClassifier> {
        SQLite::Statement q(*d->db, std::string(kClassifierSelect) + " WHERE name = ?");
        q.bind(1, name);
        if (!q.executeStep()) return std::nullopt;
        return classifierFrom(q, d->file);
    });
}

bool Archive::removeClassifier(const std::string& name)
{
    return guarded(d->file, "write archive", [&] {
        SQLite::Statement q(*d->db, "DELETE FROM classifiers WHERE name = ?");
        q.bind(1, name);
        return q.exec() > 0;
    });
}

void Archive::storeRetrievalSpace(const StoredRetrievalSpace& r)
{
    if (r.inputDimension <= 0 || r.outputDimension <= 0 || r.mean.size() != std::size_t(r.inputDimension)
        || r.projection.size() != std::size_t(r.inputDimension) * std::size_t(r.outputDimension))
        throw ArchiveError(fileError("write archive", d->file, "retrieval space of " + r.modelId + " has inconsistent sizes"));
    guarded(d->file, "write retrieval space to archive", [&] {
        SQLite::Statement q(*d->db,
            "INSERT OR REPLACE INTO retrieval_spaces(model_id, input_dimension, output_dimension, mean, projection, fitted_on, "
            "created_at) VALUES(?, ?, ?, ?, ?, ?, ?)");
        const std::string mean = blobOf(r.mean), projection = blobOf(r.projection);
        q.bind(1, r.modelId);
        q.bind(2, r.inputDimension);
        q.bind(3, r.outputDimension);
        q.bind(4, mean.data(), int(mean.size()));
        q.bind(5, projection.data(), int(projection.size()));
        q.bind(6, r.fittedOn);
        q.bind(7, utcNowIso());
        q.exec();
    });
}

std::optional<StoredRetrievalSpace> Archive::retrievalSpace(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<StoredRetrievalSpace> {
        if (!d->db->tableExists("retrieval_spaces")) return std::nullopt; // schema 3, read-only
        SQLite::Statement q(*d->db,
            "SELECT input_dimension, output_dimension, mean, projection, fitted_on FROM retrieval_spaces WHERE model_id = ?");
        q.bind(1, modelId);
        if (!q.executeStep()) return std::nullopt;
        StoredRetrievalSpace r;
        r.modelId = modelId;
        r.inputDimension = q.getColumn(0).getInt();
        r.outputDimension = q.getColumn(1).getInt();
        r.mean = valuesOf<float>(q.getColumn(2));
        r.projection = valuesOf<float>(q.getColumn(3));
        r.fittedOn = q.getColumn(4).getInt64();
        if (r.inputDimension <= 0 || r.outputDimension <= 0 || r.mean.size() != std::size_t(r.inputDimension)
            || r.projection.size() != std::size_t(r.inputDimension) * std::size_t(r.outputDimension))
            throw ArchiveError(fileError("read archive", d->file, "retrieval space of " + modelId + " is damaged"));
        return r;
    });
}

void Archive::removeRetrievalSpace(const std::string& modelId)
{
    guarded(d->file, "write archive", [&] {
        SQLite::Statement q(*d->db, "DELETE FROM retrieval_spaces WHERE model_id = ?");
        q.bind(1, modelId);
        q.exec();
    });
}

void Archive::storeNeighbourLists(const StoredNeighbourLists& l, const EmbeddingMatrix* vectors)
{
    const std::size_t listCount = l.dimension > 0 ? l.centroids.size() / std::size_t(l.dimension) : 0;
    if (l.dimension <= 0 || l.centroids.empty() || l.centroids.size() % std::size_t(l.dimension) != 0 || l.clipIds.size() != l.lists.size()
        || std::any_of(l.lists.begin(), l.lists.end(), [&](std::int32_t list) { return list < 0 || std::size_t(list) >= listCount; })
        || (vectors && (vectors->clipIds != l.clipIds || vectors->dimension != l.dimension)))
        throw ArchiveError(fileError("write archive", d->file, "neighbour lists of " + l.modelId + " have inconsistent sizes"));
    guarded(d->file, "write neighbour lists to archive", [&] {
        SQLite::Transaction tx(*d->db);
        SQLite::Statement q(*d->db,
            "INSERT OR REPLACE INTO neighbour_lists(model_id, dimension, centroids, clip_ids, lists, created_at, last_clip_id) "
            "VALUES(?, ?, ?, ?, ?, ?, ?)");
        const std::string centroids = blobOf(l.centroids), ids = blobOf(l.clipIds), lists = blobOf(l.lists);
        q.bind(1, l.modelId);
        q.bind(2, l.dimension);
        q.bind(3, centroids.data(), int(centroids.size()));
        q.bind(4, ids.data(), int(ids.size()));
        q.bind(5, lists.data(), int(lists.size()));
        q.bind(6, utcNowIso());
        if (l.clipIds.empty()) q.bind(7); else q.bind(7, static_cast<std::int64_t>(l.clipIds.back()));
        q.exec();
        SQLite::Statement clear(*d->db, "DELETE FROM neighbour_list_members WHERE model_id = ?");
        clear.bind(1, l.modelId);
        clear.exec();
        if (vectors) {
            // Rows of each list in ascending clip order (clipIds ascend).
            std::vector<std::vector<std::size_t>> rowsOf(listCount);
            for (std::size_t r = 0; r < l.lists.size(); ++r) rowsOf[std::size_t(l.lists[r])].push_back(r);
            SQLite::Statement add(*d->db, "INSERT INTO neighbour_list_members(model_id, list, clip_ids, vectors) VALUES(?, ?, ?, ?)");
            const std::size_t dim = std::size_t(l.dimension);
            for (std::size_t list = 0; list < listCount; ++list) {
                std::vector<ClipId> memberIds;
                std::vector<float> memberVectors;
                memberIds.reserve(rowsOf[list].size());
                memberVectors.reserve(rowsOf[list].size() * dim);
                for (const std::size_t r : rowsOf[list]) {
                    memberIds.push_back(l.clipIds[r]);
                    memberVectors.insert(memberVectors.end(), vectors->row(r), vectors->row(r) + dim);
                }
                const std::string idBlob = blobOf(memberIds), vectorBlob = blobOf(memberVectors);
                add.bind(1, l.modelId);
                add.bind(2, static_cast<std::int64_t>(list));
                add.bind(3, idBlob.data(), int(idBlob.size()));
                add.bind(4, vectorBlob.data(), int(vectorBlob.size()));
                add.exec();
                add.reset();
            }
        }
        tx.commit();
    });
}

std::optional<StoredListCentroids> Archive::listCentroids(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<StoredListCentroids> {
        if (!d->db->tableExists("neighbour_list_members")) return std::nullopt; // schema 3 or 4, read-only
        SQLite::Statement members(*d->db, "SELECT 1 FROM neighbour_list_members WHERE model_id = ? LIMIT 1");
        members.bind(1, modelId);
        if (!members.executeStep()) return std::nullopt;
        // The clip ids and lists that follow the centroids in the row are not read.
        SQLite::Statement q(*d->db, "SELECT dimension, last_clip_id, centroids FROM neighbour_lists WHERE model_id = ?");
        q.bind(1, modelId);
        if (!q.executeStep() || q.getColumn(1).isNull()) return std::nullopt;
        StoredListCentroids c;
        c.dimension = q.getColumn(0).getInt();
        c.lastClip = q.getColumn(1).getInt64();
        c.centroids = valuesOf<float>(q.getColumn(2));
        if (c.dimension <= 0 || c.centroids.empty() || c.centroids.size() % std::size_t(c.dimension) != 0)
            throw ArchiveError(fileError("read archive", d->file, "neighbour lists of " + modelId + " are damaged"));
        return c;
    });
}

EmbeddingMatrix Archive::listMembers(const std::string& modelId, std::span<const std::int32_t> lists) const
{
    return guarded(d->file, "read archive", [&] {
        EmbeddingMatrix m;
        SQLite::Statement q(*d->db, "SELECT clip_ids, vectors FROM neighbour_list_members WHERE model_id = ? AND list = ?");
        for (const std::int32_t list : lists) {
            q.reset();
            q.bind(1, modelId);
            q.bind(2, static_cast<std::int64_t>(list));
            if (!q.executeStep()) continue;
            const std::vector<ClipId> ids = valuesOf<ClipId>(q.getColumn(0));
            if (ids.empty()) continue; // a list no clip fell in
            const SQLite::Column blob = q.getColumn(1);
            const int dim = blob.getBytes() / int(sizeof(float)) / int(ids.size());
            if (dim <= 0 || std::size_t(blob.getBytes()) != ids.size() * std::size_t(dim) * sizeof(float)
                || (m.dimension != 0 && dim != m.dimension))
                throw ArchiveError(fileError("read archive", d->file, "neighbour lists of " + modelId + " are damaged"));
            m.dimension = dim;
            m.clipIds.insert(m.clipIds.end(), ids.begin(), ids.end());
            const std::size_t at = m.values.size();
            m.values.resize(at + ids.size() * std::size_t(dim));
            std::memcpy(m.values.data() + at, blob.getBlob(), std::size_t(blob.getBytes()));
        }
        return m;
    });
}

std::optional<StoredNeighbourLists> Archive::neighbourLists(const std::string& modelId) const
{
    return guarded(d->file, "read archive", [&]() -> std::optional<StoredNeighbourLists> {
        if (!d->db->tableExists("neighbour_lists")) return std::nullopt; // schema 3, read-only
        SQLite::Statement q(*d->db, "SELECT dimension, centroids, clip_ids, lists FROM neighbour_lists WHERE model_id = ?");
        q.bind(1, modelId);
        if (!q.executeStep()) return std::nullopt;
        StoredNeighbourLists l;
        l.modelId = modelId;
        l.dimension = q.getColumn(0).getInt();
        l.centroids = valuesOf<float>(q.getColumn(1));
        l.clipIds = valuesOf<ClipId>(q.getColumn(2));
        l.lists = valuesOf<std::int32_t>(q.getColumn(3));
        if (l.dimension <= 0 || l.centroids.empty() || l.centroids.size() % std::size_t(l.dimension) != 0
            || l.clipIds.size() != l.lists.size())
            throw ArchiveError(fileError("read archive", d->file, "neighbour lists of " + modelId + " are damaged"));
        return l;
    });
}

void Archive::removeNeighbourLists(const std::string& modelId)
{
    guarded(d->file, "write archive", [&] {
        SQLite::Transaction tx(*d->db);
        SQLite::Statement q(*d->db, "DELETE FROM neighbour_lists WHERE model_id = ?");
        q.bind(1, modelId);
        q.exec();
        SQLite::Statement members(*d->db, "DELETE FROM neighbour_list_members WHERE model_id = ?");
        members.bind(1, modelId);
        members.exec();
        tx.commit();
    });
}

void Archive::requireIntact(const std::string& what) const
{
    std::string report;
    try {
        SQLite::Statement q(*d->db, "PRAGMA quick_check(3)");
        while (q.executeStep()) {
            const std::string line = q.getColumn(0).getString();
            if (line == "ok") return;
            report += (report.empty() ? "" : "; ") + line;
        }
    } catch (const SQLite::Exception& e) {
        report = e.what();
    }
    const std::string name = d->file.filename().string();
    throw ArchiveError(fileError(what.c_str(), d->file,
        "the archive is damaged (SQLite: " + report + "); nothing was written. Recover what is readable into a new "
        "file with: sqlite3 \"" + name + "\" .recover | sqlite3 recovered.crowlingo"));
}

std::string Archive::integrityCheck() const
{
    return guarded(d->file, "check archive", [&] { return d->db->execAndGet("PRAGMA integrity_check").getString(); });
}

} // namespace crowlingo
