// The reconstruction panel with a small random model: moving the mask slider changes the mask,
// the reconstruction and its MSE; "new mask" draws another mask; the same settings give the
// same result; a burst of requests ends with the last one shown.
#include "UiTestArchive.h"

#include "core/audio/AudioReader.h"

#include "ui/ReconstructionPanel.h"

#include "core/dsp/MelSpectrogram.h"

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

    // With the same draw (no New Mask pressed), clips of one length get masks of their own: one
    // unlucky mask must not meet every call of that length.
    void eachClipDrawsItsOwnMask()
    {
        ReconstructionPanel panel;
        panel.setModel(Model::createRandom(testkit::tinyUiModelConfig(), 7));
        panel.setMaskRatio(0.5);
        QSignalSpy ready(&panel, &ReconstructionPanel::reconstructionReady);
        ReconstructionClip first = clip(0);
        first.end = first.start + 0.5;
        ReconstructionClip second = first;
        second.start += 1.0;
        second.end += 1.0;
        panel.setClip(first);
        QVERIFY(ready.wait(30000));
        const std::vector<bool> maskOfFirst = panel.current()->patchMasked;
        panel.setClip(second);
        QVERIFY(ready.wait(30000));
        QCOMPARE(panel.current()->patchMasked.size(), maskOfFirst.size());
        QVERIFY(panel.current()->patchMasked != maskOfFirst);
        panel.setClip(first); // and a clip's own mask is the same each time it is shown
        QVERIFY(ready.wait(30000));
        QCOMPARE(panel.current()->patchMasked, maskOfFirst);
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

    void hearButtonsGiveTheSpectrogramsAsSound()
    {
        ReconstructionPanel panel;
        panel.show();
        const Model model = Model::createRandom(testkit::tinyUiModelConfig(), 7);
        panel.setModel(model);
        QVERIFY(!panel.hearReconstructionButton()->isEnabled()); // nothing to hear yet
        QSignalSpy ready(&panel, &ReconstructionPanel::reconstructionReady);
        panel.setClip(clip(1)); // a chirp
        QVERIFY(ready.wait(30000));
        QVERIFY(panel.hearReconstructionButton()->isEnabled() && panel.hearOriginalButton()->isEnabled());

        // Each sound's own log-mel follows the spectrogram it was made from, more than the other one.
        // (A random model's patchy reconstruction is no spectrogram any sound has exactly, so its
        // sound fits it less well than the original's sound fits the original.)
        const MelParams mel = model.config().mel;
        auto correlation = [](const std::vector<float>& a, const std::vector<float>& b) {
            double ma = 0, mb = 0;
            for (std::size_t i = 0; i < a.size(); ++i) ma += a[i], mb += b[i];
            ma /= double(a.size()), mb /= double(b.size());
            double ab = 0, aa = 0, bb = 0;
            for (std::size_t i = 0; i < a.size(); ++i) {
                ab += (a[i] - ma) * (b[i] - mb);
                aa += (a[i] - ma) * (a[i] - ma);
                bb += (b[i] - mb) * (b[i] - mb);
            }
            return ab / std::sqrt(aa * bb);
        };
        const Reconstruction& r = *panel.current();
        for (bool reconstruction : {false, true}) {
            const std::vector<float> sound = panel.sound(reconstruction);
            const Spectrogram heard = MelSpectrogram(mel).compute(sound);
            const Spectrogram& source = reconstruction ? r.reconstruction : r.original;
            QCOMPARE(heard.frames, source.frames);
            const Spectrogram& other = reconstruction ? r.original : r.reconstruction;
            const double c = correlation(heard.values, source.values), cOther = correlation(heard.values, other.values);
            qInfo("%s: log-mel correlation of the sound with its spectrogram %.3f, with the other %.3f",
                  reconstruction ? "reconstruction" : "original", c, cOther);
            QVERIFY(c > (reconstruction ? 0.4 : 0.8));
            QVERIFY(c > cOther);
        }

        QSignalSpy listen(&panel, &ReconstructionPanel::listenRequested);
        QTest::mouseClick(panel.hearOriginalButton(), Qt::LeftButton);
        QCOMPARE(listen.size(), 1);
        QCOMPARE(listen.first().at(1).toDouble(), double(mel.sampleRate));
        QCOMPARE(listen.first().at(0).value<QVector<float>>().size(), qsizetype(panel.sound(false).size()));
    }

    void heardAsLoudAsTheClipWithoutClicks()
    {
        // What Hear original plays has the clip's own level (Play's) over the same span, within a
        // few dB, and fades in and out instead of starting and ending with a click.
        ReconstructionPanel panel;
        const Model model = Model::createRandom(testkit::tinyUiModelConfig(), 7);
        panel.setModel(model);
        QSignalSpy ready(&panel, &ReconstructionPanel::reconstructionReady);
        const ReconstructionClip c = clip(1); // a chirp
        panel.setClip(c);
        QVERIFY(ready.wait(30000));
        const int rate = model.config().mel.sampleRate;
        for (bool reconstruction : {false, true}) {
            const std::vector<float> sound = panel.sound(reconstruction);
            QVERIFY(!sound.empty());
            float peak = 0;
            for (float v : sound) peak = std::max(peak, std::abs(v));
            const std::size_t ms2 = std::size_t(rate / 500);
            for (std::size_t i = 0; i < ms2; ++i) {
                QVERIFY2(std::abs(sound[i]) <= 0.2f * peak, qPrintable(QStringLiteral("start sample %1").arg(i)));
                QVERIFY2(std::abs(sound[sound.size() - 1 - i]) <= 0.2f * peak, qPrintable(QStringLiteral("end sample %1").arg(i)));
            }
            if (reconstruction) continue; // a random model's reconstruction has no level to match
            const std::vector<float> played = readAudio(c.file, {.targetRate = rate}, c.start, c.start + double(sound.size()) / rate);
            auto rmsDb = [](const std::vector<float>& x) {
                double e = 0;
                for (float v : x) e += double(v) * v;
                return 10 * std::log10(e / double(x.size()));
            };
            const double heard = rmsDb(sound), clipDb = rmsDb(played);
            QVERIFY2(std::abs(heard - clipDb) < 4, qPrintable(QStringLiteral("heard %1 dB, the clip %2 dB").arg(heard).arg(clipDb)));
        }
    }

    void noModelSaysWhy()
    {
        ReconstructionPanel panel;
        panel.setModelStatus(QStringLiteral("No model: cannot read \"x/config.json\""));
        panel.setClip(clip(0));
        QVERIFY(!panel.hasModel());
        QVERIFY(!panel.maskSlider()->isEnabled());
        QVERIFY(!panel.current().has_value());
        QCOMPARE(panel.statusText(), QStringLiteral("No model: cannot read \"x/config.json\""));
        panel.clearClip(); // the model's status is not the clip's: it stays
        QVERIFY(panel.statusText().contains(QStringLiteral("config.json")));
    }

    void aClipsFailureLeavesWithTheClip()
    {
        // A clip whose recording is gone says so; the next clip (or none, as when another archive
        // opens) does not inherit that message.
        ReconstructionPanel panel;
        panel.setModel(Model::createRandom(testkit::tinyUiModelConfig(), 7));
        QSignalSpy failed(&panel, &ReconstructionPanel::failed);
        QSignalSpy ready(&panel, &ReconstructionPanel::reconstructionReady);
        ReconstructionClip gone = clip(0);
        gone.file = gone.file.parent_path() / "moved-away.wav";
        panel.setClip(gone);
        QVERIFY(failed.wait(30000));
        QVERIFY2(panel.statusText().contains(QStringLiteral("moved-away.wav")), qPrintable(panel.statusText()));
        panel.clearClip();
        QCOMPARE(panel.statusText(), QString());
        panel.setClip(gone);
        QVERIFY(failed.wait(30000));
        panel.setClip(clip(1));
        QCOMPARE(panel.statusText(), QString());
        QVERIFY(ready.wait(30000));
        QCOMPARE(panel.statusText(), QString());
    }
};

QTEST_MAIN(TestReconstructionPanel)
#include "tst_reconstructionpanel.moc"
