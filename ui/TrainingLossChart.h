#pragma once
// A live chart of a training run (Qt Charts): the training loss of every step and the held-out
// validation loss where it was measured, against the step; the step axis spans the planned run.
//
//   auto* chart = new TrainingLossChart;  chart->add(status);   // per TrainStatus, in order
//
// Threading: GUI thread only.
#include "core/model/Trainer.h"

#include <QChartView>

class QLineSeries;
class QValueAxis;

namespace crowlingo::ui {

class TrainingLossChart : public QChartView {
    Q_OBJECT
public:
    explicit TrainingLossChart(QWidget* parent = nullptr);

    void add(const TrainStatus& status);
    void clear();
    int trainingPointCount() const;
    int validationPointCount() const;

private:
    QLineSeries* training_;
    QLineSeries* validation_;
    QValueAxis* steps_;
    QValueAxis* loss_;
    double maxLoss_ = 0;
};

} // namespace crowlingo::ui
