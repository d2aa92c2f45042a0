#include "core/archive/EmbeddingExport.h"

#include "core/archive/Archive.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"
#include "core/common/OutputFile.h"

#include <bit>
#include <cstdio>
#include <map>

namespace crowlingo {

void writeNpy(const std::filesystem::path& file, std::span<const float> values, std::size_t rows, int columns,
              const OutputRules& rules)
{
    static_assert(std::endian::native == std::endian::little, "the .npy header below says little endian");
    if (values.size() != rows * std::size_t(columns))
        throw UsageError(fileError("write", file, "matrix size does not match its shape"));
    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + std::to_string(rows) + ", " +
                         std::to_string(columns) + "), }";
    // Magic (6) + version (2) + header length (2) + header + '\n' is padded to a multiple of 64.
    const std::size_t unpadded = 10 + header.size() + 1;
    header.append((64 - unpadded % 64) % 64, ' ');
    header += '\n';
    OutputFile out(file, rules);
    out.write("\x93NUMPY\x01\x00", 8);
    const std::uint16_t len = std::uint16_t(header.size());
    const char lenBytes[2] = {char(len & 0xff), char(len >> 8)};
    out.write(lenBytes, 2);
    out.write(header);
    out.write(values.data(), values.size() * sizeof(float));
    out.commit();
}

void writeClipTable(const std::filesystem::path& file, const Archive& archive, const std::vector<ClipId>& order,
                    const OutputRules& rules)
{
    OutputRules checked = rules; // the archive read is never the output
    for (std::filesystem::path& p : sqliteFiles(archive.file())) checked.protect.push_back(std::move(p));
    OutputFile out(file, checked);
    std::map<ClipId, ClipRow> byId;
    for (ClipRow& c : archive.clips()) byId.emplace(c.id, std::move(c));
    out.write("clip_id,path,start_s,end_s,low_hz,high_hz\n");
    char num[128];
    for (ClipId id : order) {
        const ClipRow& c = byId.at(id);
        std::snprintf(num, sizeof num, ",%.6f,%.6f,%.2f,%.2f\n", c.start, c.end, c.lowHz, c.highHz);
        out.write(std::to_string(id) + ',' + csvField(spreadsheetText(c.path)) + num);
    }
    out.commit();
}

} // namespace crowlingo
