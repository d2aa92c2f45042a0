#include "core/model/SafeTensors.h"

#include "core/common/Error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <system_error>

#include <fcntl.h>
#include <unistd.h>

namespace crowlingo {

static_assert(std::endian::native == std::endian::little,
              "safetensors stores little-endian data; add byte swapping for big-endian hosts");

namespace {

using json = nlohmann::json;

std::string shapeText(const std::vector<std::int64_t>& shape)
{
    std::string s = "[";
    for (std::size_t i = 0; i < shape.size(); ++i)
        s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + "]";
}

std::uint64_t readLe64(const std::byte* p)
{
    std::uint64_t v = 0;
    for (int i = 7; i >= 0; --i)
        v = (v << 8) | std::uint64_t(std::to_integer<unsigned char>(p[i]));
    return v;
}

struct Entry {
    std::string name;
    std::uint64_t begin = 0, end = 0;
};

} // namespace

SafeTensors SafeTensors::parse(std::span<const std::byte> bytes, const std::filesystem::path& file)
{
    auto fail = [&](const std::string& why) { return ModelError(fileError("load weights", file, why)); };

    if (bytes.size() < 8)
        throw fail("truncated: " + std::to_string(bytes.size()) + " bytes, fewer than the 8-byte header length");
    const std::uint64_t headerLen = readLe64(bytes.data());
    if (headerLen > maxHeaderBytes)
        throw fail("header length " + std::to_string(headerLen) + " exceeds the " + std::to_string(maxHeaderBytes)
                   + "-byte limit (corrupt or not a safetensors file)");
    if (headerLen > bytes.size() - 8)
        throw fail("truncated: header length " + std::to_string(headerLen) + " but only "
                   + std::to_string(bytes.size() - 8) + " bytes follow");
    if (headerLen < 2)
        throw fail("header of " + std::to_string(headerLen) + " bytes cannot hold a JSON object");

    const auto* headerBegin = reinterpret_cast<const char*>(bytes.data() + 8);
    json header = json::parse(headerBegin, headerBegin + headerLen, nullptr, /*allow_exceptions=*/false);
    if (header.is_discarded())
        throw fail("header is not valid JSON");
    if (!header.is_object())
        throw fail("header is not a JSON object");

    const std::span<const std::byte> data = bytes.subspan(8 + headerLen);
    SafeTensors out;
    std::vector<Entry> entries;
    for (auto it = header.begin(); it != header.end(); ++it) {
        const std::string& name = it.key();
        const json& v = it.value();
        if (name == "__metadata__") {
            if (!v.is_object())
                throw fail("\"__metadata__\" is not a JSON object");
            for (auto m = v.begin(); m != v.end(); ++m) {
                if (!m.value().is_string())
                    throw fail("metadata \"" + m.key() + "\" is not a string");
                out.metadata[m.key()] = m.value().get<std::string>();
            }
            continue;
        }
        const std::string what = "tensor \"" + name + "\": ";
        if (name.empty())
            throw fail("tensor with an empty name");
        if (!v.is_object())
            throw fail(what + "entry is not a JSON object");
        if (!v.contains("dtype") || !v["dtype"].is_string())
            throw fail(what + "missing or non-string \"dtype\"");
        const std::string dtype = v["dtype"].get<std::string>();
        if (dtype != "F32")
            throw fail(what + "unsupported dtype \"" + dtype + "\" (only F32 is supported)");
        if (!v.contains("shape") || !v["shape"].is_array())
            throw fail(what + "missing or non-array \"shape\"");
        SafeTensor t;
        std::uint64_t count = 1;
        for (const json& dim : v["shape"]) {
            if (!dim.is_number_unsigned())
                throw fail(what + "shape entries must be non-negative integers");
            const std::uint64_t d = dim.get<std::uint64_t>();
            // Cap every factor so that the product cannot overflow before it is compared with the file.
            if (d > (std::uint64_t(1) << 40) || (d != 0 && count > (std::uint64_t(1) << 60) / d))
                throw fail(what + "absurd shape");
            count *= d;
            t.shape.push_back(std::int64_t(d));
        }
        if (!v.contains("data_offsets") || !v["data_offsets"].is_array() || v["data_offsets"].size() != 2
            || !v["data_offsets"][0].is_number_unsigned() || !v["data_offsets"][1].is_number_unsigned())
            throw fail(what + "\"data_offsets\" must be two non-negative integers");
        const std::uint64_t b = v["data_offsets"][0].get<std::uint64_t>();
        const std::uint64_t e = v["data_offsets"][1].get<std::uint64_t>();
        if (b > e || e > data.size())
            throw fail(what + "data_offsets [" + std::to_string(b) + ", " + std::to_string(e)
                       + "] out of range: the data section has " + std::to_string(data.size())
                       + " bytes" + (b <= e ? " (truncated file?)" : ""));
        if (e - b != count * sizeof(float))
            throw fail(what + "shape " + shapeText(t.shape) + " needs " + std::to_string(count * sizeof(float))
                       + " bytes but data_offsets span " + std::to_string(e - b));
        t.values.resize(count);
        if (count)
            std::memcpy(t.values.data(), data.data() + b, count * sizeof(float));
        entries.push_back({name, b, e});
        out.tensors.emplace(name, std::move(t));
    }

    // The tensors must tile the data section exactly: no overlap, no hole, no trailing bytes.
    std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
        return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
    });
    std::uint64_t expected = 0;
    const Entry* previous = nullptr;
    for (const Entry& e : entries) {
        if (e.begin < expected)
            throw fail("data of tensors \"" + previous->name + "\" and \"" + e.name + "\" overlap");
        if (e.begin > expected)
            throw fail("unused bytes before tensor \"" + e.name + "\" (offsets must be contiguous)");
        expected = e.end;
        previous = &e;
    }
    if (expected != data.size())
        throw fail(std::to_string(data.size() - expected) + " trailing bytes are not covered by any tensor");
    return out;
}

SafeTensors SafeTensors::read(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary | std::ios::ate);
    if (!in)
        throw ModelError(fileError("load weights", file, "cannot open the file"));
    const std::streamoff size = in.tellg();
    if (size < 0)
        throw ModelError(fileError("load weights", file, "cannot determine the file size"));
    std::vector<std::byte> bytes(static_cast<std::size_t>(size));
    in.seekg(0);
    if (size > 0 && !in.read(reinterpret_cast<char*>(bytes.data()), size))
        throw ModelError(fileError("load weights", file, "read error"));
    return parse(bytes, file);
}

std::vector<std::byte> SafeTensors::serialize() const
{
    json header = json::object();
    std::uint64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        std::uint64_t count = 1;
        for (std::int64_t d : t.shape) {
            if (d < 0)
                throw ModelError("cannot serialise tensor \"" + name + "\": negative dimension");
            count *= std::uint64_t(d);
        }
        if (count != t.values.size())
            throw ModelError("cannot serialise tensor \"" + name + "\": shape " + shapeText(t.shape) + " holds "
                             + std::to_string(count) + " values, not " + std::to_string(t.values.size()));
        header[name] = {{"dtype", "F32"}, {"shape", t.shape}, {"data_offsets", {offset, offset + count * 4}}};
        offset += count * 4;
    }
    if (!metadata.empty())
        header["__metadata__"] = metadata;
    std::string text = header.dump();
    // Pad with spaces so the data starts 8-byte aligned, as the reference writer does.
    text.append((8 - text.size() % 8) % 8, ' ');

    std::vector<std::byte> out(8 + text.size() + offset);
    const std::uint64_t n = text.size();
    for (int i = 0; i < 8; ++i)
        out[std::size_t(i)] = std::byte((n >> (8 * i)) & 0xff);
    std::memcpy(out.data() + 8, text.data(), text.size());
    std::byte* p = out.data() + 8 + text.size();
    for (const auto& [name, t] : tensors) {
        if (!t.values.empty())
            std::memcpy(p, t.values.data(), t.values.size() * sizeof(float));
        p += t.values.size() * sizeof(float);
    }
    return out;
}

void SafeTensors::write(const std::filesystem::path& file) const
{
    const std::vector<std::byte> bytes = serialize();
    writeFileAtomically(file, bytes);
}

void SafeTensors::writeFileAtomically(const std::filesystem::path& file, std::span<const std::byte> bytes)
{
    std::filesystem::path tmp = file;
    tmp += ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        throw Error(fileError("write", tmp, std::strerror(errno)));
    std::size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const std::string why = n < 0 ? std::strerror(errno) : "short write";
            ::close(fd);
            std::filesystem::remove(tmp);
            throw Error(fileError("write", tmp, why));
        }
        done += std::size_t(n);
    }
    // fsync before rename: otherwise a crash can leave the new name pointing at empty blocks.
    std::string why;
    if (::fsync(fd) != 0)
        why = std::strerror(errno);
    if (::close(fd) != 0 && why.empty())
        why = std::strerror(errno);
    if (!why.empty()) {
        std::filesystem::remove(tmp);
        throw Error(fileError("write", tmp, why));
    }
    std::error_code ec;
    std::filesystem::rename(tmp, file, ec);
    if (ec) {
        std::filesystem::remove(tmp);
        throw Error(fileError("write", file, "rename failed: " + ec.message()));
    }
}

} // namespace crowlingo
