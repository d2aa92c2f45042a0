// Analysis > Adapt Model to This Archive, driven through the real dialog: the loss chart fills as
// training runs, the archive switches to the adapted model once every clip is re-embedded (old
// vectors kept), the window then uses that model and redoes the map and clusters with the
// parameters they had; stopping during training leaves the archive as it was.
#include "UiTestArchive.h"

#include "ui/AdaptModelDialog.h"
#include "ui/ArchiveSession.h"
#include "ui/MainWindow.h"
#include "ui/MapView.h"
#include "ui/ModelInUse.h"
#include "ui/TaskRunner.h"
#include "ui/TrainingLossChart.h"

#include "core/archive/ArchiveAnalysis.h"
#include "core/archive/ArchiveSettings.h"
#include "core/pipeline/FolderEmbedder.h"
#include "core/pipeline/ModelAdaptation.h"

#include <QCheckBox>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

class TestAdaptModel : public QObject {
    Q_OBJECT

    Model model_ = Model::createRandom(testkit::tinyUiModelConfig(), 3);

    // An archive of UiTestArchive's recordings embedded for real by model_, with a k-means
    // clustering (k = 3) and a PCA map.
    std::filesystem::path embeddedArchive(const UiTestArchive& a, const std::string& name)
    {
        const std::filesystem::path file = std::filesystem::path(a.dir().toStdString()) / name;
        Archive archive = Archive::create(file, a.root());
        embedFolder(archive, model_, EmbedFolderOptions{.segment = SegmentSpec::parse("window:0.5")});
        ProjectionParams map;
        map.method = ProjectionMethod::Pca;
        projectArchive(archive, map);
        ClusterParams k;
        k.method = ClusterMethod::Kmeans;
        k.k = 3;
        clusterArchive(archive, k);
        return file;
    }

    // The window on `file`, with model_ as the model in use.
    bool openIn(MainWindow& w, const std::filesystem::path& file)
    {
        w.models()->set(model_);
        w.show();
        if (!QTest::qWaitForWindowExposed(&w)) return false;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(QString::fromStdString(file.string()));
        return opened.wait(20000);
    }

    // The window's Adapt Model dialog, set to `steps` training steps of batch 4 (null if it did not
    // open). So few steps need not improve a random model: "use it even if no better" is ticked.
    static AdaptModelDialog* adaptDialog(MainWindow& w, int steps)
    {
        AdaptModelDialog* d = w.adaptModelDialog();
        if (d) {
            d->setSteps(steps);
            d->setBatchSize(4);
            d->keepIfWorseBox()->setChecked(true);
        }
        return d;
    }

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); }

    void adaptingSwitchesTheArchiveAndTheWindowToTheNewModel()
    {
        UiTestArchive a;
        const auto file = embeddedArchive(a, "adapt.crowlingo");
        MainWindow w;
        QVERIFY(openIn(w, file));
        const int clips = w.session()->data().clipCount();
        QVERIFY(clips >= 30);

        AdaptModelDialog* d = adaptDialog(w, 8);
        QVERIFY(d);
        QVERIFY(d->isVisible());
        QSignalSpy adapted(d, &AdaptModelDialog::adapted);
        QSignalSpy reopened(w.session(), &ArchiveSession::archiveOpened);
        QTest::mouseClick(d->startButton(), Qt::LeftButton);
        QVERIFY(d->isRunning());
        QVERIFY(d->stopButton()->isEnabled());
        QVERIFY(adapted.wait(120000));
        QVERIFY(adapted.last().at(1).toBool());
        QCOMPARE(d->chart()->trainingPointCount(), 8); // one point per step
        QVERIFY(d->chart()->validationPointCount() >= 1);
        QVERIFY(!d->isRunning());
        // For looking at the dialog by hand: CROWLINGO_SCREENSHOT_DIR=/tmp/shots tst_adaptmodel
        if (qEnvironmentVariableIsSet("CROWLINGO_SCREENSHOT_DIR"))
            d->grab().save(qEnvironmentVariable("CROWLINGO_SCREENSHOT_DIR") + QStringLiteral("/adapt-model.png"));

        // The archive: adapted model active, every clip re-embedded, old vectors kept, model remembered.
        const std::string modelDir = adapted.last().at(0).toString().toStdString();
        const Model adaptedModel = Model::load(modelDir);
        {
            const Archive archive = Archive::open(file);
            QCOMPARE(archive.activeModel(), adaptedModel.id());
            QCOMPARE(archive.embeddingCount(adaptedModel.id()), std::int64_t(clips));
            QCOMPARE(archive.embeddingCount(model_.id()), std::int64_t(clips));
            QVERIFY(ArchiveSettings::rememberedModelDir(archive, adaptedModel.id()).has_value());
        }

        // The window: reloaded on the new vectors, the map and k-means clusters redone as they were.
        QVERIFY(reopened.count() > 0 || reopened.wait(20000));
        QCOMPARE(w.session()->data().modelId, adaptedModel.id());
        QTRY_VERIFY_WITH_TIMEOUT(w.session()->data().hasClustering && !w.isBusy(), 60000);
        QTRY_COMPARE_WITH_TIMEOUT(w.models()->id(), QString::fromStdString(adaptedModel.id()), 20000);
        const Archive archive = Archive::open(file);
        const auto map = archive.latestProjection(adaptedModel.id());
        const auto clustering = archive.latestClustering(adaptedModel.id());
        QVERIFY(map && clustering);
        QVERIFY(ProjectionParams::fromJson(map->paramsJson).method == ProjectionMethod::Pca);
        const ClusterParams redone = ClusterParams::fromJson(clustering->paramsJson);
        QVERIFY(redone.method == ClusterMethod::Kmeans);
        QCOMPARE(redone.k, 3);
        QCOMPARE(w.mapView()->pointCount(), clips);

        // Another archive, embedded by the original model and remembering no model folder, is read
        // by the window's own model again, not by the first archive's adapted one.
        const std::filesystem::path other = embeddedArchive(a, "other.crowlingo");
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(QString::fromStdString(other.string()));
        QVERIFY(opened.wait(20000));
        QTRY_COMPARE_WITH_TIMEOUT(w.models()->id(), QString::fromStdString(model_.id()), 20000);
    }

    void anotherArchiveOpenedMeanwhileStaysOpen()
    {
        // Adapting runs on while the researcher opens another archive; when it ends, the window
        // must not switch back. The adapted archive still switched to its new model.
        UiTestArchive a;
        const auto file = embeddedArchive(a, "first.crowlingo");
        UiTestArchive other;
        MainWindow w;
        QVERIFY(openIn(w, file));
        AdaptModelDialog* d = adaptDialog(w, 6);
        QVERIFY(d);
        QSignalSpy adapted(d, &AdaptModelDialog::adapted);
        d->start();
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(other.file());
        QVERIFY(adapted.wait(120000));
        QVERIFY(adapted.last().at(1).toBool());
        if (opened.isEmpty()) QVERIFY(opened.wait(20000));
        QTest::qWait(300); // anything the end of adapting might have queued
        QCOMPARE(w.session()->fileName(), other.file());
        const Archive first = Archive::open(file);
        QVERIFY(first.activeModel() != model_.id());
    }

    void stoppingDuringTrainingLeavesTheArchiveAsItWas()
    {
        UiTestArchive a;
        const auto file = embeddedArchive(a, "stop.crowlingo");
        MainWindow w;
        QVERIFY(openIn(w, file));
        AdaptModelDialog* d = adaptDialog(w, 100000);
        QVERIFY(d);
        QSignalSpy finished(w.tasks(), &TaskRunner::finished);
        d->start();
        QTRY_VERIFY_WITH_TIMEOUT(d->chart()->trainingPointCount() >= 2, 60000);
        QTest::mouseClick(d->stopButton(), Qt::LeftButton);
        QVERIFY(finished.wait(60000));
        QVERIFY(!d->isRunning());
        QVERIFY(d->startButton()->isEnabled());
        const Archive archive = Archive::open(file);
        QCOMPARE(archive.activeModel(), model_.id());
        QCOMPARE(int(archive.modelsWithEmbeddings().size()), 1);
        QCOMPARE(w.models()->id(), QString::fromStdString(model_.id()));
    }
};

QTEST_MAIN(TestAdaptModel)
#include "tst_adaptmodel.moc"
