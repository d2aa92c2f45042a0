#pragma once
// One long-running writer per archive: embedding and adaptation hold this lock for their whole
// run, so that a second `embed` (or the GUI's Embed/Adapt) started on the same archive stops at
// once with a clear message, rather than embedding the same files twice or waiting on SQLite.
// Short writes (labels, clusterings) need no such lock: SQLite's own locking serialises them.
//
//   ArchiveWriterLock lock(archive.file(), "embed");   // throws ArchiveError if another process holds it
//
// How: flock() on a file beside the archive, ARCHIVE.lock, holding the holder's pid and task; the
// file is removed when the lock is released. (Not on the archive itself: closing any descriptor
// of the database file would drop SQLite's own POSIX locks on it.) The lock is re-entrant within a
// process: adaptation holds it and then embeds. A read-only folder cannot hold the lock file; then
// no lock is taken (nothing can write there anyway).
//
// Threading: construct and destroy on any thread; the process-wide table is guarded.
#include <filesystem>
#include <memory>
#include <string>

namespace crowlingo {

class ArchiveWriterLock {
public:
    ArchiveWriterLock(const std::filesystem::path& archive, const std::string& task);
    ~ArchiveWriterLock();
    ArchiveWriterLock(const ArchiveWriterLock&) = delete;
    ArchiveWriterLock& operator=(const ArchiveWriterLock&) = delete;

    struct Held; // the lock file, shared by the holders in this process

private:
    std::shared_ptr<Held> held_;
};

} // namespace crowlingo
