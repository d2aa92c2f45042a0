#pragma once
// "Find every call like these": teach a classifier with a handful of clips and review what it
// finds, by ear. Examples of the call and counter-examples come from the current clip or the
// selection (map, table or neighbours) and are stored as labels ("caw", and "not:caw" for
// counter-examples; "negative" counts against every class). Train fits core's CallClassifier in
// the background and keeps it in the archive under the call's name; its scores then colour the
// map (Colour by ▸ Score) and fill the table's Score column. The threshold is set on a histogram
// of all scores, with the cross-validated precision and recall at it. The review queue lists the
// unlabelled clips most like the examples (before any training: search by example), by score or
// by uncertainty: Space plays, Y accepts, N rejects (each answer is a label, undoable with Ctrl+Z),
// then the next clip is current; Train again to learn from them.
//
//   auto* panel = new FindCallsPanel(&session, &tasks);
//   panel->setCallName("caw");  panel->addExamples(true);  panel->train();
//   connect(panel, &FindCallsPanel::playRequested, player, ...);
//
// Threading: GUI thread only; training and scoring run on workers with their own Archive.
#include "core/archive/CallClassifier.h"

#include <QWidget>

#include <memory>
#include <optional>

class QComboBox;
class QLabel;
class QPushButton;
class QSlider;
class QTableWidget;

#include "ui/LatestJob.h"

namespace crowlingo::ui {

class ArchiveSession;
class ScoreHistogram;
class TaskRunner;

class FindCallsPanel : public QWidget {
    Q_OBJECT
public:
    // MostLikeExamples needs no classifier: the clips nearest (cosine) to the examples' mean
    // direction, the way to find the first examples and counter-examples (search by example).
    enum class ReviewOrder { MostLikeExamples, HighestScore, LeastCertain };

    FindCallsPanel(ArchiveSession* session, TaskRunner* tasks, QWidget* parent = nullptr);
    ~FindCallsPanel() override;

    QString callName() const;
    void setCallName(const QString& name);
    // Labels the clips an action applies to (selection, else the current clip) as examples of the
    // call (true) or counter-examples (false). False without a call name or a clip.
    bool addExamples(bool positive);
    int exampleCount() const;          // clips labelled with the call
    int counterExampleCount() const;   // clips labelled "not:<call>", "negative" or another label
    // Starts training on the task runner; false (with the reason shown) if it cannot start.
    bool train();
    bool isBusy() const;               // training or loading a stored classifier
    const CallClassifier* classifier() const { return classifier_ ? &*classifier_ : nullptr; }

    float threshold() const;
    void setThreshold(float t);
    QString qualityText() const;       // precision and recall at the threshold, with their labels
    ScoreHistogram* histogram() const { return histogram_; }

    void setReviewOrder(ReviewOrder order);
    int reviewCount() const;
    int reviewClipAt(int row) const;   // clip index
    QTableWidget* reviewTable() const { return review_; }
    // Answers for the review queue's current row: labels it and moves to the next one.
    bool answer(bool accept);

Q_SIGNALS:
    void playRequested(int clipIndex);
    void classifierChanged();          // trained, loaded, or gone with the archive

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    int shownExampleCount(std::int8_t kind) const; // +1 examples, -1 counter-examples among the labels shown
    void onArchiveOpened();
    void onArchiveClosed();
    void loadStored(const QString& name);
    // Reads the archive's classifiers on a worker: `name`'s, or (empty) the list of names and
    // the newest that reads the archive's current vectors; then installs it.
    void readStored(const QString& name);
    void install(CallClassifier classifier, const ClipScores& scores);
    void updateCounts();
    void updateQuality();
    void rebuildReview();
    void selectReviewRow(int row);

    ArchiveSession* session_;
    TaskRunner* tasks_;
    QComboBox* call_;
    QLabel* counts_;
    QPushButton* addYes_;
    QPushButton* addNo_;
    QPushButton* train_;
    QLabel* status_;
    ScoreHistogram* histogram_;
    QSlider* threshold_;
    QLabel* quality_;
    QComboBox* order_;
    QTableWidget* review_;
    std::optional<CallClassifier> classifier_;
    std::vector<float> scores_;        // per clip index (NaN: not scored)
    LatestJob latest_{this};           // drops results meant for another archive or call
    bool answering_ = false;           // a review answer is being labelled: keep the queue as it is
};

} // namespace crowlingo::ui
