// Model directories: config.json round trip and validation, save -> load gives identical outputs,
// the model id is the SHA-256 of model.safetensors (checked with Qt's hash), seeded initialisation,
// the parameter count of the default architecture, and weights that do not fit the config rejected
// with a ModelError naming the file.
#include "model/ModelTestData.h"

#include "core/common/Error.h"
#include "core/model/AnalysisScale.h"
#include "core/model/Embedder.h"
#include "core/model/Model.h"
#include "core/model/ModelTensors.h"
#include "core/model/SafeTensors.h"
#include "core/model/Sha256.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cstring>
#include <fstream>
#include <functional>
#include <limits>

using namespace crowlingo;
using namespace crowlingo::modeltest;
namespace fs = std::filesystem;

namespace {

template <class E = ModelError, class F>
std::string errorOf(F&& f)
{
    try {
        f();
    } catch (const E& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("wrong exception type: ") + e.what();
    }
    return {};
}

QString qtSha256(const fs::path& file)
{
    QFile f(QString::fromStdString(file.string()));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    QCryptographicHash h(QCryptographicHash::Sha256);
    h.addData(&f);
    return QString::fromLatin1(h.result().toHex());
}

std::string readText(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void writeText(const fs::path& file, const std::string& text)
{
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
}

// Independent count for MAE's architecture: per block 2 LayerNorms, qkv, proj and a 2-layer MLP.
std::int64_t expectedParameters(const ModelConfig& c)
{
    auto block = [&](std::int64_t d) {
        const std::int64_t h = std::lround(c.mlpRatio * d);
        return 4 * d + (3 * d * d + 3 * d) + (d * d + d) + (d * h + h) + (h * d + d);
    };
    const std::int64_t pp = std::int64_t(c.patch) * c.patch, e = c.encoderDim, dd = c.decoderDim;
    const std::int64_t encoder = pp * e + e + c.encoderDepth * block(e) + 2 * e;
    const std::int64_t decoder = e * dd + dd + dd + c.decoderDepth * block(dd) + 2 * dd + dd * pp + pp;
    return encoder + decoder;
}

} // namespace

class TestModelIo : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    fs::path root() const { return fs::path(tmp_.path().toStdString()); }

private Q_SLOTS:
    void configJsonRoundTrip()
    {
        ModelConfig c = tinyConfig();
        c.mel.sampleRate = 48000;
        c.mel.fMin = 123.5;
        c.mel.fMax = 20000;
        c.normMean = -47.125f;
        c.normStd = 13.3f;
        c.normPixLoss = true;
        c.mlpRatio = 3.5f;
        c.trainingRecipeJson = R"({"note":"x","steps":12})"; // canonical form: compact, keys sorted
        const ModelConfig back = ModelConfig::fromJsonString(c.toJsonString());
        QVERIFY(back == c);
        const fs::path file = root() / "cfg.json";
        c.toJsonFile(file);
        QVERIFY(ModelConfig::fromJsonFile(file) == c);
        QVERIFY(ModelConfig::fromJsonString(ModelConfig{}.toJsonString()) == ModelConfig{});
        c.centreLevel = !c.centreLevel;
        c.residualTarget = !c.residualTarget;
        QVERIFY(ModelConfig::fromJsonString(c.toJsonString()) == c);
    }

    void configFromBeforeCentringAndResidualsLoadsWithout()
    {
        // Models saved before level centring and residual targets existed have neither key: they
        // were trained without them and must load without them.
        ModelConfig c = tinyConfig();
        QVERIFY(c.centreLevel); // new models centre
        std::string text = c.toJsonString();
        const std::string key = ",\n    \"level\": \"window-mean\"";
        const auto at = text.find(key);
        QVERIFY2(at != std::string::npos, text.c_str());
        text.erase(at, key.size());
        QVERIFY(text.find("level") == std::string::npos);
        QVERIFY(c.residualTarget);
        const std::string target = ",\n    \"decoder_target\": \"visible-band-mean-residual\"";
        const auto at2 = text.find(target);
        QVERIFY2(at2 != std::string::npos, text.c_str());
        text.erase(at2, target.size());
        const ModelConfig old = ModelConfig::fromJsonString(text);
        QVERIFY(!old.centreLevel);
        QVERIFY(!old.residualTarget);
    }

    void configRejected_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("expected");
        QTest::newRow("not JSON") << "{" << "{{{" << "not valid JSON";
        QTest::newRow("missing key") << "\"frames\"" << "\"frames_\"" << "frames";
        QTest::newRow("wrong type") << "\"patch\": 8" << "\"patch\": \"8\"" << "patch";
        QTest::newRow("patch does not divide") << "\"patch\": 8" << "\"patch\": 7" << "multiple of patch";
        QTest::newRow("heads do not divide") << "\"heads\": 4" << "\"heads\": 3" << "multiple of";
        QTest::newRow("zero spread") << "\"norm_std\": 15.0" << "\"norm_std\": 0.0" << "input.norm_std = 0 is out of range";
        QTest::newRow("other format") << "crowlingo-mae" << "pytorch" << "format";
        QTest::newRow("unknown level") << "\"window-mean\"" << "\"per-band\"" << "input.level";
        QTest::newRow("unknown decoder target") << "\"visible-band-mean-residual\"" << "\"pixels\"" << "decoder_target";
        // Found by fuzzing: integers beyond int range used to wrap (22050840135 loaded as 576003655).
        QTest::newRow("integer beyond int") << "\"sample_rate\": 22050" << "\"sample_rate\": 22050840135" << "out of range";
        // n_mels x frames beyond int would overflow the patch count (undefined behaviour).
        QTest::newRow("patch grid overflows") << "\"frames\": 32" << "\"frames\": 1073741824" << "frames";
    }

    void configRejected()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, expected);
        std::string text = tinyConfig().toJsonString();
        const auto at = text.find(from.toStdString());
        QVERIFY2(at != std::string::npos, text.c_str());
        text.replace(at, std::size_t(from.size()), to.toStdString());
        const fs::path file = root() / "bad-config.json";
        writeText(file, text);
        const std::string message = errorOf([&] { ModelConfig::fromJsonFile(file); });
        QVERIFY2(message.find("bad-config.json") != std::string::npos, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    }

    void invalidConfigRefusedForCreation()
    {
        ModelConfig c = tinyConfig();
        c.frames = 30;
        QVERIFY(!errorOf<UsageError>([&] { Model::createRandom(c, 1); }).empty());
    }

    void createRandomIsSeeded()
    {
        const Model a = Model::createRandom(tinyConfig(), 5);
        const Model b = Model::createRandom(tinyConfig(), 5);
        const Model c = Model::createRandom(tinyConfig(), 6);
        QCOMPARE(a.id(), b.id());
        QVERIFY(a.id() != c.id());
        QCOMPARE(a.id().size(), std::size_t(64));
    }

    void saveLoadGivesIdenticalOutputs()
    {
        const Model m = Model::createRandom(tinyConfig(), 11);
        const fs::path dir = root() / "saved";
        m.save(dir);
        QVERIFY(fs::exists(dir / "config.json"));
        QVERIFY(fs::exists(dir / "model.safetensors"));
        // The weights hash is the SHA-256 of the weights file, computed here independently by Qt;
        // the id is the SHA-256 of that hash and the config's input part, one line each.
        QCOMPARE(QString::fromStdString(m.weightsHash()), qtSha256(dir / "model.safetensors"));
        const QByteArray idText = QByteArray::fromStdString(m.weightsHash() + "\n" + m.config().inputSpecJson() + "\n");
        QCOMPARE(QString::fromStdString(m.id()), QString::fromLatin1(QCryptographicHash::hash(idText, QCryptographicHash::Sha256).toHex()));

        const Model back = Model::load(dir);
        QCOMPARE(back.id(), m.id());
        QVERIFY(back.config() == m.config());
        QCOMPARE(back.parameterCount(), m.parameterCount());

        std::vector<Spectrogram> clips;
        for (int i = 0; i < 5; ++i)
            clips.push_back(randomClip(10 + 17 * i, 32, 100 + i));
        const auto before = Embedder(m).embedBatch(clips);
        const auto after = Embedder(back).embedBatch(clips);
        QVERIFY(before == after); // bit-identical

        // Saving the loaded model reproduces the same file.
        const fs::path again = root() / "saved-again";
        back.save(again);
        QCOMPARE(qtSha256(again / "model.safetensors"), QString::fromStdString(m.weightsHash()));
    }

    // The same weights read with another front end or normalisation give other vectors: another id.
    // A change outside the input spec (the training recipe) keeps it.
    void idCoversTheInputConfig()
    {
        const Model m = Model::createRandom(tinyConfig(), 11);
        const fs::path dir = root() / "reconfigured";
        m.save(dir);
        const auto withConfig = [&](auto change) {
            ModelConfig c = m.config();
            change(c);
            writeText(dir / "config.json", c.toJsonString());
            return Model::load(dir);
        };
        const Model hop = withConfig([](ModelConfig& c) { c.mel.hop *= 2; });
        const Model norm = withConfig([](ModelConfig& c) { c.normMean += 3; });
        const Model level = withConfig([](ModelConfig& c) { c.centreLevel = !c.centreLevel; });
        const Model recipe = withConfig([](ModelConfig& c) { c.trainingRecipeJson = R"({"note": "retrained elsewhere"})"; });
        for (const Model* other : {&hop, &norm, &level, &recipe}) QCOMPARE(other->weightsHash(), m.weightsHash());
        QVERIFY(hop.id() != m.id());
        QVERIFY(norm.id() != m.id());
        QVERIFY(level.id() != m.id());
        QVERIFY(hop.id() != norm.id());
        QCOMPARE(recipe.id(), m.id());
    }

    void timeScaleAndReadoutChangeTheId()
    {
        const Model m = Model::createRandom(tinyConfig(), 13);
        const int hop = m.config().mel.hop;
        const Model fine = m.withTimeScale(4);
        QCOMPARE(fine.config().mel.hop, hop / 4);
        QCOMPARE(fine.config().trainedHop(), hop);
        QCOMPARE(fine.weightsHash(), m.weightsHash());
        QVERIFY(fine.id() != m.id());
        // Idempotent and reversible: the scale is always relative to the trained hop.
        QCOMPARE(fine.withTimeScale(4).id(), fine.id());
        QCOMPARE(fine.withTimeScale(1).id(), m.id());
        QCOMPARE(fine.withTimeScale(2).config().mel.hop, hop / 2);
        bool threw = false;
        try {
            m.withTimeScale(3); // does not divide the hop
        } catch (const UsageError&) {
            threw = true;
        }
        QVERIFY(hop % 3 != 0 && threw);

        // Saved and loaded back (an adapted model keeps its archive's scale): same config, same id.
        const fs::path dir = root() / "scaled";
        fine.save(dir);
        const Model back = Model::load(dir);
        QCOMPARE(back.config().timeScale, 4);
        QCOMPARE(back.id(), fine.id());
        // A model read as trained writes no time_scale and no readout into its id's input spec, so
        // ids made before these options existed stay valid.
        QVERIFY(m.config().inputSpecJson().find("time_scale") == std::string::npos);
        QVERIFY(m.config().inputSpecJson().find("readout") == std::string::npos);

        ModelConfig c = m.config();
        c.readout = Readout{{Readout::finalLayer}, ReadoutPooling::MeanStd};
        QCOMPARE(c.embeddingDim(), 2 * c.encoderDim);
        const ModelConfig read = ModelConfig::fromJsonString(c.toJsonString());
        QVERIFY(read.readout == c.readout);
        QVERIFY(modelIdFor(m.weightsHash(), read) != m.id());
        nlohmann::json j = nlohmann::json::parse(c.toJsonString());
        j["readout"]["layers"] = {99}; // no such block
        QVERIFY_THROWS_EXCEPTION(ModelError, ModelConfig::fromJsonString(j.dump()));
        // Frequency rows kept apart: a readout of its own (another id), read back, rows x wider.
        c.readout.keepRows = true;
        QCOMPARE(c.embeddingDim(), 2 * c.encoderDim * c.patchRows());
        const ModelConfig rows = ModelConfig::fromJsonString(c.toJsonString());
        QVERIFY(rows.readout.keepRows);
        QVERIFY(modelIdFor(m.weightsHash(), rows) != modelIdFor(m.weightsHash(), read));
        j = nlohmann::json::parse(c.toJsonString());
        j["readout"]["rows"] = "columns";
        QVERIFY_THROWS_EXCEPTION(ModelError, ModelConfig::fromJsonString(j.dump()));
    }

    void timeScaleFollowsClipDurations()
    {
        ModelConfig c; // the default model's front end: 128 frames of 256 samples at 22.05 kHz = 1.49 s
        QVERIFY(std::abs(trainedWindowSeconds(c) - 128.0 * 256 / 22050) < 1e-9);
        const auto scaleFor = [&](double seconds, int n = 50) { return chooseTimeScale(std::vector<double>(std::size_t(n), seconds), c); };
        QCOMPARE(scaleFor(0.06), 4);  // finch syllables
        QCOMPARE(scaleFor(0.37), 4);  // 4 x 0.37 s still fits one window
        QCOMPARE(scaleFor(0.5), 2);
        QCOMPARE(scaleFor(1.2), 1);
        QCOMPARE(scaleFor(20.0), 1);  // whole songs
        QCOMPARE(chooseTimeScale({}, c), 1);
        // 90 % decides: a few long clips among short ones do not, more than 10 % do.
        std::vector<double> mixed(100, 0.06);
        std::fill(mixed.begin(), mixed.begin() + 10, 3.0);
        QCOMPARE(chooseTimeScale(mixed, c), 4);
        std::fill(mixed.begin(), mixed.begin() + 11, 3.0);
        QCOMPARE(chooseTimeScale(mixed, c), 1);
        // Only scales that divide the trained hop.
        c.mel.hop = 250;
        QCOMPARE(chooseTimeScale(std::vector<double>(10, 0.06), c), 2);
    }

    void foreignLayoutKeepsItsHash()
    {
        // Same tensors, but a header padded differently than our writer would: still loads, the id
        // is that file's hash, and save() writes that very file back.
        const Model m = Model::createRandom(tinyConfig(), 12);
        const fs::path dir = root() / "foreign";
        m.save(dir);
        std::string bytes = readText(dir / "model.safetensors");
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | static_cast<unsigned char>(bytes[std::size_t(i)]);
        bytes.insert(8 + n, 16, ' ');
        n += 16;
        for (int i = 0; i < 8; ++i)
            bytes[std::size_t(i)] = char((n >> (8 * i)) & 0xff);
        writeText(dir / "model.safetensors", bytes);

        const Model back = Model::load(dir);
        QCOMPARE(QString::fromStdString(back.weightsHash()), qtSha256(dir / "model.safetensors"));
        QVERIFY(back.id() != m.id());
        const fs::path out = root() / "foreign-saved";
        back.save(out);
        QCOMPARE(qtSha256(out / "model.safetensors"), QString::fromStdString(back.weightsHash()));
    }

    void defaultParameterCount()
    {
        const ModelConfig c;
        const Model m = Model::createRandom(c, 1);
        QCOMPARE(m.parameterCount(), expectedParameters(c));
        QCOMPARE(tinyConfig().encoderDim, Model::createRandom(tinyConfig(), 1).config().encoderDim);
        QCOMPARE(Model::createRandom(tinyConfig(), 1).parameterCount(), expectedParameters(tinyConfig()));
        // "About 5 M" for the encoder of the default architecture.
        QVERIFY(m.encoderParameterCount() > 4'000'000 && m.encoderParameterCount() < 6'000'000);
        qInfo("default config: %lld parameters (encoder %lld)", (long long)m.parameterCount(),
              (long long)m.encoderParameterCount());
    }

    void badWeightsRejected_data()
    {
        QTest::addColumn<QString>("change");
        QTest::addColumn<QString>("expected");
        QTest::newRow("missing tensor") << "drop encoder.norm.weight" << "missing tensor \"encoder.norm.weight\"";
        QTest::newRow("shape mismatch") << "transpose decoder.pred.weight" << "decoder.pred.weight\" has shape";
        QTest::newRow("unexpected tensor") << "add encoder.extra" << "unexpected tensor";
        QTest::newRow("config of another width") << "widen config" << "has shape";
        QTest::newRow("truncated file") << "truncate" << "truncated";
        QTest::newRow("header length larger than file") << "huge header length" << "truncated";
        QTest::newRow("bad JSON header") << "break JSON" << "not valid JSON";
        QTest::newRow("unsupported dtype") << "dtype F64" << "unsupported dtype";
        QTest::newRow("offsets out of range") << "offsets" << "out of range";
        // NaN weights used to load and give all-NaN vectors, which then matched no clip at all.
        QTest::newRow("NaN weight") << "NaN in encoder.blocks.0.attn.qkv.weight"
                                    << "tensor \"encoder.blocks.0.attn.qkv.weight\" holds 1 NaN or infinite value";
        QTest::newRow("infinite weights") << "inf in decoder.pred.bias" << "tensor \"decoder.pred.bias\" holds 2 NaN or infinite values";
    }

    void badWeightsRejected()
    {
        QFETCH(QString, change);
        QFETCH(QString, expected);
        const Model m = Model::createRandom(tinyConfig(), 3);
        const fs::path dir = root() / ("bad-" + change.toStdString());
        m.save(dir);
        const fs::path file = dir / "model.safetensors";
        SafeTensors st = SafeTensors::read(file);
        // Rewrites the JSON header (the length field follows), keeping the tensor bytes.
        auto rewriteHeader = [&](const std::function<std::string(nlohmann::json&)>& edit) {
            std::string raw = readText(file);
            std::uint64_t n = 0;
            for (int i = 7; i >= 0; --i)
                n = (n << 8) | static_cast<unsigned char>(raw[std::size_t(i)]);
            nlohmann::json header = nlohmann::json::parse(raw.substr(8, n));
            const std::string text = edit(header);
            std::string out(8, '\0');
            for (int i = 0; i < 8; ++i)
                out[std::size_t(i)] = char((text.size() >> (8 * i)) & 0xff);
            writeText(file, out + text + raw.substr(8 + n));
        };

        if (change == "drop encoder.norm.weight") {
            st.tensors.erase("encoder.norm.weight");
            st.write(file);
        } else if (change == "transpose decoder.pred.weight") {
            auto& t = st.tensors.at("decoder.pred.weight");
            std::swap(t.shape[0], t.shape[1]);
            st.write(file);
        } else if (change == "add encoder.extra") {
            st.tensors["encoder.extra"] = {{1}, {0.0f}};
            st.write(file);
        } else if (change == "widen config") {
            ModelConfig c = tinyConfig();
            c.encoderDim = 128;
            c.toJsonFile(dir / "config.json");
        } else if (change == "NaN in encoder.blocks.0.attn.qkv.weight") {
            st.tensors.at("encoder.blocks.0.attn.qkv.weight").values[7] = std::numeric_limits<float>::quiet_NaN();
            st.write(file);
        } else if (change == "inf in decoder.pred.bias") {
            auto& v = st.tensors.at("decoder.pred.bias").values;
            v[0] = std::numeric_limits<float>::infinity();
            v[1] = -std::numeric_limits<float>::infinity();
            st.write(file);
        } else if (change == "truncate") {
            fs::resize_file(file, fs::file_size(file) - 100);
        } else if (change == "huge header length") {
            std::string raw = readText(file);
            const std::uint64_t n = raw.size() + 1;
            for (int i = 0; i < 8; ++i)
                raw[std::size_t(i)] = char((n >> (8 * i)) & 0xff);
            writeText(file, raw);
        } else if (change == "break JSON") {
            rewriteHeader([](nlohmann::json& h) { return h.dump().substr(0, 40); });
        } else if (change == "dtype F64") {
            rewriteHeader([](nlohmann::json& h) {
                h["encoder.norm.bias"]["dtype"] = "F64";
                return h.dump();
            });
        } else if (change == "offsets") {
            rewriteHeader([](nlohmann::json& h) {
                h["encoder.norm.bias"]["data_offsets"][1] = std::uint64_t(1) << 40;
                return h.dump();
            });
        }

        const std::string message = errorOf([&] { Model::load(dir); });
        QVERIFY2(message.find(file.string()) != std::string::npos, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    }

    // The shapes Model::load checks a weights file against, before building the network, are
    // exactly those the network registers (as written by save()).
    void tensorShapesFromTheConfigMatchTheNetwork_data()
    {
        QTest::addColumn<int>("which");
        QTest::newRow("tiny") << 0;
        QTest::newRow("default") << 1;
    }

    void tensorShapesFromTheConfigMatchTheNetwork()
    {
        QFETCH(int, which);
        const ModelConfig c = which == 0 ? tinyConfig() : ModelConfig{};
        const fs::path dir = root() / ("shapes" + std::to_string(which));
        const Model m = Model::createRandom(c, 1);
        m.save(dir);
        TensorShapes saved;
        for (const auto& [name, t] : SafeTensors::read(dir / "model.safetensors").tensors) saved[name] = t.shape;
        QCOMPARE(modelTensorShapes(c).size(), saved.size());
        QVERIFY(modelTensorShapes(c) == saved);
        QCOMPARE(modelParameterCount(c), m.parameterCount());
    }

    void missingDirectoryNamed()
    {
        const fs::path dir = root() / "does-not-exist";
        const std::string message = errorOf([&] { Model::load(dir); });
        QVERIFY2(message.find((dir / "config.json").string()) != std::string::npos, message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestModelIo)
#include "tst_modelio.moc"
