#pragma once
// The Recording dock: the current clip's whole recording (RecordingView) with the archive's clips
// of that recording as boxes in the map's colours, a time scroll bar, zoom buttons and playing
// of a dragged range or from the cursor. Follows the session's current clip; a click on a box
// makes that clip current everywhere. The current clip's neighbours are drawn dashed and numbered
// where they lie in this recording, and listed under the Neighbours button (and a box's
// right-click menu) wherever they lie, so that one goes from a call to its likes and back here.
// A stretch (or box) dragged on the recording becomes a clip of the archive with "Add as Clip"
// (the button, or the view's right-click menu), after "Fit to Call" has tightened it if wanted; a
// clip drawn by hand can be removed from its menu.
//
//   auto* panel = new RecordingPanel(session, mapView);
//   panel->setSpectrogramSettings(settings);      // shared with the other spectrograms
//   connect(panel, &RecordingPanel::playRequested, window, &MainWindow::playRange);
//
// Threading: GUI thread only.
#include "core/render/SpectrogramSettings.h"
#include "core/segment/CallFit.h"
#include "ui/LatestJob.h"

#include <QWidget>

#include <filesystem>
#include <functional>

class QLabel;
class QMenu;
class QScrollBar;
class QToolButton;

namespace crowlingo::ui {

class ArchiveSession;
class MapView;
class RecordingView;

class RecordingPanel : public QWidget {
    Q_OBJECT
public:
    RecordingPanel(ArchiveSession* session, MapView* colours, QWidget* parent = nullptr);

    RecordingView* view() const { return view_; }
    QToolButton* neighboursButton() const { return neighboursButton_; }
    QToolButton* addClipButton() const { return addClipButton_; }
    QToolButton* fitToCallButton() const { return fitButton_; }
    // Whether the dragged stretch can become a clip now (a recording shown, the archive has vectors).
    bool canAddSelectionAsClip() const;
    // The menu of the view away from any box: add the dragged stretch as a clip, play. The caller owns it.
    QMenu* viewMenu(QWidget* parent);
    // The menu of one clip: make it current, play it, and its nearest neighbours (choosing one
    // makes it current). The caller owns it.
    QMenu* clipMenu(int clipIndex, QWidget* parent);
    void setSpectrogramSettings(const SpectrogramSettings& settings);
    const SpectrogramSettings& spectrogramSettings() const { return settings_; }
    int recordingShown() const { return recording_; } // index into the snapshot's recordings, or -1
    void setPlayhead(double recordingSeconds);         // NaN hides it
    // Shows a recording whole whatever the current clip (one that gave no clip, to see why);
    // the next current clip brings its own recording back.
    void showRecordingAlone(int recording);

public Q_SLOTS:
    void zoomToClip();
    void showWholeRecording();
    void playSelection();
    void addSelectionAsClip(); // addClipRequested for the dragged stretch, if it can be one
    // Moves the dragged stretch's start and end in to the call inside it (core/segment/CallFit.h),
    // measured off the GUI thread; says what it did with statusMessage.
    void fitSelectionToCall();
    // A clip drawn by hand, in the recording shown, fitted the same way and drawn there
    // (clipRedrawRequested), its labels kept.
    void fitClipToItsCall(int clipIndex);

Q_SIGNALS:
    // A stretch of the shown recording to play as it is (no context), at the archive's time expansion;
    // with highHz > lowHz only that band (a box's, heard without what lies above and below it).
    void playRequested(const std::filesystem::path& file, double start, double end, double timeExpansion,
                       double lowHz, double highHz);
    // The researcher drew a clip: `recording` as the archive stores it, the span in the recording's
    // seconds, the band in Hz (highHz <= lowHz: the whole band).
    void addClipRequested(const QString& recording, double start, double end, double lowHz, double highHz);
    void removeClipRequested(int clipIndex); // a clip drawn by hand
    // A clip drawn by hand whose edges were dragged (RecordingView::clipRedrawRequested).
    void clipRedrawRequested(int clipIndex, double start, double end, double lowHz, double highHz);
    void statusMessage(const QString& text); // for the window's status bar


private:
    void followCurrentClip();
    void showRecording(int recording);
    void refreshBoxes();
    void addNeighbourActions(QMenu* menu, int clipIndex);
    void syncScrollBar();
    void updateAddClipButton();
    // playRequested for a stretch of the recording shown (highHz > lowHz: that band only).
    void playStretch(double start, double end, double lowHz = 0, double highHz = 0);
    // Fits a box of the recording shown to its call off the GUI thread; says what it did
    // (statusMessage) and hands a fit that found a call to `fitted`, if the recording is still shown.
    void fitToCall(const Clip& box, std::function<void(const CallFit&)> fitted);

    ArchiveSession* session_;
    MapView* colours_;
    RecordingView* view_;
    QScrollBar* scroll_;
    QLabel* title_;
    QToolButton* neighboursButton_;
    QToolButton* addClipButton_;
    QToolButton* fitButton_;
    LatestJob fitJob_{this};
    SpectrogramSettings settings_;
    int recording_ = -1;
    bool syncing_ = false;
};

} // namespace crowlingo::ui
