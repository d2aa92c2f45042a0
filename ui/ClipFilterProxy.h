#pragma once
// Filters and sorts a ClipTableModel: a text filter (file or label contains, case-insensitive),
// one cluster (or noise) and one label (or unlabelled). Sorts by ClipTableModel::SortRole.
//
//   proxy.setTextFilter("site3");  proxy.setClusterFilter(2);  proxy.setLabelFilter(ClipFilterProxy::kUnlabelled);
//
// Threading: GUI thread only.
#include <QSortFilterProxyModel>

#include <optional>

namespace crowlingo::ui {

class ClipFilterProxy : public QSortFilterProxyModel {
    Q_OBJECT
public:
    static inline const QString kUnlabelled = QStringLiteral("\x01unlabelled"); // not a label anyone types

    explicit ClipFilterProxy(QObject* parent = nullptr);

    void setTextFilter(const QString& text);
    void setClusterFilter(std::optional<int> cluster); // -1 = noise, ArchiveView::kNotClustered; nullopt = all
    void setLabelFilter(std::optional<QString> label); // kUnlabelled = clips without a label; nullopt = all

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex& sourceParent) const override;
    bool lessThan(const QModelIndex& left, const QModelIndex& right) const override; // ClipTableModel::rowLessThan

private:
    QString text_;
    std::optional<int> cluster_;
    std::optional<QString> label_;
};

} // namespace crowlingo::ui
