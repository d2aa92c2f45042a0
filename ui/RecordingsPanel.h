#pragma once
// The Recordings dock: every recording of the archive with its clips and a note, filtered to all,
// those without clips (not on the map) or those that could not be read or were read with a
// note. Activating a row shows that recording (a recording without clips opens in the Recording
// view all the same, so one can see why nothing stood out).
//
//   auto* list = new RecordingsPanel(&session);
//   connect(list, &RecordingsPanel::recordingActivated, window, &MainWindow::showRecording);
//
// Threading: GUI thread only.
#include "core/archive/RecordingOverview.h"

#include <QWidget>

class QComboBox;
class QLabel;
class QSortFilterProxyModel;
class QTableView;

namespace crowlingo::ui {

class ArchiveSession;
class RecordingTableModel;

class RecordingsPanel : public QWidget {
    Q_OBJECT
public:
    explicit RecordingsPanel(ArchiveSession* session, QWidget* parent = nullptr);

    RecordingTableModel* model() const { return model_; }
    QTableView* view() const { return view_; }
    QComboBox* filterBox() const { return filter_; }
    QString tallyText() const;
    void setFilter(RecordingFilter filter);
    void activateRow(int viewRow); // as a double-click on that row of the view

Q_SIGNALS:
    void recordingActivated(int recordingIndex); // index into the snapshot's recordings

private:
    void reload();
    void showCurrentClip();

    ArchiveSession* session_;
    RecordingTableModel* model_;
    QSortFilterProxyModel* proxy_;
    QComboBox* filter_;
    QLabel* tally_;
    QTableView* view_;
};

} // namespace crowlingo::ui
