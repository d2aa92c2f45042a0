#pragma once
// The current clip's k nearest clips (cosine similarity of embeddings): rank, a spectrogram
// thumbnail, file and time, similarity and a play button each. k is adjustable; double-click a
// row to make that clip current; the row playing is highlighted.
//
//   auto* list = new NeighbourPanel(&session);
//   connect(list, &NeighbourPanel::playRequested, this, [&](int clip) { play({clip}); });
//
// Threading: GUI thread only; thumbnails are made on a worker (generation-numbered).
#include "core/render/SpectrogramSettings.h"

#include <QWidget>

class QLabel;
class QSpinBox;
class QTableWidget;
class QToolButton;

#include "ui/LatestJob.h"

namespace crowlingo::ui {

class ArchiveSession;

class NeighbourPanel : public QWidget {
    Q_OBJECT
public:
    explicit NeighbourPanel(ArchiveSession* session, QWidget* parent = nullptr);

    int rowCount() const;
    int clipAtRow(int row) const;
    QString rowText(int row) const;                // file name, times, cluster and label
    QString titleText() const;                     // what the panel's title says
    QSpinBox* kSpinBox() const { return k_; }
    QTableWidget* table() const { return table_; }
    bool isBusy() const { return thumbnailJob_.running() > 0; }
    void setPlayAllAction(QAction* action);

public Q_SLOTS:
    void setPlayingClip(int clipIndex); // highlights its row; -1 clears
    void setSpectrogramSettings(const SpectrogramSettings& settings); // thumbnails drawn with them

Q_SIGNALS:
    void playRequested(int clipIndex);

private:
    void rebuild();
    void updateClipTexts();
    QString clipText(int clipIndex) const;
    void requestThumbnails();

    ArchiveSession* session_;
    QLabel* title_;
    QSpinBox* k_;
    QToolButton* playAll_;
    QTableWidget* table_;
    SpectrogramSettings settings_;
    LatestJob thumbnailJob_{this};
};

} // namespace crowlingo::ui
