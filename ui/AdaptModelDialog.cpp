#include "ui/AdaptModelDialog.h"

#include "ui/TaskRunner.h"
#include "ui/TrainingLossChart.h"

#include "core/archive/Archive.h"
#include "core/pipeline/ModelAdaptation.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>
#include <mutex>
#include <vector>

namespace crowlingo::ui {

struct AdaptModelDialog::StatusQueue {
    std::mutex mutex;
    std::vector<TrainStatus> statuses;
};

namespace {

QString formatEta(double seconds)
{
    if (!(seconds >= 0)) return {};
    const int s = int(std::lround(seconds));
    return s >= 3600 ? QStringLiteral("%1:%2:%3").arg(s / 3600).arg(s / 60 % 60, 2, 10, QChar('0')).arg(s % 60, 2, 10, QChar('0'))
                     : QStringLiteral("%1:%2").arg(s / 60).arg(s % 60, 2, 10, QChar('0'));
}

} // namespace

AdaptModelDialog::AdaptModelDialog(std::filesystem::path archiveFile, Model start, int clipCount, TaskRunner* tasks,
                                   QWidget* parent)
    : QDialog(parent)
    , archiveFile_(std::move(archiveFile))
    , startModel_(std::move(start))
    , tasks_(tasks)
    , queue_(std::make_shared<StatusQueue>())
{
    setWindowTitle(tr("Adapt the Model to This Archive"));
    auto* intro = new QLabel(
        tr("<p>Trains the model on this archive's %n clip(s) without labels (it learns to fill in hidden parts "
           "of their spectrograms), then embeds every clip again with the adapted model.</p>"
           "<p>What it improves most is how the model fills in this archive's own sound (the reconstructions); "
           "measured on labelled archives, neighbours changed by a clip or two either way.</p>"
           "<p>The map, clusters and neighbours keep using the current vectors until the new ones are "
           "complete. The adapted model is saved in <tt>%1</tt>; your labels are not touched.</p>",
           nullptr, clipCount)
            .arg(QString::fromStdString(modelsFolder(Archive::open(archiveFile_)).filename().string()).toHtmlEscaped()),
        this);
    intro->setWordWrap(true);
    minutes_ = new QDoubleSpinBox(this);
    minutes_->setRange(1, 24 * 60);
    minutes_->setDecimals(0);
    minutes_->setValue(15);
    minutes_->setSuffix(tr(" min"));
    minutes_->setToolTip(tr("At most this long: training stops sooner once the held-out clips are no longer "
                            "reconstructed better, and the best model so far is kept. 15 minutes is a reasonable "
                            "first try on a laptop CPU"));
    keepIfWorse_ = new QCheckBox(tr("Use the adapted model even if it is &no better on held-out clips"), this);
    keepIfWorse_->setToolTip(tr("Normally the archive switches only when the adapted model fills in hidden parts of "
                                "clips it was not trained on better than the current one"));
    auto* form = new QFormLayout;
    form->addRow(tr("&Train for:"), minutes_);
    form->addRow(QString(), keepIfWorse_);
    chart_ = new TrainingLossChart(this);
    progress_ = new QProgressBar(this);
    progress_->setRange(0, 1000);
    progress_->setValue(0);
    status_ = new QLabel(tr("Not started"), this);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* buttons = new QDialogButtonBox(this);
    start_ = buttons->addButton(tr("&Start"), QDialogButtonBox::AcceptRole);
    stop_ = buttons->addButton(tr("S&top"), QDialogButtonBox::ActionRole);
    close_ = buttons->addButton(QDialogButtonBox::Close);
    stop_->setEnabled(false);
    connect(start_, &QPushButton::clicked, this, &AdaptModelDialog::start);
    connect(stop_, &QPushButton::clicked, tasks_, &TaskRunner::cancel);
    connect(close_, &QPushButton::clicked, this, &AdaptModelDialog::reject);

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(chart_, 1);
    layout->addWidget(progress_);
    layout->addWidget(status_);
    layout->addWidget(buttons);
    resize(640, 560);

    drain_ = new QTimer(this);
    drain_->setInterval(200);
    connect(drain_, &QTimer::timeout, this, &AdaptModelDialog::drainStatuses);
    connect(tasks_, &TaskRunner::progressChanged, this, [this](double done, const QString& what, double eta) {
        if (!running_) return;
        progress_->setValue(int(std::lround(done * 1000)));
        status_->setText(eta >= 0 ? tr("%1 — %2 left").arg(what, formatEta(eta)) : what);
    });
}

AdaptModelDialog::~AdaptModelDialog() = default;

void AdaptModelDialog::start()
{
    if (running_) return;
    TrainOptions train = adaptationTraining();
    train.batch = batch_;
    if (steps_ > 0) train.steps = steps_;
    else train.minutes = minutes_->value();
    AdaptOptions options;
    options.train = train;
    options.requireImprovement = !keepIfWorse_->isChecked();
    chart_->clear();
    {
        std::lock_guard lock(queue_->mutex);
        queue_->statuses.clear();
    }
    const std::shared_ptr<StatusQueue> queue = queue_;
    const std::filesystem::path file = archiveFile_;
    const Model model = startModel_;
    const bool started = tasks_->start<AdaptResult>(
        tr("Adapting the model"),
        [file, model, options, queue](const Progress& progress) {
            return adaptModel(file, model, options, [queue](const TrainStatus& s) {
                std::lock_guard lock(queue->mutex);
                queue->statuses.push_back(s);
            }, progress);
        },
        [self = QPointer<AdaptModelDialog>(this)](Result<AdaptResult> r) {
            if (!self) return; // closed (and cancelled) while running
            self->onFinished(std::move(r));
        });
    if (!started) {
        QMessageBox::information(this, windowTitle(),
                                 tr("Wait for \"%1\" to finish (or cancel it) first.").arg(tasks_->title()));
        return;
    }
    running_ = true;
    minutes_->setEnabled(false);
    start_->setEnabled(false);
    stop_->setEnabled(true);
    progress_->setValue(0);
    status_->setText(tr("Reading the clips …"));
    drain_->start();
}

void AdaptModelDialog::onFinished(Result<AdaptResult> r)
{
    drainStatuses();
    if (!r.ok()) {
        finish(false, r.cancelled ? tr("Stopped while reading the clips.") : r.error);
        return;
    }
    const AdaptResult& a = *r.value;
    const QString dir = QString::fromStdString(a.modelDir.string());
    if (a.training.cancelled) {
        finish(false, tr("Stopped during training after %n step(s): the archive is unchanged.", nullptr,
                               a.training.steps));
        return;
    }
    QString message = tr("Validation loss %1 → %2 after %n step(s).", nullptr, a.training.steps)
                          .arg(a.training.initialValidationLoss, 0, 'f', 3)
                          .arg(a.training.validationLoss, 0, 'f', 3);
    if (a.training.bestStep < a.training.steps)
        message += QLatin1Char(' ') + tr("Kept the model of step %1, the lowest validation loss.").arg(a.training.bestStep);
    if (a.training.stoppedEarly) message += QLatin1Char(' ') + tr("Stopped early: more training no longer lowered it.");
    message += QLatin1Char(' ');
    message += a.activated ? tr("%n clip(s) re-embedded; the archive now uses the adapted model.", nullptr,
                                int(a.embedding.clipsEmbedded))
                           : a.rejected ? tr("The adapted model reconstructs held-out clips no better than before, so "
                                             "the archive keeps its model. Try another learning rate.")
                           : a.cancelled ? tr("Re-embedding was stopped: the archive still uses its previous model.")
                                         : tr("Not every clip could be re-embedded: the archive still uses its "
                                              "previous model.");
    finish(a.activated, message);
    Q_EMIT adapted(dir, a.activated);
}

void AdaptModelDialog::drainStatuses()
{
    std::vector<TrainStatus> statuses;
    {
        std::lock_guard lock(queue_->mutex);
        statuses.swap(queue_->statuses);
    }
    for (const TrainStatus& s : statuses) chart_->add(s);
}

void AdaptModelDialog::finish(bool ok, const QString& message)
{
    running_ = false;
    drain_->stop();
    stop_->setEnabled(false);
    start_->setEnabled(true);
    start_->setText(tr("&Train Again"));
    minutes_->setEnabled(true);
    if (ok) progress_->setValue(1000);
    status_->setText(message);
}

void AdaptModelDialog::reject()
{
    if (running_) {
        const auto answer = QMessageBox::question(this, windowTitle(),
                                                  tr("Stop adapting the model? Training stopped now is not kept; "
                                                     "the archive stays as it is."));
        if (answer != QMessageBox::Yes) return;
        tasks_->cancel();
        // The task's end arrives through finish(); the dialog may close now, the runner outlives it.
    }
    QDialog::reject();
}

} // namespace crowlingo::ui
