// Adapting the model to an archive (core's adaptModel, and `crowlingo-cli adapt`): training on the
// archive's clips gives a new model, saved beside the archive and remembered by it; every clip is
// re-embedded and the new model becomes active, with the old vectors kept. Cancelling during
// training changes nothing in the archive. Moving the archive with its models folder keeps the link.
#include "archive/ArchiveTestKit.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveSettings.h"
#include "core/pipeline/FolderEmbedder.h"
#include "core/pipeline/ModelAdaptation.h"
#include "core/common/Error.h"

#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace crowlingo;
namespace fs = std::filesystem;

class TestModelAdaptation : public QObject {
    Q_OBJECT

    QTemporaryDir tmp_;
    Model start_ = Model::createRandom(testkit::tinyConfig(), 1);

    fs::path root() const { return fs::path(tmp_.path().toStdString()); }

    // A fresh archive of the shared corpus, embedded with start_.
    fs::path embeddedArchive(const std::string& name)
    {
        const fs::path file = root() / name / "field.crowlingo";
        fs::create_directories(file.parent_path());
        Archive a = Archive::create(file, root() / "corpus");
        embedFolder(a, start_, EmbedFolderOptions{.segment = SegmentSpec::parse("window:1.0")});
        return file;
    }

private Q_SLOTS:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        testkit::writeCorpus(root() / "corpus", 3, 8.0);
    }

    void adaptedModelIsSavedRememberedAndActive()
    {
        const fs::path file = embeddedArchive("a");
        const std::int64_t clips = Archive::open(file).clipCount();
        QVERIFY(clips >= 20);

        AdaptOptions o;
        o.train.steps = 12;
        o.train.batch = 8;
        std::vector<TrainStatus> statuses;
        double lastDone = -1;
        bool monotonic = true;
        const Progress progress{[&](double done, std::string_view) {
            monotonic = monotonic && done >= lastDone - 1e-9;
            lastDone = done;
        }, {}};
        const AdaptResult r = adaptModel(file, start_, o, [&](const TrainStatus& s) { statuses.push_back(s); }, progress);
        QVERIFY(!r.cancelled);
        QVERIFY(r.activated);
        QCOMPARE(int(statuses.size()), 12);
        QCOMPARE(statuses.back().step, 12);
        QVERIFY(monotonic);
        QCOMPARE(lastDone, 1.0);

        // Saved beside the archive, loadable, and a different model from the start.
        QCOMPARE(r.modelDir.parent_path(), file.parent_path() / "field.models");
        const Model adapted = Model::load(r.modelDir);
        QCOMPARE(adapted.id(), r.training.model.id());
        QVERIFY(adapted.id() != start_.id());
        // Adapting keeps the start model's input normalisation (the archive is not re-measured).
        QCOMPARE(adapted.config().normMean, start_.config().normMean);
        QCOMPARE(adapted.config().normStd, start_.config().normStd);

        const Archive a = Archive::open(file);
        QCOMPARE(a.activeModel(), adapted.id());
        QCOMPARE(a.embeddingCount(adapted.id()), clips);
        QCOMPARE(a.embeddingCount(start_.id()), clips); // the old vectors are kept
        QCOMPARE(r.embedding.clipsEmbedded, clips);
        const auto remembered = ArchiveSettings::rememberedModelDir(a, adapted.id());
        QVERIFY(remembered.has_value());
        QCOMPARE(fs::weakly_canonical(*remembered), fs::weakly_canonical(r.modelDir));
        // Stored relative to the archive's folder.
        QCOMPARE(*a.meta("model_dir:" + adapted.id()), "field.models/" + r.modelDir.filename().string());
    }

    void movingTheArchiveWithItsModelsKeepsTheLink()
    {
        const fs::path file = embeddedArchive("b");
        AdaptOptions o;
        o.train.steps = 2;
        o.train.batch = 4;
        o.requireImprovement = false; // two steps need not improve anything: this test is about the link
        const AdaptResult r = adaptModel(file, start_, o);
        QVERIFY(r.activated);
        const fs::path moved = root() / "moved";
        fs::rename(file.parent_path(), moved);
        const Archive a = Archive::open(moved / "field.crowlingo");
        const auto dir = ArchiveSettings::rememberedModelDir(a, a.activeModel());
        QVERIFY(dir.has_value());
        QCOMPARE(Model::load(*dir).id(), a.activeModel());
        // A model folder that is gone is not offered.
        fs::remove_all(moved / "field.models");
        QVERIFY(!ArchiveSettings::rememberedModelDir(a, a.activeModel()).has_value());
    }

    void cancellingDuringTrainingChangesNothing()
    {
        const fs::path file = embeddedArchive("c");
        AdaptOptions o;
        o.train.steps = 500;
        o.train.batch = 4;
        int seen = 0;
        const Progress progress{{}, [&] { return seen >= 3; }};
        const AdaptResult r = adaptModel(file, start_, o, [&](const TrainStatus&) { ++seen; }, progress);
        QVERIFY(r.cancelled);
        QVERIFY(!r.activated);
        QVERIFY(r.training.steps < 500);
        const Archive a = Archive::open(file);
        QCOMPARE(a.activeModel(), start_.id());
        QCOMPARE(int(a.modelsWithEmbeddings().size()), 1);
        QVERIFY(!fs::exists(r.modelDir / "model.safetensors")); // no finished model is claimed
    }

    void aModelThatGotWorseIsNotUsed()
    {
        // A learning rate so low that training changes nothing: the held-out loss does not fall, so
        // the archive keeps its vectors and its model; the new one is only left in its folder.
        const fs::path file = embeddedArchive("worse");
        AdaptOptions o;
        o.train.steps = 3;
        o.train.batch = 8;
        o.train.lr = 1e-9;
        const AdaptResult r = adaptModel(file, start_, o);
        QVERIFY2(r.training.validationLoss > r.training.initialValidationLoss * (1 - AdaptOptions::minImprovement),
                 qPrintable(QString("%1 -> %2").arg(r.training.initialValidationLoss).arg(r.training.validationLoss)));
        QVERIFY(r.rejected);
        QVERIFY(!r.activated);
        QVERIFY(fs::exists(r.modelDir / "model.safetensors"));
        const Archive a = Archive::open(file);
        QCOMPARE(a.activeModel(), start_.id());
        QCOMPARE(int(a.modelsWithEmbeddings().size()), 1);
        QVERIFY(!ArchiveSettings::rememberedModelDir(a, r.training.model.id()).has_value());

        // Asked to keep it anyway: used.
        o.requireImprovement = false;
        const AdaptResult kept = adaptModel(file, start_, o);
        QVERIFY(!kept.rejected);
        QVERIFY(kept.activated);
        QCOMPARE(Archive::open(file).activeModel(), kept.training.model.id());
    }

    void anArchiveWithoutClipsIsRefused()
    {
        const fs::path file = root() / "empty.crowlingo";
        Archive::create(file, root() / "corpus");
        try {
            adaptModel(file, start_, AdaptOptions{.train = TrainOptions{.steps = 1}});
            QFAIL("no error");
        } catch (const UsageError& e) {
            QVERIFY2(std::string(e.what()).find("no clips") != std::string::npos, e.what());
        }
    }

    void cliAdaptsAndReportsIt()
    {
        const fs::path file = embeddedArchive("cli");
        // The archive's model is a random one the CLI cannot know, so name it.
        const fs::path startDir = root() / "start-model";
        start_.save(startDir);
        const QStringList args{QStringLiteral("adapt"), QString::fromStdString(file.string()), QStringLiteral("--model"),
                               QString::fromStdString(startDir.string()), QStringLiteral("--steps"), QStringLiteral("3"),
                               QStringLiteral("--batch"), QStringLiteral("4")};
        // Trained too gently to improve: reported, exit 4, the archive unchanged.
        QProcess gentle;
        gentle.start(QStringLiteral(CROWLINGO_CLI_PATH), args + QStringList{QStringLiteral("--lr"), QStringLiteral("1e-9")});
        QVERIFY(gentle.waitForFinished(120000));
        const QString gentleOut = QString::fromUtf8(gentle.readAllStandardOutput());
        QVERIFY2(gentle.exitCode() == 4, qPrintable(gentleOut + QString::fromUtf8(gentle.readAllStandardError())));
        QVERIFY2(gentleOut.contains("no better than the model it started from"), qPrintable(gentleOut));
        QCOMPARE(Archive::open(file).activeModel(), start_.id());

        // Three steps need not improve a random model measurably: kept anyway when asked.
        QProcess p;
        p.start(QStringLiteral(CROWLINGO_CLI_PATH), args + QStringList{QStringLiteral("--keep-if-worse")});
        QVERIFY(p.waitForFinished(120000));
        const QString out = QString::fromUtf8(p.readAllStandardOutput());
        QVERIFY2(p.exitCode() == 0, qPrintable(out + QString::fromUtf8(p.readAllStandardError())));
        QVERIFY2(out.contains("the archive now uses the adapted model"), qPrintable(out));
        const Archive a = Archive::open(file);
        QVERIFY(a.activeModel() != start_.id());
        QVERIFY(ArchiveSettings::rememberedModelDir(a, a.activeModel()).has_value());
    }
};

QTEST_GUILESS_MAIN(TestModelAdaptation)
#include "tst_modeladaptation.moc"
