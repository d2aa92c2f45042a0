#include "core/common/OutputFile.h"

#include "core/common/Error.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <random>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace crowlingo {

namespace fs = std::filesystem;

namespace {

constexpr std::size_t kBufferBytes = 1 << 16;

// ".clusters.csv.k3x9q2.tmp": hidden, unique (created with O_EXCL), clearly not the output.
std::string temporaryName(const fs::path& target)
{
    thread_local std::mt19937_64 random{std::random_device{}()};
    static constexpr char kLetters[] = "abcdefghijklmnopqrstuvwxyz0123456789";
    // Cut long names, so that the temporary one stays under NAME_MAX (255 bytes) too.
    std::string name = "." + target.filename().string().substr(0, 200) + ".";
    for (int i = 0; i < 6; ++i) name += kLetters[random() % (sizeof kLetters - 1)];
    return name + ".tmp";
}

std::string why(int error)
{
    std::string s = std::strerror(error);
    if (error == ENOSPC || error == EFBIG || error == EDQUOT) s += " (the file is not written; the old one, if any, is kept)";
    return s;
}

} // namespace

OutputFile::OutputFile(const fs::path& target, const OutputRules& rules) : target_(target), replace_(rules.replace)
{
    checkOutputPaths({target}, rules);
    std::error_code ec;
    resolved_ = fs::weakly_canonical(fs::absolute(target), ec);
    if (ec) resolved_ = fs::absolute(target);
    struct stat existing{};
    const bool exists = ::stat(resolved_.c_str(), &existing) == 0;
    for (int attempt = 0; attempt < 100 && fd_ < 0; ++attempt) {
        temp_ = resolved_.parent_path() / temporaryName(resolved_);
        fd_ = ::open(temp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666); // the umask applies
        if (fd_ < 0 && errno != EEXIST) break;
    }
    if (fd_ < 0) {
        const int e = errno;
        temp_.clear();
        throw Error(fileError("write", target_, "cannot create a temporary file beside it: " + std::string(std::strerror(e))));
    }
    if (exists) ::fchmod(fd_, existing.st_mode & 07777); // a replaced file keeps its permissions
    buffer_.reserve(kBufferBytes);
}

OutputFile::~OutputFile()
{
    if (fd_ >= 0) ::close(fd_);
    if (!committed_ && !temp_.empty()) ::unlink(temp_.c_str());
}

void OutputFile::fail(std::string_view what, int error)
{
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    ::unlink(temp_.c_str());
    temp_.clear();
    throw Error(fileError(what, target_, why(error)));
}

void OutputFile::write(std::string_view bytes) { write(bytes.data(), bytes.size()); }

void OutputFile::write(const void* data, std::size_t size)
{
    if (fd_ < 0) throw Error(fileError("write", target_, "the file is already closed"));
    buffer_.append(static_cast<const char*>(data), size);
    if (buffer_.size() >= kBufferBytes) flushBuffer();
}

void OutputFile::flushBuffer()
{
    std::size_t done = 0;
    while (done < buffer_.size()) {
        const ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) fail("write", n < 0 ? errno : ENOSPC); // a short write that makes no progress: full
        done += std::size_t(n);
    }
    buffer_.clear();
}

void OutputFile::finish()
{
    if (fd_ < 0) {
        if (temp_.empty()) throw Error(fileError("write", target_, "an earlier write failed"));
        return; // already finished
    }
    flushBuffer();
    if (::fsync(fd_) != 0) fail("write", errno);
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) fail("write", errno); // NFS reports write errors here
}

void OutputFile::commit()
{
    finish();
    int rc = replace_ ? std::rename(temp_.c_str(), resolved_.c_str())
                      : ::renameat2(AT_FDCWD, temp_.c_str(), AT_FDCWD, resolved_.c_str(), RENAME_NOREPLACE);
    if (rc != 0 && !replace_ && errno == EINVAL) rc = std::rename(temp_.c_str(), resolved_.c_str()); // no NOREPLACE here
    if (rc != 0) {
        const int e = errno;
        ::unlink(temp_.c_str());
        temp_.clear();
        if (e == EEXIST) throw OutputExistsError("\"" + target_.string() + "\" exists; use --force to replace it");
        throw Error(fileError("write", target_, "cannot rename the temporary file over it: " + std::string(std::strerror(e))));
    }
    committed_ = true;
    // The rename is durable once the folder is: fsync it (a failure here loses nothing written).
    const int dir = ::open(resolved_.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir >= 0) {
        ::fsync(dir);
        ::close(dir);
    }
}

void commitTogether(const std::vector<std::unique_ptr<OutputFile>>& files)
{
    std::vector<bool> existed;
    for (const auto& f : files) {
        f->finish();
        std::error_code ec;
        existed.push_back(fs::exists(f->target(), ec));
    }
    for (std::size_t i = 0; i < files.size(); ++i) {
        try {
            files[i]->commit();
        } catch (...) {
            std::error_code ec;
            for (std::size_t j = 0; j < i; ++j)
                if (!existed[j]) fs::remove(fs::weakly_canonical(fs::absolute(files[j]->target())), ec);
            throw;
        }
    }
}

} // namespace crowlingo
