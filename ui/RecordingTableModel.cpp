#include "ui/RecordingTableModel.h"

#include <QApplication>
#include <QStyle>

#include <algorithm>

namespace crowlingo::ui {

RecordingTableModel::RecordingTableModel(QObject* parent) : QAbstractTableModel(parent) {}

void RecordingTableModel::setRecordings(std::vector<RecordingOverview> recordings)
{
    beginResetModel();
    all_ = std::move(recordings);
    refilter();
    endResetModel();
}

void RecordingTableModel::setFilter(RecordingFilter filter)
{
    if (filter == filter_) return;
    beginResetModel();
    filter_ = filter;
    refilter();
    endResetModel();
}

void RecordingTableModel::refilter()
{
    rows_.clear();
    for (std::size_t i = 0; i < all_.size(); ++i)
        if (all_[i].shownBy(filter_)) rows_.push_back(int(i));
}

int RecordingTableModel::rowOfRecording(int recordingIndex) const
{
    const auto it = std::lower_bound(rows_.begin(), rows_.end(), recordingIndex);
    return it != rows_.end() && *it == recordingIndex ? int(it - rows_.begin()) : -1;
}

int RecordingTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : int(rows_.size()); }

int RecordingTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

QVariant RecordingTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(rows_.size())) return {};
    const RecordingOverview& r = all_[std::size_t(rows_[std::size_t(index.row())])];
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case File: return QString::fromStdString(r.recording.path);
        case Duration: // bat calls last milliseconds, soundscapes hours
            return r.failed() ? QString() : QString::number(r.recording.duration, 'f', r.recording.duration < 10 ? 3 : 1);
        case SampleRate: return r.failed() ? QString() : QString::number(r.recording.sampleRate);
        case Clips: return qlonglong(r.clips);
        case Note: return QString::fromStdString(r.note());
        }
        break;
    case SortRole:
        switch (index.column()) {
        case Duration: return r.recording.duration;
        case SampleRate: return r.recording.sampleRate;
        case Clips: return qlonglong(r.clips);
        default: return data(index, Qt::DisplayRole);
        }
    case Qt::ToolTipRole:
        if (index.column() == File || index.column() == Note) {
            const QString note = QString::fromStdString(r.note());
            return note.isEmpty() ? QString::fromStdString(r.recording.path)
                                  : QString::fromStdString(r.recording.path) + QLatin1Char('\n') + note;
        }
        break;
    case Qt::DecorationRole:
        if (index.column() == File && r.hasProblem())
            return QApplication::style()->standardIcon(r.failed() ? QStyle::SP_MessageBoxCritical
                                                                  : QStyle::SP_MessageBoxWarning);
        break;
    case Qt::TextAlignmentRole:
        if (index.column() == Duration || index.column() == SampleRate || index.column() == Clips)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    default: break;
    }
    return {};
}

QVariant RecordingTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole) return {};
    switch (section) {
    case File: return tr("Recording");
    case Duration: return tr("Duration (s)");
    case SampleRate: return tr("Rate (Hz)");
    case Clips: return tr("Clips");
    case Note: return tr("Note");
    }
    return {};
}

} // namespace crowlingo::ui
