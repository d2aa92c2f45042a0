#pragma once
// The clip table dock: a filter row (text, cluster, label), the count shown, and the sortable
// table. Selecting rows selects clips (the last one clicked becomes current); the current clip
// chosen elsewhere is scrolled to. The table is fed only while it is on screen (see setTableLive).
//
//   auto* table = new ClipTablePanel(&session);  addDockWidget(Qt::BottomDockWidgetArea, dock(table));
//
// Threading: GUI thread only.
#include <QWidget>

class QComboBox;
class QLabel;
class QLineEdit;
class QTableView;

namespace crowlingo::ui {

class ArchiveSession;
class ClipFilterProxy;
class ClipTableModel;

class ClipTablePanel : public QWidget {
    Q_OBJECT
public:
    explicit ClipTablePanel(ArchiveSession* session, QWidget* parent = nullptr);

    ClipTableModel* model() const { return model_; }
    ClipFilterProxy* proxy() const { return proxy_; }
    QComboBox* clusterFilter() const { return cluster_; } // "All", "not clustered yet", "noise", ids
    QTableView* view() const { return view_; }
    // The panel's dock went behind another tab (QDockWidget::visibilityChanged(false)): the table
    // lets go of its rows until it is painted again.
    void leaveScreen();

protected:
    bool eventFilter(QObject* watched, QEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void setTableLive(bool live);
    void refillFilters();
    void applyFilters();
    void updateCount();
    void onViewSelectionChanged();
    void showCurrentClip(int clipIndex);
    void showSelection();

    ArchiveSession* session_;
    ClipTableModel* model_;
    ClipFilterProxy* proxy_;
    QLineEdit* text_;
    QComboBox* cluster_;
    QComboBox* label_;
    QLabel* count_;
    QTableView* view_;
    bool syncing_ = false;
    bool offScreen_ = false; // sent behind another tab (or closed) since the table was last painted
};

} // namespace crowlingo::ui
