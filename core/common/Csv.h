#pragma once
// Plain CSV (RFC 4180): fields with commas, quotes or newlines are quoted, quotes doubled. What
// pandas.read_csv and spreadsheet programs read with no options. Free text from the user or the
// file system (labels, paths) goes through spreadsheetText() first, so that a spreadsheet does not
// run a label like "=HYPERLINK(...)" as a formula; readers of our own exports undo it with
// fromSpreadsheetText().
//
//   out << csvRow({"clip_id", "path"}) ;           // "clip_id,path\n"
//   CsvReader in(file); std::vector<std::string> row; while (in.next(row)) ...
//
// Threading: a CsvReader is used by one thread at a time.
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace crowlingo {

std::string csvField(std::string_view value);
std::string csvRow(const std::vector<std::string>& fields); // ends with '\n'

// Text that begins with =, +, -, @, a tab or a carriage return (what spreadsheets take for a
// formula) gets a leading single quote; so does text that begins with a quote, so that
// fromSpreadsheetText() gives back exactly the original: "=1+1" -> "'=1+1", "'a" -> "''a".
std::string spreadsheetText(std::string_view text);
std::string fromSpreadsheetText(std::string_view text); // "'=1+1" -> "=1+1"; other text as it is

// What a CSV or label file may hold, so that a file that never ends (/dev/zero, a 10 GB line) is
// refused after a megabyte, not after filling the memory.
struct CsvLimits {
    static constexpr std::size_t maxLineBytes = std::size_t(1) << 20; // also the longest field
    static constexpr int maxRecords = 10'000'000;
};

class CsvReader {
public:
    // Throws Error naming the file if it cannot be opened. delimiter ',' or '\t'.
    explicit CsvReader(const std::filesystem::path& file, char delimiter = ',');
    // Reads the next record (quoted fields may span lines); false at end of file.
    // Throws Error naming the file and line on an unterminated quote, a field or line longer than
    // CsvLimits::maxLineBytes and more than CsvLimits::maxRecords records.
    bool next(std::vector<std::string>& fields);
    int line() const { return line_; } // line where the last record started (1-based)

private:
    std::filesystem::path file_;
    std::ifstream in_;
    char delimiter_;
    int line_ = 0;
    int nextLine_ = 1;
    int records_ = 0;
};

} // namespace crowlingo
