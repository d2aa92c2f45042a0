#pragma once
// How a classifier's scores spread over the archive: a histogram of the probabilities of every
// scored clip (square-root counts, so a few high-scoring clips stay visible next to thousands of
// low ones), with the threshold drawn as a line. Clicking or dragging sets the threshold.
//
//   auto* h = new ScoreHistogram;  h->setScores(scores);  h->setThreshold(0.8f);
//   connect(h, &ScoreHistogram::thresholdPicked, slider, ...);
//
// Threading: GUI thread only.
#include <QWidget>

#include <vector>

namespace crowlingo::ui {

class ScoreHistogram : public QWidget {
    Q_OBJECT
public:
    explicit ScoreHistogram(QWidget* parent = nullptr);

    void setScores(const std::vector<float>& scores); // NaN entries are ignored
    void setThreshold(float t);
    float threshold() const { return threshold_; }
    const std::vector<int>& bins() const { return bins_; }
    int countAtOrAbove(float t) const;

    QSize sizeHint() const override { return {320, 90}; }
    QSize minimumSizeHint() const override { return {160, 60}; }

Q_SIGNALS:
    void thresholdPicked(float t);

protected:
    void paintEvent(QPaintEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;

private:
    float thresholdAt(double x) const;

    std::vector<float> scores_;
    std::vector<int> bins_;
    float threshold_ = 0.5f;
};

} // namespace crowlingo::ui
