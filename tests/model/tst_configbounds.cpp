// Absurd model configs and training batches are refused before anything is allocated for them,
// with the allowed range in the message: a depth of 10^6 used to allocate 7 GB over 37 s before any
// weight was checked, and a width of 10^9 ended in a LibTorch backtrace. No network is built here.
#include "model/ModelTestData.h"

#include "core/common/Error.h"
#include "core/model/Model.h"
#include "core/model/ModelConfig.h"
#include "core/model/ModelTensors.h"
#include "core/model/TrainingMemory.h"

#include <QTemporaryDir>
#include <QTest>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>

#include <sys/resource.h>

using namespace crowlingo;
namespace fs = std::filesystem;

namespace {

// The default config with one value replaced, addressed by its config.json path.
std::string configWith(const std::string& path, const nlohmann::json& value)
{
    nlohmann::json j = nlohmann::json::parse(ModelConfig{}.toJsonString());
    j[nlohmann::json::json_pointer(path)] = value;
    return j.dump(2);
}

std::string loadError(const std::string& text)
{
    try {
        ModelConfig::fromJsonString(text, "config.json");
    } catch (const ModelError& e) {
        return e.what();
    }
    return "(accepted)";
}

long peakRssKiB()
{
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return u.ru_maxrss;
}

} // namespace

class TestConfigBounds : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;

private Q_SLOTS:
    void absurdValuesAreRefusedWithTheirRange_data()
    {
        QTest::addColumn<QString>("path");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("encoder depth 10^6") << "/architecture/encoder/depth" << 1e6
                                           << "architecture.encoder.depth = 1000000 is out of range 1..64";
        QTest::newRow("encoder width 10^9") << "/architecture/encoder/dim" << 1e9
                                           << "architecture.encoder.dim = 1000000000 is out of range 4..2048";
        QTest::newRow("encoder heads 0") << "/architecture/encoder/heads" << 0.0
                                        << "architecture.encoder.heads = 0 is out of range 1..64";
        QTest::newRow("decoder depth 10^5") << "/architecture/decoder/depth" << 1e5
                                           << "architecture.decoder.depth = 100000 is out of range 1..64";
        QTest::newRow("decoder width 10^7") << "/architecture/decoder/dim" << 1e7
                                           << "architecture.decoder.dim = 10000000 is out of range 4..2048";
        QTest::newRow("decoder heads 10^4") << "/architecture/decoder/heads" << 1e4
                                           << "architecture.decoder.heads = 10000 is out of range 1..64";
        QTest::newRow("mlp ratio 10^6") << "/architecture/mlp_ratio" << 1e6
                                       << "architecture.mlp_ratio = 1000000 is out of range 0.125..16";
        QTest::newRow("patch 10^5") << "/input/patch" << 1e5 << "input.patch = 100000 is out of range 1..128";
        QTest::newRow("frames 10^9") << "/input/frames" << 1e9 << "input.frames = 1000000000 is out of range 1..4096";
        QTest::newRow("mel bands 10^5") << "/input/mel/n_mels" << 1e5 << "input.mel.n_mels = 100000 is out of range 1..1024";
        QTest::newRow("n_fft 2^30") << "/input/mel/n_fft" << 1073741824.0
                                   << "input.mel.n_fft = 1073741824 is out of range 2..65536";
        QTest::newRow("hop 0") << "/input/mel/hop" << 0.0 << "input.mel.hop = 0 is out of range 1..65536";
        QTest::newRow("sample rate 10^9") << "/input/mel/sample_rate" << 1e9
                                         << "input.mel.sample_rate = 1000000000 is out of range 1..1000000 Hz";
        QTest::newRow("f_max 10^12") << "/input/mel/f_max" << 1e12 << "input.mel.f_max = 1e+12 is out of range 0..500000 Hz";
        QTest::newRow("norm_std 10^30") << "/input/norm_std" << 1e30 << "input.norm_std = 1e+30 is out of range 0.001..1000 dB";
        QTest::newRow("depth beyond int") << "/architecture/encoder/depth" << 1e12
                                         << "architecture.encoder.depth = 1000000000000 is out of range (not a 32-bit integer)";
        QTest::newRow("16384 patches") << "/input/patch" << 1.0 << "the window holds 16384 patches (128 x 128)";
    }

    void absurdValuesAreRefusedWithTheirRange()
    {
        QFETCH(QString, path);
        QFETCH(double, value);
        QFETCH(QString, expected);
        const bool whole = path != "/architecture/mlp_ratio" && path != "/input/mel/f_max" && path != "/input/norm_std";
        const nlohmann::json v = whole ? nlohmann::json(std::int64_t(value)) : nlohmann::json(value);
        const std::string message = loadError(configWith(path.toStdString(), v));
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        QVERIFY2(message.find("config.json") != std::string::npos, message.c_str());
    }

    void tooManyParametersAreRefused()
    {
        nlohmann::json j = nlohmann::json::parse(ModelConfig{}.toJsonString());
        j["architecture"]["encoder"]["dim"] = 2048;
        j["architecture"]["encoder"]["depth"] = 64;
        j["architecture"]["encoder"]["heads"] = 16;
        const std::string message = loadError(j.dump());
        QVERIFY2(message.find("parameters") != std::string::npos && message.find("more than the 1000000000 supported") != std::string::npos,
                 message.c_str());
    }

    // The bundled model and the test configs are well inside the bounds.
    void realConfigsAreAccepted()
    {
        const char* source = std::getenv("CROWLINGO_SOURCE_DIR");
        QVERIFY(source);
        const ModelConfig c = ModelConfig::fromJsonFile(fs::path(source) / "resources/models/default/config.json");
        QCOMPARE(c.encoderDepth, 6);
        modeltest::tinyConfig().validate();
        ModelConfig{}.validate();
    }

    // Model::load refuses such a config before reading the weights or building the network: its
    // peak memory does not grow (a depth of 10^6 used to take 7 GB).
    void loadingRefusesBeforeAllocating()
    {
        QVERIFY(tmp_.isValid());
        const fs::path dir = fs::path(tmp_.path().toStdString()) / "deep";
        fs::create_directories(dir);
        std::ofstream(dir / "config.json") << configWith("/architecture/encoder/depth", 1000000);
        std::ofstream(dir / "model.safetensors") << "not read";
        const long before = peakRssKiB();
        try {
            Model::load(dir);
            QFAIL("no ModelError");
        } catch (const ModelError& e) {
            QVERIFY2(QString(e.what()).contains("architecture.encoder.depth = 1000000 is out of range 1..64"), e.what());
        }
        QVERIFY2(peakRssKiB() - before < 64 * 1024, qPrintable(QString::number(peakRssKiB() - before)));
    }

    // A batch of 4096 on the default model does not fit in 8 GB: refused, saying what it needs, what
    // there is and the largest batch that fits; that batch is accepted, and so is the default (64).
    void trainingBatchMustFitInMemory()
    {
        const TrainingMemory m = estimateTrainingMemory(ModelConfig{}, 0.8);
        const std::int64_t eightGB = 8'000'000'000;
        QVERIFY(m.bytes(4096) > eightGB);
        QVERIFY(m.bytes(64) < 1'500'000'000); // the default batch trains on a small laptop
        const int fits = m.largestBatch(eightGB);
        QVERIFY(fits > 64 && fits < 4096);
        try {
            checkTrainingMemory(m, 4096, eightGB);
            QFAIL("no UsageError");
        } catch (const UsageError& e) {
            const QString msg = e.what();
            QVERIFY2(msg.startsWith("cannot train with batch 4096: a training step needs about ") && msg.contains(" GB of memory, and 8.0 GB is available")
                         && msg.contains(QStringLiteral("a batch of at most %1 fits").arg(fits)),
                     qPrintable(msg));
        }
        checkTrainingMemory(m, fits, eightGB);
        checkTrainingMemory(m, 4096, -1); // unknown: no refusal
        // More patches and a wider network need more per window.
        ModelConfig wide;
        wide.encoderDim = 512;
        QVERIFY(estimateTrainingMemory(wide, 0.8).perWindowBytes > m.perWindowBytes);
    }
};

QTEST_GUILESS_MAIN(TestConfigBounds)
#include "tst_configbounds.moc"
