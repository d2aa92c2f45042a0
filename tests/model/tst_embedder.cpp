// Embedder: padding never changes a clip's vector (alone vs in a padded batch, any pad value), and
// leaving the columns without signal out of the encoder gives the vectors of computing them all,
// long clips are the mean over 50 %-hop windows with the last aligned to the end, batching and
// threads do not change results, layer selection, and bad input rejected. Those identities hold to
// float32 rounding, so they are checked in float32; bfloat16 vectors are checked against float32's,
// and the precision choice (option, environment, CPU) on its own.
#include "model/ModelTestData.h"

#include "core/common/Error.h"
#include "core/model/DefaultModel.h"
#include "core/model/Embedder.h"
#include "core/model/InferencePrecision.h"
#include "core/model/Model.h"

#include <QTest>

#include <cmath>
#include <fstream>
#include <limits>
#include <thread>

using namespace crowlingo;
using namespace crowlingo::modeltest;

Q_DECLARE_METATYPE(crowlingo::Readout)

namespace {

// The CPU's flags as Linux reports them (an independent reading of cpuid).
std::string cpuFlags()
{
    std::ifstream in("/proc/cpuinfo");
    for (std::string line; std::getline(in, line);)
        if (line.rfind("flags", 0) == 0) return line + " ";
    return {};
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size())
        return INFINITY;
    double m = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        m = std::max(m, double(std::abs(a[i] - b[i])));
    return m;
}

bool allFinite(const std::vector<float>& v)
{
    return std::all_of(v.begin(), v.end(), [](float x) { return std::isfinite(x); });
}

std::vector<float> mean(const std::vector<std::vector<float>>& vs)
{
    std::vector<double> s(vs.front().size(), 0.0);
    for (const auto& v : vs)
        for (std::size_t i = 0; i < v.size(); ++i)
            s[i] += v[i];
    std::vector<float> out(s.size());
    for (std::size_t i = 0; i < s.size(); ++i)
        out[i] = float(s[i] / double(vs.size()));
    return out;
}

} // namespace

class TestEmbedder : public QObject {
    Q_OBJECT

    Model model_ = Model::createRandom(tinyConfig(), 21);

private Q_SLOTS:
    void initTestCase() { setPrecisionChoice(PrecisionChoice::Float32); }

    void dimensionIsEncoderWidth()
    {
        Embedder e(model_);
        QCOMPARE(e.dimension(), 64);
        const auto v = e.embed(randomClip(40, 32, 1));
        QCOMPARE(int(v.size()), 64);
        QVERIFY(allFinite(v));
        QVERIFY(maxAbsDiff(v, e.embed(randomClip(40, 32, 1))) == 0.0); // deterministic
        QVERIFY(maxAbsDiff(v, e.embed(randomClip(40, 32, 2))) > 1e-3); // and input-dependent
    }

    void aloneEqualsInPaddedBatch_data()
    {
        QTest::addColumn<int>("frames");
        QTest::newRow("3 frames (one patch column, mostly padding)") << 3;
        QTest::newRow("17 frames (partial third column)") << 17;
        QTest::newRow("24 frames (whole columns)") << 24;
        QTest::newRow("32 frames (exactly the window)") << 32;
        QTest::newRow("45 frames (two windows)") << 45;
    }

    void aloneEqualsInPaddedBatch()
    {
        QFETCH(int, frames);
        const Spectrogram clip = randomClip(frames, 32, 77);
        Embedder e(model_, EmbedOptions{.batchSize = 4});
        const std::vector<float> alone = e.embed(clip);
        // In a batch with longer (and shorter) clips, at different positions and batch splits.
        std::vector<Spectrogram> batch = {randomClip(90, 32, 1), randomClip(5, 32, 2), clip, randomClip(32, 32, 3),
                                          randomClip(61, 32, 4), clip};
        const auto all = e.embedBatch(batch);
        QVERIFY2(maxAbsDiff(alone, all[2]) < 1e-5, qPrintable(QString::number(maxAbsDiff(alone, all[2]))));
        QVERIFY2(maxAbsDiff(alone, all[5]) < 1e-5, qPrintable(QString::number(maxAbsDiff(alone, all[5]))));
    }

    void padValueDoesNotMatter()
    {
        // A short clip padded to the window, every column computed (as training computes them):
        // patches without signal are masked, so whatever they hold cannot reach the vector.
        const Spectrogram clip = randomClip(13, 32, 8);
        const auto ref = Embedder(model_, EmbedOptions{.padFill = 0.0f, .skipEmptyColumns = false}).embed(clip);
        for (float fill : {-1000.0f, -3.0f, 7.5f, 1e4f}) {
            const auto v = Embedder(model_, EmbedOptions{.padFill = fill, .skipEmptyColumns = false}).embed(clip);
            QVERIFY2(maxAbsDiff(ref, v) < 1e-5, qPrintable(QString("fill %1: %2").arg(fill).arg(maxAbsDiff(ref, v))));
        }
        // Control: the fill does reach the encoder if masking is bypassed by making the clip long
        // enough to fill the window with that value as signal.
        Spectrogram padded = clip;
        padded.frames = 32;
        padded.values.resize(std::size_t(32) * 32, 1e4f);
        QVERIFY(maxAbsDiff(ref, Embedder(model_).embed(padded)) > 1e-3);
    }

    void skippingEmptyColumnsGivesTheSameVectors_data()
    {
        QTest::addColumn<Readout>("readout");
        QTest::newRow("final layer, mean") << Readout{};
        QTest::newRow("final layer, rows kept") << Readout::forNewModels();
        QTest::newRow("block 0 + final, mean + std, rows kept")
            << Readout{{0, Readout::finalLayer}, ReadoutPooling::MeanStd, true};
    }

    void skippingEmptyColumnsGivesTheSameVectors()
    {
        // Clips of every kind of length in one batch (a part of a column, whole columns, the window,
        // several windows): the encoder sees only the columns that hold signal, and each clip's
        // vector is that of the whole window computed with the empty columns masked.
        QFETCH(Readout, readout);
        std::vector<Spectrogram> clips;
        for (int frames : {3, 90, 8, 13, 32, 17, 1, 45, 24, 61, 5, 31})
            clips.push_back(randomClip(frames, 32, std::uint64_t(100 + frames)));
        const auto skipped = Embedder(model_, EmbedOptions{.batchSize = 4, .readout = readout}).embedBatch(clips);
        const auto full =
            Embedder(model_, EmbedOptions{.batchSize = 4, .readout = readout, .skipEmptyColumns = false}).embedBatch(clips);
        QCOMPARE(skipped.size(), clips.size());
        for (std::size_t i = 0; i < clips.size(); ++i) {
            QVERIFY(allFinite(skipped[i]));
            QVERIFY2(maxAbsDiff(skipped[i], full[i]) < 1e-5,
                     qPrintable(QString("clip of %1 frames: %2").arg(clips[i].frames).arg(maxAbsDiff(skipped[i], full[i]))));
        }
        // Control: the clips differ, so a vector filed under the wrong clip would be seen.
        QVERIFY(maxAbsDiff(skipped[0], skipped[1]) > 1e-3);
    }

    void recordingLevelDoesNotMatter_data()
    {
        QTest::addColumn<int>("frames");
        QTest::newRow("13 frames (partial column)") << 13;
        QTest::newRow("32 frames (the window)") << 32;
        QTest::newRow("70 frames (four windows)") << 70;
    }

    void recordingLevelDoesNotMatter()
    {
        // Level centring: the same call recorded 30 dB quieter (further from the microphone) or
        // 12 dB louder gives the same vector.
        QFETCH(int, frames);
        const Spectrogram clip = individualCall(2, frames, 32, 31);
        Embedder e(model_);
        const auto ref = e.embed(clip);
        for (float shift : {-30.0f, 12.0f}) {
            Spectrogram moved = clip;
            for (float& v : moved.values)
                v += shift;
            const auto v = e.embed(moved);
            QVERIFY2(maxAbsDiff(ref, v) < 1e-4, qPrintable(QString("%1 dB: %2").arg(shift).arg(maxAbsDiff(ref, v))));
        }
        // Control: the shape still matters.
        QVERIFY(maxAbsDiff(ref, e.embed(individualCall(0, frames, 32, 31))) > 1e-3);
    }

    void longClipIsMeanOfWindows_data()
    {
        QTest::addColumn<int>("frames");
        QTest::addColumn<QList<int>>("starts"); // window starts worked out by hand: hop 16, last at the end
        QTest::newRow("48 frames") << 48 << QList<int>{0, 16};
        QTest::newRow("64 frames") << 64 << QList<int>{0, 16, 32};
        QTest::newRow("70 frames") << 70 << QList<int>{0, 16, 32, 38};
        QTest::newRow("33 frames") << 33 << QList<int>{0, 1};
    }

    void longClipIsMeanOfWindows()
    {
        QFETCH(int, frames);
        QFETCH(QList<int>, starts);
        const Spectrogram clip = randomClip(frames, 32, 31);
        Embedder e(model_);
        std::vector<std::vector<float>> windows;
        for (int s : starts)
            windows.push_back(e.embed(cropFrames(clip, s, 32)));
        const auto expected = mean(windows);
        const auto got = e.embed(clip);
        QVERIFY2(maxAbsDiff(expected, got) < 1e-5, qPrintable(QString::number(maxAbsDiff(expected, got))));
    }

    void batchSizeDoesNotMatter()
    {
        std::vector<Spectrogram> clips;
        for (int i = 0; i < 9; ++i)
            clips.push_back(randomClip(7 + 11 * i, 32, 200 + i));
        const auto one = Embedder(model_, EmbedOptions{.batchSize = 1}).embedBatch(clips);
        const auto many = Embedder(model_, EmbedOptions{.batchSize = 64}).embedBatch(clips);
        for (std::size_t i = 0; i < clips.size(); ++i)
            QVERIFY2(maxAbsDiff(one[i], many[i]) < 1e-5, qPrintable(QString::number(maxAbsDiff(one[i], many[i]))));
    }

    void workerThreadGivesSameVectors()
    {
        const Spectrogram clip = randomClip(50, 32, 5);
        const auto here = Embedder(model_).embed(clip);
        std::vector<float> there;
        std::thread worker([&] { there = Embedder(model_).embed(clip); });
        worker.join();
        QVERIFY(maxAbsDiff(here, there) < 1e-6);
    }

    void readoutSelection()
    {
        const Spectrogram clip = randomClip(28, 32, 9); // one window: the parts are not averaged over windows
        const auto last = Embedder(model_).embed(clip);
        auto withReadout = [&](std::vector<int> layers, ReadoutPooling pooling) {
            return Embedder(model_, EmbedOptions{.readout = Readout{std::move(layers), pooling}});
        };
        Embedder firstBlock = withReadout({0}, ReadoutPooling::Mean);
        Embedder both = withReadout({0, Readout::finalLayer}, ReadoutPooling::MeanStd);
        QCOMPARE(firstBlock.dimension(), 64);
        QCOMPARE(both.dimension(), 64 * 2 * 2);
        const auto first = firstBlock.embed(clip);
        const auto concatenated = both.embed(clip);
        QCOMPARE(int(concatenated.size()), both.dimension());
        QVERIFY(allFinite(first) && allFinite(concatenated));
        QVERIFY(maxAbsDiff(first, last) > 1e-3);
        // Each part (mean, std of each layer) has unit length, so no layer outweighs another.
        for (int part = 0; part < 4; ++part) {
            double norm = 0;
            for (int j = 0; j < 64; ++j)
                norm += double(concatenated[std::size_t(part * 64 + j)]) * concatenated[std::size_t(part * 64 + j)];
            QVERIFY2(std::abs(std::sqrt(norm) - 1.0) < 1e-4, qPrintable(QString::number(std::sqrt(norm))));
        }
        // The final layer's mean is the default vector, scaled to unit length.
        double lastNorm = 0;
        for (float v : last)
            lastNorm += double(v) * v;
        for (int j = 0; j < 64; ++j)
            QVERIFY(std::abs(concatenated[std::size_t(128 + j)] - last[std::size_t(j)] / std::sqrt(lastNorm)) < 1e-4);
        for (std::vector<int> bad : std::vector<std::vector<int>>{{-2}, {2}, {10}, {}, {0, 0}}) {
            bool threw = false;
            try {
                withReadout(bad, ReadoutPooling::Mean);
            } catch (const UsageError&) {
                threw = true;
            }
            QVERIFY(threw);
        }
    }

    void readoutKeepingFrequencyRows()
    {
        // 12 frames: patch columns 0-1 hold signal, 2-3 are padding. Pooling per row of patches
        // (frequency band) keeps 4 parts of 64 values, each over the row's signal columns only.
        const Spectrogram clip = randomClip(12, 32, 13);
        const auto pooled = Embedder(model_).embed(clip);
        Embedder rows(model_, EmbedOptions{.readout = Readout{{Readout::finalLayer}, ReadoutPooling::Mean, true}});
        QCOMPARE(rows.dimension(), 4 * 64);
        const auto v = rows.embed(clip);
        QCOMPARE(int(v.size()), 256);
        QVERIFY(allFinite(v));
        double total = 0;
        for (float x : v)
            total += double(x) * x;
        QVERIFY(std::abs(std::sqrt(total) - 1.0) < 1e-4);
        // Every row pools real tokens (a grouping by time column would leave the padded ones empty),
        // and the rows differ from one another.
        std::vector<double> sum(64, 0.0);
        for (int row = 0; row < 4; ++row) {
            double norm = 0;
            for (int j = 0; j < 64; ++j) {
                norm += double(v[std::size_t(row * 64 + j)]) * v[std::size_t(row * 64 + j)];
                sum[std::size_t(j)] += v[std::size_t(row * 64 + j)];
            }
            QVERIFY2(std::sqrt(norm) > 0.1, qPrintable(QString("row %1: %2").arg(row).arg(std::sqrt(norm))));
        }
        QVERIFY(maxAbsDiff(std::vector<float>(v.begin(), v.begin() + 64), std::vector<float>(v.begin() + 64, v.begin() + 128)) > 1e-3);
        // Rows hold equally many signal patches, so their sum points where the pooled mean does.
        double sumNorm = 0, pooledNorm = 0;
        for (int j = 0; j < 64; ++j) {
            sumNorm += sum[std::size_t(j)] * sum[std::size_t(j)];
            pooledNorm += double(pooled[std::size_t(j)]) * pooled[std::size_t(j)];
        }
        for (int j = 0; j < 64; ++j)
            QVERIFY(std::abs(sum[std::size_t(j)] / std::sqrt(sumNorm) - pooled[std::size_t(j)] / std::sqrt(pooledNorm)) < 1e-4);
    }

    void badInputRejected()
    {
        Embedder e(model_);
        for (const Spectrogram& s : {randomClip(40, 16, 1), randomClip(0, 32, 1)}) {
            bool threw = false;
            try {
                e.embed(s);
            } catch (const UsageError&) {
                threw = true;
            }
            QVERIFY(threw);
        }
        bool threw = false;
        try {
            Embedder(model_, EmbedOptions{.batchSize = 0});
        } catch (const UsageError&) {
            threw = true;
        }
        QVERIFY(threw);
    }

    // A vector with NaN is never returned (it would be stored and then match nothing): the clip
    // that gave it is an error naming it, here the second of a batch whose input holds a NaN.
    void nonFiniteVectorIsAnErrorForThatClip()
    {
        Embedder e(model_);
        Spectrogram bad = randomClip(32, 32, 2);
        bad.values[100] = std::numeric_limits<float>::quiet_NaN();
        try {
            e.embedBatch({randomClip(32, 32, 1), bad, randomClip(32, 32, 3)});
            QFAIL("no ModelError");
        } catch (const ModelError& err) {
            QVERIFY2(QString(err.what()).contains("cannot embed clip 2 of 3") && QString(err.what()).contains("NaN"), err.what());
        }
        QCOMPARE(e.embedBatch({randomClip(32, 32, 1)}).size(), std::size_t(1)); // the embedder still works
    }

    void bfloat16VectorsAreCloseToFloat32s()
    {
        // The trained default model on calls of four kinds and many lengths (part of a column to
        // several windows): bfloat16 arithmetic must keep every vector within cosine 0.999 of
        // float32's (issue 20's bound) and give each clip the same nearest neighbour (or, where two
        // are all but tied, one float32 ranks as near to within 1e-3: CPUs round bfloat16 apart).
        const Model trained = Model::load(defaultModelDir());
        const int bins = trained.config().mel.nMels;
        std::vector<Spectrogram> calls;
        for (int i = 0; i < 16; ++i)
            calls.push_back(individualCall(i % individualCount, 6 + 23 * i, bins, std::uint64_t(500 + i)));
        const auto f32 = Embedder(trained, {.precision = InferencePrecision::Float32}).embedBatch(calls);
        const auto bf16 = Embedder(trained, {.precision = InferencePrecision::BFloat16}).embedBatch(calls);
        auto nearest = [](const std::vector<std::vector<float>>& v, std::size_t i) {
            std::size_t best = i == 0 ? 1 : 0;
            for (std::size_t j = 0; j < v.size(); ++j)
                if (j != i && cosine(v[i], v[j]) > cosine(v[i], v[best])) best = j;
            return best;
        };
        double worst = 1, largestChange = 0;
        for (std::size_t i = 0; i < calls.size(); ++i) {
            QVERIFY(allFinite(bf16[i]));
            worst = std::min(worst, cosine(f32[i], bf16[i]));
            largestChange = std::max(largestChange, maxAbsDiff(f32[i], bf16[i]));
            const std::size_t picked = nearest(bf16, i), best = nearest(f32, i);
            QVERIFY2(cosine(f32[i], f32[picked]) >= cosine(f32[i], f32[best]) - 1e-3,
                     qPrintable(QString("clip %1: bfloat16's nearest is %2, float32's %3").arg(i).arg(picked).arg(best)));
        }
        QVERIFY2(worst >= 0.999, qPrintable(QString("lowest cosine %1").arg(worst, 0, 'f', 6)));
        // Control: the arithmetic really was bfloat16 (its rounding shows in the last digits).
        QVERIFY2(largestChange > 1e-6, qPrintable(QString::number(largestChange)));

        // The same through the small random model, skipping empty columns or not.
        std::vector<Spectrogram> clips;
        for (int frames : {3, 90, 8, 13, 32, 17, 45, 61})
            clips.push_back(randomClip(frames, 32, std::uint64_t(700 + frames)));
        for (bool skip : {true, false}) {
            const auto a = Embedder(model_, {.skipEmptyColumns = skip, .precision = InferencePrecision::Float32}).embedBatch(clips);
            const auto b = Embedder(model_, {.skipEmptyColumns = skip, .precision = InferencePrecision::BFloat16}).embedBatch(clips);
            for (std::size_t i = 0; i < clips.size(); ++i)
                QVERIFY2(cosine(a[i], b[i]) >= 0.999, qPrintable(QString("%1 frames: %2").arg(clips[i].frames).arg(cosine(a[i], b[i]))));
        }
    }

    void precisionIsChosenByOptionEnvironmentAndCpu()
    {
        QCOMPARE(parsePrecisionChoice("auto"), std::optional(PrecisionChoice::Auto));
        QCOMPARE(parsePrecisionChoice("bf16"), std::optional(PrecisionChoice::BFloat16));
        QCOMPARE(parsePrecisionChoice("float32"), std::optional(PrecisionChoice::Float32));
        QVERIFY(!parsePrecisionChoice("half"));
        QVERIFY(!parsePrecisionChoice(""));

        // Auto takes bfloat16 exactly where the CPU has the instructions; Linux's own reading of
        // cpuid (/proc/cpuinfo) must agree with ours.
        const std::string flags = cpuFlags();
        if (!flags.empty())
            QCOMPARE(cpuHasBFloat16Instructions(),
                     flags.find(" avx512_bf16 ") != std::string::npos || flags.find(" amx_bf16 ") != std::string::npos);
        setPrecisionChoice(PrecisionChoice::Auto);
        QCOMPARE(embeddingPrecision(),
                 cpuHasBFloat16Instructions() ? InferencePrecision::BFloat16 : InferencePrecision::Float32);
        QCOMPARE(Embedder(model_).precision(), embeddingPrecision());

        // The environment is the default; a choice made by the program (--precision) wins over it.
        const QByteArray before = qgetenv("CROWLINGO_PRECISION");
        qputenv("CROWLINGO_PRECISION", "bfloat16");
        QCOMPARE(defaultPrecisionChoice(), PrecisionChoice::BFloat16);
        qputenv("CROWLINGO_PRECISION", "something else");
        QCOMPARE(defaultPrecisionChoice(), PrecisionChoice::Auto);
        qputenv("CROWLINGO_PRECISION", "bfloat16");
        setPrecisionChoice(PrecisionChoice::Float32);
        QCOMPARE(embeddingPrecision(), InferencePrecision::Float32);
        QCOMPARE(Embedder(model_).precision(), InferencePrecision::Float32);
        QCOMPARE(Embedder(model_, {.precision = InferencePrecision::BFloat16}).precision(), InferencePrecision::BFloat16);
        if (before.isNull()) qunsetenv("CROWLINGO_PRECISION");
        else qputenv("CROWLINGO_PRECISION", before);
    }
};

QTEST_GUILESS_MAIN(TestEmbedder)
#include "tst_embedder.moc"
