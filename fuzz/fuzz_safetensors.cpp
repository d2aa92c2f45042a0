// Fuzzes SafeTensors::parse (model.safetensors files downloaded or shared by others).
// Invariants beyond "no crash": a file that parses holds product(shape) values per tensor, and it
// re-serialises to bytes that parse back to the same tensors and metadata, bit for bit; and
// serialising again gives the same bytes (the writer is deterministic).
#include "core/common/Error.h"
#include "core/model/SafeTensors.h"

#include <cstdlib>
#include <cstring>
#include <cstdio>

using namespace crowlingo;

namespace {

void check(bool ok, const char* what)
{
    if (!ok) {
        std::fprintf(stderr, "invariant violated: %s\n", what);
        std::abort();
    }
}

bool sameTensors(const SafeTensors& a, const SafeTensors& b)
{
    if (a.metadata != b.metadata || a.tensors.size() != b.tensors.size()) return false;
    for (auto ia = a.tensors.begin(), ib = b.tensors.begin(); ia != a.tensors.end(); ++ia, ++ib) {
        if (ia->first != ib->first || ia->second.shape != ib->second.shape) return false;
        const auto& va = ia->second.values;
        const auto& vb = ib->second.values;
        // Bitwise: NaN payloads and -0.0 must survive the round trip too.
        if (va.size() != vb.size() || (!va.empty() && std::memcmp(va.data(), vb.data(), va.size() * sizeof(float))))
            return false;
    }
    return true;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    SafeTensors st;
    try {
        st = SafeTensors::parse({reinterpret_cast<const std::byte*>(data), size}, "fuzz.safetensors");
    } catch (const ModelError&) {
        return 0; // rejected with the typed error: fine
    }
    for (const auto& [name, t] : st.tensors) {
        std::uint64_t count = 1;
        for (std::int64_t d : t.shape) {
            check(d >= 0, "negative dimension");
            count *= std::uint64_t(d);
        }
        check(count == t.values.size(), "values.size() != product(shape)");
        check(!name.empty() && name != "__metadata__", "bad tensor name");
    }
    const std::vector<std::byte> bytes = st.serialize();
    SafeTensors back;
    try {
        back = SafeTensors::parse(bytes, "reserialised.safetensors");
    } catch (const ModelError& e) {
        std::fprintf(stderr, "re-serialised file does not parse: %s\n", e.what());
        std::abort();
    }
    check(sameTensors(st, back), "re-parsed tensors differ");
    check(back.serialize() == bytes, "serialisation is not deterministic");
    return 0;
}
