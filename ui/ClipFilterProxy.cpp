#include "ui/ClipFilterProxy.h"

#include "ui/ClipTableModel.h"

namespace crowlingo::ui {

ClipFilterProxy::ClipFilterProxy(QObject* parent) : QSortFilterProxyModel(parent)
{
    setSortRole(ClipTableModel::SortRole);
    setDynamicSortFilter(true);
}

void ClipFilterProxy::setTextFilter(const QString& text)
{
    if (text.trimmed() == text_) return;
    text_ = text.trimmed();
    invalidateFilter();
}

void ClipFilterProxy::setClusterFilter(std::optional<int> cluster)
{
    if (cluster == cluster_) return;
    cluster_ = cluster;
    invalidateFilter();
}

void ClipFilterProxy::setLabelFilter(std::optional<QString> label)
{
    if (label == label_) return;
    label_ = std::move(label);
    invalidateFilter();
}

bool ClipFilterProxy::filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const
{
    const QAbstractItemModel* m = sourceModel();
    const auto value = [&](int column) { return m->index(sourceRow, column, sourceParent).data(ClipTableModel::SortRole); };
    if (cluster_ && value(ClipTableModel::Cluster).toInt() != *cluster_) return false;
    if (label_) {
        const QString label = value(ClipTableModel::Label).toString();
        if (*label_ == kUnlabelled ? !label.isEmpty() : label != *label_) return false;
    }
    if (!text_.isEmpty() && !value(ClipTableModel::File).toString().contains(text_, Qt::CaseInsensitive) &&
        !value(ClipTableModel::Label).toString().contains(text_, Qt::CaseInsensitive))
        return false;
    return true;
}

bool ClipFilterProxy::lessThan(const QModelIndex& left, const QModelIndex& right) const
{
    if (const auto* clips = qobject_cast<const ClipTableModel*>(sourceModel()))
        return clips->rowLessThan(left.row(), right.row(), left.column());
    return QSortFilterProxyModel::lessThan(left, right);
}

} // namespace crowlingo::ui
