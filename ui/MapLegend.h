#pragma once
// The map's legend as a small floating panel over the map: the colouring's title, one row per
// category (colour, full name, clip count), scrollable when there are many, collapsible to its
// title bar, and movable by dragging the title bar so it never has to hide the points under it.
// A click on a row asks for that category's clips (the map selects them).
//
//   auto* legend = new MapLegend(mapWidget);      // a child of the map, top right at first
//   legend->setEntries(tr("Labels"), entries);
//   connect(legend, &MapLegend::entryClicked, ...);
//
// Threading: GUI thread only.
#include <QColor>
#include <QFrame>
#include <QString>
#include <QVector>

class QLabel;
class QToolButton;
class QTreeWidget;

namespace crowlingo::ui {

struct LegendEntry {
    QColor colour;
    QString name;
    int count = 0;
    int paletteIndex = -1; // the map's colour index of these clips
};

class MapLegend : public QFrame {
    Q_OBJECT
public:
    explicit MapLegend(QWidget* map);

    void setEntries(const QString& title, const QVector<LegendEntry>& entries);
    QString title() const;
    int rowCount() const;
    QString rowName(int row) const;           // the full name, as shown
    bool isCollapsed() const { return collapsed_; }
    void setCollapsed(bool collapsed);
    QTreeWidget* list() const { return list_; }
    QWidget* titleBar() const { return titleBar_; }

Q_SIGNALS:
    void entryClicked(int row);

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;

private:
    void fit();                                // size to the content, within the map; keep inside it

    QWidget* titleBar_;
    QToolButton* collapse_;
    QLabel* title_;
    QTreeWidget* list_;
    bool collapsed_ = false;
    bool placedByUser_ = false;                // dragged: stays where it was put (clamped inside)
    QPoint dragOffset_;
    bool dragging_ = false;
};

} // namespace crowlingo::ui
