// The recording view as a user meets it: it follows the current clip to its whole recording, draws
// the recording's clips as boxes and the calls where they are, a click on a box selects that clip
// everywhere, zoom and scroll move through time, and a dragged range plays exactly that range.
#include "ui/AudioPlayer.h"
#include "ui/RecordingPanel.h"
#include "ui/RecordingView.h"
#include "ui/ClipInspector.h"
#include "ui/SpectrogramSettingsDialog.h"
#include "ui/SpectrogramView.h"
#include "ui/TestAudioServer.h"
#include "ui/UiTestArchive.h"
#include "ui/UiTestWindow.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QStandardPaths>
#include <QScrollBar>
#include <QSignalSpy>
#include <QtTest>

using namespace crowlingo;
using namespace crowlingo::ui;
using namespace crowlingo::testkit;

namespace {

// Clip index of clip j of recording r in the test archive.
int clipOf(MainWindow& w, const UiTestArchive& a, int r, int j)
{
    return w.session()->data().indexOf(a.ids()[std::size_t(r * 12 + j)]);
}

int brightness(const QImage& img, double x, double y)
{
    return qGray(img.pixel(int(std::lround(x)), int(std::lround(y))));
}

} // namespace

class TestRecordingView : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QStandardPaths::setTestModeEnabled(true); } // settings of the test, not the user's

    void spectrogramSettingsApplyToEveryView()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        w.session()->setCurrentClip(clipOf(w, a, 0, 3));
        SpectrogramView* inspector = w.inspector()->spectrogramView();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSpectrogram(), 10000);
        QCOMPARE(inspector->spectrogram().bins, 257); // 512-sample windows by default

        SpectrogramSettingsDialog* dialog = w.spectrogramSettingsDialog();
        auto combos = dialog->findChildren<QComboBox*>();
        QComboBox* fft = nullptr;
        QComboBox* colours = nullptr;
        for (QComboBox* c : combos) {
            if (c->findData(2048) >= 0) fft = c;
            if (c->findText(QStringLiteral("Viridis")) >= 0) colours = c;
        }
        QVERIFY(fft && colours);
        fft->setCurrentIndex(fft->findData(2048));
        colours->setCurrentIndex(colours->findText(QStringLiteral("Viridis")));
        // The recording view and the inspector both follow.
        QCOMPARE(w.recordingPanel()->view()->recording()->settings().fftSize, 2048);
        QCOMPARE(w.recordingPanel()->view()->recording()->settings().colormap, Colormap::Viridis);
        QTRY_COMPARE_WITH_TIMEOUT(inspector->spectrogram().bins, 1025, 10000);
        // A frequency range: both draw only up to it.
        auto spins = dialog->findChildren<QDoubleSpinBox*>();
        QDoubleSpinBox* highest = nullptr;
        for (QDoubleSpinBox* d : spins)
            if (d->specialValueText() == QStringLiteral("Nyquist")) highest = d;
        QVERIFY(highest);
        highest->setValue(3000);
        QVERIFY(w.recordingPanel()->view()->visibleHighHz() <= 3000 + 22050.0 / 2048 + 1e-6);
        QTRY_VERIFY_WITH_TIMEOUT(inspector->spectrogram().bins < 1025 && inspector->spectrogram().binCentres.back() < 3000 + 22.0, 10000);
        // Remembered for the next window.
        QCOMPARE(loadSpectrogramSettings().fftSize, 2048);
        QCOMPARE(loadSpectrogramSettings().maxHz, 3000.0);
        MainWindow next;
        QCOMPARE(next.recordingPanel()->spectrogramSettings().fftSize, 2048);
        saveSpectrogramSettings({});
    }

    void followsTheCurrentClipToItsRecording()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingPanel* panel = w.recordingPanel();
        RecordingView* view = panel->view();
        QVERIFY(panel->isVisible()); // raised over the table when an archive opens

        const int tone = clipOf(w, a, 0, 3); // kind (3 + 0) % 3 = 0: a 1.2 kHz tone at 3.25 .. 3.75 s
        QCOMPARE(a.kindOf(w.session()->data().clips[std::size_t(tone)].id), 0);
        w.session()->setCurrentClip(tone);
        QCOMPARE(panel->recordingShown(), w.session()->data().recordingOfClip[std::size_t(tone)]);
        QVERIFY(view->recording());
        QCOMPARE(view->recording()->duration(), 12.5);
        // All twelve clips of that recording are boxes, and only they.
        QCOMPARE(view->boxes().size(), 12);
        for (const RecordingView::Box& b : view->boxes())
            QCOMPARE(w.session()->data().recordingOfClip[std::size_t(b.clipIndex)], panel->recordingShown());
        // The clip is in view with context on both sides.
        QVERIFY(view->visibleStart() < 3.25 - 0.2 && view->visibleEnd() > 3.75 + 0.2);
        QTRY_VERIFY_WITH_TIMEOUT(view->allVisibleTilesReady(), 10000);
        QVERIFY(view->errorText().isEmpty());

        // The tone is drawn where it is: bright at 1.2 kHz during the clip, not above it, not between clips.
        const QImage img = view->grab().toImage();
        const int onTone = brightness(img, view->xOfTime(3.5), view->yOfFrequency(1200));
        const int above = brightness(img, view->xOfTime(3.5), view->yOfFrequency(6000));
        const int between = brightness(img, view->xOfTime(3.95), view->yOfFrequency(1200));
        QVERIFY2(onTone > above + 60 && onTone > between + 60,
                 qPrintable(QString("tone %1, above %2, between clips %3").arg(onTone).arg(above).arg(between)));

        // Another recording's clip moves the view to that recording.
        const int elsewhere = clipOf(w, a, 2, 7);
        w.session()->setCurrentClip(elsewhere);
        QCOMPARE(panel->recordingShown(), w.session()->data().recordingOfClip[std::size_t(elsewhere)]);
        QVERIFY(view->visibleStart() < 7.25 && view->visibleEnd() > 7.75);
        w.closeArchive();
        QVERIFY(!view->recording());
    }

    void aClickOnABoxSelectsThatClipAndElsewhereSetsTheCursor()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingView* view = w.recordingPanel()->view();
        w.session()->setCurrentClip(clipOf(w, a, 1, 3));
        QVERIFY(view->visibleStart() < 4.25 && view->visibleEnd() > 4.75);
        const int y = view->plotRect().center().y();
        QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(int(view->xOfTime(4.5)), y));
        QCOMPARE(w.session()->currentClip(), clipOf(w, a, 1, 4));
        QCOMPARE(view->clipAt(QPoint(int(view->xOfTime(4.5)), y)), clipOf(w, a, 1, 4));
        // Between two clips: no clip, the cursor moves there.
        const int before = w.session()->currentClip();
        QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(int(view->xOfTime(4.0)), y));
        QCOMPARE(w.session()->currentClip(), before);
        QVERIFY2(std::abs(view->cursor() - 4.0) < 3 * view->secondsPerPixel(), qPrintable(QString::number(view->cursor())));
    }

    void zoomAndScrollMoveThroughTime()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingPanel* panel = w.recordingPanel();
        RecordingView* view = panel->view();
        w.session()->setCurrentClip(clipOf(w, a, 0, 6));
        const double span = view->visibleEnd() - view->visibleStart();
        // Ctrl+wheel zooms in around the pointer: the time under it stays put.
        const double anchor = 6.5;
        const QPointF at(view->xOfTime(anchor), view->plotRect().center().y());
        QWheelEvent zoomIn(at, view->mapToGlobal(at), {}, QPoint(0, 240), Qt::NoButton, Qt::ControlModifier,
                           Qt::NoScrollPhase, false);
        QApplication::sendEvent(view, &zoomIn);
        QVERIFY2(std::abs((view->visibleEnd() - view->visibleStart()) - span * 0.64) < 1e-6, "two wheel steps of 0.8");
        QVERIFY(std::abs(view->xOfTime(anchor) - at.x()) < 1.0);
        // The whole recording, then the scroll bar pages through it.
        panel->showWholeRecording();
        QCOMPARE(view->visibleStart(), 0.0);
        QCOMPARE(view->visibleEnd(), 12.5);
        view->showRange(0, 2);
        auto* bar = panel->findChild<QScrollBar*>();
        QVERIFY(bar && bar->isEnabled());
        bar->setValue(bar->maximum());
        QVERIFY(std::abs(view->visibleEnd() - 12.5) < 0.02);
        QVERIFY(std::abs((view->visibleEnd() - view->visibleStart()) - 2.0) < 1e-6);
        // Zooming out never goes past the recording.
        view->zoomTime(100.0, 3.0);
        QCOMPARE(view->visibleStart(), 0.0);
        QCOMPARE(view->visibleEnd(), 12.5);
        QTRY_VERIFY_WITH_TIMEOUT(view->allVisibleTilesReady(), 10000);
        // Frequency zoom keeps the hertz under the pointer.
        const double f0 = view->visibleLowHz(), f1 = view->visibleHighHz();
        view->zoomFrequency(0.5, 2000.0);
        QVERIFY(view->visibleHighHz() - view->visibleLowHz() < 0.51 * (f1 - f0));
        QVERIFY(view->visibleLowHz() < 2000.0 && view->visibleHighHz() > 2000.0);
    }

    void aDraggedRangePlaysExactlyThatRange()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingPanel* panel = w.recordingPanel();
        RecordingView* view = panel->view();
        w.session()->setCurrentClip(clipOf(w, a, 0, 6));
        view->showRange(5.0, 9.0);
        const int y = view->plotRect().center().y();
        // Drag from 6.1 s to 7.9 s, starting between clips (6.1 is after clip 5 and before clip 6).
        const QPoint from(int(view->xOfTime(6.1)), y), to(int(view->xOfTime(7.9)), y);
        QTest::mousePress(view, Qt::LeftButton, {}, from);
        QMouseEvent move(QEvent::MouseMove, QPointF(to), view->mapToGlobal(QPointF(to)), Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(view, &move);
        QTest::mouseRelease(view, Qt::LeftButton, {}, to);
        QVERIFY(std::abs(view->selectionStart() - 6.1) < 2 * view->secondsPerPixel());
        QVERIFY(std::abs(view->selectionEnd() - 7.9) < 2 * view->secondsPerPixel());

        QSignalSpy asked(panel, &RecordingPanel::playRequested);
        QSignalSpy started(w.player(), &AudioPlayer::itemStarted);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Space);
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0][1].toDouble(), view->selectionStart());
        QCOMPARE(asked[0][2].toDouble(), view->selectionEnd());
        // The player got exactly that range, without the context the clip buttons add.
        QCOMPARE(w.player()->queue().size(), 1);
        const PlayItem& item = w.player()->queue()[0];
        QCOMPARE(item.start, view->selectionStart());
        QCOMPARE(item.end, view->selectionEnd());
        QVERIFY(!item.withContext);
        if (!pulseAnswers())
            QSKIP("no PulseAudio server answers: source packaging/start-test-audio.sh to hear the range played");
        QVERIFY(started.wait(10000));
        const double seconds = double(w.player()->currentSamples().size()) / AudioPlayer::kSinkRate;
        QVERIFY2(std::abs(seconds - (item.end - item.start)) < 0.02, qPrintable(QString("%1 s decoded").arg(seconds)));
        // Without a range, Play plays from the cursor to the end of the view.
        w.player()->stop();
        view->setSelection(0, 0);
        view->setCursor(8.0);
        QTest::keyClick(view, Qt::Key_Space);
        QCOMPARE(asked.size(), 2);
        QCOMPARE(asked[1][1].toDouble(), 8.0);
        QCOMPARE(asked[1][2].toDouble(), view->visibleEnd());
    }

    void anUnreadableRecordingSaysSo()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        std::filesystem::remove(a.root() / "site1.wav");
        const int clip = clipOf(w, a, 1, 2);
        w.session()->setCurrentClip(clip);
        QVERIFY(!w.recordingPanel()->view()->recording());
        const auto labels = w.recordingPanel()->findChildren<QLabel*>();
        bool said = false;
        for (QLabel* l : labels)
            said = said || (l->text().contains("Cannot show") && l->text().contains("site1.wav"));
        QVERIFY(said);
    }
};

QTEST_MAIN(TestRecordingView)
#include "tst_recordingview.moc"
