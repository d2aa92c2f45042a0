#include "ui/ClipTableModel.h"

#include "ui/ArchiveSession.h"

#include <QColor>
#include <QFileInfo>

#include <algorithm>
#include <cmath>
#include <limits>

namespace crowlingo::ui {

ClipTableModel::ClipTableModel(ArchiveSession* session, QObject* parent) : QAbstractTableModel(parent), session_(session)
{
    auto reset = [this] { setLive(live_); };
    connect(session_, &ArchiveSession::archiveOpened, this, reset);
    connect(session_, &ArchiveSession::archiveClosed, this, reset);
    connect(session_, &ArchiveSession::clusteringChanged, this, [this] { columnChanged(Cluster); });
    connect(session_, &ArchiveSession::currentClipChanged, this, [this] { columnChanged(Similarity); });
    connect(session_, &ArchiveSession::scoresChanged, this, [this] {
        columnChanged(Score);
        Q_EMIT headerDataChanged(Qt::Horizontal, Score, Score);
    });
    connect(session_, &ArchiveSession::labelsChanged, this, [this](const QVector<int>& clips) {
        if (clips.isEmpty()) return;
        // One signal over the span of changed rows: cheaper for the proxy than one per clip.
        const auto [lo, hi] = std::minmax_element(clips.begin(), clips.end());
        if (*lo < 0 || *hi >= rows_) return;
        Q_EMIT dataChanged(index(*lo, Label), index(*hi, Label));
    });
}

void ClipTableModel::setLive(bool live)
{
    beginResetModel();
    live_ = live;
    rows_ = live ? session_->clipCount() : 0;
    endResetModel();
}

void ClipTableModel::columnChanged(int column)
{
    if (rows_ > 0) Q_EMIT dataChanged(index(0, column), index(rows_ - 1, column));
}

int ClipTableModel::rowCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : rows_; }

int ClipTableModel::columnCount(const QModelIndex& parent) const { return parent.isValid() ? 0 : ColumnCount; }

const std::string* ClipTableModel::sortText(int row, int column) const
{
    const ArchiveView& d = session_->data();
    if (column == File) return &d.clips[std::size_t(row)].path;
    if (column == Label) return &d.label[std::size_t(row)];
    return nullptr;
}

double ClipTableModel::sortNumber(int row, int column) const
{
    const ArchiveView& d = session_->data();
    const ClipRow& c = d.clips[std::size_t(row)];
    // A missing value sorts before every real one: no clustering -2, no similarity -2, no score -1.
    auto orNone = [](float v, double none) { return std::isfinite(v) ? double(v) : none; };
    switch (column) {
    case Start: return c.start;
    case Duration: return c.end - c.start;
    case LowHz: return c.highHz > c.lowHz ? c.lowHz : -1.0; // the whole band first
    case HighHz: return c.highHz > c.lowHz ? c.highHz : -1.0;
    case Cluster: return d.clusterOf(row); // kNotClustered (-2) for a clip in no clustering
    case Similarity: return orNone(session_->similarityToCurrent(row), -2.0);
    case Score: return orNone(session_->score(row), -1.0);
    }
    return 0;
}

bool ClipTableModel::rowLessThan(int a, int b, int column) const
{
    if (!session_->isOpen() || std::max(a, b) >= session_->clipCount()) return a < b;
    if (const std::string* x = sortText(a, column)) return *x < *sortText(b, column);
    return sortNumber(a, column) < sortNumber(b, column);
}

QVariant ClipTableModel::data(const QModelIndex& index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid)) return {};
    if (!session_->isOpen() || index.row() >= session_->clipCount()) return {};
    const int i = index.row();
    const ArchiveView& d = session_->data();
    const ClipRow& c = d.clips[std::size_t(i)];
    if (role == ClipIndexRole) return i;
    if (role == ClipIdRole) return qlonglong(c.id);
    const int cluster = d.clusterOf(i); // kNotClustered: a clip the clustering does not hold
    const float similarity = session_->similarityToCurrent(i);
    const float score = session_->score(i);
    if (role == SortRole) {
        if (const std::string* text = sortText(i, index.column())) return QString::fromStdString(*text);
        if (index.column() == Cluster) return int(sortNumber(i, Cluster));
        return sortNumber(i, index.column());
    }
    if (role == Qt::DisplayRole) {
        switch (index.column()) {
        case File: return QFileInfo(QString::fromStdString(c.path)).fileName();
        case Start: return QString::number(c.start, 'f', 2);
        case Duration: return QString::number(c.end - c.start, 'f', 2);
        case LowHz: return c.highHz > c.lowHz ? QString::number(c.lowHz, 'f', 0) : QString();
        case HighHz: return c.highHz > c.lowHz ? QString::number(c.highHz, 'f', 0) : QString();
        case Cluster: // a clip added since the clustering (drawn by hand, embedded later): none, not noise
            return cluster == ArchiveView::kNotClustered ? QString() : cluster < 0 ? tr("noise") : QString::number(cluster);
        case Label: return QString::fromStdString(d.label[std::size_t(i)]);
        case Similarity: return std::isfinite(similarity) ? QString::number(similarity, 'f', 3) : QString();
        case Score: return std::isfinite(score) ? QString::number(score, 'f', 3) : QString();
        }
        return {};
    }
    if (role == Qt::ToolTipRole && index.column() == File)
        return c.byHand ? tr("%1 (drawn by hand)").arg(QString::fromStdString(c.path)) : QString::fromStdString(c.path);
    if (role == Qt::TextAlignmentRole && index.column() != File && index.column() != Label)
        return QVariant(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ForegroundRole && index.column() == Cluster && cluster < 0) return QColor(0x80, 0x80, 0x88);
    return {};
}

QVariant ClipTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || section < 0 || section >= ColumnCount) return {};
    if (role == Qt::DisplayRole) {
        switch (section) {
        case File: return tr("File");
        case Start: return tr("Start (s)");
        case Duration: return tr("Duration (s)");
        case LowHz: return tr("Low (Hz)");
        case HighHz: return tr("High (Hz)");
        case Cluster: return tr("Cluster");
        case Label: return tr("Label");
        case Similarity: return tr("Similarity");
        case Score: return session_->scoresName().isEmpty() ? tr("Score") : tr("Score: %1").arg(session_->scoresName());
        }
    }
    if (role == Qt::ToolTipRole && (section == LowHz || section == HighHz))
        return tr("The clip's band as drawn or detected, in the recording's own Hz (empty: the whole band)");
    if (role == Qt::ToolTipRole && section == Similarity) return tr("Cosine similarity to the current clip in the archive's retrieval space (1: alike; near 0: unrelated)");
    if (role == Qt::ToolTipRole && section == Score) return tr("Probability given by the Find Calls classifier");
    return {};
}

} // namespace crowlingo::ui
