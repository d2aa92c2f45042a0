#pragma once
// The map with its controls: colour by (cluster, label, recording), reset view, and the
// analysis actions the window provides (compute a map, cluster).
//
//   auto* panel = new MapPanel(&session);  panel->addToolActions({mapAction, clusterAction});
//   panel->mapView()->resetView();
//
// Threading: GUI thread only.
#include <QWidget>

class QAction;
class QComboBox;
class QHBoxLayout;

namespace crowlingo::ui {

class ArchiveSession;
class MapView;

class MapPanel : public QWidget {
    Q_OBJECT
public:
    explicit MapPanel(ArchiveSession* session, QWidget* parent = nullptr);

    MapView* mapView() const { return map_; }
    QComboBox* colourByBox() const { return colourBy_; }
    void setColourBy(int mode);                    // a MapView::ColourBy, shown in the box too
    void addToolActions(const QList<QAction*>& actions);

private:
    MapView* map_;
    QComboBox* colourBy_;
    QHBoxLayout* tools_;
};

} // namespace crowlingo::ui
