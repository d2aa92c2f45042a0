// One file for the map widget (about 640 lines) on purpose: colouring, the cached point layer and
// its deferred restamp, hit testing (hover, rectangles) and the mouse, wheel and key gestures all
// share one view transform and one spatial grid; split apart they would pass both around. The
// legend's model and the colour rules live in their own files.
#include "ui/MapView.h"

#include "ui/ClusterName.h"

#include "ui/ArchiveSession.h"
#include "core/analysis/Projection.h"
#include "core/render/CategoricalPalette.h"
#include "core/render/Colormap.h"

#include <QElapsedTimer>
#include <QFileInfo>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

namespace crowlingo::ui {

namespace {

constexpr QRgb kGrey = 0xb4b4b4;
constexpr QRgb kBackground = 0xfcfcfd;

QColor categoryColour(int i) { return QColor(QRgb(categoricalColour(i))); }

// An anti-aliased shape stamped straight into an image's pixels, as the points and the selection's
// rings are (~30x faster than QPainter::drawEllipse at 100k): how much of each pixel of a square
// of side 2 * half + 1 the shape covers, from the pixel's distance to the centre.
struct StampMask {
    int half = 0;
    std::vector<float> coverage;

    template <class CoverageAt>
    StampMask(int halfSide, CoverageAt&& coverageAt) : half(halfSide)
    {
        const int side = 2 * half + 1;
        coverage.resize(std::size_t(side) * side);
        for (int y = 0; y < side; ++y)
            for (int x = 0; x < side; ++x) coverage[std::size_t(y) * side + x] = float(coverageAt(std::hypot(x - half, y - half)));
    }
};

struct Pixels {
    QRgb* bits;
    qsizetype stride;
    int width, height;
    explicit Pixels(QImage& image)
        : bits(reinterpret_cast<QRgb*>(image.bits())), stride(image.bytesPerLine() / 4), width(image.width()),
          height(image.height())
    {
    }
};

// blend(pixel, coverage) for every pixel the mask covers when centred at (cx, cy), clipped to the image.
template <class Blend>
void stamp(const Pixels& px, const StampMask& mask, int cx, int cy, Blend&& blend)
{
    const int half = mask.half, side = 2 * half + 1;
    if (cx < -half || cy < -half || cx >= px.width + half || cy >= px.height + half) return;
    for (int y = std::max(0, cy - half); y <= std::min(px.height - 1, cy + half); ++y) {
        QRgb* line = px.bits + y * px.stride;
        const float* cov = mask.coverage.data() + std::size_t(y - cy + half) * side;
        for (int x = std::max(0, cx - half); x <= std::min(px.width - 1, cx + half); ++x) {
            const float a = cov[x - cx + half];
            if (a > 0) blend(line[x], a);
        }
    }
}

} // namespace

MapView::MapView(ArchiveSession* session, QWidget* parent)
    : QWidget(parent), session_(session), legendPanel_(new MapLegend(this))
{
    connect(legendPanel_, &MapLegend::entryClicked, this, &MapView::selectLegendEntry);
    setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setAttribute(Qt::WA_OpaquePaintEvent);
    restamp_.setSingleShot(true);
    restamp_.setInterval(150);
    connect(&restamp_, &QTimer::timeout, this, &MapView::invalidateLayer);
    connect(session_, &ArchiveSession::archiveOpened, this, [this] { viewFitted_ = false; rebuild(); });
    connect(session_, &ArchiveSession::archiveClosed, this, [this] { rebuild(); });
    connect(session_, &ArchiveSession::projectionChanged, this, [this] { viewFitted_ = false; rebuild(); });
    connect(session_, &ArchiveSession::clusteringChanged, this, [this] {
        if (colourBy_ == ColourBy::Cluster) recolour();
    });
    connect(session_, &ArchiveSession::labelsChanged, this, [this] {
        if (colourBy_ == ColourBy::Label) recolour();
    });
    connect(session_, &ArchiveSession::scoresChanged, this, [this] {
        if (colourBy_ == ColourBy::Score) recolour();
    });
    connect(session_, &ArchiveSession::currentClipChanged, this, qOverload<>(&QWidget::update));
    connect(session_, &ArchiveSession::neighboursChanged, this, qOverload<>(&QWidget::update));
    connect(session_, &ArchiveSession::selectionChanged, this, [this] {
        selectionLayerValid_ = false;
        update();
    });
}

void MapView::setColourBy(ColourBy mode)
{
    if (mode == colourBy_) return;
    colourBy_ = mode;
    recolour();
}

void MapView::setMessage(const QString& message)
{
    message_ = message;
    update();
}

void MapView::rebuild()
{
    points_.clear();
    pointOfClip_.assign(std::size_t(session_->clipCount()), -1);
    if (session_->isOpen()) {
        const auto& xy = session_->data().xy;
        for (int i = 0; i < session_->clipCount(); ++i) {
            const float x = xy[2 * std::size_t(i)], y = xy[2 * std::size_t(i) + 1];
            if (!std::isfinite(x) || !std::isfinite(y)) continue;
            pointOfClip_[std::size_t(i)] = int(points_.size());
            points_.push_back({x, y, i});
        }
    }
    minX_ = minY_ = 0;
    maxX_ = maxY_ = 1;
    if (!points_.empty()) {
        minX_ = maxX_ = points_[0].x;
        minY_ = maxY_ = points_[0].y;
        for (const Point& p : points_) {
            minX_ = std::min(minX_, p.x);
            maxX_ = std::max(maxX_, p.x);
            minY_ = std::min(minY_, p.y);
            maxY_ = std::max(maxY_, p.y);
        }
        // A degenerate extent (one point, or all on a line) still gets a usable square.
        const float pad = std::max({maxX_ - minX_, maxY_ - minY_, 1e-6f}) * 1e-3f;
        if (maxX_ - minX_ < pad) { minX_ -= pad; maxX_ += pad; }
        if (maxY_ - minY_ < pad) { minY_ -= pad; maxY_ += pad; }
    }

    // About four points per cell on average: few cells to visit for a hit test, little memory.
    const int cells = std::max(1, int(points_.size() / 4));
    const double aspect = double(maxX_ - minX_) / double(maxY_ - minY_);
    gridW_ = std::clamp(int(std::sqrt(cells * aspect)), 1, 1024);
    gridH_ = std::clamp(cells / gridW_, 1, 1024);
    std::vector<int> cellOf(points_.size());
    cellStart_.assign(std::size_t(gridW_) * gridH_ + 1, 0);
    for (std::size_t k = 0; k < points_.size(); ++k) {
        const int cx = std::clamp(int((points_[k].x - minX_) / (maxX_ - minX_) * gridW_), 0, gridW_ - 1);
        const int cy = std::clamp(int((points_[k].y - minY_) / (maxY_ - minY_) * gridH_), 0, gridH_ - 1);
        cellOf[k] = cy * gridW_ + cx;
        ++cellStart_[std::size_t(cellOf[k]) + 1];
    }
    for (std::size_t c = 1; c < cellStart_.size(); ++c) cellStart_[c] += cellStart_[c - 1];
    cellItems_.assign(points_.size(), 0);
    std::vector<int> fill(cellStart_.begin(), cellStart_.end() - 1);
    for (std::size_t k = 0; k < points_.size(); ++k) cellItems_[std::size_t(fill[std::size_t(cellOf[k])]++)] = int(k);

    hovered_ = -1;
    if (!viewFitted_) resetView();
    recolour();
}

void MapView::recolour()
{
    colourOfPoint_.assign(points_.size(), 0);
    palette_.clear();
    legend_.clear();
    if (!session_->isOpen()) {
        legendPanel_->setEntries({}, {});
        invalidateLayer();
        return;
    }
    const ArchiveView& d = session_->data();
    std::vector<bool> grey;
    auto assign = [&](auto keyOf, auto nameOf, auto isGrey) {
        // Categories ordered by key; greys (noise, unlabelled) at the end of the legend.
        using Key = decltype(keyOf(0));
        std::map<Key, int> counts;
        for (const Point& p : points_) ++counts[keyOf(p.clip)];
        std::map<Key, int> colourIndex;
        int next = 0;
        for (const auto& [key, count] : counts) {
            if (isGrey(key)) continue;
            colourIndex[key] = palette_.size();
            palette_.push_back(categoryColour(next++));
            grey.push_back(false);
            legend_.push_back({palette_.back(), nameOf(key), count, int(palette_.size()) - 1});
        }
        for (const auto& [key, count] : counts) {
            if (!isGrey(key)) continue;
            colourIndex[key] = palette_.size();
            palette_.push_back(QColor(kGrey));
            grey.push_back(true);
            legend_.push_back({palette_.back(), nameOf(key), count, int(palette_.size()) - 1});
        }
        for (std::size_t k = 0; k < points_.size(); ++k)
            colourOfPoint_[k] = quint16(std::min(colourIndex[keyOf(points_[k].clip)], 65535));
    };
    switch (colourBy_) {
    case ColourBy::Cluster:
        if (!d.hasClustering) {
            legendTitle_ = tr("No clustering yet (Analysis ▸ Cluster clips)");
            palette_.push_back(QColor(0x4c78a8));
            grey.push_back(false);
            legend_.push_back({palette_.back(), tr("all clips"), int(points_.size()), 0});
            break;
        }
        legendTitle_ = tr("Clusters");
        // -2: a clip the clustering does not hold (drawn by hand, or embedded since), grey apart from noise.
        assign([&](int i) { return d.clusterOf(i); },
               [&](int c) { return clusterName(c); },
               [](int c) { return c < 0; });
        break;
    case ColourBy::Label:
        legendTitle_ = tr("Labels");
        assign([&](int i) { return d.label[std::size_t(i)]; },
               [&](const std::string& l) { return l.empty() ? tr("unlabelled") : QString::fromStdString(l); },
               [](const std::string& l) { return l.empty(); });
        break;
    case ColourBy::Score: {
        // Ten bands of the classifier's probability on viridis, highest first in the legend; clips
        // without a score grey. Bands, not a continuous ramp, so the legend can count them.
        legendTitle_ = session_->hasScores() ? tr("Score: %1").arg(session_->scoresName())
                                             : tr("No scores yet (Find Calls ▸ Train)");
        constexpr int kBands = 10;
        std::array<int, kBands + 1> counts{};
        auto bandOf = [&](int clip) {
            const float s = session_->score(clip);
            return std::isfinite(s) ? std::clamp(int(s * kBands), 0, kBands - 1) : kBands;
        };
        for (const Point& p : points_) ++counts[std::size_t(bandOf(p.clip))];
        for (int b = 0; b <= kBands; ++b) {
            const bool none = b == kBands;
            const auto [r, g, bl] = colormapRgb(Colormap::Viridis, (b + 0.5f) / kBands);
            palette_.push_back(none ? QColor(kGrey) : QColor(r, g, bl));
            grey.push_back(none);
        }
        for (int b = kBands; b-- > 0;)
            if (counts[std::size_t(b)] > 0)
                legend_.push_back({palette_[b], QStringLiteral("%1–%2").arg(b / double(kBands), 0, 'f', 1)
                                                                  .arg((b + 1) / double(kBands), 0, 'f', 1), counts[std::size_t(b)], b});
        if (counts[kBands] > 0) legend_.push_back({palette_[kBands], tr("no score"), counts[kBands], kBands});
        for (std::size_t k = 0; k < points_.size(); ++k) colourOfPoint_[k] = quint16(bandOf(points_[k].clip));
        break;
    }
    case ColourBy::Recording:
        legendTitle_ = tr("Recordings");
        assign([&](int i) { return d.recordingOfClip[std::size_t(i)]; },
               [&](int r) {
                   return r < 0 ? tr("unknown") : QFileInfo(QString::fromStdString(d.recordings[std::size_t(r)].path)).fileName();
               },
               [](int r) { return r < 0; });
        break;
    }
    // Greys first so that categories stay visible; the rest in a fixed pseudo-random order so
    // that no category is always painted over the others.
    drawOrder_.resize(points_.size());
    for (std::size_t k = 0; k < points_.size(); ++k) drawOrder_[k] = int(k);
    auto scramble = [](int k) { return (std::uint32_t(k) * 2654435761u) ^ (std::uint32_t(k) >> 7); };
    std::sort(drawOrder_.begin(), drawOrder_.end(), [&](int a, int b) {
        const bool ga = grey[colourOfPoint_[std::size_t(a)]], gb = grey[colourOfPoint_[std::size_t(b)]];
        if (ga != gb) return ga;
        return scramble(a) < scramble(b);
    });
    legendPanel_->setEntries(legendTitle_, legend_);
    invalidateLayer();
    Q_EMIT coloursChanged();
}

void MapView::selectLegendEntry(int row)
{
    if (row < 0 || row >= legend_.size()) return;
    const int colour = legend_[row].paletteIndex;
    QVector<int> clips;
    for (std::size_t k = 0; k < points_.size(); ++k)
        if (colourOfPoint_[k] == colour) clips.push_back(points_[k].clip);
    std::sort(clips.begin(), clips.end());
    session_->setSelection(clips);
}

QColor MapView::clipColour(int clipIndex) const
{
    if (clipIndex < 0 || std::size_t(clipIndex) >= pointOfClip_.size() || pointOfClip_[std::size_t(clipIndex)] < 0)
        return {};
    const auto k = std::size_t(pointOfClip_[std::size_t(clipIndex)]);
    return k < colourOfPoint_.size() && colourOfPoint_[k] < palette_.size() ? palette_[colourOfPoint_[k]] : QColor();
}

void MapView::resetView()
{
    const double margin = 24;
    const double w = std::max(10.0, width() - 2 * margin), h = std::max(10.0, height() - 2 * margin);
    scale_ = std::min(w / (maxX_ - minX_), h / (maxY_ - minY_));
    const double cx = 0.5 * (minX_ + maxX_), cy = 0.5 * (minY_ + maxY_);
    offset_ = QPointF(width() / 2.0 - cx * scale_, height() / 2.0 + cy * scale_);
    viewFitted_ = width() > 0 && height() > 0 && !points_.empty();
    userMovedView_ = false;
    invalidateLayer();
}

double MapView::pointRadius() const
{
    const std::size_t n = points_.size();
    return n < 2'000 ? 4.0 : n < 20'000 ? 2.6 : 1.8;
}

QPointF MapView::widgetPosition(int clipIndex) const
{
    if (clipIndex < 0 || std::size_t(clipIndex) >= pointOfClip_.size() || pointOfClip_[std::size_t(clipIndex)] < 0)
        return {qQNaN(), qQNaN()};
    const Point& p = points_[std::size_t(pointOfClip_[std::size_t(clipIndex)])];
    return toWidget(p.x, p.y);
}

template <class F>
void MapView::forPointsInMapRect(double x0, double y0, double x1, double y1, F&& f) const
{
    if (points_.empty()) return;
    const double cw = double(maxX_ - minX_) / gridW_, ch = double(maxY_ - minY_) / gridH_;
    const int cx0 = std::clamp(int(std::floor((x0 - minX_) / cw)), 0, gridW_ - 1);
    const int cx1 = std::clamp(int(std::floor((x1 - minX_) / cw)), 0, gridW_ - 1);
    const int cy0 = std::clamp(int(std::floor((y0 - minY_) / ch)), 0, gridH_ - 1);
    const int cy1 = std::clamp(int(std::floor((y1 - minY_) / ch)), 0, gridH_ - 1);
    for (int cy = cy0; cy <= cy1; ++cy)
        for (int cx = cx0; cx <= cx1; ++cx) {
            const int c = cy * gridW_ + cx;
            for (int k = cellStart_[std::size_t(c)]; k < cellStart_[std::size_t(c) + 1]; ++k) {
                const Point& p = points_[std::size_t(cellItems_[std::size_t(k)])];
                if (p.x >= x0 && p.x <= x1 && p.y >= y0 && p.y <= y1) f(p);
            }
        }
}

int MapView::clipAt(QPointF pos, double radiusPx) const
{
    const QPointF m = toMap(pos);
    const double r = radiusPx / scale_;
    int best = -1;
    double bestD = r * r;
    forPointsInMapRect(m.x() - r, m.y() - r, m.x() + r, m.y() + r, [&](const Point& p) {
        const double dx = p.x - m.x(), dy = p.y - m.y(), dd = dx * dx + dy * dy;
        if (dd <= bestD) {
            bestD = dd;
            best = p.clip;
        }
    });
    return best;
}

QVector<int> MapView::clipsIn(const QRectF& widgetRect) const
{
    const QRectF r = widgetRect.normalized();
    const QPointF a = toMap(r.topLeft()), b = toMap(r.bottomRight());
    QVector<int> out;
    forPointsInMapRect(std::min(a.x(), b.x()), std::min(a.y(), b.y()), std::max(a.x(), b.x()), std::max(a.y(), b.y()),
                       [&](const Point& p) { out.push_back(p.clip); });
    std::sort(out.begin(), out.end());
    return out;
}

void MapView::viewMoved()
{
    if (!layerValid_ || lastStampMs_ <= interactiveBudgetMs_) {
        restamp_.stop();
        invalidateLayer();
        return;
    }
    restamp_.start(); // restarted by every step: the points are stamped once the view is still
    update();
}

bool MapView::showsMovedImage() const { return layerValid_ && (layerScale_ != scale_ || layerOffset_ != offset_); }

void MapView::renderLayer()
{
    QElapsedTimer clock;
    clock.start();
    restamp_.stop();
    layerScale_ = scale_;
    layerOffset_ = offset_;
    stampPoints();
    selectionLayerValid_ = false;
    lastStampMs_ = double(clock.nsecsElapsed()) / 1e6;
}

void MapView::stampPoints()
{
    const qreal dpr = devicePixelRatioF();
    const QSize size = (QSizeF(this->size()) * dpr).toSize();
    if (layer_.size() != size) layer_ = QImage(size, QImage::Format_RGB32);
    layer_.setDevicePixelRatio(dpr);
    layer_.fill(QColor(kBackground));
    layerValid_ = true;
    if (points_.empty()) return;

    // One disc per point, alpha 0.85 so that density shows.
    const double radius = pointRadius() * dpr;
    const StampMask disc(int(std::ceil(radius)) + 1,
                         [&](double d) { return std::clamp(radius + 0.5 - d, 0.0, 1.0) * 0.85; });
    const Pixels px(layer_);
    std::vector<QRgb> rgb(std::size_t(palette_.size()));
    for (int i = 0; i < palette_.size(); ++i) rgb[std::size_t(i)] = palette_[i].rgb();
    for (int k : drawOrder_) {
        const Point& p = points_[std::size_t(k)];
        const QPointF c = toWidget(p.x, p.y) * dpr;
        const QRgb col = rgb[colourOfPoint_[std::size_t(k)]];
        const float cr = float(qRed(col)), cg = float(qGreen(col)), cb = float(qBlue(col));
        stamp(px, disc, int(std::lround(c.x())), int(std::lround(c.y())), [&](QRgb& d, float a) {
            d = qRgb(int(qRed(d) + (cr - qRed(d)) * a), int(qGreen(d) + (cg - qGreen(d)) * a),
                     int(qBlue(d) + (cb - qBlue(d)) * a));
        });
    }
}

void MapView::stampSelection()
{
    const qreal dpr = devicePixelRatioF();
    if (selectionLayer_.size() != layer_.size()) selectionLayer_ = QImage(layer_.size(), QImage::Format_ARGB32_Premultiplied);
    selectionLayer_.setDevicePixelRatio(dpr);
    selectionLayer_.fill(Qt::transparent);
    selectionLayerValid_ = true;
    const QVector<int>& selection = session_->selection();
    if (selection.isEmpty() || points_.empty()) return;

    // A dark ring (1.2 px pen, alpha 220) around each selected point, composited "over" into
    // premultiplied pixels.
    const double ring = (pointRadius() + 1.5) * dpr, halfPen = 0.6 * dpr;
    const StampMask mask(int(std::ceil(ring + halfPen)) + 1, [&](double d) {
        return std::clamp(halfPen + 0.5 - std::abs(d - ring), 0.0, 1.0) * (220.0 / 255.0);
    });
    constexpr float kR = 20, kG = 20, kB = 30;
    const Pixels px(selectionLayer_);
    for (int clip : selection) {
        if (clip < 0 || std::size_t(clip) >= pointOfClip_.size() || pointOfClip_[std::size_t(clip)] < 0) continue;
        const Point& p = points_[std::size_t(pointOfClip_[std::size_t(clip)])];
        const int cx = int(std::lround((p.x * layerScale_ + layerOffset_.x()) * dpr));
        const int cy = int(std::lround((-p.y * layerScale_ + layerOffset_.y()) * dpr));
        stamp(px, mask, cx, cy, [](QRgb& d, float a) {
            const float keep = 1 - a;
            d = qRgba(int(kR * a + qRed(d) * keep), int(kG * a + qGreen(d) * keep), int(kB * a + qBlue(d) * keep),
                      int(255 * a + qAlpha(d) * keep));
        });
    }
}

void MapView::paintEvent(QPaintEvent*)
{
    if (!layerValid_) renderLayer();
    if (!selectionLayerValid_) stampSelection();
    const bool anySelected = !session_->selection().isEmpty();
    QPainter p(this);
    if (showsMovedImage()) {
        // The image stamped at the earlier view, where that view's points now are:
        // widget = old widget * s + (offset - old offset * s), s = scale / old scale.
        const double s = scale_ / layerScale_;
        p.fillRect(rect(), QColor(kBackground));
        p.save();
        p.setTransform(QTransform(s, 0, 0, s, offset_.x() - layerOffset_.x() * s, offset_.y() - layerOffset_.y() * s));
        p.drawImage(0, 0, layer_);
        if (anySelected) p.drawImage(0, 0, selectionLayer_);
        p.restore();
    } else {
        p.drawImage(0, 0, layer_);
        if (anySelected) p.drawImage(0, 0, selectionLayer_);
    }
    p.setRenderHint(QPainter::Antialiasing);

    if (points_.empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        QFont f = font();
        f.setPointSizeF(f.pointSizeF() * 1.2);
        p.setFont(f);
        const QString text = !message_.isEmpty()       ? message_
                             : !session_->isOpen()     ? tr("No archive open")
                             : session_->clipCount() == 0 ? tr("This archive has no clips yet")
                                                       : tr("This archive has no map for its model yet");
        p.drawText(rect(), Qt::AlignCenter | Qt::TextWordWrap, text);
        return;
    }
    drawHighlights(p);

    if (drag_ == Drag::Rubber) {
        p.setPen(QPen(QColor(0x1f77b4), 1, Qt::DashLine));
        p.setBrush(QColor(31, 119, 180, 40));
        p.drawRect(rubber_);
    }

    // Caption: what is shown and how to move around.
    QFont small = font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    p.setFont(small);
    p.setPen(QColor(0x70, 0x70, 0x78));
    const std::optional<ProjectionMethod> made = session_->data().projectionMethod;
    const QString method = !made                          ? tr("stored map") // imported or written by another tool
                           : *made == ProjectionMethod::Pca ? QStringLiteral("PCA")
                                                            : QStringLiteral("UMAP");
    // Clips the map as computed does not hold: placed among their neighbours (ringed), or left off.
    const ArchiveView& d = session_->data();
    QString notComputed;
    if (d.clipsPlaced > 0)
        notComputed += tr(" (%n placed among their neighbours: compute the map again to place them exactly)", nullptr,
                          d.clipsPlaced);
    if (d.clipsOffMap > 0)
        notComputed += tr(" · %n not on the map yet: compute it again", nullptr, d.clipsOffMap);
    const QString caption = tr("%1 clips%2 · %3 · wheel: zoom · drag: pan · Shift+drag: select · R: reset view")
                                .arg(points_.size())
                                .arg(notComputed)
                                .arg(method);
    p.drawText(rect().adjusted(10, 0, -10, -6), Qt::AlignLeft | Qt::AlignBottom, caption);
    if (!message_.isEmpty()) p.drawText(rect().adjusted(10, 8, -10, 0), Qt::AlignLeft | Qt::AlignTop, message_);
}

void MapView::drawHighlights(QPainter& p)
{
    const double r = pointRadius();
    // Clips placed among their neighbours rather than by the map's computation: a dashed ring.
    if (session_->data().clipsPlaced > 0) {
        const std::vector<char>& placed = session_->data().placedOnMap;
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(QColor(40, 40, 40), 1.5, Qt::DashLine));
        for (std::size_t i = 0; i < placed.size(); ++i) {
            if (!placed[i]) continue;
            const QPointF c = widgetPosition(int(i));
            if (std::isfinite(c.x())) p.drawEllipse(c, r + 3, r + 3);
        }
    }
    // (The selection's rings are stamped beforehand: stampSelection.)
    // Neighbours: orange rings, thicker for the nearest.
    const auto& neighbours = session_->neighbours();
    for (int n = neighbours.size() - 1; n >= 0; --n) {
        const QPointF c = widgetPosition(neighbours[n].clipIndex);
        if (!std::isfinite(c.x())) continue;
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 4.0));
        p.drawEllipse(c, r + 4, r + 4);
        p.setPen(QPen(QColor(0xf5, 0x8a, 0x07), 2.2));
        p.drawEllipse(c, r + 4, r + 4);
    }
    // Hovered clip.
    if (hovered_ >= 0) {
        const QPointF c = widgetPosition(hovered_);
        if (std::isfinite(c.x())) {
            p.setPen(QPen(QColor(40, 40, 40), 1.5));
            p.setBrush(Qt::NoBrush);
            p.drawEllipse(c, r + 3, r + 3);
        }
    }
    // Current clip: a bold ring with a white halo and short crosshair ticks.
    const int current = session_->currentClip();
    const QPointF c = widgetPosition(current);
    if (current >= 0 && std::isfinite(c.x())) {
        const double R = r + 7;
        p.setBrush(Qt::NoBrush);
        p.setPen(QPen(Qt::white, 5));
        p.drawEllipse(c, R, R);
        p.setPen(QPen(QColor(0xc0, 0x10, 0x30), 2.5));
        p.drawEllipse(c, R, R);
        p.drawLine(c + QPointF(R + 2, 0), c + QPointF(R + 8, 0));
        p.drawLine(c - QPointF(R + 2, 0), c - QPointF(R + 8, 0));
        p.drawLine(c + QPointF(0, R + 2), c + QPointF(0, R + 8));
        p.drawLine(c - QPointF(0, R + 2), c - QPointF(0, R + 8));
    }
}

void MapView::resizeEvent(QResizeEvent*)
{
    // Until the user zooms or pans, the map keeps fitting the widget (docks appearing, window resized).
    if (!viewFitted_ || !userMovedView_) {
        resetView();
    } else {
        invalidateLayer();
    }
}

void MapView::wheelEvent(QWheelEvent* e)
{
    if (points_.empty()) return;
    const double factor = std::pow(1.0015, e->angleDelta().y());
    const double newScale = std::clamp(scale_ * factor, 1e-9, 1e12);
    const QPointF anchor = e->position();
    const QPointF m = toMap(anchor);
    scale_ = newScale;
    offset_ = QPointF(anchor.x() - m.x() * scale_, anchor.y() + m.y() * scale_);
    userMovedView_ = true;
    viewMoved();
    e->accept();
}

void MapView::mousePressEvent(QMouseEvent* e)
{
    if (e->button() != Qt::LeftButton) return;
    setFocus(Qt::MouseFocusReason);
    pressPos_ = lastPos_ = e->position();
    if (e->modifiers() & Qt::ShiftModifier) {
        drag_ = Drag::Rubber;
        rubberAdds_ = e->modifiers() & Qt::ControlModifier;
        rubber_ = QRectF(pressPos_, pressPos_);
    } else {
        drag_ = Drag::Pending;
    }
}

void MapView::mouseMoveEvent(QMouseEvent* e)
{
    const QPointF pos = e->position();
    switch (drag_) {
    case Drag::Pending:
        if ((pos - pressPos_).manhattanLength() < 4) return;
        drag_ = Drag::Pan;
        setCursor(Qt::ClosedHandCursor);
        [[fallthrough]];
    case Drag::Pan:
        offset_ += pos - lastPos_;
        lastPos_ = pos;
        userMovedView_ = true;
        viewMoved();
        return;
    case Drag::Rubber:
        rubber_ = QRectF(pressPos_, pos).normalized();
        update();
        return;
    case Drag::None:
        break;
    }
    const int h = clipAt(pos);
    if (h != hovered_) {
        hovered_ = h;
        update();
    }
    showTooltip(pos, e->globalPosition().toPoint());
}

void MapView::showTooltip(QPointF pos, QPoint globalPos)
{
    if (hovered_ < 0 || !session_->isOpen()) {
        QToolTip::hideText();
        return;
    }
    const ArchiveView& d = session_->data();
    const ClipRow& c = d.clips[std::size_t(hovered_)];
    QString text = QStringLiteral("<b>%1</b><br>%2 – %3 s<br>%4")
                       .arg(QFileInfo(QString::fromStdString(c.path)).fileName().toHtmlEscaped())
                       .arg(c.start, 0, 'f', 2)
                       .arg(c.end, 0, 'f', 2)
                       .arg(!d.hasClustering ? tr("not clustered") : clusterName(d.clusterOf(hovered_)));
    if (!d.label[std::size_t(hovered_)].empty())
        text += tr("<br>label: %1").arg(QString::fromStdString(d.label[std::size_t(hovered_)]).toHtmlEscaped());
    QToolTip::showText(globalPos, text, this, QRect(pos.toPoint() - QPoint(4, 4), QSize(8, 8)));
}

void MapView::mouseReleaseEvent(QMouseEvent* e)
{
    if (e->button() != Qt::LeftButton) return;
    const Drag drag = drag_;
    drag_ = Drag::None;
    unsetCursor();
    if (drag == Drag::Rubber) {
        QVector<int> picked = clipsIn(rubber_);
        if (rubberAdds_) picked += session_->selection();
        session_->setSelection(picked);
        update();
    } else if (drag == Drag::Pending) {
        const int clip = clipAt(e->position());
        if (e->modifiers() & Qt::ControlModifier) {
            if (clip >= 0) {
                QVector<int> s = session_->selection();
                if (s.contains(clip)) s.removeAll(clip); else s.push_back(clip);
                session_->setSelection(s);
            }
        } else if (clip >= 0) {
            session_->setSelection({clip});
            session_->setCurrentClip(clip);
        }
    }
}

void MapView::mouseDoubleClickEvent(QMouseEvent* e)
{
    if (e->button() == Qt::LeftButton && clipAt(e->position()) < 0) resetView();
}

void MapView::keyPressEvent(QKeyEvent* e)
{
    if (e->key() == Qt::Key_R && e->modifiers() == Qt::NoModifier) {
        resetView();
        return;
    }
    if (e->key() == Qt::Key_Escape && !session_->selection().isEmpty()) {
        session_->setSelection({});
        return;
    }
    QWidget::keyPressEvent(e);
}

void MapView::leaveEvent(QEvent*)
{
    if (hovered_ >= 0) {
        hovered_ = -1;
        update();
    }
}

} // namespace crowlingo::ui
