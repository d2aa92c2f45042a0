#include "core/archive/ArchiveWriterLock.h"

#include "core/common/Error.h"

#include <cerrno>
#include <cstring>
#include <map>
#include <mutex>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace crowlingo {

namespace fs = std::filesystem;

struct ArchiveWriterLock::Held {
    std::string path;
    int fd = -1;
    pid_t owner = ::getpid();
    ~Held()
    {
        if (fd < 0 || owner != ::getpid()) return; // a forked child does not release its parent's lock
        ::unlink(path.c_str()); // before the unlock: a waiter that opened the old file sees it is gone
        ::close(fd);
    }
};

namespace {

std::mutex g_mutex;
std::map<std::string, std::weak_ptr<ArchiveWriterLock::Held>> g_held; // lock file -> this process's hold

std::string readHolder(int fd)
{
    char text[256] = {};
    const ssize_t n = ::pread(fd, text, sizeof text - 1, 0);
    std::string s(text, n > 0 ? std::size_t(n) : 0);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    return s.empty() ? "another process" : s;
}

} // namespace

ArchiveWriterLock::ArchiveWriterLock(const fs::path& archive, const std::string& task)
{
    const std::string path = fs::absolute(archive).lexically_normal().string() + ".lock";
    const std::lock_guard<std::mutex> guard(g_mutex);
    if (auto existing = g_held[path].lock(); existing && existing->owner == ::getpid()) { // (a forked child is another process)
        held_ = std::move(existing);
        return;
    }
    auto held = std::make_shared<Held>();
    held->path = path;
    for (;;) {
        const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            if (errno == EROFS || errno == EACCES || errno == EPERM) break; // nothing can write here: no lock needed
            throw ArchiveError(fileError(task, archive, std::string("cannot create the lock file: ") + std::strerror(errno)));
        }
        if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
            const int err = errno;
            const std::string holder = readHolder(fd);
            ::close(fd);
            if (err == EWOULDBLOCK)
                throw ArchiveError(fileError(task, archive, "the archive is busy: " + holder +
                                                            " is writing to it; wait until it has finished"));
            throw ArchiveError(fileError(task, archive, std::string("cannot lock the archive: ") + std::strerror(err)));
        }
        struct stat opened {}, named {};
        if (::fstat(fd, &opened) == 0 && ::stat(path.c_str(), &named) == 0 && opened.st_ino == named.st_ino &&
            opened.st_dev == named.st_dev) {
            held->fd = fd;
            break;
        }
        ::close(fd); // the previous holder removed the file between our open and flock: once more
    }
    if (held->fd >= 0) {
        const std::string who = "process " + std::to_string(::getpid()) + " (" + task + ")\n";
        if (::ftruncate(held->fd, 0) == 0) (void)!::pwrite(held->fd, who.data(), who.size(), 0);
    }
    g_held[path] = held;
    held_ = std::move(held);
}

ArchiveWriterLock::~ArchiveWriterLock()
{
    const std::lock_guard<std::mutex> guard(g_mutex);
    held_.reset(); // the last holder in this process releases the file
}

} // namespace crowlingo
