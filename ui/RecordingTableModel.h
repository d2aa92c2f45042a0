#pragma once
// The archive's recordings as a table: file, duration, sample rate, clips, and a note saying why
// a recording gave no clip or what is wrong with it (core's RecordingOverview). Rows follow a
// filter (all, without clips, with problems); sort through a QSortFilterProxyModel (SortRole).
//
//   auto* model = new RecordingTableModel(this);
//   model->setRecordings(overviewRecordings(snapshot.recordings, snapshot.clips));
//   model->setFilter(RecordingFilter::WithoutClips);
//   int r = model->recordingIndex(row);   // index into the snapshot's recordings
//
// Threading: GUI thread only.
#include "core/archive/RecordingOverview.h"

#include <QAbstractTableModel>

#include <vector>

namespace crowlingo::ui {

class RecordingTableModel : public QAbstractTableModel {
    Q_OBJECT
public:
    enum Column { File, Duration, SampleRate, Clips, Note, ColumnCount };
    static constexpr int SortRole = Qt::UserRole + 1; // numbers as numbers

    explicit RecordingTableModel(QObject* parent = nullptr);

    void setRecordings(std::vector<RecordingOverview> recordings); // in the snapshot's order
    void setFilter(RecordingFilter filter);
    RecordingFilter filter() const { return filter_; }
    const std::vector<RecordingOverview>& recordings() const { return all_; }
    int recordingIndex(int row) const { return rows_.at(std::size_t(row)); }
    int rowOfRecording(int recordingIndex) const; // -1 if filtered out

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role) const override;

private:
    void refilter();

    std::vector<RecordingOverview> all_;
    std::vector<int> rows_; // indices into all_ shown
    RecordingFilter filter_ = RecordingFilter::All;
};

} // namespace crowlingo::ui
