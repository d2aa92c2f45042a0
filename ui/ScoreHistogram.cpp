#include "ui/ScoreHistogram.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace crowlingo::ui {

namespace {
constexpr int kBins = 40;
constexpr int kMargin = 6;
}

ScoreHistogram::ScoreHistogram(QWidget* parent) : QWidget(parent), bins_(kBins, 0)
{
    setToolTip(tr("Scores of every clip; click to set the threshold"));
}

void ScoreHistogram::setScores(const std::vector<float>& scores)
{
    scores_.clear();
    std::fill(bins_.begin(), bins_.end(), 0);
    for (float s : scores) {
        if (!std::isfinite(s)) continue;
        scores_.push_back(s);
        ++bins_[std::size_t(std::clamp(int(s * kBins), 0, kBins - 1))];
    }
    update();
}

void ScoreHistogram::setThreshold(float t)
{
    t = std::clamp(t, 0.f, 1.f);
    if (t == threshold_) return;
    threshold_ = t;
    update();
}

int ScoreHistogram::countAtOrAbove(float t) const
{
    return int(std::count_if(scores_.begin(), scores_.end(), [t](float s) { return s >= t; }));
}

float ScoreHistogram::thresholdAt(double x) const
{
    const double w = std::max(1, width() - 2 * kMargin);
    return float(std::clamp((x - kMargin) / w, 0.0, 1.0));
}

void ScoreHistogram::mousePressEvent(QMouseEvent* e)
{
    if (e->button() != Qt::LeftButton) return;
    setThreshold(thresholdAt(e->position().x()));
    Q_EMIT thresholdPicked(threshold_);
}

void ScoreHistogram::mouseMoveEvent(QMouseEvent* e)
{
    if (!(e->buttons() & Qt::LeftButton)) return;
    setThreshold(thresholdAt(e->position().x()));
    Q_EMIT thresholdPicked(threshold_);
}

void ScoreHistogram::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const QRectF plot(kMargin, kMargin, width() - 2.0 * kMargin, height() - 2.0 * kMargin - 12);
    const int most = *std::max_element(bins_.begin(), bins_.end());
    const double binWidth = plot.width() / kBins;
    for (int b = 0; b < kBins && most > 0; ++b) {
        const double h = plot.height() * std::sqrt(double(bins_[std::size_t(b)]) / most);
        const bool above = (b + 0.5) / kBins >= threshold_;
        p.fillRect(QRectF(plot.left() + b * binWidth + 0.5, plot.bottom() - h, binWidth - 1, h),
                   above ? QColor(0x35b779) : QColor(0x9aa3b5));
    }
    p.setPen(QColor(0x6b7280));
    p.drawLine(plot.bottomLeft(), plot.bottomRight());
    QFont f = font();
    f.setPointSizeF(f.pointSizeF() * 0.85);
    p.setFont(f);
    p.drawText(QRectF(plot.left(), plot.bottom() + 1, 40, 12), Qt::AlignLeft | Qt::AlignTop, QStringLiteral("0"));
    p.drawText(QRectF(plot.right() - 40, plot.bottom() + 1, 40, 12), Qt::AlignRight | Qt::AlignTop, QStringLiteral("1"));
    const double x = plot.left() + threshold_ * plot.width();
    p.setPen(QPen(QColor(0xd62728), 2));
    p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
    if (most == 0) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(plot, Qt::AlignCenter, tr("no scores yet"));
    }
}

} // namespace crowlingo::ui
