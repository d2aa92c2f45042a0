#pragma once
// The 2-D map of every clip: a scatter coloured by cluster, user label or recording, with a
// legend (MapLegend: movable, foldable, a click selects a category), wheel zoom, drag to pan, R or double-click to reset, a hover tooltip, click to make a
// clip current, Shift+drag to select a rectangle (Ctrl adds), and the current clip, its
// neighbours and the selection highlighted.
//
//   auto* map = new MapView(&session);  map->setColourBy(MapView::ColourBy::Cluster);
//   int clip = map->clipAt(event->position());   QVector<int> many = map->clipsIn(rect);
//
// Why a custom widget and not QtCharts' QScatterSeries: a series has one colour, so a coloured
// map needs one series per cluster/label, and at 100k points its per-point QGraphicsItems make
// hover/hit tests and rubber-band selection slow; setUseOpenGL(true) helps drawing but needs a GL
// context (absent in offscreen tests) and gives up per-point highlights. Here the points are
// stamped into a cached image (a few ms at 100k points) and looked up in a uniform grid, so hover,
// click and rectangle selection cost O(points nearby). When stamping takes longer than a frame
// should (about 260 ms at 10^6 points), zooming and panning show the last image moved and scaled,
// and the points are stamped again once the view has been still for a moment.
//
// Threading: GUI thread only.
#include "ui/MapLegend.h"

#include <QColor>
#include <QImage>
#include <QPointF>
#include <QRectF>
#include <QString>
#include <QTimer>
#include <QVector>
#include <QWidget>

#include <vector>

namespace crowlingo::ui {

class ArchiveSession;

class MapView : public QWidget {
    Q_OBJECT
public:
    enum class ColourBy { Cluster, Label, Recording, Score };
    using LegendEntry = ui::LegendEntry;

    explicit MapView(ArchiveSession* session, QWidget* parent = nullptr);

    void setColourBy(ColourBy mode);
    ColourBy colourBy() const { return colourBy_; }
    // A line shown over the map (e.g. while a map is being computed); empty hides it.
    void setMessage(const QString& message);

    int pointCount() const { return int(points_.size()); } // clips that have map coordinates
    QPointF widgetPosition(int clipIndex) const;          // where a clip is drawn; NaN if not on the map
    int clipAt(QPointF widgetPos, double radiusPx = 7.0) const; // nearest clip within radius, or -1
    QVector<int> clipsIn(const QRectF& widgetRect) const;
    const QVector<LegendEntry>& legend() const { return legend_; }
    MapLegend* legendPanel() const { return legendPanel_; }
    // Selects every clip drawn in the colour of legend row `row` (what a click on the row does).
    void selectLegendEntry(int row);
    // The colour a clip is drawn in under the current colouring (the recording view's boxes use
    // it too); invalid for a clip not on the map.
    QColor clipColour(int clipIndex) const;

    // Stamping the points takes longer than this: zoom and pan move the last image until the view
    // has been still for a moment (default 20 ms; 0: always, tests).
    void setInteractiveBudgetMs(double ms) { interactiveBudgetMs_ = ms; }
    bool showsMovedImage() const; // the view changed since the points were last stamped
    double lastStampMs() const { return lastStampMs_; }

    QSize sizeHint() const override { return {800, 600}; }
    QSize minimumSizeHint() const override { return {240, 180}; }

public Q_SLOTS:
    void resetView();

Q_SIGNALS:
    void coloursChanged();

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override;
    void wheelEvent(QWheelEvent*) override;
    void mousePressEvent(QMouseEvent*) override;
    void mouseMoveEvent(QMouseEvent*) override;
    void mouseReleaseEvent(QMouseEvent*) override;
    void mouseDoubleClickEvent(QMouseEvent*) override;
    void keyPressEvent(QKeyEvent*) override;
    void leaveEvent(QEvent*) override;

private:
    struct Point {
        float x, y;     // map coordinates
        int clip;       // clip index
    };

    void rebuild();            // points, bounds and grid from the session
    void recolour();           // colours and legend for the current mode
    void invalidateLayer() { layerValid_ = false; update(); }
    void viewMoved(); // after a zoom or pan step
    void renderLayer(); // stamps the points at the current view, timed
    void stampPoints();
    void stampSelection(); // the selection's rings, at the layer's view
    QPointF toWidget(float x, float y) const { return {x * scale_ + offset_.x(), -y * scale_ + offset_.y()}; }
    QPointF toMap(QPointF w) const { return {(w.x() - offset_.x()) / scale_, -(w.y() - offset_.y()) / scale_}; }
    template <class F> void forPointsInMapRect(double x0, double y0, double x1, double y1, F&& f) const;
    void drawHighlights(QPainter& p);
    double pointRadius() const;
    void showTooltip(QPointF pos, QPoint globalPos);

    ArchiveSession* session_;
    ColourBy colourBy_ = ColourBy::Cluster;
    QString message_;

    std::vector<Point> points_;
    std::vector<int> pointOfClip_;        // clip index -> point index or -1
    std::vector<quint16> colourOfPoint_;  // index into palette_
    std::vector<int> drawOrder_;          // greys first, the rest interleaved
    QVector<QColor> palette_;
    QVector<LegendEntry> legend_;
    QString legendTitle_;
    MapLegend* legendPanel_;
    float minX_ = 0, maxX_ = 1, minY_ = 0, maxY_ = 1;

    // Uniform grid over the map's bounds: cellStart_[c] .. cellStart_[c+1] index into cellItems_.
    int gridW_ = 1, gridH_ = 1;
    std::vector<int> cellStart_, cellItems_;

    double scale_ = 1.0;
    QPointF offset_;
    bool viewFitted_ = false;
    bool userMovedView_ = false; // zoomed or panned since the last reset

    QImage layer_;
    bool layerValid_ = false;
    double layerScale_ = 1.0;  // the view the layer was stamped at
    QPointF layerOffset_;
    // The selection's rings, stamped as the points are and at the same view: drawn one by one
    // with QPainter, 200k selected clips held every frame for a second.
    QImage selectionLayer_;
    bool selectionLayerValid_ = false;
    double lastStampMs_ = 0;
    double interactiveBudgetMs_ = 20;
    QTimer restamp_;           // fires when the view has been still

    enum class Drag { None, Pending, Pan, Rubber };
    Drag drag_ = Drag::None;
    QPointF pressPos_, lastPos_;
    bool rubberAdds_ = false;
    QRectF rubber_;
    int hovered_ = -1;
};

} // namespace crowlingo::ui
