#include "ui/TaskProgressWidget.h"

#include "ui/TaskRunner.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QProgressBar>
#include <QStyle>
#include <QToolButton>

#include <cmath>

namespace crowlingo::ui {

static QString formatEta(double seconds)
{
    if (seconds < 0) return {};
    const int s = int(std::lround(seconds));
    if (s < 60) return QObject::tr("%1 s left").arg(s);
    if (s < 3600) return QObject::tr("%1 min %2 s left").arg(s / 60).arg(s % 60, 2, 10, QLatin1Char('0'));
    return QObject::tr("%1 h %2 min left").arg(s / 3600).arg((s % 3600) / 60, 2, 10, QLatin1Char('0'));
}

TaskProgressWidget::TaskProgressWidget(TaskRunner* runner, QWidget* parent)
    : QWidget(parent), what_(new QLabel(this)), bar_(new QProgressBar(this)), eta_(new QLabel(this)),
      cancel_(new QToolButton(this))
{
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(8);
    what_->setMinimumWidth(220);
    what_->setMaximumWidth(420);
    bar_->setRange(0, 1000);
    bar_->setFixedWidth(180);
    bar_->setTextVisible(false);
    eta_->setMinimumWidth(90);
    cancel_->setIcon(style()->standardIcon(QStyle::SP_DialogCancelButton));
    cancel_->setToolTip(tr("Cancel (work done so far is kept)"));
    cancel_->setAutoRaise(true);
    layout->addWidget(what_);
    layout->addWidget(bar_);
    layout->addWidget(eta_);
    layout->addWidget(cancel_);
    setVisible(false);

    connect(cancel_, &QToolButton::clicked, runner, &TaskRunner::cancel);
    connect(runner, &TaskRunner::started, this, [this] { setVisible(true); cancel_->setEnabled(true); });
    connect(runner, &TaskRunner::progressChanged, this, &TaskProgressWidget::onProgress);
    connect(runner, &TaskRunner::finished, this, [this] { setVisible(false); });
}

void TaskProgressWidget::onProgress(double done, const QString& what, double etaSeconds)
{
    what_->setText(fontMetrics().elidedText(what, Qt::ElideRight, what_->maximumWidth()));
    what_->setToolTip(what);
    bar_->setValue(int(std::lround(std::clamp(done, 0.0, 1.0) * 1000)));
    eta_->setText(formatEta(etaSeconds));
}

} // namespace crowlingo::ui
