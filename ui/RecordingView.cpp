#include "ui/RecordingView.h"

#include "ui/ClipSpectrogram.h"
#include "ui/MeasurementText.h"

#include <QKeyEvent>
#include <QMouseEvent>
#include <QContextMenuEvent>
#include <QPainter>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>
#include <utility>

namespace crowlingo::ui {

namespace {

constexpr int kMaxCachedTiles = 160;  // about 85 MB at 256 x 257 cells (values and pixels)
constexpr int kLeftMargin = 52, kBottomMargin = 22, kTopMargin = 4, kRightMargin = 6;

// A step of 1, 2 or 5 times a power of ten, so that ticks are at least minSpacing apart.
double niceStep(double unitsPerPixel, double minSpacing)
{
    const double raw = unitsPerPixel * minSpacing;
    const double p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * p >= raw)
            return m * p;
    return 10.0 * p;
}

} // namespace

RecordingView::RecordingView(QWidget* parent) : QWidget(parent)
{
    setFocusPolicy(Qt::StrongFocus);
    setMouseTracking(true); // the measurement follows the mouse
    setAttribute(Qt::WA_OpaquePaintEvent);
    pool_.setMaxThreadCount(std::max(1, QThread::idealThreadCount()));
}

RecordingView::~RecordingView()
{
    pool_.clear();
    pool_.waitForDone();
}

void RecordingView::setRecording(std::shared_ptr<const RecordingSpectrogram> recording, const QString& emptyText)
{
    emptyText_ = recording ? QString() : emptyText;
    const bool sameFile = rs_ && recording && rs_->file() == recording->file();
    pool_.clear();
    pending_.clear();
    cache_.clear();
    lru_.clear();
    ++generation_;
    error_.clear();
    rs_ = std::move(recording);
    topDb_ = rs_ ? rs_->settings().topDb : std::nullopt;
    if (!rs_) {
        updateMeasurement();
        update();
        return;
    }
    f0_ = rs_->lowestHz();
    f1_ = rs_->highestHz();
    if (!sameFile) {
        t0_ = 0.0;
        t1_ = std::min(rs_->duration(), 10.0);
        cursor_ = 0.0;
        selStart_ = selEnd_ = selLowHz_ = selHighHz_ = 0.0;
        Q_EMIT selectionChanged();
    }
    showRange(t0_, t1_);
}

void RecordingView::setBoxes(QVector<Box> boxes)
{
    boxes_ = std::move(boxes);
    update();
}

void RecordingView::setCurrentClip(int clipIndex)
{
    current_ = clipIndex;
    update();
}

double RecordingView::secondsPerPixel() const { return (t1_ - t0_) / std::max(1, plotRect().width()); }

void RecordingView::showRange(double start, double end)
{
    if (!rs_) {
        t0_ = start;
        t1_ = end;
        update();
        return;
    }
    const double duration = std::max(rs_->duration(), 1e-3);
    const double minSpan = std::min(duration, 10.0 * rs_->columnSeconds(0));
    double span = std::clamp(end - start, minSpan, duration);
    start = std::clamp(start, 0.0, duration - span);
    t0_ = start;
    t1_ = start + span;
    requestVisibleTiles();
    updateMeasurement(); // another time under the mouse
    Q_EMIT visibleRangeChanged(t0_, t1_);
    update();
}

void RecordingView::zoomTime(double factor, double anchor)
{
    const double a = std::clamp(anchor, t0_, t1_);
    showRange(a - (a - t0_) * factor, a + (t1_ - a) * factor);
}

void RecordingView::zoomFrequency(double factor, double anchorHz)
{
    if (!rs_)
        return;
    const double lo = rs_->lowestHz(), hi = rs_->highestHz();
    const double minSpan = 4.0 * rs_->info().sampleRate / rs_->settings().fftSize;
    const double a = std::clamp(anchorHz, f0_, f1_);
    double n0 = a - (a - f0_) * factor, n1 = a + (f1_ - a) * factor;
    if (n1 - n0 < minSpan) {
        n0 = a - minSpan / 2;
        n1 = a + minSpan / 2;
    }
    f0_ = std::clamp(n0, lo, hi);
    f1_ = std::clamp(n1, f0_ + minSpan / 4, std::max(hi, f1_));
    if (factor > 1.0) // zooming out ends at the settings' range
        f1_ = std::min(f1_, hi);
    update();
}

void RecordingView::setCursor(double seconds)
{
    cursor_ = seconds;
    update();
}

void RecordingView::setSelection(double start, double end, double lowHz, double highHz)
{
    const double s0 = std::min(start, end), s1 = std::max(start, end);
    const double f0 = std::min(lowHz, highHz), f1 = std::max(lowHz, highHz);
    if (s0 == selStart_ && s1 == selEnd_ && f0 == selLowHz_ && f1 == selHighHz_)
        return;
    selStart_ = s0;
    selEnd_ = s1;
    selLowHz_ = f0;
    selHighHz_ = f1;
    updateMeasurement();
    update();
    Q_EMIT selectionChanged();
}

double RecordingView::frequencyOfY(double y) const
{
    const QRect r = plotRect();
    return f0_ + (r.bottom() + 1 - y) / r.height() * (f1_ - f0_);
}

std::optional<float> RecordingView::levelAt(double seconds, double hz) const
{
    // The finest tile on hand that covers the point: its value is the point's own frame's, where a
    // coarser level's column holds the loudest of several frames.
    const Tile* best = nullptr;
    for (const Tile& t : cache_) {
        const Spectrogram& v = t.values;
        if (v.frames > 0 && v.bins > 0 && seconds >= v.startSeconds && seconds < v.startSeconds + v.frames * v.hopSeconds
            && (!best || t.level < best->level))
            best = &t;
    }
    if (!best)
        return std::nullopt;
    const Spectrogram& v = best->values;
    const int frame = std::clamp(int((seconds - v.startSeconds) / v.hopSeconds), 0, v.frames - 1);
    const auto nearest = std::min_element(v.binCentres.begin(), v.binCentres.end(),
                                          [hz](double a, double b) { return std::abs(a - hz) < std::abs(b - hz); });
    return v.at(frame, int(nearest - v.binCentres.begin()));
}

void RecordingView::updateMeasurement()
{
    QStringList parts;
    if (rs_ && plotRect().contains(hover_.toPoint())) {
        const double t = timeOfX(hover_.x()), hz = frequencyOfY(hover_.y());
        if (t >= 0.0 && t <= rs_->duration()) // a short file may not fill the plot
            parts << pointMeasurement(t, hz, levelAt(t, hz));
    }
    if (rs_ && selEnd_ > selStart_)
        parts << rangeMeasurement(selStart_, selEnd_, selLowHz_, selHighHz_);
    const QString text = parts.join(QStringLiteral("   |   "));
    if (text == measurement_)
        return;
    measurement_ = text;
    update();
    Q_EMIT measurementChanged(measurement_);
}

void RecordingView::leaveEvent(QEvent*)
{
    hover_ = QPointF(qQNaN(), qQNaN());
    updateMeasurement();
}

void RecordingView::requestPlay()
{
    if (selEnd_ > selStart_)
        Q_EMIT playRequested(selStart_, selEnd_);
    else
        Q_EMIT playRequested(cursor_, 0.0);
}

void RecordingView::setPlayhead(double seconds)
{
    playhead_ = seconds;
    update();
}

QRect RecordingView::plotRect() const
{
    return QRect(kLeftMargin, kTopMargin, std::max(10, width() - kLeftMargin - kRightMargin),
                 std::max(10, height() - kTopMargin - kBottomMargin));
}

double RecordingView::xOfTime(double t) const
{
    const QRect r = plotRect();
    return r.left() + (t - t0_) / (t1_ - t0_) * r.width();
}

double RecordingView::timeOfX(double x) const
{
    const QRect r = plotRect();
    return t0_ + (x - r.left()) / r.width() * (t1_ - t0_);
}

double RecordingView::yOfFrequency(double hz) const
{
    const QRect r = plotRect();
    return r.bottom() + 1 - (hz - f0_) / (f1_ - f0_) * r.height();
}

int RecordingView::levelNow() const { return rs_ ? rs_->levelFor(secondsPerPixel()) : 0; }

bool RecordingView::allVisibleTilesReady() const
{
    if (!rs_)
        return true;
    const int level = levelNow();
    const std::int64_t a = rs_->tileAt(level, t0_), b = rs_->tileAt(level, t1_);
    for (std::int64_t i = a; i <= b; ++i)
        if (!cache_.contains(keyOf(level, i)))
            return false;
    return true;
}

void RecordingView::requestVisibleTiles()
{
    if (!rs_ || !error_.isEmpty())
        return;
    // Requests for tiles no longer wanted are dropped if they have not started.
    pool_.clear();
    for (auto it = pending_.begin(); it != pending_.end();)
        it = it.value()->load() ? std::next(it) : pending_.erase(it);

    const int level = levelNow();
    const std::int64_t last = rs_->tileCount(level) - 1;
    const std::int64_t a = std::max<std::int64_t>(0, rs_->tileAt(level, t0_) - 1);
    const std::int64_t b = std::min(last, rs_->tileAt(level, t1_) + 1); // one either side for scrolling
    // Visible tiles first, from the middle outwards.
    std::vector<std::int64_t> order;
    for (std::int64_t i = a; i <= b; ++i)
        order.push_back(i);
    const double mid = (t0_ + t1_) / 2 / rs_->tileSeconds(level);
    std::sort(order.begin(), order.end(), [&](std::int64_t x, std::int64_t y) {
        return std::abs(double(x) + 0.5 - mid) < std::abs(double(y) + 0.5 - mid);
    });
    for (std::int64_t index : order) {
        const quint64 key = keyOf(level, index);
        if (cache_.contains(key) || pending_.contains(key))
            continue;
        auto started = std::make_shared<std::atomic_bool>(false);
        pending_.insert(key, started);
        const quint64 generation = generation_;
        std::shared_ptr<const RecordingSpectrogram> rs = rs_;
        pool_.start([this, rs, level, index, generation, started] {
            started->store(true);
            try {
                Tile t{level, index, rs->tile(level, index), {}};
                QMetaObject::invokeMethod(this, [this, generation, t = std::move(t)]() mutable {
                    tileFinished(generation, std::move(t));
                }, Qt::QueuedConnection);
            } catch (const std::exception& e) {
                const QString message = QString::fromUtf8(e.what());
                QMetaObject::invokeMethod(this, [this, generation, message] { tileFailed(generation, message); },
                                          Qt::QueuedConnection);
            }
        });
    }
}

void RecordingView::renderImage(Tile& tile) const
{
    const Colormap map = rs_ ? rs_->settings().colormap : Colormap::Magma;
    tile.image = spectrogramToImage(tile.values, range_, map);
}

void RecordingView::tileFinished(quint64 generation, Tile tile)
{
    if (generation != generation_)
        return;
    const quint64 key = keyOf(tile.level, tile.index);
    pending_.remove(key);
    if (!topDb_) { // the first tile seen sets the brightness of the whole recording
        topDb_ = autoValueRange(tile.values).max;
    }
    range_ = rs_->settings().valueRange(*topDb_);
    renderImage(tile);
    cache_.insert(key, std::move(tile));
    lru_.push_front(key);
    while (int(cache_.size()) > kMaxCachedTiles && !lru_.empty()) {
        cache_.remove(lru_.back());
        lru_.pop_back();
    }
    updateMeasurement(); // the level under the mouse may just have arrived
    update();
}

void RecordingView::tileFailed(quint64 generation, const QString& message)
{
    if (generation != generation_)
        return;
    error_ = message;
    pool_.clear();
    pending_.clear();
    update();
}

void RecordingView::drawTile(QPainter& p, const Tile& tile, const QRect& plot) const
{
    const Spectrogram& s = tile.values;
    if (s.frames == 0 || s.bins == 0 || tile.image.isNull())
        return;
    const double binHz = s.bins > 1 ? s.binCentres[1] - s.binCentres[0] : 1.0;
    const double fBottom = s.binCentres.front() - binHz / 2, fTop = s.binCentres.back() + binHz / 2;
    const double tStart = s.startSeconds, tEnd = s.startSeconds + s.frames * s.hopSeconds;
    // The part of the tile inside the view, in image pixels and on screen.
    const double a = std::max(tStart, t0_), b = std::min(tEnd, t1_);
    const double lo = std::max(fBottom, f0_), hi = std::min(fTop, f1_);
    if (a >= b || lo >= hi)
        return;
    const QRectF source((a - tStart) / s.hopSeconds, (fTop - hi) / binHz, (b - a) / s.hopSeconds, (hi - lo) / binHz);
    const QRectF target(QPointF(xOfTime(a), yOfFrequency(hi)), QPointF(xOfTime(b), yOfFrequency(lo)));
    p.drawImage(target, tile.image, source);
}

void RecordingView::drawBoxes(QPainter& p, const QRect& plot) const
{
    p.setBrush(Qt::NoBrush);
    const QFontMetrics fm(font());
    // A small tag in the box's colour at its top left, after `left` pixels (the rank's tag), if the
    // box is wide enough for more than an ellipsis; black or white letters, whichever reads on it.
    const auto tag = [&](const QRectF& r, double left, const QString& text, const QColor& colour) {
        const double room = r.width() - left - 6;
        const QString shown = fm.elidedText(text, Qt::ElideRight, int(room));
        if (room < fm.horizontalAdvance(QStringLiteral("ww")) || shown.isEmpty() || shown == QStringLiteral("…"))
            return;
        const QRectF t(r.left() + left, r.top(), fm.horizontalAdvance(shown) + 6, fm.height());
        p.fillRect(t, colour);
        p.setPen(qGray(colour.rgb()) > 140 ? Qt::black : Qt::white);
        p.drawText(t, Qt::AlignCenter, shown);
    };
    for (const Box& box : boxes_) {
        if (box.end < t0_ || box.start > t1_)
            continue;
        const bool full = box.highHz <= box.lowHz;
        const double top = full ? plot.top() : std::max<double>(plot.top(), yOfFrequency(box.highHz));
        const double bottom = full ? plot.bottom() : std::min<double>(plot.bottom(), yOfFrequency(box.lowHz));
        const QRectF r(QPointF(xOfTime(box.start), top), QPointF(std::max(xOfTime(box.end), xOfTime(box.start) + 2), bottom));
        const bool current = box.clipIndex == current_;
        if (current) {
            p.setPen(QPen(QColor(255, 230, 0), 3));
            p.drawRect(r.adjusted(-2, -2, 2, 2));
        }
        const QColor colour = box.colour.isValid() ? box.colour : QColor(Qt::white);
        if (box.neighbourRank > 0) {
            // A neighbour of the current clip: dashed and numbered, so the eye finds it among the boxes.
            p.setPen(QPen(colour, 2, Qt::DashLine));
            p.drawRect(r);
            const QString rank = QString::number(box.neighbourRank);
            const QRectF rankTag(r.left(), r.top(), fm.horizontalAdvance(rank) + 6, fm.height());
            p.fillRect(rankTag, QColor(0, 0, 0, 170));
            p.setPen(colour);
            p.drawText(rankTag, Qt::AlignCenter, rank);
            if (!box.label.isEmpty()) tag(r, rankTag.width() + 1, box.label, colour);
            continue;
        }
        p.setPen(QPen(colour, current ? 2 : 1.4));
        p.drawRect(r);
        if (!box.label.isEmpty()) tag(r, 0, box.label, colour);
    }
}

void RecordingView::drawAxes(QPainter& p, const QRect& plot) const
{
    p.setPen(palette().color(QPalette::WindowText));
    const QFontMetrics fm(font());
    // Time below.
    const double step = niceStep(secondsPerPixel(), 90.0);
    for (double t = std::ceil(t0_ / step) * step; t <= t1_; t += step) {
        const double x = xOfTime(t);
        p.drawLine(QPointF(x, plot.bottom() + 1), QPointF(x, plot.bottom() + 5));
        const QString text = timeText(t, step);
        p.drawText(QPointF(x - fm.horizontalAdvance(text) / 2.0, plot.bottom() + 5 + fm.ascent()), text);
    }
    // Frequency on the left, in kHz.
    const double hzPerPixel = (f1_ - f0_) / std::max(1, plot.height());
    const double fstep = niceStep(hzPerPixel, 28.0);
    for (double f = std::ceil(f0_ / fstep) * fstep; f <= f1_; f += fstep) {
        const double y = yOfFrequency(f);
        p.drawLine(QPointF(plot.left() - 5, y), QPointF(plot.left() - 1, y));
        const QString text = QString::number(f / 1000.0, 'f', fstep >= 1000 ? 0 : fstep >= 100 ? 1 : 2);
        p.drawText(QPointF(plot.left() - 8 - fm.horizontalAdvance(text), y + fm.ascent() / 2.0 - 1), text);
    }
    p.save();
    p.translate(11, plot.center().y());
    p.rotate(-90);
    const QString kHz = tr("kHz");
    p.drawText(QPointF(-fm.horizontalAdvance(kHz) / 2.0, 0), kHz);
    p.restore();
}

void RecordingView::paintEvent(QPaintEvent*)
{
    QPainter p(this);
    p.fillRect(rect(), palette().color(QPalette::Window));
    if (!rs_) { // the hint on the window's own colour: on the black plot it could not be read
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(12, 8, -12, -8), Qt::AlignCenter | Qt::TextWordWrap,
                   emptyText_.isEmpty() ? tr("Select a clip to see its whole recording here.") : emptyText_);
        return;
    }
    const QRect plot = plotRect();
    p.fillRect(plot, QColor(0, 0, 4));
    p.setClipRect(plot);
    // Coarser tiles first as placeholders, then finer ones over them; the level in use last.
    const int level = levelNow();
    std::vector<const Tile*> shown;
    for (const Tile& t : cache_) {
        const double start = t.values.startSeconds, end = start + t.values.frames * t.values.hopSeconds;
        if (end > t0_ && start < t1_)
            shown.push_back(&t);
    }
    std::sort(shown.begin(), shown.end(), [&](const Tile* a, const Tile* b) {
        const auto rank = [&](int l) { return l == level ? -1000 : l > level ? l : 100 - l; };
        return rank(a->level) > rank(b->level);
    });
    for (const Tile* t : shown)
        drawTile(p, *t, plot);

    // Selection, boxes, cursor, playhead.
    if (selEnd_ > selStart_) {
        const bool band = selHighHz_ > selLowHz_;
        const QRectF r(QPointF(xOfTime(selStart_), band ? yOfFrequency(selHighHz_) : plot.top()),
                       QPointF(xOfTime(selEnd_), band ? yOfFrequency(selLowHz_) : plot.bottom()));
        p.fillRect(r, QColor(120, 170, 255, 60));
        p.setPen(QPen(QColor(120, 170, 255), 1));
        if (band) {
            p.drawRect(r);
        } else {
            p.drawLine(r.topLeft(), r.bottomLeft());
            p.drawLine(r.topRight(), r.bottomRight());
        }
    }
    drawBoxes(p, plot);
    p.setPen(QPen(QColor(80, 200, 255), 1, Qt::DashLine));
    p.drawLine(QPointF(xOfTime(cursor_), plot.top()), QPointF(xOfTime(cursor_), plot.bottom()));
    if (std::isfinite(playhead_)) {
        p.setPen(QPen(QColor(255, 255, 255), 1.5));
        p.drawLine(QPointF(xOfTime(playhead_), plot.top()), QPointF(xOfTime(playhead_), plot.bottom()));
    }
    if (!error_.isEmpty()) {
        p.setPen(Qt::white);
        p.drawText(plot.adjusted(8, 8, -8, -8), Qt::AlignLeft | Qt::AlignTop | Qt::TextWordWrap,
                   tr("Cannot draw this recording: %1").arg(error_));
    } else if (!allVisibleTilesReady()) {
        p.setPen(QColor(230, 230, 230));
        p.drawText(plot.adjusted(8, 6, -8, -6), Qt::AlignRight | Qt::AlignTop, tr("computing…"));
    }
    drawMeasurement(p, plot, measurement_);
    p.setClipping(false);
    drawAxes(p, plot);
}

int RecordingView::clipAt(QPoint pos) const
{
    const QRect plot = plotRect();
    if (!plot.contains(pos))
        return -1;
    const double t = timeOfX(pos.x());
    const double tolerance = 3.0 * secondsPerPixel();
    int best = -1;
    double bestLength = 1e300;
    for (const Box& box : boxes_) {
        if (t < box.start - tolerance || t > box.end + tolerance)
            continue;
        if (box.highHz > box.lowHz) {
            const double top = yOfFrequency(box.highHz) - 3, bottom = yOfFrequency(box.lowHz) + 3;
            if (pos.y() < top || pos.y() > bottom)
                continue;
        }
        if (box.end - box.start < bestLength) {
            bestLength = box.end - box.start;
            best = box.clipIndex;
        }
    }
    return best;
}

void RecordingView::wheelEvent(QWheelEvent* e)
{
    const double steps = e->angleDelta().y() / 120.0 + e->angleDelta().x() / 120.0;
    if (steps == 0.0 || !rs_)
        return;
    const QPointF pos = e->position();
    if (e->modifiers() & Qt::ControlModifier)
        zoomTime(std::pow(0.8, steps), timeOfX(pos.x()));
    else if (e->modifiers() & Qt::ShiftModifier) {
        const QRect plot = plotRect();
        const double hz = f0_ + (plot.bottom() + 1 - pos.y()) / plot.height() * (f1_ - f0_);
        zoomFrequency(std::pow(0.8, steps), hz);
    } else {
        const double span = t1_ - t0_;
        showRange(t0_ - steps * 0.1 * span, t1_ - steps * 0.1 * span);
    }
    e->accept();
}

RecordingView::EdgeGrip RecordingView::edgeAt(QPointF pos) const
{
    const QRect plot = plotRect();
    if (!rs_ || !plot.contains(pos.toPoint()))
        return {};
    constexpr double grip = 4.0; // pixels either side of an edge
    const auto edgesOf = [&](double start, double end, double lowHz, double highHz, int clipIndex) -> EdgeGrip {
        const bool band = highHz > lowHz;
        const double left = xOfTime(start), right = xOfTime(end);
        const double top = band ? yOfFrequency(highHz) : plot.top(), bottom = band ? yOfFrequency(lowHz) : plot.bottom();
        if (pos.x() < left - grip || pos.x() > right + grip || pos.y() < top - grip || pos.y() > bottom + grip)
            return {};
        int edges = NoEdge;
        // On a narrow box, the nearer edge.
        const double toLeft = std::abs(pos.x() - left), toRight = std::abs(pos.x() - right);
        if (toLeft <= grip && toLeft <= toRight) edges |= LeftEdge;
        else if (toRight <= grip) edges |= RightEdge;
        if (band) {
            const double toTop = std::abs(pos.y() - top), toBottom = std::abs(pos.y() - bottom);
            if (toTop <= grip && toTop <= toBottom) edges |= TopEdge;
            else if (toBottom <= grip) edges |= BottomEdge;
        }
        return {edges, clipIndex};
    };
    // The current clip first: after its edges were dragged, the range lies on it until it is redrawn.
    if (const Box* b = boxOf(current_); b && b->byHand)
        if (const EdgeGrip g = edgesOf(b->start, b->end, b->lowHz, b->highHz, b->clipIndex); g.edges != NoEdge)
            return g;
    if (hasSelection())
        return edgesOf(selStart_, selEnd_, selLowHz_, selHighHz_, -1);
    return {};
}

void RecordingView::showEdgePointer(QPointF pos)
{
    const int edges = gripped_.edges != NoEdge ? gripped_.edges : edgeAt(pos).edges;
    const bool horizontal = edges & (LeftEdge | RightEdge), vertical = edges & (TopEdge | BottomEdge);
    // QWidget::setCursor: this class's setCursor places the time cursor.
    if (horizontal && vertical) {
        const bool falling = ((edges & LeftEdge) != 0) == ((edges & TopEdge) != 0); // top left or bottom right
        QWidget::setCursor(falling ? Qt::SizeFDiagCursor : Qt::SizeBDiagCursor);
    } else if (horizontal)
        QWidget::setCursor(Qt::SizeHorCursor);
    else if (vertical)
        QWidget::setCursor(Qt::SizeVerCursor);
    else
        unsetCursor();
}

void RecordingView::dragEdges(double seconds, double hz)
{
    double s0 = selStart_, s1 = selEnd_, f0 = selLowHz_, f1 = selHighHz_;
    if (gripped_.edges & LeftEdge) s0 = seconds;
    if (gripped_.edges & RightEdge) s1 = seconds;
    if (gripped_.edges & TopEdge) f1 = hz;
    if (gripped_.edges & BottomEdge) f0 = hz;
    // An edge dragged past the opposite one becomes that side, as in Raven.
    if (s0 > s1) gripped_.edges ^= LeftEdge | RightEdge;
    if ((gripped_.edges & (TopEdge | BottomEdge)) && f0 > f1) gripped_.edges ^= TopEdge | BottomEdge;
    setSelection(s0, s1, f0, f1);
}

void RecordingView::mousePressEvent(QMouseEvent* e)
{
    if (e->button() != Qt::LeftButton || !rs_)
        return;
    setFocus(Qt::MouseFocusReason);
    if (const EdgeGrip g = edgeAt(e->position()); g.edges != NoEdge) {
        if (const Box* b = boxOf(g.clipIndex)) setSelection(b->start, b->end, b->lowHz, b->highHz);
        gripped_ = g;
        grippedFrom_[0] = selStart_;
        grippedFrom_[1] = selEnd_;
        grippedFrom_[2] = selLowHz_;
        grippedFrom_[3] = selHighHz_;
        return;
    }
    // A drag may start on a box too: a call drawn inside a longer clip of the segmentation.
    dragAnchor_ = std::clamp(timeOfX(e->position().x()), 0.0, rs_->duration());
    dragAnchorHz_ = std::clamp(frequencyOfY(e->position().y()), f0_, f1_);
    const int clip = clipAt(e->position().toPoint());
    if (clip >= 0) {
        Q_EMIT clipClicked(clip);
        return;
    }
    setCursor(dragAnchor_);
    setSelection(0, 0);
}

void RecordingView::mouseMoveEvent(QMouseEvent* e)
{
    hover_ = e->position();
    updateMeasurement();
    if (!rs_)
        return;
    showEdgePointer(e->position());
    if (gripped_.edges != NoEdge) {
        const bool band = selHighHz_ > selLowHz_;
        dragEdges(std::clamp(timeOfX(e->position().x()), 0.0, rs_->duration()),
                  band ? std::clamp(frequencyOfY(e->position().y()), f0_, f1_) : 0.0);
        return;
    }
    if (!std::isfinite(dragAnchor_))
        return;
    const double t = std::clamp(timeOfX(e->position().x()), 0.0, rs_->duration());
    const double hz = std::clamp(frequencyOfY(e->position().y()), f0_, f1_);
    if (std::abs(xOfTime(t) - xOfTime(dragAnchor_)) < 3.0)
        return;
    // A drag that stays within a few pixels of its row selects time only (the whole band), as
    // before boxes could be drawn; across frequencies it draws a box.
    if (std::abs(yOfFrequency(hz) - yOfFrequency(dragAnchorHz_)) >= 8.0)
        setSelection(dragAnchor_, t, dragAnchorHz_, hz);
    else
        setSelection(dragAnchor_, t);
}

void RecordingView::mouseReleaseEvent(QMouseEvent*)
{
    dragAnchor_ = dragAnchorHz_ = qQNaN();
    const EdgeGrip done = std::exchange(gripped_, EdgeGrip{});
    const Box* b = boxOf(done.clipIndex);
    if (b && hasSelection() && (b->start != selStart_ || b->end != selEnd_ || b->lowHz != selLowHz_ || b->highHz != selHighHz_))
        Q_EMIT clipRedrawRequested(done.clipIndex, selStart_, selEnd_, selLowHz_, selHighHz_);
}

const RecordingView::Box* RecordingView::boxOf(int clipIndex) const
{
    if (clipIndex < 0) return nullptr;
    const auto it = std::find_if(boxes_.begin(), boxes_.end(), [clipIndex](const Box& b) { return b.clipIndex == clipIndex; });
    return it == boxes_.end() ? nullptr : &*it;
}

void RecordingView::contextMenuEvent(QContextMenuEvent* e)
{
    const int clip = rs_ ? clipAt(e->pos()) : -1;
    if (clip >= 0)
        Q_EMIT clipMenuRequested(clip, e->globalPos());
    else if (rs_ && plotRect().contains(e->pos()))
        Q_EMIT menuRequested(e->globalPos());
    else {
        QWidget::contextMenuEvent(e);
        return;
    }
    e->accept();
}

bool RecordingView::event(QEvent* e)
{
    // The view's keys win over the window's shortcuts (Space plays the clip there) while it has focus.
    if (e->type() == QEvent::ShortcutOverride && rs_) {
        const auto* k = static_cast<QKeyEvent*>(e);
        if (k->modifiers() == Qt::NoModifier || k->modifiers() == Qt::KeypadModifier)
            switch (k->key()) {
            case Qt::Key_Space: case Qt::Key_Left: case Qt::Key_Right: case Qt::Key_Plus: case Qt::Key_Equal:
            case Qt::Key_Minus: case Qt::Key_Home: case Qt::Key_End: case Qt::Key_Return: case Qt::Key_Enter:
            case Qt::Key_F:
                e->accept();
                return true;
            case Qt::Key_Escape:
                if (gripped_.edges == NoEdge) break;
                e->accept();
                return true;
            default: break;
            }
    }
    return QWidget::event(e);
}

void RecordingView::keyPressEvent(QKeyEvent* e)
{
    if (!rs_) {
        QWidget::keyPressEvent(e);
        return;
    }
    const double span = t1_ - t0_;
    switch (e->key()) {
    case Qt::Key_Left: showRange(t0_ - 0.25 * span, t1_ - 0.25 * span); break;
    case Qt::Key_Right: showRange(t0_ + 0.25 * span, t1_ + 0.25 * span); break;
    case Qt::Key_Plus:
    case Qt::Key_Equal: zoomTime(0.5, (t0_ + t1_) / 2); break;
    case Qt::Key_Minus: zoomTime(2.0, (t0_ + t1_) / 2); break;
    case Qt::Key_Home: showRange(0, span); break;
    case Qt::Key_End: showRange(rs_->duration() - span, rs_->duration()); break;
    case Qt::Key_Space: requestPlay(); break;
    case Qt::Key_Escape:
        if (gripped_.edges == NoEdge) {
            QWidget::keyPressEvent(e);
            return;
        }
        gripped_ = {}; // the drag is dropped: the edges go back
        setSelection(grippedFrom_[0], grippedFrom_[1], grippedFrom_[2], grippedFrom_[3]);
        break;
    case Qt::Key_F: // fit the dragged stretch to its call; Enter adds it (both need one)
    case Qt::Key_Return:
    case Qt::Key_Enter:
        if (!hasSelection()) {
            QWidget::keyPressEvent(e);
            return;
        }
        if (e->key() == Qt::Key_F) Q_EMIT fitSelectionRequested();
        else Q_EMIT addSelectionRequested();
        break;
    default: QWidget::keyPressEvent(e); return;
    }
    e->accept();
}

} // namespace crowlingo::ui
