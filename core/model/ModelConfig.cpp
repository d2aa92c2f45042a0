#include "core/model/ModelConfig.h"

#include "core/common/Error.h"
#include "core/common/RangeCheck.h"
#include "core/dsp/MelParamLimits.h"
#include "core/model/ModelTensors.h"
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
            throw std::runtime_error(where + key + " = " + v.dump() + " is out of range (not a 32-bit integer)");
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number())
            throw std::runtime_error("\"" + where + key + "\" must be a number");
    }
    return v.get<T>();
}

} // namespace

void ModelConfig::validate() const
{
    // Bounds first, each with its range, before anything multiplies the sizes or allocates for
    // them: a depth of 10^6 would otherwise allocate gigabytes before a weight is checked.
    try {
        checkMelParams(mel, "input.mel.");
        requireInRange("input.frames", frames, 1, ModelLimits::maxFrames);
        requireInRange("input.patch", patch, 1, ModelLimits::maxPatch);
        requireInRange("input.norm_mean", normMean, -ModelLimits::maxNormDb, ModelLimits::maxNormDb, "dB");
        requireInRange("input.norm_std", normStd, ModelLimits::minNormStd, ModelLimits::maxNormDb, "dB");
        requireInRange("architecture.encoder.dim", encoderDim, 4, ModelLimits::maxDim);
        requireInRange("architecture.encoder.depth", encoderDepth, 1, ModelLimits::maxDepth);
        requireInRange("architecture.encoder.heads", encoderHeads, 1, ModelLimits::maxHeads);
        requireInRange("architecture.decoder.dim", decoderDim, 4, ModelLimits::maxDim);
        requireInRange("architecture.decoder.depth", decoderDepth, 1, ModelLimits::maxDepth);
        requireInRange("architecture.decoder.heads", decoderHeads, 1, ModelLimits::maxHeads);
        requireInRange("architecture.mlp_ratio", mlpRatio, ModelLimits::minMlpRatio, ModelLimits::maxMlpRatio);
    } catch (const UsageError& e) {
        throw UsageError(std::string("invalid model config: ") + e.what());
    }
    require(mel.nMels % patch == 0, "nMels (" + std::to_string(mel.nMels) + ") is not a multiple of patch ("
                                        + std::to_string(patch) + ")");
    require(frames % patch == 0, "frames (" + std::to_string(frames) + ") is not a multiple of patch ("
                                     + std::to_string(patch) + ")");
    require(patchCount() >= 2, "the window must hold at least two patches");
    // Attention costs grow with the square of the patches a window holds.
    require(patchCount() <= ModelLimits::maxPatches,
            "the window holds " + std::to_string(patchCount()) + " patches (" + std::to_string(patchRows()) + " x "
                + std::to_string(patchCols()) + "), more than the " + std::to_string(ModelLimits::maxPatches)
                + " supported; use a larger input.patch or fewer input.frames");
    require(encoderDim % encoderHeads == 0, "encoderDim is not a multiple of encoderHeads");
    require(decoderDim % decoderHeads == 0, "decoderDim is not a multiple of decoderHeads");
    // 2-D sin-cos position embedding: half the width per axis, sin and cos per half.
    require(encoderDim % 4 == 0 && decoderDim % 4 == 0, "encoderDim and decoderDim must be multiples of 4");
    const std::int64_t parameters = modelParameterCount(*this);
    require(parameters <= ModelLimits::maxParameters,
            "the architecture has " + std::to_string(parameters) + " parameters (" + std::to_string(parameters * 4 >> 20)
                + " MiB of weights), more than the " + std::to_string(ModelLimits::maxParameters) + " supported");
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

std::string ModelConfig::inputSpecJson() const
{
    return json::parse(toJsonString())["input"].dump();
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
