#pragma once
// Plain CSV (RFC 4180): fields with commas, quotes or newlines are quoted, quotes doubled. What
// pandas.read_csv and spreadsheet programs read with no options.
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

class CsvReader {
public:
    // Throws Error naming the file if it cannot be opened. delimiter ',' or '\t'.
    explicit CsvReader(const std::filesystem::path& file, char delimiter = ',');
    // Reads the next record (quoted fields may span lines); false at end of file.
    // Throws Error naming the file and line on an unterminated quote.
    bool next(std::vector<std::string>& fields);
    int line() const { return line_; } // line where the last record started (1-based)

private:
    std::filesystem::path file_;
    std::ifstream in_;
    char delimiter_;
    int line_ = 0;
    int nextLine_ = 1;
};

} // namespace crowlingo
