#include "core/common/Csv.h"

#include "core/common/Error.h"

namespace crowlingo {

std::string csvField(std::string_view v)
{
    if (v.find_first_of(",\"\n\r\t") == std::string_view::npos) return std::string(v);
    std::string out = "\"";
    for (char c : v) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
    return out;
}

std::string csvRow(const std::vector<std::string>& fields)
{
    std::string out;
    for (std::size_t i = 0; i < fields.size(); ++i) {
        if (i) out += ',';
        out += csvField(fields[i]);
    }
    out += '\n';
    return out;
}

namespace {

bool startsWithFormulaOrQuote(std::string_view v)
{
    return !v.empty() && std::string_view("=+-@\t\r'").find(v.front()) != std::string_view::npos;
}

} // namespace

std::string spreadsheetText(std::string_view v)
{
    return startsWithFormulaOrQuote(v) ? "'" + std::string(v) : std::string(v);
}

std::string fromSpreadsheetText(std::string_view v)
{
    return v.size() >= 2 && v.front() == '\'' && startsWithFormulaOrQuote(v.substr(1)) ? std::string(v.substr(1)) : std::string(v);
}

CsvReader::CsvReader(const std::filesystem::path& file, char delimiter)
    : file_(file), in_(file, std::ios::binary), delimiter_(delimiter)
{
    if (!in_) throw Error(fileError("read", file, "cannot open file"));
}

bool CsvReader::next(std::vector<std::string>& fields)
{
    fields.clear();
    std::string field;
    bool quoted = false, any = false, fieldWasQuoted = false;
    line_ = nextLine_;
    if (records_ >= CsvLimits::maxRecords && in_.peek() != std::char_traits<char>::eof())
        throw Error(fileError("read", file_, "more than " + std::to_string(CsvLimits::maxRecords) + " records"));
    std::size_t lineBytes = 0;
    char c;
    while (in_.get(c)) {
        any = true;
        lineBytes = c == '\n' ? 0 : lineBytes + 1;
        if (lineBytes > CsvLimits::maxLineBytes || field.size() > CsvLimits::maxLineBytes)
            throw Error(fileError("read", file_, "line " + std::to_string(nextLine_) + " holds a line or field longer than "
                                                     + std::to_string(CsvLimits::maxLineBytes >> 20) + " MiB (not a text table?)"));
        if (quoted) {
            if (c == '"') {
                if (in_.peek() == '"') { field += '"'; in_.get(c); }
                else quoted = false;
            } else {
                if (c == '\n') ++nextLine_;
                field += c;
            }
            continue;
        }
        if (c == '"' && field.empty() && !fieldWasQuoted) { quoted = fieldWasQuoted = true; continue; }
        if (c == delimiter_) { fields.push_back(std::move(field)); field.clear(); fieldWasQuoted = false; continue; }
        if (c == '\r') continue;
        if (c == '\n') {
            ++nextLine_;
            ++records_;
            fields.push_back(std::move(field));
            return true;
        }
        field += c;
    }
    if (quoted) throw Error(fileError("read", file_, "line " + std::to_string(line_) + ": unterminated quoted field"));
    if (!any) return false;
    ++records_;
    fields.push_back(std::move(field));
    return true;
}

} // namespace crowlingo
