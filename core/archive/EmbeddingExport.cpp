#include "core/archive/EmbeddingExport.h"

#include "core/archive/Archive.h"
#include "core/common/Csv.h"
#include "core/common/Error.h"

#include <bit>
#include <cstdio>
#include <fstream>
#include <map>

namespace crowlingo {

void writeNpy(const std::filesystem::path& file, std::span<const float> values, std::size_t rows, int columns)
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
    std::ofstream out(file, std::ios::binary);
    if (!out) throw Error(fileError("write", file, "cannot create file"));
    out.write("\x93NUMPY\x01\x00", 8);
    const std::uint16_t len = std::uint16_t(header.size());
    out.put(char(len & 0xff));
    out.put(char(len >> 8));
    out << header;
    out.write(reinterpret_cast<const char*>(values.data()), std::streamsize(values.size() * sizeof(float)));
    if (!out) throw Error(fileError("write", file, "write failed (disk full?)"));
}

void writeClipTable(const std::filesystem::path& file, const Archive& archive, const std::vector<ClipId>& order)
{
    std::map<ClipId, ClipRow> byId;
    for (ClipRow& c : archive.clips()) byId.emplace(c.id, std::move(c));
    std::ofstream out(file, std::ios::binary);
    if (!out) throw Error(fileError("write", file, "cannot create file"));
    out << "clip_id,path,start_s,end_s,low_hz,high_hz\n";
    char num[128];
    for (ClipId id : order) {
        const ClipRow& c = byId.at(id);
        std::snprintf(num, sizeof num, ",%.6f,%.6f,%.2f,%.2f\n", c.start, c.end, c.lowHz, c.highHz);
        out << id << ',' << csvField(c.path) << num;
    }
    if (!out) throw Error(fileError("write", file, "write failed (disk full?)"));
}

} // namespace crowlingo
