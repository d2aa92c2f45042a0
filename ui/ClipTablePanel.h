#pragma once
// The clip table dock: a filter row (text, cluster, label), the count shown, and the sortable
// table. Selecting rows selects clips (the last one clicked becomes current); the current clip
// chosen elsewhere is scrolled to.
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
    QTableView* view() const { return view_; }

private:
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
};

} // namespace crowlingo::ui
