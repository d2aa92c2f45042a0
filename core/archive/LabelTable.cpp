#include "core/archive/LabelTable.h"

#include "core/common/Csv.h"
#include "core/common/Error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace crowlingo {

namespace {

constexpr std::string_view bom = "\xEF\xBB\xBF";

std::string trimmed(std::string_view s)
{
    const auto a = s.find_first_not_of(" \t");
    const auto b = s.find_last_not_of(" \t");
    return a == std::string_view::npos ? std::string() : std::string(s.substr(a, b - a + 1));
}

std::string lower(std::string s)
{
    for (char& c : s)
        if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    return s;
}

// Locale-independent ('.' decimal point whatever the user's locale), finite values only.
std::optional<double> finiteNumber(std::string_view text)
{
    const std::string s = trimmed(text);
    double v = 0;
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc() || p != end || !std::isfinite(v)) return std::nullopt;
    return v;
}

std::optional<ClipId> wholeNumber(std::string_view text)
{
    const std::string s = trimmed(text);
    ClipId v = 0;
    const char* end = s.data() + s.size();
    auto [p, ec] = std::from_chars(s.data(), end, v);
    if (s.empty() || ec != std::errc() || p != end) return std::nullopt;
    return v;
}

std::vector<std::string> splitTabs(std::string_view line)
{
    std::vector<std::string> out;
    std::size_t from = 0;
    for (;;) {
        const auto tab = line.find('\t', from);
        out.emplace_back(line.substr(from, tab == std::string_view::npos ? std::string_view::npos : tab - from));
        if (tab == std::string_view::npos) return out;
        from = tab + 1;
    }
}

// RFC 4180 records from text, with CsvReader's rules: a quote opens a quoted field only at the
// field's start, quoted fields may span lines, '\r' outside quotes is dropped.
class CsvText {
public:
    explicit CsvText(std::string_view text) : text_(text) {}
    enum class Status { Record, End, Unterminated };
    Status next(std::vector<std::string>& fields)
    {
        fields.clear();
        line_ = nextLine_;
        if (pos_ >= text_.size()) return Status::End;
        std::string field;
        bool quoted = false, wasQuoted = false;
        while (pos_ < text_.size()) {
            const char c = text_[pos_++];
            if (quoted) {
                if (c == '"') {
                    if (pos_ < text_.size() && text_[pos_] == '"') { field += '"'; ++pos_; }
                    else quoted = false;
                } else {
                    if (c == '\n') ++nextLine_;
                    field += c;
                }
                continue;
            }
            if (c == '"' && field.empty() && !wasQuoted) { quoted = wasQuoted = true; continue; }
            if (c == ',') { fields.push_back(std::move(field)); field.clear(); wasQuoted = false; continue; }
            if (c == '\r') continue;
            if (c == '\n') {
                ++nextLine_;
                fields.push_back(std::move(field));
                return Status::Record;
            }
            field += c;
        }
        if (quoted) return Status::Unterminated;
        fields.push_back(std::move(field));
        return Status::Record;
    }
    int line() const { return line_; }

private:
    std::string_view text_;
    std::size_t pos_ = 0;
    int line_ = 0;
    int nextLine_ = 1;
};

std::string firstLine(std::string_view text)
{
    std::string line(text.substr(0, text.find('\n')));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    return line;
}

bool isRavenHeader(const std::string& header)
{
    if (header.find('\t') == std::string::npos) return false;
    bool selection = false, begin = false;
    for (const std::string& f : splitTabs(header)) {
        const std::string name = lower(trimmed(f));
        selection |= name == "selection";
        begin |= name == "begin time (s)";
    }
    return selection && begin;
}

LabelTable parseCsv(std::string_view text, const std::filesystem::path& source, const LabelTableOptions& options)
{
    CsvText in(text);
    std::vector<std::string> header;
    in.next(header);
    for (auto& h : header) h = trimmed(h);
    // Columns are found by name, so that a table exported by CrowLingo (which has more columns)
    // reads back as it is.
    const auto column = [&](const char* name) -> int {
        const auto it = std::find(header.begin(), header.end(), name);
        return it == header.end() ? -1 : int(it - header.begin());
    };
    const int cId = column("clip_id"), cPath = column("path"), cStart = column("start_s"), cEnd = column("end_s"),
              cLabel = column("label");
    LabelTable t;
    if (cLabel >= 0 && cId >= 0) t.format = LabelTableFormat::ClipIdCsv;
    else if (cLabel >= 0 && cPath >= 0 && cStart >= 0 && cEnd >= 0) t.format = LabelTableFormat::SpanCsv;
    else if (cLabel >= 0 && cPath >= 0) t.format = LabelTableFormat::RecordingCsv;
    else if (options.labelsOptional && cPath >= 0 && cStart >= 0 && cEnd >= 0) t.format = LabelTableFormat::SpanCsv;
    else
        throw UsageError(fileError(options.action, source,
            std::string("unknown header; expected one of: ")
                + (options.labelsOptional ? "path,start_s,end_s[,label]" : "path,label | path,start_s,end_s,label | clip_id,label")
                + " | a tab-separated Raven selection table (Selection, Begin Time (s), End Time (s), ...)"));
    t.labelColumn = cLabel >= 0 ? "label" : "";
    const std::size_t width = header.size();

    std::vector<std::string> row;
    for (;;) {
        const CsvText::Status status = in.next(row);
        if (status == CsvText::Status::End) break;
        if (status == CsvText::Status::Unterminated) {
            ++t.records;
            t.problems.emplace_back(in.line(), "unterminated quoted field (the rest of the file is ignored)");
            break;
        }
        if (row.size() == 1 && trimmed(row[0]).empty()) continue; // blank line
        ++t.records;
        const int line = in.line();
        if (row.size() != width) {
            t.problems.emplace_back(line, "wrong number of fields");
            continue;
        }
        LabelTableRow r;
        r.line = line;
        // Our own exports quote text that a spreadsheet would run as a formula (spreadsheetText).
        if (cLabel >= 0) r.label = fromSpreadsheetText(trimmed(row[std::size_t(cLabel)]));
        if (r.label.empty() && t.format == LabelTableFormat::ClipIdCsv && width > 2) continue; // an exported clip without a label
        if (r.label.empty() && !options.labelsOptional) { t.problems.emplace_back(line, "empty label"); continue; }
        if (t.format == LabelTableFormat::ClipIdCsv) {
            r.clipId = wholeNumber(row[std::size_t(cId)]);
            if (!r.clipId) { t.problems.emplace_back(line, "no clip " + row[std::size_t(cId)]); continue; }
        } else {
            r.path = fromSpreadsheetText(trimmed(row[std::size_t(cPath)]));
            if (r.path.empty()) { t.problems.emplace_back(line, "empty path"); continue; }
            if (t.format == LabelTableFormat::SpanCsv) {
                r.startS = finiteNumber(row[std::size_t(cStart)]);
                r.endS = finiteNumber(row[std::size_t(cEnd)]);
                if (!r.startS || !r.endS || *r.endS <= *r.startS) {
                    t.problems.emplace_back(line, "bad start_s/end_s");
                    continue;
                }
            }
        }
        t.rows.push_back(std::move(r));
    }
    return t;
}

// Raven Pro selection table: one row per selection and view (Waveform, Spectrogram, ...), the
// rows of one selection sharing its number. Multi-file tables name the file of each selection
// ("Begin Path" or "Begin File"); their "Begin Time (s)" runs over all files, "File Offset (s)" is
// the start within the named file.
LabelTable parseRaven(std::string_view text, const std::filesystem::path& source, const LabelTableOptions& options)
{
    const auto fail = [&](const std::string& why) {
        return UsageError(fileError(options.action, source, why));
    };
    std::vector<std::string> header = splitTabs(firstLine(text));
    for (auto& h : header) h = trimmed(h);
    const auto column = [&](std::string_view name) -> int {
        for (std::size_t i = 0; i < header.size(); ++i)
            if (lower(header[i]) == lower(std::string(name))) return int(i);
        return -1;
    };
    const int cSelection = column("Selection"), cBegin = column("Begin Time (s)"), cEnd = column("End Time (s)"),
              cLow = column("Low Freq (Hz)"), cHigh = column("High Freq (Hz)"), cOffset = column("File Offset (s)");
    const int cFile = column("Begin Path") >= 0 ? column("Begin Path") : column("Begin File");
    if (cEnd < 0) throw fail("Raven selection table without an \"End Time (s)\" column");

    int cLabel = -1;
    if (!options.labelColumn.empty()) {
        cLabel = column(options.labelColumn);
    } else {
        for (const char* name : {"Annotation", "Label", "Species", "Call Type", "Type"})
            if ((cLabel = column(name)) >= 0) break;
    }
    if (cLabel < 0 && !(options.labelsOptional && options.labelColumn.empty())) {
        std::string have;
        for (const auto& h : header) have += (have.empty() ? "" : ", ") + ("\"" + h + "\"");
        throw fail(options.labelColumn.empty()
            ? "Raven selection table without a label column (looked for Annotation, Label, Species, Call Type, "
              "Type; name another with --label-column); its columns: " + have
            : "Raven selection table has no column \"" + options.labelColumn + "\"; its columns: " + have);
    }

    LabelTable t;
    t.format = LabelTableFormat::RavenSelections;
    t.labelColumn = cLabel >= 0 ? header[std::size_t(cLabel)] : "";
    std::string recording = options.recording;
    RecordingRef ref = RecordingRef::FilePath;
    if (cFile < 0 && recording.empty()) {
        recording = LabelTable::recordingStemFromTableName(source);
        ref = RecordingRef::FileStem;
        if (recording.empty())
            throw fail("this single-file Raven table does not say which recording it belongs to (no \"Begin File\" "
                       "or \"Begin Path\" column, and its name is not \"<recording>.Table.1.selections.txt\"); "
                       "name the recording (--recording)");
    }

    const std::size_t width = header.size();
    std::set<std::string> seenSelections;
    std::size_t pos = text.find('\n');
    int line = 1;
    while (pos != std::string_view::npos) {
        const std::size_t from = pos + 1;
        pos = text.find('\n', from);
        ++line;
        std::string_view raw = text.substr(from, pos == std::string_view::npos ? std::string_view::npos : pos - from);
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        if (trimmed(raw).empty()) continue;
        const std::vector<std::string> f = splitTabs(raw);
        // One selection is listed once per view: count it once (the first row stands for all).
        if (cSelection < int(f.size())) {
            const std::string selection = trimmed(f[std::size_t(cSelection)]);
            if (!selection.empty() && !seenSelections.insert(selection).second) continue;
        }
        ++t.records;
        if (f.size() != width) {
            t.problems.emplace_back(line, std::to_string(f.size()) + " fields, the header has " + std::to_string(width));
            continue;
        }
        LabelTableRow r;
        r.line = line;
        if (cLabel >= 0) r.label = trimmed(f[std::size_t(cLabel)]);
        if (r.label.empty() && !options.labelsOptional) {
            t.problems.emplace_back(line, "empty label (column \"" + t.labelColumn + "\")");
            continue;
        }
        const auto begin = finiteNumber(f[std::size_t(cBegin)]), end = finiteNumber(f[std::size_t(cEnd)]);
        if (!begin || !end || *end < *begin) { t.problems.emplace_back(line, "bad Begin Time (s)/End Time (s)"); continue; }
        r.startS = *begin;
        r.endS = *end;
        if (cOffset >= 0) {
            const auto offset = finiteNumber(f[std::size_t(cOffset)]);
            if (!offset || *offset < 0 || !std::isfinite(*offset + (*end - *begin))) {
                t.problems.emplace_back(line, "bad File Offset (s)");
                continue;
            }
            r.startS = *offset;
            r.endS = *offset + (*end - *begin);
        }
        if (cLow >= 0 && cHigh >= 0) {
            r.lowHz = finiteNumber(f[std::size_t(cLow)]);
            r.highHz = finiteNumber(f[std::size_t(cHigh)]);
            if (!r.lowHz || !r.highHz || *r.lowHz < 0 || *r.highHz < *r.lowHz) {
                t.problems.emplace_back(line, "bad Low Freq (Hz)/High Freq (Hz)");
                continue;
            }
        }
        if (cFile >= 0) {
            r.path = trimmed(f[std::size_t(cFile)]);
            if (r.path.empty()) { t.problems.emplace_back(line, "empty \"" + header[std::size_t(cFile)] + "\""); continue; }
            r.ref = RecordingRef::FilePath;
        } else {
            r.path = recording;
            r.ref = ref;
        }
        t.rows.push_back(std::move(r));
    }
    return t;
}

// Audacity's label track: "start<TAB>end<TAB>label" with no header; a first line of two numbers
// and a tab is taken as one. (A CSV's header has no tab; a Raven header starts with a name.)
bool isAudacityLine(std::string_view line)
{
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    const std::vector<std::string> f = splitTabs(line);
    return f.size() >= 2 && finiteNumber(f[0]) && finiteNumber(f[1]);
}

LabelTable parseAudacity(std::string_view text, const std::filesystem::path& source, const LabelTableOptions& options)
{
    LabelTable t;
    t.format = LabelTableFormat::AudacityLabels;
    t.labelColumn = "label";
    RecordingRef ref = RecordingRef::FilePath;
    std::string recording = options.recording;
    if (recording.empty()) {
        recording = source.stem().string();
        ref = RecordingRef::FileStem;
    }
    std::size_t from = 0;
    int line = 0;
    while (from <= text.size()) {
        const std::size_t end = text.find('\n', from);
        std::string_view raw = text.substr(from, end == std::string_view::npos ? std::string_view::npos : end - from);
        from = end == std::string_view::npos ? text.size() + 1 : end + 1;
        ++line;
        if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
        if (trimmed(raw).empty()) continue;
        const std::vector<std::string> f = splitTabs(raw);
        if (trimmed(f[0]) == "\\") { // the spectral selection of the label above: "\ low high"
            const auto low = f.size() >= 3 ? finiteNumber(f[1]) : std::nullopt;
            const auto high = f.size() >= 3 ? finiteNumber(f[2]) : std::nullopt;
            if (t.rows.empty() || t.rows.back().line != line - 1) continue; // follows a refused label
            if (!low || !high || *low < 0 || *high < *low) {
                t.problems.emplace_back(line, "bad frequency line (\\ low high)");
                t.rows.pop_back();
                continue;
            }
            t.rows.back().lowHz = *low;
            t.rows.back().highHz = *high;
            continue;
        }
        ++t.records;
        LabelTableRow r;
        r.line = line;
        const auto begin = finiteNumber(f[0]), stop = f.size() >= 2 ? finiteNumber(f[1]) : std::nullopt;
        if (!begin || !stop || *begin < 0 || *stop < *begin) { t.problems.emplace_back(line, "bad start/end time"); continue; }
        // A label's text may itself hold tabs: everything after the second field is the label.
        std::string label;
        for (std::size_t i = 2; i < f.size(); ++i) label += (i > 2 ? "\t" : "") + f[i];
        r.label = trimmed(label);
        if (r.label.empty() && !options.labelsOptional) { t.problems.emplace_back(line, "empty label"); continue; }
        r.startS = *begin;
        r.endS = *stop;
        r.path = recording;
        r.ref = ref;
        t.rows.push_back(std::move(r));
    }
    return t;
}

} // namespace

std::string LabelTable::recordingStemFromTableName(const std::filesystem::path& table)
{
    const std::string name = table.filename().string();
    const std::string l = lower(name);
    const std::string_view suffix = ".selections.txt";
    if (l.size() <= suffix.size() || l.compare(l.size() - suffix.size(), suffix.size(), suffix) != 0) return {};
    std::size_t digits = l.size() - suffix.size();
    const std::size_t digitsEnd = digits;
    while (digits > 0 && l[digits - 1] >= '0' && l[digits - 1] <= '9') --digits;
    const std::string_view table_ = ".table.";
    if (digits == digitsEnd || digits < table_.size() + 1
        || l.compare(digits - table_.size(), table_.size(), table_) != 0)
        return {};
    return name.substr(0, digits - table_.size());
}

LabelTable LabelTable::parse(std::string_view text, const std::filesystem::path& source, const LabelTableOptions& options)
{
    if (text.substr(0, bom.size()) == bom) text.remove_prefix(bom.size());
    if (text.find_first_not_of(" \t\r\n") == std::string_view::npos)
        throw UsageError(fileError(options.action, source, "file is empty"));
    const std::string first = firstLine(text);
    if (isRavenHeader(first)) return parseRaven(text, source, options);
    if (isAudacityLine(first)) return parseAudacity(text, source, options);
    return parseCsv(text, source, options);
}

LabelTable LabelTable::read(const std::filesystem::path& file, const LabelTableOptions& options)
{
    std::ifstream in(file, std::ios::binary);
    if (!in) throw UsageError(fileError(options.action, file, "cannot open the file"));
    // Read in blocks, measuring lines on the way: a file that never ends (/dev/zero) or one 10 GB
    // line is refused after its first MiB, not after filling the memory.
    constexpr std::size_t maxFileBytes = std::size_t(1) << 30;
    auto refuse = [&](const std::string& why) { return UsageError(fileError(options.action, file, why)); };
    std::string text;
    std::vector<char> block(std::size_t(1) << 16);
    std::size_t lineBytes = 0;
    int lines = 0;
    while (in.read(block.data(), std::streamsize(block.size())) || in.gcount() > 0) {
        const std::size_t n = std::size_t(in.gcount());
        for (std::size_t i = 0; i < n; ++i) {
            if (block[i] == '\n') {
                lineBytes = 0;
                if (++lines > CsvLimits::maxRecords)
                    throw refuse("more than " + std::to_string(CsvLimits::maxRecords) + " lines (not a label table?)");
            } else if (++lineBytes > CsvLimits::maxLineBytes) {
                throw refuse("line " + std::to_string(lines + 1) + " is longer than "
                             + std::to_string(CsvLimits::maxLineBytes >> 20) + " MiB (not a label table?)");
            }
        }
        if (text.size() + n > maxFileBytes)
            throw refuse("larger than " + std::to_string(maxFileBytes >> 30) + " GiB (not a label table?)");
        text.append(block.data(), n);
    }
    if (in.bad()) throw UsageError(fileError(options.action, file, "read error"));
    return parse(text, file, options);
}

} // namespace crowlingo
