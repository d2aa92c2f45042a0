// The recording view as a user meets it: it follows the current clip to its whole recording, draws
// the recording's clips as boxes and the calls where they are, a click on a box selects that clip
// everywhere, zoom and scroll move through time, and a dragged range plays exactly that range. The
// current clip's neighbours are marked and reachable from it; the Recordings list shows the
// recordings that gave no clip and opens them; a bat recording is drawn at its real frequencies.
#include "ui/AudioPlayer.h"
#include "ui/RecordingPanel.h"
#include "ui/RecordingView.h"
#include "ui/RecordingTableModel.h"
#include "ui/RecordingsPanel.h"
#include "ui/ClipInspector.h"
#include "ui/ClipSpectrogram.h"
#include "ui/SpectrogramSettingsDialog.h"
#include "ui/SpectrogramView.h"
#include "ui/TestAudioServer.h"
#include "ui/UiTestArchive.h"
#include "ui/UiTestWindow.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QLabel>
#include <QMenu>
#include <QTableView>
#include <QTemporaryDir>
#include <QToolButton>
#include <QStandardPaths>
#include <QRegularExpression>
#include <QScrollBar>
#include <QSignalSpy>
#include <QtTest>

#include <memory>
#include <numbers>
#include <random>

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

        // Without a recording the view says what to do, readably: its hint is drawn on the window's
        // colour (it was once drawn in the text colour on the black plot, where nobody could read it).
        const QImage empty = view->grab().toImage();
        const int ground = qGray(view->palette().color(QPalette::Window).rgb());
        int inked = 0, dark = 0;
        for (int y = 0; y < empty.height(); ++y)
            for (int x = 0; x < empty.width(); ++x) {
                const int g = qGray(empty.pixel(x, y));
                inked += std::abs(g - ground) > 60 ? 1 : 0;
                dark += g < 20 ? 1 : 0;
            }
        QVERIFY2(inked > 30, qPrintable(QString::number(inked)));                    // the hint's letters
        QVERIFY2(dark < empty.width() * empty.height() / 20, qPrintable(QString::number(dark))); // no black plot
    }

    void theMouseReadsOutTimeFrequencyAndLevel()
    {
        // As in Raven and Sonic Visualiser: hovering reads out the time, frequency and level under
        // the mouse, and a dragged range its start, end and length.
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingView* view = w.recordingPanel()->view();
        w.session()->setCurrentClip(clipOf(w, a, 0, 3)); // a 1.2 kHz tone at 3.25 .. 3.75 s
        QTRY_VERIFY_WITH_TIMEOUT(view->allVisibleTilesReady(), 10000);
        QSignalSpy changed(view, &RecordingView::measurementChanged);
        const auto levelIn = [](const QString& text) {
            const QRegularExpressionMatch m = QRegularExpression(QStringLiteral("(-?\\d+\\.\\d) dB")).match(text);
            return m.hasMatch() ? m.captured(1).toDouble() : qQNaN();
        };
        QTest::mouseMove(view, QPointF(view->xOfTime(3.5), view->yOfFrequency(1200)).toPoint());
        const QString onTone = view->measurementText();
        QVERIFY2(onTone.contains(QStringLiteral("3.5")) && onTone.contains(QStringLiteral("1.2")) && onTone.contains("kHz"),
                 qPrintable(onTone));
        QVERIFY(!changed.isEmpty());
        QTest::mouseMove(view, QPointF(view->xOfTime(3.5), view->yOfFrequency(6000)).toPoint());
        const QString above = view->measurementText();
        QVERIFY2(above.contains(QStringLiteral("6.0")) || above.contains(QStringLiteral("5.9")), qPrintable(above));
        QVERIFY2(levelIn(onTone) > levelIn(above) + 20.0, qPrintable(onTone + QStringLiteral(" / ") + above));

        view->setSelection(3.3, 3.7);
        QVERIFY2(view->measurementText().contains(QStringLiteral("400.0 ms")), qPrintable(view->measurementText()));
        // For looking at the read-out by hand: CROWLINGO_SCREENSHOT_DIR=/tmp/shots tst_recordingview
        if (qEnvironmentVariableIsSet("CROWLINGO_SCREENSHOT_DIR"))
            view->grab().save(qEnvironmentVariable("CROWLINGO_SCREENSHOT_DIR") + QStringLiteral("/recording-measurement.png"));
        QEvent leave(QEvent::Leave);
        QCoreApplication::sendEvent(view, &leave);
        QVERIFY2(view->measurementText().startsWith(QStringLiteral("selection")), qPrintable(view->measurementText()));
        view->setSelection(0, 0);
        QVERIFY(view->measurementText().isEmpty());

        // The inspector's spectrogram reads out the same way: down its middle (the clip's middle,
        // 3.5 s), the loudest point read is the tone's frequency.
        SpectrogramView* inspector = w.inspector()->spectrogramView();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSpectrogram(), 10000);
        double loudest = -1e9, loudestHz = 0;
        std::vector<double> levels;
        for (int y = 0; y < inspector->height(); y += 2) {
            QTest::mouseMove(inspector, QPoint(inspector->width() / 2, y));
            const QString text = inspector->measurementText();
            if (text.isEmpty()) continue; // above or below the plot
            QVERIFY2(text.startsWith(QStringLiteral("3.4")) || text.startsWith(QStringLiteral("3.5")), qPrintable(text));
            const QRegularExpressionMatch f = QRegularExpression(QStringLiteral("  (\\d+(\\.\\d+)?) (k?)Hz")).match(text);
            QVERIFY2(f.hasMatch(), qPrintable(text));
            const double hz = f.captured(1).toDouble() * (f.captured(3).isEmpty() ? 1.0 : 1000.0), db = levelIn(text);
            levels.push_back(db);
            if (db > loudest) { loudest = db; loudestHz = hz; }
        }
        QVERIFY2(levels.size() > 20, qPrintable(QString::number(levels.size())));
        std::nth_element(levels.begin(), levels.begin() + std::ptrdiff_t(levels.size() / 2), levels.end());
        QVERIFY2(std::abs(loudestHz - 1200.0) < 150.0 && loudest > levels[levels.size() / 2] + 20.0,
                 qPrintable(QString("loudest %1 dB at %2 Hz, median %3 dB").arg(loudest).arg(loudestHz).arg(levels[levels.size() / 2])));
        QTest::mouseMove(inspector, QPoint(inspector->width() / 2, inspector->height() / 2));
        if (qEnvironmentVariableIsSet("CROWLINGO_SCREENSHOT_DIR"))
            inspector->grab().save(qEnvironmentVariable("CROWLINGO_SCREENSHOT_DIR") + QStringLiteral("/inspector-measurement.png"));
        QEvent leaveInspector(QEvent::Leave);
        QCoreApplication::sendEvent(inspector, &leaveInspector);
        QVERIFY(inspector->measurementText().isEmpty());
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
        drag(view, from, to);
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

    // As in Raven, a drag across frequencies too draws a box: its band is read out with its times,
    // and "Add as Clip" asks for exactly that stretch and band of the recording shown; a drag along
    // one row stays a stretch of the whole band. A drag may start on a clip's box (a call inside a
    // longer clip).
    void aDraggedBoxBecomesAClipRequest()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingPanel* panel = w.recordingPanel();
        RecordingView* view = panel->view();
        w.session()->setCurrentClip(clipOf(w, a, 1, 6));
        view->showRange(5.0, 9.0);
        QVERIFY(!panel->addClipButton()->isEnabled()); // nothing dragged yet
        const double hzPerPixel = (view->visibleHighHz() - view->visibleLowHz()) / view->plotRect().height();
        // From inside clip 6's box (6.25-6.75 s), across frequencies: a box.
        const QPoint from(int(view->xOfTime(6.4)), int(view->yOfFrequency(4000))), to(int(view->xOfTime(7.3)), int(view->yOfFrequency(1500)));
        QCOMPARE(view->clipAt(from), clipOf(w, a, 1, 6));
        drag(view, from, to);
        QVERIFY(std::abs(view->selectionStart() - 6.4) < 2 * view->secondsPerPixel());
        QVERIFY(std::abs(view->selectionEnd() - 7.3) < 2 * view->secondsPerPixel());
        QVERIFY2(std::abs(view->selectionLowHz() - 1500) < 2 * hzPerPixel, qPrintable(QString::number(view->selectionLowHz())));
        QVERIFY2(std::abs(view->selectionHighHz() - 4000) < 2 * hzPerPixel, qPrintable(QString::number(view->selectionHighHz())));
        QVERIFY2(view->measurementText().contains(QStringLiteral("kHz")) && view->measurementText().contains(QStringLiteral("selection")),
                 qPrintable(view->measurementText()));
        QVERIFY(panel->addClipButton()->isEnabled());
        // For looking at the box by hand: CROWLINGO_SCREENSHOT_DIR=/tmp/shots tst_recordingview
        if (qEnvironmentVariableIsSet("CROWLINGO_SCREENSHOT_DIR")) {
            QTRY_VERIFY(view->allVisibleTilesReady());
            panel->grab().save(qEnvironmentVariable("CROWLINGO_SCREENSHOT_DIR") + QStringLiteral("/recording-box.png"));
        }
        QSignalSpy asked(panel, &RecordingPanel::addClipRequested);
        panel->addClipButton()->click();
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0][0].toString(), QStringLiteral("site1.wav"));
        QCOMPARE(asked[0][1].toDouble(), view->selectionStart());
        QCOMPARE(asked[0][2].toDouble(), view->selectionEnd());
        QCOMPARE(asked[0][3].toDouble(), view->selectionLowHz());
        QCOMPARE(asked[0][4].toDouble(), view->selectionHighHz());
        // Enter commits it too, as in Raven (the window's own Enter shortcuts do not take it).
        view->setFocus();
        QTest::keyClick(view, Qt::Key_Return);
        QCOMPARE(asked.size(), 2);
        QCOMPARE(asked[1][1].toDouble(), view->selectionStart());
        asked.clear();

        // Along one row: the whole band. The view's own menu offers the same.
        const int y = view->plotRect().center().y();
        drag(view, QPoint(int(view->xOfTime(7.6)), y), QPoint(int(view->xOfTime(8.4)), y + 3));
        QVERIFY(view->selectionHighHz() <= view->selectionLowHz());
        std::unique_ptr<QMenu> menu(panel->viewMenu(nullptr));
        QAction* add = nullptr;
        for (QAction* act : menu->actions())
            if (act->text() == QStringLiteral("Add Selection as Clip")) add = act;
        QVERIFY(add && add->isEnabled());
        add->trigger();
        QCOMPARE(asked.size(), 1);
        QVERIFY(asked[0][4].toDouble() <= asked[0][3].toDouble());
        // The segmentation's clips offer no removal: only clips drawn by hand can be removed.
        std::unique_ptr<QMenu> clipMenu(panel->clipMenu(clipOf(w, a, 1, 6), nullptr));
        for (QAction* act : clipMenu->actions()) QVERIFY(act->objectName() != QStringLiteral("removeClipAction"));
        // A click (no drag) clears the stretch, and with it the offer.
        QTest::mouseClick(view, Qt::LeftButton, {}, QPoint(int(view->xOfTime(8.8)), y));
        QVERIFY(!view->hasSelection());
        QVERIFY(!panel->addClipButton()->isEnabled());
    }

    // Raven's selections are adjusted by their edges: the current clip's, if drawn by hand, asks
    // for the clip to be drawn again; the dragged range's change the range; Esc puts them back.
    void theEdgesOfABoxDrawnByHandCanBeDragged()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingPanel* panel = w.recordingPanel();
        RecordingView* view = panel->view();
        const int clip = clipOf(w, a, 1, 6), other = clipOf(w, a, 1, 7);
        w.session()->setCurrentClip(clip);
        view->showRange(5.0, 9.0);
        // The test archive's clips were cut by its segmentation: mark this one drawn by hand, with a band.
        QVector<RecordingView::Box> boxes = view->boxes();
        for (RecordingView::Box& b : boxes)
            if (b.clipIndex == clip) {
                b.byHand = true;
                b.lowHz = 1000;
                b.highHz = 4000;
            }
        view->setBoxes(boxes);
        const RecordingView::Box box = *std::find_if(boxes.begin(), boxes.end(), [&](const auto& b) { return b.clipIndex == clip; });
        const double hzPerPixel = (view->visibleHighHz() - view->visibleLowHz()) / view->plotRect().height();
        const double tolerance = 2 * view->secondsPerPixel();
        QSignalSpy redraw(view, &RecordingView::clipRedrawRequested);
        QSignalSpy clicked(view, &RecordingView::clipClicked);

        // The right edge, later.
        const int mid = int(view->yOfFrequency(2500));
        drag(view, QPoint(int(view->xOfTime(box.end)), mid), QPoint(int(view->xOfTime(box.end + 0.3)), mid));
        QCOMPARE(redraw.size(), 1);
        QCOMPARE(redraw[0][0].toInt(), clip);
        QCOMPARE(redraw[0][1].toDouble(), box.start);
        QVERIFY(std::abs(redraw[0][2].toDouble() - (box.end + 0.3)) < tolerance);
        QCOMPARE(redraw[0][3].toDouble(), 1000.0);
        QCOMPARE(redraw[0][4].toDouble(), 4000.0);
        QCOMPARE(clicked.size(), 0);
        // Meanwhile the new box is the dragged range.
        QCOMPARE(view->selectionEnd(), redraw[0][2].toDouble());
        QCOMPARE(view->selectionLowHz(), 1000.0);

        // The top left corner: earlier and higher at once.
        view->setSelection(0, 0);
        drag(view, QPoint(int(view->xOfTime(box.start)), int(view->yOfFrequency(4000))),
             QPoint(int(view->xOfTime(box.start - 0.2)), int(view->yOfFrequency(6000))));
        QCOMPARE(redraw.size(), 2);
        QVERIFY(std::abs(redraw[1][1].toDouble() - (box.start - 0.2)) < tolerance);
        QCOMPARE(redraw[1][2].toDouble(), box.end);
        QCOMPARE(redraw[1][3].toDouble(), 1000.0);
        QVERIFY2(std::abs(redraw[1][4].toDouble() - 6000) < 2 * hzPerPixel, qPrintable(QString::number(redraw[1][4].toDouble())));

        // The left edge dragged past the right one becomes the right edge, as in Raven.
        view->setSelection(0, 0);
        drag(view, QPoint(int(view->xOfTime(box.start)), mid), QPoint(int(view->xOfTime(box.end + 0.25)), mid));
        QCOMPARE(redraw.size(), 3);
        QVERIFY(std::abs(redraw[2][1].toDouble() - box.end) < tolerance);
        QVERIFY(std::abs(redraw[2][2].toDouble() - (box.end + 0.25)) < tolerance);

        // Esc while dragging: the edges go back, nothing is asked.
        view->setSelection(0, 0);
        view->setFocus();
        QTest::mousePress(view, Qt::LeftButton, {}, QPoint(int(view->xOfTime(box.end)), mid));
        const QPointF far(view->xOfTime(box.end + 0.5), mid);
        QMouseEvent move(QEvent::MouseMove, far, view->mapToGlobal(far), Qt::NoButton, Qt::LeftButton, {});
        QApplication::sendEvent(view, &move);
        QVERIFY(view->selectionEnd() > box.end + 0.4);
        QTest::keyClick(view, Qt::Key_Escape);
        QTest::mouseRelease(view, Qt::LeftButton, {}, far.toPoint());
        QCOMPARE(view->selectionEnd(), box.end);
        QCOMPARE(redraw.size(), 3);

        // A clip of the segmentation has no edges to drag, even when current: a drag from its edge
        // draws a range, as before.
        w.session()->setCurrentClip(other);
        const RecordingView::Box otherBox = *std::find_if(view->boxes().begin(), view->boxes().end(),
                                                          [&](const auto& b) { return b.clipIndex == other; });
        QVERIFY(!otherBox.byHand);
        view->setSelection(0, 0);
        drag(view, QPoint(int(view->xOfTime(otherBox.end)), mid), QPoint(int(view->xOfTime(otherBox.end + 0.3)), mid));
        QCOMPARE(redraw.size(), 3);
        QVERIFY(std::abs(view->selectionStart() - otherBox.end) < tolerance);

        // The dragged range's own edges: its start moved, and no clip is asked to change.
        const double rangeEnd = view->selectionEnd();
        drag(view, QPoint(int(view->xOfTime(view->selectionStart())), mid), QPoint(int(view->xOfTime(otherBox.end - 0.1)), mid));
        QVERIFY(std::abs(view->selectionStart() - (otherBox.end - 0.1)) < tolerance);
        QCOMPARE(view->selectionEnd(), rangeEnd);
        QCOMPARE(redraw.size(), 3);
    }

    // Fit to Call tightens a loosely dragged stretch to the call inside it, off the GUI thread, and
    // says so; a stretch of background alone is left as dragged, with the reason.
    void aLooseStretchIsFittedToItsCall()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingPanel* panel = w.recordingPanel();
        RecordingView* view = panel->view();
        w.session()->setCurrentClip(clipOf(w, a, 1, 6)); // a call at 6.25-6.75 s, its envelope a half sine
        view->showRange(5.0, 9.0);
        QVERIFY(!panel->fitToCallButton()->isEnabled());
        QSignalSpy said(panel, &RecordingPanel::statusMessage);
        view->setSelection(6.05, 6.95);
        QVERIFY(panel->fitToCallButton()->isEnabled());
        panel->fitToCallButton()->click();
        QVERIFY(said.wait(10000));
        // Its level is within 20 dB of the peak from 16 ms in to 16 ms before its end.
        QVERIFY2(view->selectionStart() > 6.25 && view->selectionStart() < 6.30, qPrintable(QString::number(view->selectionStart())));
        QVERIFY2(view->selectionEnd() > 6.70 && view->selectionEnd() < 6.75, qPrintable(QString::number(view->selectionEnd())));
        QVERIFY2(said[0][0].toString().startsWith(QStringLiteral("Fitted to its call")), qPrintable(said[0][0].toString()));

        // Between two calls: nothing stands out, the stretch stays, F asks the same.
        view->setSelection(7.80, 8.20);
        view->setFocus();
        QTest::keyClick(view, Qt::Key_F);
        QVERIFY(said.wait(10000));
        QCOMPARE(std::make_pair(view->selectionStart(), view->selectionEnd()), std::make_pair(7.80, 8.20));
        QVERIFY2(said[1][0].toString().contains(QStringLiteral("left as drawn")), qPrintable(said[1][0].toString()));
        // The view's menu offers it too.
        std::unique_ptr<QMenu> menu(panel->viewMenu(nullptr));
        bool offered = false;
        for (QAction* act : menu->actions()) offered |= act->objectName() == QStringLiteral("fitToCallAction") && act->isEnabled();
        QVERIFY(offered);
    }

    // A box's band alone, as Raven filters around a selection: the player gets the band, and what
    // it plays of a 1.2-kHz call boxed at 2-5 kHz is that call's tone a hundredfold quieter.
    void aBoxsBandIsPlayedAlone()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingPanel* panel = w.recordingPanel();
        RecordingView* view = panel->view();
        w.session()->setCurrentClip(clipOf(w, a, 0, 0)); // kind 0: a 1.2-kHz tone, 0.25-0.75 s
        QTRY_VERIFY(view->recording());
        const auto toneLevel = [](const std::vector<float>& x) {
            double c = 0, s = 0;
            for (std::size_t i = 0; i < x.size(); ++i) {
                c += x[i] * std::cos(2 * std::numbers::pi * 1200 * double(i) / AudioPlayer::kSinkRate);
                s += x[i] * std::sin(2 * std::numbers::pi * 1200 * double(i) / AudioPlayer::kSinkRate);
            }
            return std::hypot(c, s) / double(std::max<std::size_t>(x.size(), 1));
        };
        QSignalSpy started(w.player(), &AudioPlayer::itemStarted);
        const auto play = [&](QMenu* menu, const QString& name) {
            std::unique_ptr<QMenu> owned(menu);
            for (QAction* act : menu->actions())
                if (act->objectName() == name || act->text() == name) { act->trigger(); return true; }
            return false;
        };
        view->setSelection(0.25, 0.75);
        std::unique_ptr<QMenu> plain(panel->viewMenu(nullptr));
        for (QAction* act : plain->actions()) QVERIFY(act->objectName() != QStringLiteral("playBandAction")); // no band
        QVERIFY(play(panel->viewMenu(nullptr), QStringLiteral("Play Selection")));
        QCOMPARE(w.player()->queue()[0].highHz, 0.0);
        const bool audio = pulseAnswers() && started.wait(10000);
        const double whole = audio ? toneLevel(w.player()->currentSamples()) : 0;
        w.player()->stop();

        view->setSelection(0.25, 0.75, 2000, 5000);
        QVERIFY(play(panel->viewMenu(nullptr), QStringLiteral("playBandAction")));
        QCOMPARE(w.player()->queue().size(), 1);
        QCOMPARE(w.player()->queue()[0].lowHz, 2000.0);
        QCOMPARE(w.player()->queue()[0].highHz, 5000.0);
        if (!audio)
            QSKIP("no PulseAudio server answers: source packaging/start-test-audio.sh to hear the band played");
        QVERIFY(started.wait(10000));
        const double band = toneLevel(w.player()->currentSamples());
        QVERIFY2(whole > 0.05 && band < whole / 100, qPrintable(QString("tone %1 whole, %2 in the band").arg(whole).arg(band)));
    }

    // As Raven writes a selection's annotation in it: a labelled clip's box carries its label in
    // its top-left corner, drawn as soon as the label is given.
    void labelsAreWrittenInTheirBoxes()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingView* view = w.recordingPanel()->view();
        const int clip = clipOf(w, a, 0, 3);
        w.session()->setCurrentClip(clip);
        QTRY_VERIFY_WITH_TIMEOUT(view->allVisibleTilesReady(), 10000);
        const auto boxOf = [&] {
            for (const RecordingView::Box& b : view->boxes())
                if (b.clipIndex == clip) return b;
            return RecordingView::Box{};
        };
        QVERIFY(boxOf().label.isEmpty());
        const QImage before = view->grab().toImage();
        QVERIFY(w.session()->applyLabel({clip}, QStringLiteral("caw")));
        QCOMPARE(boxOf().label, QStringLiteral("caw"));
        const QImage after = view->grab().toImage();
        // Pixels that changed lie in the box's top-left corner (the tag), and there are some.
        const QFontMetrics fm(view->font());
        const QRect corner(int(view->xOfTime(boxOf().start)), view->plotRect().top(),
                           fm.horizontalAdvance(QStringLiteral("caw")) + 10, fm.height() + 4);
        int inCorner = 0, elsewhere = 0;
        for (int y = 0; y < after.height(); ++y)
            for (int x = 0; x < after.width(); ++x)
                if (after.pixel(x, y) != before.pixel(x, y)) (corner.contains(x, y) ? inCorner : elsewhere)++;
        QVERIFY2(inCorner > 20, qPrintable(QString::number(inCorner)));
        QVERIFY2(elsewhere < inCorner, qPrintable(QString("%1 changed outside the corner").arg(elsewhere)));
    }

    void theCurrentClipsNeighboursAreMarkedAndReachable()
    {
        UiTestArchive a;
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingPanel* panel = w.recordingPanel();
        const int clip = clipOf(w, a, 0, 3);
        w.session()->setCurrentClip(clip);
        const QVector<NeighbourHit> near = w.session()->neighbours();
        QVERIFY(near.size() >= 5);
        const auto kind = [&](int i) { return a.kindOf(w.session()->data().clips[std::size_t(i)].id); };

        // In the view: exactly the neighbours that lie in this recording carry their rank.
        int marked = 0;
        for (const RecordingView::Box& b : panel->view()->boxes()) {
            int rank = 0;
            for (int k = 0; k < near.size(); ++k)
                if (near[k].clipIndex == b.clipIndex) rank = k + 1;
            QCOMPARE(b.neighbourRank, rank);
            marked += rank > 0;
        }
        QVERIFY(marked > 0); // the same kind of call recurs in the recording

        // The Neighbours button lists them all, best first; choosing one in another recording goes there.
        QMenu* menu = panel->neighboursButton()->menu();
        Q_EMIT menu->aboutToShow();
        QList<QAction*> go;
        for (QAction* act : menu->actions())
            if (act->data().isValid()) go << act;
        QCOMPARE(go.size(), near.size());
        for (int k = 0; k < near.size(); ++k) QCOMPARE(go[k]->data().toInt(), near[k].clipIndex);
        int far = -1;
        for (QAction* act : go)
            if (w.session()->data().recordingOfClip[std::size_t(act->data().toInt())] != panel->recordingShown()) {
                far = act->data().toInt();
                act->trigger();
                break;
            }
        QVERIFY(far >= 0);
        QCOMPARE(w.session()->currentClip(), far);
        QCOMPARE(panel->recordingShown(), w.session()->data().recordingOfClip[std::size_t(far)]);
        QCOMPARE(kind(far), kind(clip));

        // A box's own menu lists that clip's neighbours, current or not: calls of its kind.
        const int other = clipOf(w, a, 1, 5);
        std::unique_ptr<QMenu> boxMenu(panel->clipMenu(other, nullptr));
        int listed = 0;
        for (QAction* act : boxMenu->actions())
            if (act->data().isValid()) {
                QCOMPARE(kind(act->data().toInt()), kind(other));
                ++listed;
            }
        QCOMPARE(listed, w.session()->neighbourCount());
        for (QAction* act : boxMenu->actions())
            if (act->text() == QStringLiteral("Select This Clip")) act->trigger();
        QCOMPARE(w.session()->currentClip(), other);
    }

    void recordingsWithoutClipsAreListedAndOpenInTheView()
    {
        UiTestArchive a;
        {
            // A quiet recording in which nothing stood out, and a file that could not be read.
            std::vector<float> hiss(22050 * 4);
            std::mt19937 rng(5);
            std::normal_distribution<float> gauss(0.0f, 0.002f);
            for (float& v : hiss) v = gauss(rng);
            writeWav(a.root() / "quiet.wav", hiss, 22050);
            Archive archive = Archive::open(a.file().toStdString());
            RecordingRow quiet{.path = "quiet.wav", .duration = 4.0, .sampleRate = 22050, .channels = 1, .status = "embedded"};
            archive.storeRecording(quiet, {}, "events", kUiTestModelId, {});
            archive.storeRecordingError({.path = "broken.wav", .status = "error", .error = "not an audio file"});
        }
        MainWindow w;
        QVERIFY(showAndOpen(w, a.file()));
        RecordingsPanel* list = w.recordingsPanel();
        QCOMPARE(list->model()->rowCount(), 5);
        QVERIFY2(list->tallyText().contains("5 recordings") && list->tallyText().contains("2 gave no clip"),
                 qPrintable(list->tallyText()));
        QVERIFY2(w.summaryText().contains("2 recordings gave no clip"), qPrintable(w.summaryText()));

        list->setFilter(RecordingFilter::WithoutClips);
        QCOMPARE(list->view()->model()->rowCount(), 2);
        list->setFilter(RecordingFilter::WithProblems);
        QCOMPARE(list->view()->model()->rowCount(), 1);
        QVERIFY(list->view()->model()->index(0, RecordingTableModel::Note).data().toString().contains("not an audio file"));

        // Activating the quiet one shows it whole in the Recording view, though it has no clip.
        list->setFilter(RecordingFilter::WithoutClips);
        int quietRow = -1;
        for (int r = 0; r < 2; ++r)
            if (list->view()->model()->index(r, RecordingTableModel::File).data().toString() == "quiet.wav") quietRow = r;
        QVERIFY(quietRow >= 0);
        QVERIFY(list->view()->model()->index(quietRow, RecordingTableModel::Note).data().toString().startsWith("no clip"));
        const int before = w.session()->currentClip();
        list->activateRow(quietRow);
        RecordingPanel* panel = w.recordingPanel();
        QVERIFY(panel->isVisible());
        QCOMPARE(QString::fromStdString(w.session()->data().recordings[std::size_t(panel->recordingShown())].path),
                 QStringLiteral("quiet.wav"));
        QVERIFY(panel->view()->recording());
        QCOMPARE(panel->view()->recording()->duration(), 4.0);
        QVERIFY(panel->view()->boxes().isEmpty());
        QCOMPARE(panel->view()->visibleStart(), 0.0);
        QCOMPARE(w.session()->currentClip(), before); // nothing else moved

        // A recording with clips opens at its first clip, which becomes current.
        list->setFilter(RecordingFilter::All);
        for (int r = 0; r < list->view()->model()->rowCount(); ++r)
            if (list->view()->model()->index(r, RecordingTableModel::File).data().toString() == "site2.wav") {
                list->activateRow(r);
                break;
            }
        QVERIFY(w.session()->currentClip() >= 0);
        QCOMPARE(w.session()->data().recordingPath(w.session()->currentClip()), std::string("site2.wav"));
        QCOMPARE(panel->recordingShown(), w.session()->data().recordingOfClip[std::size_t(w.session()->currentClip())]);
    }

    void aBatRecordingIsDrawnAtItsRealFrequencies()
    {
        // Ultrasound recorded in real time at 192 kHz and analysed at x10 time expansion: the views
        // label the bat's real frequencies (its call at 40 kHz), and a played range is slowed ten times.
        QTemporaryDir dir;
        const std::filesystem::path root = std::filesystem::path(dir.path().toStdString()) / "bats";
        std::filesystem::create_directories(root);
        const int rate = 192000;
        std::vector<float> x(std::size_t(rate) * 2);
        std::mt19937 rng(3);
        std::normal_distribution<float> gauss(0.0f, 0.002f);
        for (std::size_t i = 0; i < x.size(); ++i) {
            x[i] = gauss(rng);
            const double t = double(i) / rate;
            if (t >= 0.8 && t < 0.85) x[i] += 0.5f * float(std::sin(2 * std::numbers::pi * 40000.0 * t));
        }
        writeWav(root / "pip.wav", x, rate);
        const std::filesystem::path file = std::filesystem::path(dir.path().toStdString()) / "bats.crowlingo";
        {
            Archive archive = Archive::create(file, root);
            archive.setMeta("time_expansion", "10");
            const RecordingRow pip{.path = "pip.wav", .duration = 2.0, .sampleRate = rate, .channels = 1, .status = "embedded"};
            archive.storeRecording(pip, {Clip{0.8, 0.85, 0, 0}}, "events", kUiTestModelId, {std::vector<float>(8, 0.5f)});
        }
        MainWindow w;
        QVERIFY(showAndOpen(w, QString::fromStdString(file.string())));
        w.session()->setCurrentClip(0);
        RecordingPanel* panel = w.recordingPanel();
        RecordingView* view = panel->view();
        QVERIFY(view->recording());
        QVERIFY2(view->visibleHighHz() > 90000, qPrintable(QString::number(view->visibleHighHz())));
        QTRY_VERIFY_WITH_TIMEOUT(view->allVisibleTilesReady(), 10000);
        const QImage img = view->grab().toImage();
        const int call = brightness(img, view->xOfTime(0.825), view->yOfFrequency(40000));
        const int slowedDown = brightness(img, view->xOfTime(0.825), view->yOfFrequency(4000));
        QVERIFY2(call > slowedDown + 60, qPrintable(QString("40 kHz %1, 4 kHz %2").arg(call).arg(slowedDown)));
        // The inspector's spectrogram of the clip agrees.
        SpectrogramView* inspector = w.inspector()->spectrogramView();
        QTRY_VERIFY_WITH_TIMEOUT(inspector->hasSpectrogram(), 10000);
        QVERIFY(inspector->spectrogram().binCentres.back() > 90000);
        QSignalSpy asked(panel, &RecordingPanel::playRequested);
        view->setSelection(0.7, 0.95);
        view->requestPlay();
        QCOMPARE(asked.size(), 1);
        QCOMPARE(asked[0][3].toDouble(), 10.0);
    }

    void aShortClipIsDrawnFromItsFirstMillisecondToItsLast()
    {
        // The inspector's picture of a 60-ms syllable, once as a whole file and once inside a
        // longer recording (no context): its columns span exactly the clip, at least 50 of them,
        // and the call is in the first column and the last.
        QTemporaryDir dir;
        const int rate = 32000;
        const auto tone = [&](double seconds, double from, double to) {
            std::vector<float> x(std::size_t(seconds * rate), 0.0f);
            for (auto i = std::size_t(from * rate); i < std::size_t(to * rate); ++i)
                x[i] = float(0.5 * std::sin(2.0 * std::numbers::pi * 4000.0 * double(i) / rate));
            return x;
        };
        writeWav(dir.filePath("syllable.wav").toStdString(), tone(0.06, 0.0, 0.06), rate);
        writeWav(dir.filePath("song.wav").toStdString(), tone(2.0, 1.0, 1.06), rate);
        for (const auto& [file, start] : {std::pair{QStringLiteral("syllable.wav"), 0.0}, {QStringLiteral("song.wav"), 1.0}}) {
            const Spectrogram s = clipSpectrogram({.file = dir.filePath(file).toStdString(), .start = start,
                                                   .end = start + 0.06, .context = 0.0});
            const double end = s.startSeconds + s.frames * s.hopSeconds;
            QVERIFY2(std::abs(s.startSeconds - start) < 1e-9 && end >= start + 0.06 - 1e-9 && end < start + 0.06 + s.hopSeconds,
                     qPrintable(QString("%1: columns from %2 to %3 s").arg(file).arg(s.startSeconds).arg(end)));
            QVERIFY2(s.frames >= 50, qPrintable(QString::number(s.frames)));
            for (int t : {0, s.frames - 1}) {
                float peak = -1e30f;
                for (int b = 0; b < s.bins; ++b)
                    if (std::abs(s.binCentres[std::size_t(b)] - 4000.0) < 400.0) peak = std::max(peak, s.at(t, b));
                QVERIFY2(peak > -20.0f, qPrintable(QString("%1: column %2 peaks at %3 dB").arg(file).arg(t).arg(peak)));
            }
        }
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
        // The reason is drawn where the picture would be, and a long message does not widen the
        // panel (it once made the window wider than the screen).
        QVERIFY2(w.recordingPanel()->view()->emptyText().contains("does not exist"),
                 qPrintable(w.recordingPanel()->view()->emptyText()));
        QCoreApplication::processEvents(); // the layout takes in the new title
        QVERIFY2(w.recordingPanel()->minimumSizeHint().width() < 700,
                 qPrintable(QString::number(w.recordingPanel()->minimumSizeHint().width())));
    }
};

QTEST_MAIN(TestRecordingView)
#include "tst_recordingview.moc"
