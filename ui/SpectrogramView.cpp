#include "ui/SpectrogramView.h"

#include "ui/ClipSpectrogram.h"
#include "ui/MeasurementText.h"

#include <QMouseEvent>
#include <QPainter>

#include <algorithm>
#include <cmath>

namespace crowlingo::ui {

namespace {

// A "nice" tick step (1, 2 or 5 times a power of ten) giving about `target` ticks over span.
double niceStep(double span, int target)
{
    if (!(span > 0)) return 1;
    const double raw = span / std::max(1, target);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    const double f = raw / mag;
    return (f < 1.5 ? 1 : f < 3.5 ? 2 : f < 7.5 ? 5 : 10) * mag;
}

QString formatHz(double hz, double step)
{
    if (step >= 1000 || hz >= 10000) {
        const int decimals = step >= 1000 ? 0 : 1;
        return QString::number(hz / 1000.0, 'f', decimals);
    }
    return QString::number(hz / 1000.0, 'f', step >= 100 ? 1 : 2);
}

} // namespace

SpectrogramView::SpectrogramView(QWidget* parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Expanding);
    setMouseTracking(true); // the measurement follows the mouse
}

void SpectrogramView::mouseMoveEvent(QMouseEvent* e) { measureAt(e->position()); }

void SpectrogramView::leaveEvent(QEvent*) { measureAt(QPointF(qQNaN(), qQNaN())); }

void SpectrogramView::measureAt(QPointF pos)
{
    QString text;
    const QRect plot = plotRect();
    const auto& c = spec_.binCentres;
    if (axes_ && spec_.frames > 0 && int(c.size()) == spec_.bins && spec_.bins >= 2 && plot.contains(pos.toPoint())) {
        const double span = spec_.frames * spec_.hopSeconds;
        const double t = spec_.startSeconds + (pos.x() - plot.left()) / plot.width() * span;
        // The row under the mouse (bin b is the band [bins-1-b, bins-b) from the top), and its
        // frequency interpolated between centres as the axis draws them (mel rows are uneven).
        const double row = std::clamp((plot.bottom() + 1 - pos.y()) / plot.height() * spec_.bins - 0.5, 0.0,
                                      double(spec_.bins - 1));
        const int b = int(row), b1 = std::min(b + 1, spec_.bins - 1);
        const double hz = c[std::size_t(b)] + (row - b) * (c[std::size_t(b1)] - c[std::size_t(b)]);
        const int frame = std::clamp(int((t - spec_.startSeconds) / spec_.hopSeconds), 0, spec_.frames - 1);
        text = pointMeasurement(t, hz, spec_.at(frame, int(std::lround(row))), valueLabel_);
    }
    if (text == measurement_)
        return;
    measurement_ = text;
    update();
}

void SpectrogramView::setSpectrogram(Spectrogram s, std::optional<ValueRange> range)
{
    spec_ = std::move(s);
    range_ = range ? *range : autoValueRange(spec_);
    image_ = {};
    message_.clear();
    measurement_.clear(); // read again at the next move
    update();
}

void SpectrogramView::clear(const QString& message)
{
    spec_ = {};
    image_ = {};
    message_ = message;
    measurement_.clear();
    markStart_ = markEnd_ = 0;
    playhead_ = qQNaN();
    update();
}

void SpectrogramView::setColormap(Colormap map) { colormap_ = map; image_ = {}; update(); }
void SpectrogramView::setTitle(const QString& title) { title_ = title; update(); }
void SpectrogramView::setMessage(const QString& message) { message_ = message; update(); }
void SpectrogramView::setValueLabel(const QString& label) { valueLabel_ = label; update(); }
void SpectrogramView::setAxesVisible(bool visible) { axes_ = visible; image_ = {}; updateGeometry(); update(); }
void SpectrogramView::setColourBarVisible(bool visible) { colourBar_ = visible; image_ = {}; update(); }

void SpectrogramView::setMarkedRange(double start, double end)
{
    markStart_ = start;
    markEnd_ = end;
    update();
}

void SpectrogramView::setPlayhead(double seconds)
{
    if (seconds == playhead_ || (std::isnan(seconds) && std::isnan(playhead_))) return;
    playhead_ = seconds;
    update();
}

QRect SpectrogramView::plotRect() const
{
    const QFontMetrics fm(font());
    const int titleH = title_.isEmpty() ? 2 : fm.height() + 4;
    if (!axes_) return rect().adjusted(1, titleH, -1, -1);
    const int left = fm.horizontalAdvance(QStringLiteral("00.0")) + fm.height() + 12;
    const int bottom = 2 * fm.height() + 8;
    const int right = colourBar_ ? fm.horizontalAdvance(QStringLiteral("-100")) + 34 : 10;
    return rect().adjusted(left, titleH + 2, -right, -bottom);
}

double SpectrogramView::xOfTime(double t, const QRect& plot) const
{
    const double span = spec_.frames * spec_.hopSeconds;
    if (!(span > 0)) return plot.left();
    return plot.left() + (t - spec_.startSeconds) / span * plot.width();
}

double SpectrogramView::yOfFrequency(double hz, const QRect& plot) const
{
    const auto& c = spec_.binCentres;
    const int bins = spec_.bins;
    if (int(c.size()) != bins || bins < 2) return qQNaN();
    // Bin b is drawn as the row band [bins-1-b, bins-b) from the top; interpolate between centres
    // so that mel-spaced bins get their (uneven) ticks right.
    double pos;
    if (hz <= c.front()) pos = 0;
    else if (hz >= c.back()) pos = bins - 1;
    else {
        const auto it = std::upper_bound(c.begin(), c.end(), hz);
        const int b = int(it - c.begin()) - 1;
        pos = b + (hz - c[std::size_t(b)]) / (c[std::size_t(b) + 1] - c[std::size_t(b)]);
    }
    return plot.bottom() + 1 - (pos + 0.5) / bins * plot.height();
}

void SpectrogramView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Base));
    const QRect plot = plotRect();
    const QFontMetrics fm(font());
    if (!title_.isEmpty()) {
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(plot.left(), 0, width() - plot.left(), fm.height() + 4), Qt::AlignLeft | Qt::AlignVCenter,
                   fm.elidedText(title_, Qt::ElideRight, width() - plot.left()));
    }
    if (spec_.frames > 0 && plot.width() > 2 && plot.height() > 2) {
        const qreal dpr = devicePixelRatioF();
        const QSize px = (QSizeF(plot.size()) * dpr).toSize();
        if (image_.size() != px) {
            image_ = spectrogramToImage(spec_, range_, colormap_, px);
            image_.setDevicePixelRatio(dpr);
        }
        p.drawImage(plot.topLeft(), image_);

        // Context outside the clip is dimmed; the clip's edges are drawn as thin lines.
        if (markEnd_ > markStart_) {
            const double x0 = std::clamp(xOfTime(markStart_, plot), double(plot.left()), double(plot.right() + 1));
            const double x1 = std::clamp(xOfTime(markEnd_, plot), double(plot.left()), double(plot.right() + 1));
            const QColor shade(0, 0, 0, 110);
            p.fillRect(QRectF(plot.left(), plot.top(), x0 - plot.left(), plot.height()), shade);
            p.fillRect(QRectF(x1, plot.top(), plot.right() + 1 - x1, plot.height()), shade);
            p.setPen(QPen(QColor(255, 255, 255, 200), 1, Qt::DashLine));
            p.drawLine(QPointF(x0, plot.top()), QPointF(x0, plot.bottom()));
            p.drawLine(QPointF(x1, plot.top()), QPointF(x1, plot.bottom()));
        }
        if (std::isfinite(playhead_)) {
            const double x = xOfTime(playhead_, plot);
            if (x >= plot.left() && x <= plot.right() + 1) {
                p.setPen(QPen(QColor(0x4d, 0xd0, 0xe1), 2));
                p.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()));
            }
        }
        if (axes_) drawAxes(p, plot);
        if (axes_ && colourBar_) drawColourBar(p, plot);
        drawMeasurement(p, plot, measurement_);
    } else {
        p.fillRect(plot, palette().color(QPalette::AlternateBase));
    }
    if (!message_.isEmpty()) {
        p.setPen(spec_.frames > 0 ? QColor(Qt::white) : palette().color(QPalette::PlaceholderText));
        p.drawText(plot.adjusted(8, 4, -8, -4), Qt::AlignCenter | Qt::TextWordWrap, message_);
    }
}

void SpectrogramView::drawAxes(QPainter& p, const QRect& plot)
{
    const QFontMetrics fm(font());
    const QColor ink = palette().color(QPalette::Text);
    const QColor faint = palette().color(QPalette::PlaceholderText);
    p.setPen(faint);
    p.setBrush(Qt::NoBrush);
    p.drawRect(plot.adjusted(0, 0, -1, -1));

    // Time axis (recording seconds).
    const double t0 = spec_.startSeconds, span = spec_.frames * spec_.hopSeconds;
    const double tStep = niceStep(span, std::max(2, plot.width() / 90));
    const int decimals = tStep >= 1 ? 0 : tStep >= 0.1 ? 1 : tStep >= 0.01 ? 2 : 3;
    for (double t = std::ceil(t0 / tStep) * tStep; t <= t0 + span + 1e-9; t += tStep) {
        const double x = xOfTime(t, plot);
        p.setPen(faint);
        p.drawLine(QPointF(x, plot.bottom() + 1), QPointF(x, plot.bottom() + 5));
        p.setPen(ink);
        const QString label = QString::number(t, 'f', decimals);
        p.drawText(QRectF(x - 40, plot.bottom() + 5, 80, fm.height()), Qt::AlignHCenter | Qt::AlignTop, label);
    }
    p.drawText(QRect(plot.left(), plot.bottom() + 5 + fm.height(), plot.width(), fm.height() + 2),
               Qt::AlignHCenter | Qt::AlignTop, tr("time (s)"));

    // Frequency axis (kHz); uneven spacing on mel bins is right, not a bug.
    if (int(spec_.binCentres.size()) == spec_.bins && spec_.bins > 1) {
        const double fLo = spec_.binCentres.front(), fHi = spec_.binCentres.back();
        const double fStep = niceStep(fHi - fLo, std::max(2, plot.height() / 32));
        double lastY = 1e9;
        for (double f = std::ceil(fLo / fStep) * fStep; f <= fHi; f += fStep) {
            const double y = yOfFrequency(f, plot);
            if (!std::isfinite(y) || lastY - y < fm.height()) continue; // no overlapping labels on mel axes
            lastY = y;
            p.setPen(faint);
            p.drawLine(QPointF(plot.left() - 5, y), QPointF(plot.left() - 1, y));
            p.setPen(ink);
            p.drawText(QRectF(0, y - fm.height() / 2.0, plot.left() - 7, fm.height()), Qt::AlignRight | Qt::AlignVCenter,
                       formatHz(f, fStep));
        }
        p.save();
        p.translate(fm.height() / 2.0 + 1, plot.center().y());
        p.rotate(-90);
        p.drawText(QRectF(-plot.height() / 2.0, -fm.height() / 2.0, plot.height(), fm.height()), Qt::AlignCenter,
                   tr("frequency (kHz)"));
        p.restore();
    }
}

void SpectrogramView::drawColourBar(QPainter& p, const QRect& plot)
{
    const QFontMetrics fm(font());
    const QRect bar(plot.right() + 8, plot.top(), 10, plot.height());
    const auto& table = colormapTable(colormap_);
    for (int y = 0; y < bar.height(); ++y) {
        const int i = std::clamp(int(std::lround((1.0 - double(y) / std::max(1, bar.height() - 1)) * 255)), 0, 255);
        p.setPen(QColor(table[std::size_t(i)][0], table[std::size_t(i)][1], table[std::size_t(i)][2]));
        p.drawLine(bar.left(), bar.top() + y, bar.right(), bar.top() + y);
    }
    p.setPen(palette().color(QPalette::Text));
    const QRect labels(bar.right() + 4, plot.top(), width() - bar.right() - 4, plot.height());
    p.drawText(labels, Qt::AlignTop | Qt::AlignLeft, QString::number(double(range_.max), 'f', 0));
    p.drawText(labels, Qt::AlignBottom | Qt::AlignLeft, QString::number(double(range_.min), 'f', 0));
    p.drawText(labels, Qt::AlignVCenter | Qt::AlignLeft, valueLabel_);
}

} // namespace crowlingo::ui
