#pragma once
// SHA-256 (OpenSSL EVP) as lowercase hex. The hash of a model's model.safetensors is its id.
//
//   std::string id = Sha256::fileHex(dir / "model.safetensors");
//   assert(Sha256::hex("abc").starts_with("ba7816bf"));
//
// Threading: stateless; every function may be called from any thread.
#include <cstddef>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace crowlingo {

class Sha256 {
public:
    static std::string hex(std::span<const std::byte> bytes);
    static std::string hex(std::string_view text);
    // Streams the file; throws ModelError naming the file if it cannot be read.
    static std::string fileHex(const std::filesystem::path& file);
};

} // namespace crowlingo
