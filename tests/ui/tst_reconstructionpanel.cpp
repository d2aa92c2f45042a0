// The reconstruction panel with a small random model: moving the mask slider changes the mask,
// the reconstruction and its MSE; "new mask" draws another mask; the same settings give the
// same result; a burst of requests ends with the last one shown.
#include "UiTestArchive.h"

#include "ui/ReconstructionPanel.h"

#include <QPushButton>
#include <QSignalSpy>
#include <QSlider>
#include <QTest>

#include <algorithm>
#include <cmath>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

namespace {
int maskedCount(const Reconstruction& r) { return int(std::count(r.patchMasked.begin(), r.patchMasked.end(), true)); }
} // namespace

class TestReconstructionPanel : public QObject {
    Q_OBJECT

    UiTestArchive* archive_ = nullptr;

    ReconstructionClip clip(int index) const
    {
        const Archive a = Archive::open(archive_->path());
        const ClipRow c = a.clips()[std::size_t(index)];
        return {a.absolutePath(c.path), c.start, c.end, 1.0};
    }

private Q_SLOTS:
    void initTestCase() { archive_ = new UiTestArchive; }
    void cleanupTestCase() { delete archive_; }

    void sliderChangesReconstructionAndMse()
    {
        ReconstructionPanel panel;
        panel.resize(900, 300);
        panel.show();
        const Model model = Model::createRandom(testkit::tinyUiModelConfig(), 7);
        panel.setModel(model);
        panel.setMaskRatio(0.75);
        QSignalSpy ready(&panel, &ReconstructionPanel::reconstructionReady);
        QSignalSpy failed(&panel, &ReconstructionPanel::failed);
        panel.setClip(clip(1)); // a chirp
        QVERIFY2(ready.wait(30000), failed.isEmpty() ? "no reconstruction" : qPrintable(failed.first().at(0).toString()));
        const Reconstruction first = *panel.current();
        const int patches = first.patchRows * first.patchCols;
        QCOMPARE(maskedCount(first), int(std::lround(0.75 * patches)));
        QVERIFY(std::isfinite(first.maskedMse));
        QVERIFY(std::isfinite(first.trivialMse));

        panel.maskSlider()->setValue(40); // as a user drags it
        QVERIFY(ready.wait(30000));
        const Reconstruction second = *panel.current();
        QCOMPARE(maskedCount(second), int(std::lround(0.40 * patches)));
        QVERIFY(second.maskedMse != first.maskedMse);
        QVERIFY(second.reconstruction.values != first.reconstruction.values);
        // The original is the same clip's window either way.
        QCOMPARE(second.original.values, first.original.values);
    }

    void newMaskDrawsAnotherMaskAndSettingsRepeat()
    {
        ReconstructionPanel panel;
        panel.setModel(Model::createRandom(testkit::tinyUiModelConfig(), 7));
        panel.setMaskRatio(0.5);
        QSignalSpy ready(&panel, &ReconstructionPanel::reconstructionReady);
        panel.setClip(clip(0));
        QVERIFY(ready.wait(30000));
        const Reconstruction a = *panel.current();
        const std::uint64_t seed = panel.seed();
        panel.newMask();
        QVERIFY(ready.wait(30000));
        QVERIFY(panel.seed() != seed);
        const Reconstruction b = *panel.current();
        QCOMPARE(maskedCount(b), maskedCount(a));
        QVERIFY(b.patchMasked != a.patchMasked);

        // Same clip, ratio and seed in a fresh panel: the same reconstruction.
        ReconstructionPanel again;
        again.setModel(Model::createRandom(testkit::tinyUiModelConfig(), 7));
        again.setMaskRatio(0.5);
        QSignalSpy readyAgain(&again, &ReconstructionPanel::reconstructionReady);
        again.setClip(clip(0));
        QVERIFY(readyAgain.wait(30000));
        QCOMPARE(again.current()->patchMasked, a.patchMasked);
        QCOMPARE(again.current()->maskedMse, a.maskedMse);
    }

    void aBurstOfRequestsEndsWithTheLast()
    {
        ReconstructionPanel panel;
        panel.setModel(Model::createRandom(testkit::tinyUiModelConfig(), 7));
        QSignalSpy ready(&panel, &ReconstructionPanel::reconstructionReady);
        panel.setClip(clip(2));
        for (int v = 30; v <= 80; v += 5) panel.maskSlider()->setValue(v);
        panel.maskSlider()->setValue(55);
        // Wait until nothing runs any more; the result shown must be for 55 %.
        QTRY_VERIFY_WITH_TIMEOUT(!panel.isBusy() && ready.size() > 0, 60000);
        const Reconstruction& r = *panel.current();
        QCOMPARE(maskedCount(r), int(std::lround(0.55 * r.patchRows * r.patchCols)));
        QVERIFY(ready.size() <= 3); // intermediate positions were skipped, not all computed
    }

    void noModelSaysWhy()
    {
        ReconstructionPanel panel;
        panel.setModelStatus(QStringLiteral("No model: cannot read \"x/config.json\""));
        panel.setClip(clip(0));
        QVERIFY(!panel.hasModel());
        QVERIFY(!panel.maskSlider()->isEnabled());
        QVERIFY(!panel.current().has_value());
    }
};

QTEST_MAIN(TestReconstructionPanel)
#include "tst_reconstructionpanel.moc"
