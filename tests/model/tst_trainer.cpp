// Trainer on generated "individuals" (ModelTestData.h): a short run lowers the held-out loss
// clearly, writes the loss log and the final model, learns the normalisation from the clips;
// afterwards the model beats the trivial predictor on hidden patches and its embeddings put clips
// of one individual closer together than clips of different ones. Same seed => same weights;
// N steps + cancel + resume + N steps == 2N steps straight; broken checkpoints are rejected.
#include "model/ModelTestData.h"

#include "core/common/Error.h"
#include "core/common/Threads.h"
#include "core/model/Embedder.h"
#include "core/model/Model.h"
#include "core/model/Reconstruction.h"
#include "core/model/Trainer.h"

#include <QCryptographicHash>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <utility>

using namespace crowlingo;
using namespace crowlingo::modeltest;
namespace fs = std::filesystem;

namespace {

template <class E, class F>
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

struct CsvRow {
    int step;
    std::string loss, val;
};

std::vector<CsvRow> readLossLog(const fs::path& file, std::string* header = nullptr)
{
    std::ifstream in(file);
    std::string line;
    std::vector<CsvRow> rows;
    if (std::getline(in, line) && header)
        *header = line;
    while (std::getline(in, line)) {
        std::stringstream ss(line);
        std::string step, loss, val;
        std::getline(ss, step, ',');
        std::getline(ss, loss, ',');
        std::getline(ss, val, ',');
        rows.push_back({std::stoi(step), loss, val});
    }
    return rows;
}

TrainOptions quickOptions(int steps)
{
    TrainOptions o;
    o.steps = steps;
    o.batch = 32;
    o.seed = 3;
    o.lr = 1.6e-2; // peak 2e-3 at batch 32: a tiny model on easy data learns in a few hundred steps
    o.warmupSteps = steps / 10;
    o.maskRatio = 0.5;
    o.validationFraction = 0.1;
    o.checkpointMinutes = 60; // only at the end / on cancel
    return o;
}

double distance(const std::vector<float>& a, const std::vector<float>& b)
{
    double s = 0;
    for (std::size_t i = 0; i < a.size(); ++i)
        s += double(a[i] - b[i]) * (a[i] - b[i]);
    return std::sqrt(s);
}

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    std::vector<Spectrogram> clips_;
    std::vector<int> labels_;
    std::optional<TrainResult> trained_;
    std::vector<TrainStatus> statuses_;
    static constexpr int mainSteps = 400;

    fs::path root() const { return fs::path(tmp_.path().toStdString()); }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        // One intra-op thread: on a busy machine LibTorch's spinning OpenMP workers make two threads
        // many times slower than one, and a fixed count keeps the runs comparable.
        setThreadCount(1);
        clips_ = individualCorpus(40, 32, 1, &labels_); // 160 clips of 20..75 frames
        TrainOptions o = quickOptions(mainSteps);
        o.outDir = root() / "main";
        ModelConfig c = tinyConfig();
        c.normMean = 0; // deliberately wrong: training from scratch must measure it
        c.normStd = 1;
        Trainer t(Model::createRandom(c, 1), o);
        trained_ = t.run(clips_, [&](const TrainStatus& s) { statuses_.push_back(s); });
    }

    void validationLossDropsClearly()
    {
        const TrainResult& r = *trained_;
        QCOMPARE(r.steps, mainSteps);
        QVERIFY(!r.cancelled);
        QVERIFY(std::isfinite(r.initialValidationLoss) && std::isfinite(r.validationLoss));
        qInfo("validation loss %.4f -> %.4f", r.initialValidationLoss, r.validationLoss);
        QVERIFY2(r.validationLoss < 0.7 * r.initialValidationLoss,
                 qPrintable(QString("%1 -> %2").arg(r.initialValidationLoss).arg(r.validationLoss)));
    }

    void statusAndLossLog()
    {
        QCOMPARE(int(statuses_.size()), mainSteps);
        int validations = 0;
        for (int i = 0; i < mainSteps; ++i) {
            const TrainStatus& s = statuses_[std::size_t(i)];
            QCOMPARE(s.step, i + 1);
            QCOMPARE(s.totalSteps, mainSteps);
            QVERIFY(std::isfinite(s.loss) && s.lr > 0);
            validations += !std::isnan(s.validationLoss);
        }
        QVERIFY(validations >= 10 && validations <= 30); // "about 20 per run"
        QVERIFY(!std::isnan(statuses_.back().validationLoss));
        QCOMPARE(statuses_.back().validationLoss, trained_->validationLoss);
        // Warm-up then decay: the LR peaks after warm-up and ends far lower.
        const double peak = statuses_[mainSteps / 10 - 1].lr;
        QVERIFY(statuses_[0].lr < peak / 5);
        QVERIFY(statuses_.back().lr < peak / 100);

        std::string header;
        const auto rows = readLossLog(root() / "main" / "loss.csv", &header);
        QCOMPARE(header, std::string("step,loss,val_loss,lr,elapsed_s"));
        QCOMPARE(int(rows.size()), mainSteps + 1);
        QCOMPARE(rows.front().step, 0);
        QVERIFY(rows.front().loss.empty());
        QVERIFY(std::abs(std::stod(rows.front().val) - trained_->initialValidationLoss) < 1e-6 * trained_->initialValidationLoss);
        QCOMPARE(rows.back().step, mainSteps);
        QVERIFY(!rows.back().val.empty());
    }

    void finalModelSavedWithMeasuredNormalisation()
    {
        const fs::path dir = root() / "main";
        QCOMPARE(trained_->modelDir, dir);
        const Model back = Model::load(dir);
        QCOMPARE(back.id(), trained_->model.id());
        QFile f(QString::fromStdString((dir / "model.safetensors").string()));
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(QString::fromLatin1(QCryptographicHash::hash(f.readAll(), QCryptographicHash::Sha256).toHex()),
                 QString::fromStdString(back.weightsHash()));
        // The normalisation is measured on the (training) clips: compare with all clips' statistics.
        // With level centring (the default) the spread is the one inside each window; these clips
        // are shorter than the window, so inside each clip.
        QVERIFY(back.config().centreLevel);
        double sum = 0, n = 0, within = 0;
        for (const Spectrogram& s : clips_) {
            double clipSum = 0;
            for (float v : s.values)
                clipSum += v;
            const double level = clipSum / double(s.values.size());
            for (float v : s.values)
                within += (v - level) * (v - level);
            sum += clipSum;
            n += double(s.values.size());
        }
        const double mean = sum / n, sd = std::sqrt(within / n);
        QVERIFY2(std::abs(back.config().normMean - mean) < 1.5, qPrintable(QString::number(back.config().normMean)));
        QVERIFY2(std::abs(back.config().normStd - sd) < 0.1 * sd, qPrintable(QString::number(back.config().normStd)));
        QVERIFY(back.config().trainingRecipeJson.find("\"steps\":400") != std::string::npos);
    }

    void trainedModelBeatsTrivialPredictor()
    {
        // Fresh clips from the training distribution, one window each.
        double model = 0, trivial = 0, untrained = 0;
        const Model init = Model::createRandom(trained_->model.config(), 1);
        int n = 0;
        for (int i = 0; i < 24; ++i) {
            const Spectrogram clip = individualCall(i % individualCount, 32, 32, 5000 + i);
            const Reconstruction r = reconstruct(trained_->model, clip, 0.5, 100 + i);
            const Reconstruction u = reconstruct(init, clip, 0.5, 100 + i);
            model += r.maskedMse;
            trivial += r.trivialMse;
            untrained += u.maskedMse;
            ++n;
        }
        qInfo("hidden-patch MSE (dB^2): trained %.1f, trivial %.1f, untrained %.1f", model / n, trivial / n,
              untrained / n);
        QVERIFY(model < 0.9 * trivial);
        QVERIFY(model < 0.6 * untrained);
    }

    void embeddingsGroupIndividuals()
    {
        // New clips (not seen in training) of the four individuals.
        std::vector<int> labels;
        const std::vector<Spectrogram> clips = individualCorpus(8, 32, 777, &labels);
        const auto v = Embedder(trained_->model).embedBatch(clips);
        double within = 0, between = 0;
        int nw = 0, nb = 0;
        for (std::size_t i = 0; i < v.size(); ++i)
            for (std::size_t j = i + 1; j < v.size(); ++j) {
                const double d = distance(v[i], v[j]);
                if (labels[i] == labels[j]) {
                    within += d;
                    ++nw;
                } else {
                    between += d;
                    ++nb;
                }
            }
        within /= nw;
        between /= nb;
        // Nearest neighbour (leave-one-out) should be the same individual far above chance (25 %).
        int correct = 0;
        for (std::size_t i = 0; i < v.size(); ++i) {
            std::size_t best = i == 0 ? 1 : 0;
            for (std::size_t j = 0; j < v.size(); ++j)
                if (j != i && distance(v[i], v[j]) < distance(v[i], v[best]))
                    best = j;
            correct += labels[best] == labels[i];
        }
        const double accuracy = double(correct) / double(v.size());
        qInfo("mean distance within %.3f, between %.3f; 1-NN accuracy %.2f", within, between, accuracy);
        QVERIFY(within < 0.8 * between);
        QVERIFY(accuracy >= 0.75);
    }

    void contrastiveTermLearnsWhatRecordingsChange()
    {
        // Continue the trained model for the same steps with and without the contrastive term,
        // then look at unseen clips and at the same clips as another recording might give them:
        // one mel bin higher, with the next clip mixed in underneath at a quarter of the power.
        // The contrastive term's views differ in just such ways, so with it a changed clip stays
        // closer to its original than to other clips by a wider margin. The recipe says which
        // objective was used.
        const std::vector<Spectrogram> unseen = individualCorpus(6, 32, 4242);
        std::vector<Spectrogram> changed = unseen;
        for (std::size_t i = 0; i < changed.size(); ++i) {
            const Spectrogram& under = unseen[(i + 1) % unseen.size()];
            Spectrogram& c = changed[i];
            for (int t = 0; t < c.frames; ++t)
                for (int b = c.bins - 1; b >= 0; --b) {
                    float v = unseen[i].at(t, std::max(0, b - 1));
                    if (t < under.frames)
                        v = float(10 * std::log10(std::pow(10.0, v / 10.0) + 0.25 * std::pow(10.0, under.at(t, b) / 10.0)));
                    c.at(t, b) = v;
                }
        }
        // Mean cosine of each clip to its changed self, minus its mean cosine to the other clips.
        auto margin = [&](const Model& m) {
            Embedder e(m);
            const auto v = e.embedBatch(unseen), w = e.embedBatch(changed);
            double self = 0, other = 0;
            int n = 0;
            for (std::size_t i = 0; i < v.size(); ++i) {
                self += cosine(v[i], w[i]);
                for (std::size_t j = 0; j < v.size(); ++j)
                    if (j != i) {
                        other += cosine(v[i], v[j]);
                        ++n;
                    }
            }
            return self / double(v.size()) - other / n;
        };
        auto continued = [&](double weight) {
            TrainOptions o = quickOptions(60);
            o.lr = 4e-3;
            o.computeNormalisation = false;
            o.contrastiveWeight = weight;
            return Trainer(trained_->model, o).run(clips_);
        };
        const TrainResult plain = continued(0), contrastive = continued(1.0);
        const double before = margin(trained_->model), afterPlain = margin(plain.model),
                     afterContrastive = margin(contrastive.model);
        qInfo("changed clip vs other clips, cosine margin: %.3f before, %.3f masked loss only, %.3f with the "
              "contrastive term", before, afterPlain, afterContrastive);
        QVERIFY(afterContrastive > afterPlain + 0.02);
        QVERIFY(afterContrastive > before + 0.02);
        QVERIFY(std::isfinite(contrastive.validationLoss));
        QVERIFY(contrastive.model.config().trainingRecipeJson.find("\"contrastive_weight\":1.0")
                != std::string::npos);
        QVERIFY(plain.model.config().trainingRecipeJson.find("contrastive") == std::string::npos);
        // Its augmentations are drawn from the seed too: the same run gives the same weights.
        QCOMPARE(continued(1.0).model.id(), contrastive.model.id());
    }

    void sameSeedSameWeights()
    {
        const ModelConfig c = tinyConfig();
        auto run = [&](std::uint64_t seed) {
            TrainOptions o = quickOptions(8);
            o.seed = seed;
            return Trainer(Model::createRandom(c, 2), o).run(clips_).model.id();
        };
        const std::string a = run(5);
        QCOMPARE(run(5), a);
        QVERIFY(run(6) != a);
    }

    void resumeEqualsStraightRun()
    {
        const int n = 12;
        const Model init = Model::createRandom(tinyConfig(), 9);
        TrainOptions o = quickOptions(2 * n);

        o.outDir = root() / "straight";
        const TrainResult straight = Trainer(init, o).run(clips_);
        QCOMPARE(straight.steps, 2 * n);

        o.outDir = root() / "interrupted";
        bool stop = false;
        Progress cancelAtN{{}, [&] { return stop; }};
        const TrainResult first = Trainer(init, o).run(
            clips_, [&](const TrainStatus& s) { stop = s.step >= n; }, cancelAtN);
        QVERIFY(first.cancelled);
        QCOMPARE(first.steps, n);
        QVERIFY(first.modelDir.empty());
        QVERIFY(fs::exists(o.outDir / "checkpoint.safetensors"));
        QVERIFY(!fs::exists(o.outDir / "model.safetensors"));

        o.resume = true;
        std::vector<int> resumedSteps;
        const TrainResult second = Trainer(init, o).run(clips_, [&](const TrainStatus& s) { resumedSteps.push_back(s.step); });
        QVERIFY(!second.cancelled);
        QCOMPARE(second.steps, 2 * n);
        QCOMPARE(resumedSteps.front(), n + 1);
        QCOMPARE(second.model.id(), straight.model.id());
        QCOMPARE(second.validationLoss, straight.validationLoss);
        QCOMPARE(second.initialValidationLoss, straight.initialValidationLoss);

        // The loss log has every step once, as the straight run's does.
        const auto a = readLossLog(root() / "straight" / "loss.csv");
        const auto b = readLossLog(o.outDir / "loss.csv");
        QCOMPARE(b.size(), a.size());
        for (std::size_t i = 0; i < a.size(); ++i) {
            QCOMPARE(b[i].step, a[i].step);
            QCOMPARE(b[i].loss, a[i].loss);
            QCOMPARE(b[i].val, a[i].val);
        }
    }

    // keepBest: a well-trained model pushed about by a far too high learning rate only gets worse,
    // so the model returned is the one it started from, and patience ends the run.
    void keepBestReturnsTheStartWhenTrainingOnlyHurts()
    {
        QVERIFY(trained_ && !trained_->cancelled);
        const Model start = trained_->model;
        TrainOptions o = quickOptions(40);
        o.lr = 0.8; // peak 0.1
        o.warmupSteps = 0;
        o.computeNormalisation = false;
        o.validationEvery = 1;
        o.keepBest = true;
        o.patience = 3;
        const TrainResult r = Trainer(start, o).run(clips_);
        QCOMPARE(r.bestStep, 0);
        QVERIFY(r.stoppedEarly);
        QCOMPARE(r.steps, 3);
        QCOMPARE(r.validationLoss, r.initialValidationLoss);
        QCOMPARE(r.model.weightsHash(), start.weightsHash());

        o.keepBest = false; // the same run without it ends where the steps took it
        o.steps = 3;
        const TrainResult last = Trainer(start, o).run(clips_);
        QVERIFY(last.model.weightsHash() != start.weightsHash());
        QVERIFY(last.validationLoss > last.initialValidationLoss);
    }

    // keepBest: the model returned is the network of the step with the lowest validation loss —
    // the same weights as the same run stopped at that step.
    void keepBestReturnsTheNetworkOfTheBestStep()
    {
        const Model init = Model::createRandom(tinyConfig(), 11);
        TrainOptions o = quickOptions(16);
        o.validationEvery = 1;
        o.keepBest = true;
        std::vector<std::pair<int, double>> vals;
        const TrainResult best = Trainer(init, o).run(clips_, [&](const TrainStatus& s) {
            if (std::isfinite(s.validationLoss)) vals.emplace_back(s.step, s.validationLoss);
        });
        QCOMPARE(int(vals.size()), 16);
        int at = 0;
        double lowest = best.initialValidationLoss;
        for (const auto& [step, v] : vals)
            if (v < lowest) {
                lowest = v;
                at = step;
            }
        QVERIFY(at > 0);
        QCOMPARE(best.bestStep, at);
        QCOMPARE(best.validationLoss, lowest);
        QVERIFY(!best.stoppedEarly);
        QCOMPARE(best.steps, 16);

        o.keepBest = false;
        bool stop = false;
        const TrainResult cut = Trainer(init, o).run(
            clips_, [&](const TrainStatus& s) { stop = s.step >= at; }, Progress{{}, [&] { return stop; }});
        QCOMPARE(cut.steps, at);
        QCOMPARE(best.model.weightsHash(), cut.model.weightsHash());
    }

    void cancelBeforeFirstStepKeepsWeights()
    {
        const Model init = Model::createRandom(tinyConfig(), 10);
        TrainOptions o = quickOptions(20);
        o.outDir = root() / "cancel0";
        const TrainResult r = Trainer(init, o).run(clips_, {}, Progress{{}, [] { return true; }});
        QVERIFY(r.cancelled);
        QCOMPARE(r.steps, 0);
        QCOMPARE(r.model.weightsHash(), init.weightsHash()); // only the config (normalisation) changed,
        QCOMPARE(r.model.id(), modelIdFor(init.weightsHash(), r.model.config())); // and the id with it
        o.resume = true;
        QCOMPARE(Trainer(init, o).run(clips_).steps, 20);
    }

    void brokenCheckpointsRejected()
    {
        const fs::path dir = root() / "interrupted";
        QVERIFY(fs::exists(dir / "checkpoint.safetensors"));
        const Model init = Model::createRandom(tinyConfig(), 9);
        TrainOptions o = quickOptions(24);
        o.outDir = dir;
        o.resume = true;

        // A half-written temp file left by a crash is never read.
        {
            std::ofstream junk(dir / "checkpoint.safetensors.tmp", std::ios::binary);
            junk << "garbage";
        }
        QCOMPARE(Trainer(init, o).run(clips_).steps, 24);

        // A truncated checkpoint is rejected, naming the file.
        fs::resize_file(dir / "checkpoint.safetensors", fs::file_size(dir / "checkpoint.safetensors") / 2);
        std::string message = errorOf<ModelError>([&] { Trainer(init, o).run(clips_); });
        QVERIFY2(message.find((dir / "checkpoint.safetensors").string()) != std::string::npos, message.c_str());

        // No checkpoint at all.
        o.outDir = root() / "empty";
        message = errorOf<ModelError>([&] { Trainer(init, o).run(clips_); });
        QVERIFY2(message.find("checkpoint") != std::string::npos, message.c_str());

        // A checkpoint of another run (seed) is refused rather than silently mixed.
        o.outDir = root() / "straight";
        o.seed = 4;
        message = errorOf<UsageError>([&] { Trainer(init, o).run(clips_); });
        QVERIFY2(message.find("seed") != std::string::npos, message.c_str());
        // ... or of the same run with the contrastive term switched on.
        o.seed = quickOptions(1).seed;
        o.contrastiveWeight = 0.5;
        message = errorOf<UsageError>([&] { Trainer(init, o).run(clips_); });
        QVERIFY2(message.find("contrastive") != std::string::npos, message.c_str());
    }

    void invalidOptionsRejected()
    {
        const Model init = Model::createRandom(tinyConfig(), 1);
        auto rejects = [&](TrainOptions o) { return !errorOf<UsageError>([&] { Trainer(init, o); }).empty(); };
        TrainOptions o = quickOptions(10);
        o.maskRatio = 0.9;
        QVERIFY(rejects(o));
        o = quickOptions(0);
        QVERIFY(rejects(o)); // neither steps nor minutes
        o = quickOptions(10);
        o.batch = 0;
        QVERIFY(rejects(o));
        o = quickOptions(10);
        o.resume = true; // without outDir
        QVERIFY(rejects(o));
        // Absurd values name their range; NaN is outside every range.
        const std::pair<std::function<void(TrainOptions&)>, const char*> absurd[] = {
            {[](TrainOptions& t) { t.batch = 5000; }, "batch = 5000 is out of range 1..4096"},
            {[](TrainOptions& t) { t.steps = 2'000'000'000; }, "steps = 2000000000 is out of range 0..10000000"},
            {[](TrainOptions& t) { t.lr = std::nan(""); }, "lr = nan is out of range"},
            {[](TrainOptions& t) { t.minutes = std::numeric_limits<double>::infinity(); }, "minutes = inf is out of range"},
            {[](TrainOptions& t) { t.maskRatio = std::nan(""); }, "mask ratio"},
            {[](TrainOptions& t) { t.contrastiveWeight = -1; }, "contrastive weight = -1 is out of range"},
            {[](TrainOptions& t) { t.contrastiveTemperature = 0; }, "contrastive temperature = 0 is out of range"},
            {[](TrainOptions& t) { t.patience = -1; }, "patience = -1 is out of range"},
        };
        for (const auto& [edit, expected] : absurd) {
            o = quickOptions(10);
            edit(o);
            const std::string message = errorOf<UsageError>([&] { Trainer(init, o); });
            QVERIFY2(message.find(expected) != std::string::npos, message.c_str());
        }
        QVERIFY(!errorOf<UsageError>([&] { Trainer(init, quickOptions(10)).run({}); }).empty());
        QVERIFY(!errorOf<UsageError>([&] { Trainer(init, quickOptions(10)).run({randomClip(40, 16, 1)}); }).empty());
    }
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "tst_trainer.moc"
