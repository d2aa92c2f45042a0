#pragma once
// "Adapt the model to this archive": trains the current model on the archive's own clips without
// labels (core's adaptModel), with a live loss chart, progress, ETA and cancel, then re-embeds
// every clip. The archive keeps showing the old vectors until the new ones are complete; the
// adapted model is saved beside the archive and the archive remembers it.
//
//   AdaptModelDialog d(archiveFile, model, clipCount, tasks, this);
//   connect(&d, &AdaptModelDialog::adapted, this, [&](const QString& dir) { loadModel(dir); reopen(); });
//   d.exec();
//
// Threading: GUI thread only; the work runs on the shared TaskRunner (one long task at a time).
// Training statuses cross from the worker through a locked queue the dialog drains on a timer.
#include "ui/Result.h"

#include "core/pipeline/ModelAdaptation.h"
#include "core/model/Model.h"
#include "core/model/Trainer.h"

#include <QDialog>

#include <filesystem>
#include <memory>

class QCheckBox;
class QDoubleSpinBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QTimer;

namespace crowlingo::ui {

class TaskRunner;
class TrainingLossChart;

class AdaptModelDialog : public QDialog {
    Q_OBJECT
public:
    AdaptModelDialog(std::filesystem::path archiveFile, Model start, int clipCount, TaskRunner* tasks,
                     QWidget* parent = nullptr);
    ~AdaptModelDialog() override;

    // Training length: minutes from the spin box, or (tests, exact reruns) a fixed step count.
    void setSteps(int steps) { steps_ = steps; }
    void setBatchSize(int batch) { batch_ = batch; }
    QCheckBox* keepIfWorseBox() const { return keepIfWorse_; }
    TrainingLossChart* chart() const { return chart_; }
    QPushButton* startButton() const { return start_; }
    QPushButton* stopButton() const { return stop_; }
    bool isRunning() const { return running_; }

public Q_SLOTS:
    void start();

Q_SIGNALS:
    // The adapted model is saved in modelDir; `activated`: the archive now uses it (every clip
    // re-embedded). Emitted once the run has ended, whether or not it was activated.
    void adapted(const QString& modelDir, bool activated);

protected:
    void reject() override; // Esc / Close while running asks before stopping

private:
    struct StatusQueue;
    void onFinished(Result<AdaptResult> r);
    void drainStatuses();
    void finish(bool ok, const QString& message);

    std::filesystem::path archiveFile_;
    Model startModel_;
    TaskRunner* tasks_;
    int steps_ = 0;
    int batch_ = 64;
    bool running_ = false;
    std::shared_ptr<StatusQueue> queue_;

    QDoubleSpinBox* minutes_;
    QCheckBox* keepIfWorse_;
    TrainingLossChart* chart_;
    QProgressBar* progress_;
    QLabel* status_;
    QPushButton* start_;
    QPushButton* stop_;
    QPushButton* close_;
    QTimer* drain_;
};

} // namespace crowlingo::ui
