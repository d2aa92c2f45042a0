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

// {"layers": [3, "final"], "pooling": "mean+std", "rows": "kept"}: blocks by 0-based index, "final"
// after the norm; "rows" is written only when kept, so earlier readouts keep their text (and ids).
json readoutJson(const Readout& r)
{
    json layers = json::array();
    for (int layer : r.layers)
        layers.push_back(layer == Readout::finalLayer ? json("final") : json(layer));
    json j = {{"layers", layers}, {"pooling", r.pooling == ReadoutPooling::MeanStd ? "mean+std" : "mean"}};
    if (r.keepRows)
        j["rows"] = "kept";
    return j;
}

Readout readoutFromJson(const json& j)
{
    Readout r;
    if (!j.is_object())
        throw std::runtime_error("\"readout\" must be an object");
    const json& layers = j.at("layers");
    if (!layers.is_array())
        throw std::runtime_error("\"readout.layers\" must be an array of block indices or \"final\"");
    r.layers.clear();
    for (const json& layer : layers) {
        if (layer == "final")
            r.layers.push_back(Readout::finalLayer);
        else if (layer.is_number_integer() && layer.get<std::int64_t>() >= 0 && layer.get<std::int64_t>() < 4096)
            r.layers.push_back(layer.get<int>());
        else
            throw std::runtime_error("\"readout.layers\" holds " + layer.dump()
                                     + ": each entry is a block index (0 = first) or \"final\"");
    }
    const std::string pooling = j.value("pooling", std::string("mean"));
    if (pooling != "mean" && pooling != "mean+std")
        throw std::runtime_error("readout.pooling must be \"mean\" or \"mean+std\", not \"" + pooling + "\"");
    r.pooling = pooling == "mean+std" ? ReadoutPooling::MeanStd : ReadoutPooling::Mean;
    const std::string rows = j.value("rows", std::string("pooled"));
    if (rows != "pooled" && rows != "kept")
        throw std::runtime_error("readout.rows must be \"pooled\" or \"kept\", not \"" + rows + "\"");
    r.keepRows = rows == "kept";
    return r;
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
        requireInRange("input.time_scale", timeScale, 1, ModelLimits::maxTimeScale);
        requireInRange("readout.layers (count)", int(readout.layers.size()), 1, encoderDepth + 1);
        for (int layer : readout.layers)
            requireInRange("readout.layers", layer, Readout::finalLayer, encoderDepth - 1);
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
    for (std::size_t i = 0; i < readout.layers.size(); ++i)
        for (std::size_t j = 0; j < i; ++j)
            require(readout.layers[i] != readout.layers[j], "readout.layers names a layer twice");
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
        {"readout", readoutJson(readout)},
        {"training", recipe},
    };
    if (timeScale != 1) // absent for models read as trained, so their ids stay as they were
        j["input"]["time_scale"] = timeScale;
    return j.dump(2) + "\n";
}

ModelConfig ModelConfig::withTimeScale(int scale) const
{
    if (scale < 1 || scale > ModelLimits::maxTimeScale || trainedHop() % scale != 0)
        throw UsageError("time scale " + std::to_string(scale) + " does not fit the model: it must be 1.."
                         + std::to_string(ModelLimits::maxTimeScale) + " and divide its hop of "
                         + std::to_string(trainedHop()) + " samples");
    ModelConfig c = *this;
    c.mel.hop = trainedHop() / scale;
    c.timeScale = scale;
    return c;
}

std::string ModelConfig::readoutJsonString() const { return readoutJson(readout).dump(); }

std::string ModelConfig::inputSpecJson() const
{
    json spec = json::parse(toJsonString())["input"];
    if (!readout.isDefault())
        spec["readout"] = readoutJson(readout);
    return spec.dump();
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
        if (in.contains("time_scale"))
            c.timeScale = get<int>(in, "time_scale", "input.");
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
        if (j.contains("readout")) // absent in models saved before it existed: final layer, mean
            c.readout = readoutFromJson(j.at("readout"));
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
