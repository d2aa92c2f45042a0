#include "ui/TrainingLossChart.h"

#include <QChart>
#include <QLineSeries>
#include <QPen>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace crowlingo::ui {

TrainingLossChart::TrainingLossChart(QWidget* parent)
    : QChartView(parent)
{
    auto* chart = new QChart;
    training_ = new QLineSeries(chart);
    training_->setName(tr("training loss"));
    training_->setPen(QPen(QColor(70, 130, 180, 170), 1.0));
    validation_ = new QLineSeries(chart);
    validation_->setName(tr("validation loss (held-out clips)"));
    validation_->setPen(QPen(QColor(220, 90, 40), 2.5));
    validation_->setPointsVisible(true);
    chart->addSeries(training_);
    chart->addSeries(validation_);
    steps_ = new QValueAxis(chart);
    steps_->setTitleText(tr("step"));
    steps_->setLabelFormat(QStringLiteral("%d"));
    loss_ = new QValueAxis(chart);
    loss_->setTitleText(tr("masked-patch MSE (normalised)"));
    chart->addAxis(steps_, Qt::AlignBottom);
    chart->addAxis(loss_, Qt::AlignLeft);
    for (QLineSeries* s : {training_, validation_}) {
        s->attachAxis(steps_);
        s->attachAxis(loss_);
    }
    chart->legend()->setAlignment(Qt::AlignTop);
    chart->setMargins(QMargins(4, 4, 4, 4));
    setChart(chart);
    setRenderHint(QPainter::Antialiasing);
    setMinimumSize(420, 260);
    clear();
}

void TrainingLossChart::clear()
{
    training_->clear();
    validation_->clear();
    maxLoss_ = 0;
    steps_->setRange(0, 1);
    loss_->setRange(0, 1);
}

void TrainingLossChart::add(const TrainStatus& s)
{
    if (std::isfinite(s.loss)) {
        training_->append(s.step, s.loss);
        maxLoss_ = std::max(maxLoss_, s.loss);
    }
    if (std::isfinite(s.validationLoss)) {
        validation_->append(s.step, s.validationLoss);
        maxLoss_ = std::max(maxLoss_, s.validationLoss);
    }
    steps_->setRange(0, std::max({1, s.totalSteps, s.step}));
    loss_->setRange(0, maxLoss_ > 0 ? maxLoss_ * 1.05 : 1.0);
}

int TrainingLossChart::trainingPointCount() const { return int(training_->count()); }
int TrainingLossChart::validationPointCount() const { return int(validation_->count()); }

} // namespace crowlingo::ui
