#include "ui/ClipTablePanel.h"

#include "ui/ArchiveSession.h"
#include "ui/ClipFilterProxy.h"
#include "ui/ClipTableModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHideEvent>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QTableView>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace crowlingo::ui {

ClipTablePanel::ClipTablePanel(ArchiveSession* session, QWidget* parent)
    : QWidget(parent), session_(session), model_(new ClipTableModel(session, this)), proxy_(new ClipFilterProxy(this)),
      text_(new QLineEdit(this)), cluster_(new QComboBox(this)), label_(new QComboBox(this)), count_(new QLabel(this)),
      view_(new QTableView(this))
{
    model_->setLive(false); // until the table is shown
    proxy_->setSourceModel(model_);
    text_->setPlaceholderText(tr("Filter by file or label…"));
    text_->setClearButtonEnabled(true);
    text_->setMinimumWidth(160);
    cluster_->setMinimumContentsLength(12);
    cluster_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    label_->setMinimumContentsLength(14);
    label_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    count_->setForegroundRole(QPalette::PlaceholderText);

    auto* filters = new QHBoxLayout;
    filters->setContentsMargins(0, 0, 0, 0);
    filters->addWidget(text_, 3);
    filters->addWidget(new QLabel(tr("Cluster"), this));
    filters->addWidget(cluster_, 1);
    filters->addWidget(new QLabel(tr("Label"), this));
    filters->addWidget(label_, 1);
    filters->addWidget(count_);

    view_->setModel(proxy_);
    view_->viewport()->installEventFilter(this);
    view_->setSortingEnabled(true);
    view_->sortByColumn(ClipTableModel::File, Qt::AscendingOrder);
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    view_->setAlternatingRowColors(true);
    view_->setWordWrap(false);
    view_->verticalHeader()->setVisible(false);
    view_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    view_->horizontalHeader()->setSectionResizeMode(ClipTableModel::File, QHeaderView::Stretch);
    view_->horizontalHeader()->setHighlightSections(false);
    // Fixed widths from the header texts (ResizeToContents would measure rows: slow at 100k clips).
    for (int c = ClipTableModel::Start; c < ClipTableModel::ColumnCount; ++c) {
        const QString header = model_->headerData(c, Qt::Horizontal).toString();
        const int w = fontMetrics().horizontalAdvance(header) + 28;
        view_->setColumnWidth(c, c == ClipTableModel::Label ? std::max(w, 120) : std::max(w, 64));
    }

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    layout->addLayout(filters);
    layout->addWidget(view_);

    connect(text_, &QLineEdit::textChanged, this, &ClipTablePanel::applyFilters);
    connect(cluster_, &QComboBox::currentIndexChanged, this, &ClipTablePanel::applyFilters);
    connect(label_, &QComboBox::currentIndexChanged, this, &ClipTablePanel::applyFilters);
    connect(proxy_, &QAbstractItemModel::rowsInserted, this, &ClipTablePanel::updateCount);
    connect(proxy_, &QAbstractItemModel::rowsRemoved, this, &ClipTablePanel::updateCount);
    connect(proxy_, &QAbstractItemModel::modelReset, this, &ClipTablePanel::updateCount);
    connect(proxy_, &QAbstractItemModel::layoutChanged, this, &ClipTablePanel::updateCount);
    connect(view_->selectionModel(), &QItemSelectionModel::selectionChanged, this, &ClipTablePanel::onViewSelectionChanged);
    connect(session_, &ArchiveSession::archiveOpened, this, &ClipTablePanel::refillFilters);
    connect(session_, &ArchiveSession::archiveClosed, this, &ClipTablePanel::refillFilters);
    connect(session_, &ArchiveSession::clusteringChanged, this, &ClipTablePanel::refillFilters);
    connect(session_, &ArchiveSession::labelsChanged, this, &ClipTablePanel::refillFilters);
    connect(session_, &ArchiveSession::currentClipChanged, this, &ClipTablePanel::showCurrentClip);
    connect(session_, &ArchiveSession::selectionChanged, this, &ClipTablePanel::showSelection);
    refillFilters();
}

bool ClipTablePanel::eventFilter(QObject* watched, QEvent* event)
{
    // Live once the table is painted, not when it is shown: a dock tabbed behind another is still
    // "visible" (QMainWindow moves it out of the window instead of hiding it), and a window
    // arranging its docks shows the table for a moment before it raises another tab over it.
    if (watched == view_->viewport() && event->type() == QEvent::Paint && !model_->isLive()) {
        offScreen_ = false;
        QTimer::singleShot(0, this, [this] {
            if (!offScreen_ && isVisible()) setTableLive(true); // not sent behind in between
        });
    }
    return QWidget::eventFilter(watched, event);
}

void ClipTablePanel::leaveScreen()
{
    offScreen_ = true;
    setTableLive(false);
}

void ClipTablePanel::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    if (!event->spontaneous()) leaveScreen(); // the dock closed, not the window minimised
}

// The table holds rows only while it is on screen (ClipTableModel::setLive). Shown again, it sorts
// once and shows the current clip and the selection.
void ClipTablePanel::setTableLive(bool live)
{
    if (model_->isLive() == live) return;
    syncing_ = true; // the view's selection goes with the rows; the session's stays
    model_->setLive(live);
    syncing_ = false;
    updateCount();
    if (!live) return;
    showCurrentClip(session_->currentClip());
    if (!session_->selection().isEmpty()) showSelection();
}

void ClipTablePanel::refillFilters()
{
    // Keep the user's choices when the lists are rebuilt (e.g. after a new label).
    const QVariant cluster = cluster_->currentData(), label = label_->currentData();
    const QSignalBlocker b1(cluster_), b2(label_);
    cluster_->clear();
    cluster_->addItem(tr("All"));
    label_->clear();
    label_->addItem(tr("All"));
    if (session_->isOpen()) {
        const ArchiveView& d = session_->data();
        if (d.hasClustering) {
            // Which ids occur, by position (ids are small, dense and may be -1 for noise): a set
            // of 10^6 inserts took tens of milliseconds after every label edit.
            std::vector<char> occurs(d.cluster.size() + 1, 0);
            std::set<int> sparse; // ids above the clip count: only from a hand-made clustering
            bool noise = false, notClustered = false;
            for (int i = 0; i < d.clipCount(); ++i) {
                const int id = d.clusterOf(i);
                if (id == ArchiveView::kNotClustered) notClustered = true;
                else if (id < 0) noise = true;
                else if (std::size_t(id) < occurs.size()) occurs[std::size_t(id)] = 1;
                else sparse.insert(id);
            }
            // Clips drawn by hand or embedded since the clustering: found at once to check them.
            if (notClustered) cluster_->addItem(tr("not clustered yet"), ArchiveView::kNotClustered);
            if (noise) cluster_->addItem(tr("noise"), -1);
            for (std::size_t id = 0; id < occurs.size(); ++id)
                if (occurs[id]) cluster_->addItem(QString::number(id), int(id));
            for (int id : sparse) cluster_->addItem(QString::number(id), id);
        }
        label_->addItem(tr("(unlabelled)"), ClipFilterProxy::kUnlabelled);
        for (const QString& name : session_->labelNames()) label_->addItem(name, name);
    }
    cluster_->setCurrentIndex(std::max(0, cluster_->findData(cluster)));
    label_->setCurrentIndex(std::max(0, label_->findData(label)));
    applyFilters();
}

void ClipTablePanel::applyFilters()
{
    proxy_->setTextFilter(text_->text());
    const QVariant cluster = cluster_->currentData();
    proxy_->setClusterFilter(cluster.isValid() ? std::optional<int>(cluster.toInt()) : std::nullopt);
    const QVariant label = label_->currentData();
    proxy_->setLabelFilter(label.isValid() ? std::optional<QString>(label.toString()) : std::nullopt);
    updateCount();
}

void ClipTablePanel::updateCount()
{
    count_->setText(tr("%1 of %2 clips").arg(proxy_->rowCount()).arg(model_->rowCount()));
}

void ClipTablePanel::onViewSelectionChanged()
{
    if (syncing_) return;
    QVector<int> clips;
    for (const QModelIndex& row : view_->selectionModel()->selectedRows())
        clips.push_back(row.data(ClipTableModel::ClipIndexRole).toInt());
    const QModelIndex current = view_->selectionModel()->currentIndex();
    syncing_ = true;
    session_->setSelection(clips);
    if (current.isValid() && view_->selectionModel()->isSelected(current))
        session_->setCurrentClip(current.data(ClipTableModel::ClipIndexRole).toInt());
    syncing_ = false;
}

void ClipTablePanel::showCurrentClip(int clipIndex)
{
    if (syncing_ || clipIndex < 0 || !model_->isLive()) return;
    const QModelIndex source = model_->index(clipIndex, 0);
    const QModelIndex row = proxy_->mapFromSource(source);
    if (!row.isValid()) return; // filtered out: leave the user's filter alone
    syncing_ = true;
    view_->selectionModel()->setCurrentIndex(row, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view_->scrollTo(row, QAbstractItemView::PositionAtCenter);
    syncing_ = false;
}

void ClipTablePanel::showSelection()
{
    if (syncing_ || !model_->isLive()) return;
    const QVector<int>& clips = session_->selection();
    if (clips.size() > 20'000) return; // a selection that large is for labelling, not for reading
    QItemSelection selection;
    for (int clip : clips) {
        const QModelIndex row = proxy_->mapFromSource(model_->index(clip, 0));
        if (row.isValid()) selection.select(row, row);
    }
    syncing_ = true;
    view_->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    syncing_ = false;
}

} // namespace crowlingo::ui
