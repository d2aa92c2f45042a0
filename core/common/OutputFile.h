#pragma once
// An output file that appears whole or not at all. The bytes go to a temporary file beside the
// target (".<name>.<random>.tmp", same folder so the rename stays on one filesystem); every write
// is checked; commit() flushes, fsyncs, renames the temporary file over the target and fsyncs the
// folder. A failed or short write (a full disk) throws Error naming the target, and the target
// stays as it was; a file never committed is removed by the destructor.
//
//   OutputFile out("clusters.csv", {.protect = sqliteFiles(archive.file()), .replace = force});
//   out.write("clip_id,path\n");
//   out.commit();
//
// Threading: an OutputFile is used by one thread at a time.
#include "core/common/OutputRules.h"

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace crowlingo {

class OutputFile {
public:
    // Checks the target against the rules (checkOutputPaths) and creates the temporary file.
    // A symlinked target is followed: the file it points to is replaced, the link stays.
    explicit OutputFile(const std::filesystem::path& target, const OutputRules& rules = {});
    ~OutputFile(); // removes the temporary file unless committed
    OutputFile(const OutputFile&) = delete;
    OutputFile& operator=(const OutputFile&) = delete;

    void write(std::string_view bytes);
    void write(const void* data, std::size_t size);
    // Writes what is buffered, fsyncs and closes the temporary file; no writes after this. Lets a
    // batch of many files be written without holding one descriptor per file.
    void finish();
    // finish(), then renames over the target (atomically) and fsyncs the folder.
    void commit();

    const std::filesystem::path& target() const { return target_; }
    const std::filesystem::path& temporaryPath() const { return temp_; }

private:
    void flushBuffer();
    [[noreturn]] void fail(std::string_view what, int error);

    std::filesystem::path target_;   // as the caller named it (for messages)
    std::filesystem::path resolved_; // where it lands
    std::filesystem::path temp_;
    bool replace_ = false;
    int fd_ = -1;
    std::string buffer_;
    bool committed_ = false;
};

// Commits files written together (a folder of tables, a CSV and its sidecar): all are finished
// first, so a full disk stops the batch before any target is touched; if a rename then fails, the
// targets renamed so far are removed again and the error is rethrown.
void commitTogether(const std::vector<std::unique_ptr<OutputFile>>& files);

} // namespace crowlingo
