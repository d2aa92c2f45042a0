#include "core/model/ModelConfig.h"

#include "core/common/Error.h"
#include "core/model/SafeTensors.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <limits>
#include <sstream>

namespace crowlingo {

namespace {

using json = nlohmann::json;

constexpr const char* formatName = "crowlingo-mae";
constexpr int formatVersion = 1;

void require(bool ok, const std::string& why)
{
    if (!ok)
        throw UsageError("invalid model config: " + why);
}

// Typed access that names the missing or mistyped key.
template <typename T>
T get(const json& object, const char* key, const std::string& where)
{
    if (!object.is_object() || !object.contains(key))
        throw std::runtime_error("missing \"" + where + key + "\"");
    const json& v = object.at(key);
    if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean())
            throw std::runtime_error("\"" + where + key + "\" must be true or false");
    } else if constexpr (std::is_integral_v<T>) {
        if (!v.is_number_integer())
            throw std::runtime_error("\"" + where + key + "\" must be an integer");
        // get<int>() would silently wrap 4294967424 to 128 (found with fuzz/fuzz_modelconfig).
        if (v.is_number_unsigned() ? v.get<std::uint64_t>() > std::uint64_t(std::numeric_limits<T>::max())
                                   : v.get<std::int64_t>() < std::int64_t(std::numeric_limits<T>::min())
                                         || v.get<std::int64_t>() > std::int64_t(std::numeric_limits<T>::max()))
            throw std::runtime_error("\"" + where + key + "\" is out of range");
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number())
            throw std::runtime_error("\"" + where + key + "\" must be a number");
    }
    return v.get<T>();
}

} // namespace

void ModelConfig::validate() const
{
    require(mel.nMels > 0 && frames > 0 && patch > 0, "nMels, frames and patch must be positive");
    require(mel.nMels % patch == 0, "nMels (" + std::to_string(mel.nMels) + ") is not a multiple of patch ("
                                        + std::to_string(patch) + ")");
    require(frames % patch == 0, "frames (" + std::to_string(frames) + ") is not a multiple of patch ("
                                     + std::to_string(patch) + ")");
    // Bounded before patchCount() multiplies: nMels * frames must not overflow int (signed overflow is UB;
    // found with fuzz/fuzz_modelconfig).
    require(std::int64_t(mel.nMels) * frames <= std::numeric_limits<int>::max(), "the window (nMels x frames) is too large");
    require(patchCount() >= 2, "the window must hold at least two patches");
    require(std::isfinite(normMean) && std::isfinite(normStd) && normStd > 0, "normStd must be positive and finite");
    require(encoderDim > 0 && encoderDepth > 0 && encoderHeads > 0, "encoder dim/depth/heads must be positive");
    require(decoderDim > 0 && decoderDepth > 0 && decoderHeads > 0, "decoder dim/depth/heads must be positive");
    require(encoderDim % encoderHeads == 0, "encoderDim is not a multiple of encoderHeads");
    require(decoderDim % decoderHeads == 0, "decoderDim is not a multiple of decoderHeads");
    // 2-D sin-cos position embedding: half the width per axis, sin and cos per half.
    require(encoderDim % 4 == 0 && decoderDim % 4 == 0, "encoderDim and decoderDim must be multiples of 4");
    require(std::isfinite(mlpRatio) && mlpRatio > 0 && std::lround(mlpRatio * encoderDim) > 0
                && std::lround(mlpRatio * decoderDim) > 0,
            "mlpRatio must be positive");
    require(mel.sampleRate > 0 && mel.nFft > 0 && mel.hop > 0, "mel sampleRate, nFft and hop must be positive");
}

std::string ModelConfig::toJsonString() const
{
    json recipe = json::parse(trainingRecipeJson, nullptr, false);
    if (recipe.is_discarded())
        recipe = json::object({{"unparsed", trainingRecipeJson}});
    json j = {
        {"format", formatName},
        {"version", formatVersion},
        {"input",
         {{"mel",
           {{"sample_rate", mel.sampleRate},
            {"n_fft", mel.nFft},
            {"hop", mel.hop},
            {"n_mels", mel.nMels},
            {"f_min", mel.fMin},
            {"f_max", mel.fMax},
            {"scale", "htk, power, 10*log10(max(x, 1e-10)) dB"}}},
          {"frames", frames},
          {"patch", patch},
          {"norm_mean", normMean},
          {"norm_std", normStd},
          {"level", centreLevel ? "window-mean" : "fixed"}}},
        {"architecture",
         {{"type", "audio-mae"},
          {"pos_embed", "sincos-2d (fixed)"},
          {"encoder", {{"dim", encoderDim}, {"depth", encoderDepth}, {"heads", encoderHeads}}},
          {"decoder", {{"dim", decoderDim}, {"depth", decoderDepth}, {"heads", decoderHeads}}},
          {"mlp_ratio", mlpRatio},
          {"norm_pix_loss", normPixLoss},
          {"decoder_target", residualTarget ? "visible-band-mean-residual" : "patch"}}},
        {"training", recipe},
    };
    return j.dump(2) + "\n";
}

ModelConfig ModelConfig::fromJsonString(const std::string& text, const std::filesystem::path& source)
{
    json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded())
        throw ModelError(fileError("load model config", source, "not valid JSON"));
    ModelConfig c;
    try {
        if (!j.is_object())
            throw std::runtime_error("not a JSON object");
        if (j.value("format", std::string()) != formatName)
            throw std::runtime_error(std::string("\"format\" is not \"") + formatName + "\"");
        const int version = get<int>(j, "version", "");
        if (version != formatVersion)
            throw std::runtime_error("unsupported version " + std::to_string(version));
        const json& in = j.at("input");
        const json& mel = in.at("mel");
        c.mel.sampleRate = get<int>(mel, "sample_rate", "input.mel.");
        c.mel.nFft = get<int>(mel, "n_fft", "input.mel.");
        c.mel.hop = get<int>(mel, "hop", "input.mel.");
        c.mel.nMels = get<int>(mel, "n_mels", "input.mel.");
        c.mel.fMin = get<double>(mel, "f_min", "input.mel.");
        c.mel.fMax = get<double>(mel, "f_max", "input.mel.");
        c.frames = get<int>(in, "frames", "input.");
        c.patch = get<int>(in, "patch", "input.");
        c.normMean = get<float>(in, "norm_mean", "input.");
        c.normStd = get<float>(in, "norm_std", "input.");
        const std::string level = in.value("level", std::string("fixed")); // absent in models saved before it existed
        if (level != "window-mean" && level != "fixed")
            throw std::runtime_error("input.level must be \"window-mean\" or \"fixed\", not \"" + level + "\"");
        c.centreLevel = level == "window-mean";
        const json& arch = j.at("architecture");
        const json& enc = arch.at("encoder");
        const json& dec = arch.at("decoder");
        c.encoderDim = get<int>(enc, "dim", "architecture.encoder.");
        c.encoderDepth = get<int>(enc, "depth", "architecture.encoder.");
        c.encoderHeads = get<int>(enc, "heads", "architecture.encoder.");
        c.decoderDim = get<int>(dec, "dim", "architecture.decoder.");
        c.decoderDepth = get<int>(dec, "depth", "architecture.decoder.");
        c.decoderHeads = get<int>(dec, "heads", "architecture.decoder.");
        c.mlpRatio = get<float>(arch, "mlp_ratio", "architecture.");
        c.normPixLoss = get<bool>(arch, "norm_pix_loss", "architecture.");
        const std::string target = arch.value("decoder_target", std::string("patch")); // absent before it existed
        if (target != "patch" && target != "visible-band-mean-residual")
            throw std::runtime_error("architecture.decoder_target must be \"patch\" or \"visible-band-mean-residual\", not \""
                                     + target + "\"");
        c.residualTarget = target == "visible-band-mean-residual";
        c.trainingRecipeJson = j.contains("training") ? j["training"].dump() : "{}";
        c.validate();
    } catch (const UsageError& e) {
        throw ModelError(fileError("load model config", source, e.what()));
    } catch (const std::exception& e) { // nlohmann's out_of_range/type_error and ours
        throw ModelError(fileError("load model config", source, e.what()));
    }
    return c;
}

ModelConfig ModelConfig::fromJsonFile(const std::filesystem::path& file)
{
    std::ifstream in(file, std::ios::binary);
    if (!in)
        throw ModelError(fileError("load model config", file, "cannot open the file"));
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad())
        throw ModelError(fileError("load model config", file, "read error"));
    return fromJsonString(text.str(), file);
}

void ModelConfig::toJsonFile(const std::filesystem::path& file) const
{
    const std::string text = toJsonString();
    SafeTensors::writeFileAtomically(file, std::as_bytes(std::span(text.data(), text.size())));
}

} // namespace crowlingo
