// Fuzzes ModelConfig::fromJsonString (config.json shipped next to downloaded weights).
// Invariants beyond "no crash": only ModelError escapes; an accepted config passes validate(), and
// it survives toJsonString() -> fromJsonString() unchanged (what the app saves, it can load); and
// every integer the file gave is the one the config holds (no silent wrap-around of big values).
#include "core/common/Error.h"
#include "core/model/ModelConfig.h"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <string>

using namespace crowlingo;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size)
{
    const std::string text(reinterpret_cast<const char*>(data), size);
    ModelConfig c;
    try {
        c = ModelConfig::fromJsonString(text, "fuzz.json");
    } catch (const ModelError&) {
        return 0;
    }
    try {
        c.validate();
    } catch (const UsageError& e) {
        std::fprintf(stderr, "accepted config fails validate(): %s\n", e.what());
        std::abort();
    }
    std::string saved;
    ModelConfig back;
    try {
        saved = c.toJsonString();
        back = ModelConfig::fromJsonString(saved, "saved.json");
    } catch (const std::exception& e) {
        std::fprintf(stderr, "accepted config does not save and reload: %s\n", e.what());
        std::abort();
    }
    const auto in = nlohmann::json::parse(text, nullptr, false), out = nlohmann::json::parse(saved, nullptr, false);
    for (const char* key : {"/input/mel/sample_rate", "/input/mel/n_fft", "/input/mel/hop", "/input/mel/n_mels",
                            "/input/frames", "/input/patch", "/architecture/encoder/dim", "/architecture/encoder/depth",
                            "/architecture/encoder/heads", "/architecture/decoder/dim", "/architecture/decoder/depth",
                            "/architecture/decoder/heads"}) {
        const nlohmann::json::json_pointer at(key);
        if (in.at(at) != out.at(at)) {
            std::fprintf(stderr, "%s was %s in the file but %s in the config\n", key, in.at(at).dump().c_str(),
                         out.at(at).dump().c_str());
            std::abort();
        }
    }
    if (!(back == c)) {
        std::fprintf(stderr, "config changed on save and reload:\n%s\n", saved.c_str());
        std::abort();
    }
    return 0;
}
