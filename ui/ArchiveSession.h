#pragma once
// The open archive as the GUI sees it, and the one selection every view follows: the current
// clip (inspector, neighbours, similarity column), the selected clips (bulk labelling) and the
// current clip's k nearest neighbours (highlighted on the map, listed with thumbnails).
//
//   ArchiveSession session;  session.open("field.crowlingo");          // reads on a worker thread
//   connect(&session, &ArchiveSession::currentClipChanged, view, &View::showClip);
//   session.setCurrentClip(clipIndex);  session.applyLabel(session.selection(), "chiffchaff");
//
// Threading: GUI thread only. Reading runs on a worker with its own Archive connection; labels
// are written at once through the session's own connection, as a journal (milliseconds for 10^5
// clips) that is folded into the archive's label table a slice at a time while the window idles.
#include "core/archive/LabelImport.h"
#include "core/archive/ArchiveView.h"
#include "ui/Result.h"

#include <QFutureWatcher>
#include <QTimer>
#include <QObject>
#include <QString>
#include <QVector>

#include <atomic>
#include <memory>
#include <optional>

namespace crowlingo::ui {

struct NeighbourHit {
    int clipIndex = -1;
    float similarity = 0;
};

class ArchiveSession : public QObject {
    Q_OBJECT
public:
    explicit ArchiveSession(QObject* parent = nullptr);
    ~ArchiveSession() override;

    // Starts reading the archive; archiveOpened() or openFailed() follows.
    void open(const QString& file);
    void close();
    bool isOpen() const { return data_ != nullptr; }
    bool isLoading() const;
    QString fileName() const;                      // the archive file, absolute
    const ArchiveView& data() const { return *data_; } // only while isOpen()
    int clipCount() const { return data_ ? data_->clipCount() : 0; }

    // Selection
    int currentClip() const { return current_; }   // clip index or -1
    void setCurrentClip(int clipIndex);            // -1 clears
    void setCurrentClipId(ClipId id);
    const QVector<int>& selection() const { return selection_; } // sorted clip indices
    void setSelection(QVector<int> clipIndices);
    // The clips an action applies to: the selection if it has several clips, else the current one.
    QVector<int> actionTargets() const;

    // Neighbours of the current clip (cosine, best first, the clip itself excluded)
    int neighbourCount() const { return k_; }
    void setNeighbourCount(int k);
    const QVector<NeighbourHit>& neighbours() const { return neighbours_; }
    // The k nearest neighbours of any clip (the current clip's are neighbours()); empty without embeddings.
    QVector<NeighbourHit> neighboursOf(int clipIndex, int k) const;
    // Cosine similarity of every clip to the current clip (NaN without a current clip or embedding).
    float similarityToCurrent(int clipIndex) const;

    // Labels: written to the archive at once (source "user"); an empty label clears them.
    bool applyLabel(const QVector<int>& clipIndices, const QString& label);
    QStringList labelNames() const;                // distinct labels, sorted
    // A label file (CSV or Raven selection table) imported as `crowlingo-cli import` does, with
    // the same matching rules, written at once; the labels shown are then read back. nullopt (and
    // errorOccurred) if the file cannot be used.
    std::optional<LabelImportReport> importLabels(const QString& file);
    // Undo of label edits, newest first, back to when the archive was opened; each undo is
    // written to the archive at once too.
    bool canUndoLabel() const { return !labelUndo_.empty(); }
    QString undoLabelText() const;                 // what undoLabel() would undo, for the menu
    bool undoLabel();

    // A classifier's scores for every clip (probability in [0, 1], NaN for clips it did not score),
    // shown as a table column and a map colouring; empty name and scores clear them.
    void setClassifierScores(const QString& name, std::vector<float> perClip);
    const QString& scoresName() const { return scoresName_; }
    float score(int clipIndex) const;              // NaN without one
    bool hasScores() const { return !scores_.empty(); }

    // New results of background computations (already stored in the archive by the worker).
    void setProjection(const std::vector<ClipId>& ids, const std::vector<float>& xy, const std::string& params);
    void setClustering(const std::vector<ClipId>& ids, const std::vector<int>& labels, const std::string& params);

    // Changes made to the open archive by another program (`crowlingo-cli import`, `cluster`,
    // `project`, `embed` in a terminal) are noticed within a poll interval: labels, the latest map
    // and clustering are read again and shown; new or removed clips are announced
    // (changedElsewhere) as they need the archive to be opened again. Checks now when called.
    void checkForOutsideChanges();
    void setOutsideChangePollInterval(int milliseconds); // default 2000
    // While the window's own long work writes to the archive (embedding, maps, clusters), its
    // writes are not news: checks pause, and resume from the version the work left.
    void setOwnWorkRunning(bool running);

Q_SIGNALS:
    void loadingStarted(const QString& file);
    void loadProgress(double done, const QString& what);
    void archiveOpened();
    void openFailed(const QString& message);
    void archiveClosed();
    void currentClipChanged(int clipIndex);
    void selectionChanged();
    void neighboursChanged();
    void labelsChanged(const QVector<int>& clipIndices);   // applied, undone or imported
    void labelApplied(int clipCount);                      // applyLabel() only
    void labelUndoChanged(bool canUndo);
    void projectionChanged();
    void clusteringChanged();
    void scoresChanged();
    void errorOccurred(const QString& message);
    // What another program changed, in a sentence; clipsChanged: clips were added or removed
    // (open the archive again to see them).
    void changedElsewhere(const QString& what, bool clipsChanged);

private:
    void finishLoading();
    void watchFromNow();                           // outside changes count from the archive's current version
    void updateNeighbours();
    void writeLabelEdit(const std::vector<ClipId>& ids, const std::vector<std::string>& labels);
    void foldLabelJournalSlice();
    void foldWholeLabelJournal() noexcept;

    std::unique_ptr<ArchiveView> data_;
    std::unique_ptr<Archive> archive_;             // GUI thread's connection, for label writes
    QTimer* outsideChanges_;
    QTimer* labelFolding_;                         // folds the label journal while the window idles
    std::int64_t dataVersion_ = 0;
    QFutureWatcher<Result<ArchiveView>>* loader_ = nullptr;
    QString loadingFile_;
    std::shared_ptr<std::atomic<bool>> loadCancel_;
    int current_ = -1;
    QVector<int> selection_;
    int k_ = 10;
    QVector<NeighbourHit> neighbours_;
    std::vector<float> similarity_;                // per clip, to the current clip
    QString scoresName_;
    std::vector<float> scores_;                    // per clip, or empty

    // One label edit, enough to take it back.
    struct LabelEdit {
        QVector<int> clipIndices;
        std::vector<std::string> previousUser;     // the clips' "user" labels before ("" = none)
        std::vector<std::string> previousShown;    // what data_->label held before
        QString label;                             // what was applied
    };
    std::vector<LabelEdit> labelUndo_;
};

} // namespace crowlingo::ui
