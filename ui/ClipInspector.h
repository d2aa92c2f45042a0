#pragma once
// The current clip up close: its file, times, cluster, label and similarity; its spectrogram
// with context before and after (the clip's range marked, a playhead while it plays); and,
// below, what the model hears of it (ReconstructionPanel).
//
//   auto* inspector = new ClipInspector(&session);
//   inspector->setPlayActions({playAction, playNeighboursAction, stopAction});
//   connect(&player, &AudioPlayer::positionChanged, inspector, &ClipInspector::setPlayhead);
//
// Threading: GUI thread only; the spectrogram is computed on a worker (generation-numbered:
// only the latest clip's result is shown).
#include "core/render/SpectrogramSettings.h"

#include <QWidget>

class QAction;
class QLabel;
class QHBoxLayout;

#include "ui/LatestJob.h"

namespace crowlingo::ui {

class ArchiveSession;
class ReconstructionPanel;
class SpectrogramView;

class ClipInspector : public QWidget {
    Q_OBJECT
public:
    explicit ClipInspector(ArchiveSession* session, QWidget* parent = nullptr);

    void setPlayActions(const QList<QAction*>& actions);
    void setContextSeconds(double seconds);   // shown around the clip (default 0.5 s)
    // The shared spectrogram settings (window, FFT of long clips, levels, colours, frequencies).
    void setSpectrogramSettings(const SpectrogramSettings& settings);
    int shownClip() const { return shown_; }  // clip index on display, -1 if none
    bool isBusy() const { return spectrogramJob_.running() > 0; }
    SpectrogramView* spectrogramView() const { return spectrogram_; }
    ReconstructionPanel* reconstruction() const { return reconstruction_; }
    QString headerText() const;

    QSize sizeHint() const override { return {720, 640}; }

public Q_SLOTS:
    void setPlayhead(int clipIndex, double recordingSeconds);
    void clearPlayhead();

Q_SIGNALS:
    void spectrogramShown(int clipIndex);

private:
    void showClip(int clipIndex);
    void updateHeader();

    ArchiveSession* session_;
    QLabel* header_;
    QHBoxLayout* buttons_;
    SpectrogramView* spectrogram_;
    ReconstructionPanel* reconstruction_;
    int shown_ = -1;
    double context_ = 0.5;
    SpectrogramSettings settings_;
    LatestJob spectrogramJob_{this};
};

} // namespace crowlingo::ui
