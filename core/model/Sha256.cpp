#include "core/model/Sha256.h"

#include "core/common/Error.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

namespace crowlingo {

namespace {

struct MdCtxDeleter {
    void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
using MdCtx = std::unique_ptr<EVP_MD_CTX, MdCtxDeleter>;

MdCtx newContext()
{
    MdCtx ctx(EVP_MD_CTX_new());
    if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1)
        throw Error("cannot compute SHA-256: OpenSSL EVP initialisation failed");
    return ctx;
}

std::string finish(EVP_MD_CTX* ctx)
{
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int n = 0;
    if (EVP_DigestFinal_ex(ctx, digest.data(), &n) != 1)
        throw Error("cannot compute SHA-256: OpenSSL EVP_DigestFinal_ex failed");
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(2 * n);
    for (unsigned int i = 0; i < n; ++i) {
        out.push_back(digits[digest[i] >> 4]);
        out.push_back(digits[digest[i] & 0xf]);
    }
    return out;
}

} // namespace

std::string Sha256::hex(std::span<const std::byte> bytes)
{
    MdCtx ctx = newContext();
    if (EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1)
        throw Error("cannot compute SHA-256: OpenSSL EVP_DigestUpdate failed");
    return finish(ctx.get());
}

std::string Sha256::hex(std::string_view text)
{
    return hex(std::as_bytes(std::span(text.data(), text.size())));
}

std::string Sha256::fileHex(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw ModelError(fileError("hash", file, "cannot open the file"));
    MdCtx ctx = newContext();
    std::vector<char> buffer(1 << 20);
    while (in) {
        in.read(buffer.data(), std::streamsize(buffer.size()));
        const std::streamsize got = in.gcount();
        if (got > 0 && EVP_DigestUpdate(ctx.get(), buffer.data(), std::size_t(got)) != 1)
            throw ModelError(fileError("hash", file, "OpenSSL EVP_DigestUpdate failed"));
    }
    if (in.bad())
        throw ModelError(fileError("hash", file, "read error"));
    return finish(ctx.get());
}

} // namespace crowlingo
