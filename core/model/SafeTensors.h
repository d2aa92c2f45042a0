#pragma once
// A bounds-checked reader/writer for the safetensors format (F32 tensors only): an 8-byte
// little-endian header length N, N bytes of JSON {"name": {"dtype", "shape", "data_offsets"},
// "__metadata__": {string: string}}, then the tensor bytes. Loading never executes anything.
//
//   SafeTensors st = SafeTensors::read(dir / "model.safetensors");   // throws ModelError
//   const SafeTensor& w = st.tensors.at("encoder.norm.weight");
//   st.write(dir / "copy.safetensors");                              // temp file + atomic rename
//
// Threading: a plain value; read()/parse() are stateless and may run on any thread.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <vector>

namespace crowlingo {

struct SafeTensor {
    std::vector<std::int64_t> shape;
    std::vector<float> values; // row-major, product(shape) values
};

class SafeTensors {
public:
    // Header length above this is taken for a corrupt file (the reference implementation uses 100 MB).
    static constexpr std::uint64_t maxHeaderBytes = 100'000'000;

    std::map<std::string, SafeTensor> tensors;     // sorted by name: the file layout is deterministic
    std::map<std::string, std::string> metadata;   // "__metadata__"

    // Throws ModelError ("cannot load \"<file>\": ...") for truncated or malformed files,
    // unsupported dtypes, out-of-range/overlapping offsets and shape/byte-count mismatches.
    static SafeTensors read(const std::filesystem::path& file);
    // Same checks on bytes already in memory; `file` only names the source in errors.
    static SafeTensors parse(std::span<const std::byte> bytes, const std::filesystem::path& file);

    // The exact bytes write() puts on disk (same content => same bytes => same SHA-256).
    std::vector<std::byte> serialize() const;
    // Writes to "<file>.tmp", syncs, then renames over `file`: a reader never sees half a file.
    void write(const std::filesystem::path& file) const;
    // Atomic write of arbitrary bytes (used for config.json and checkpoints as well).
    static void writeFileAtomically(const std::filesystem::path& file, std::span<const std::byte> bytes);
};

} // namespace crowlingo
