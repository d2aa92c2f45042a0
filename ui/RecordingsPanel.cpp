#include "ui/RecordingsPanel.h"

#include "ui/ArchiveSession.h"
#include "ui/RecordingTableModel.h"

#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace crowlingo::ui {

RecordingsPanel::RecordingsPanel(ArchiveSession* session, QWidget* parent)
    : QWidget(parent), session_(session), model_(new RecordingTableModel(this)), proxy_(new QSortFilterProxyModel(this)),
      filter_(new QComboBox(this)), tally_(new QLabel(this)), view_(new QTableView(this))
{
    filter_->setObjectName(QStringLiteral("recordingFilterBox"));
    filter_->addItem(tr("All recordings"), int(RecordingFilter::All));
    filter_->addItem(tr("Without clips (not on the map)"), int(RecordingFilter::WithoutClips));
    filter_->addItem(tr("Not read, or read with a note"), int(RecordingFilter::WithProblems));
    filter_->setToolTip(tr("Recordings in which the segmentation found no call are in the archive but not on the map"));
    connect(filter_, &QComboBox::currentIndexChanged, this,
            [this] { model_->setFilter(RecordingFilter(filter_->currentData().toInt())); });

    proxy_->setSourceModel(model_);
    proxy_->setSortRole(RecordingTableModel::SortRole);
    view_->setModel(proxy_);
    view_->setSortingEnabled(true);
    view_->sortByColumn(-1, Qt::AscendingOrder); // the archive's order (by path) until a header is clicked
    view_->setSelectionBehavior(QAbstractItemView::SelectRows);
    view_->setSelectionMode(QAbstractItemView::SingleSelection);
    view_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    view_->setWordWrap(false);
    view_->setTextElideMode(Qt::ElideMiddle); // folder and file name both stay readable
    view_->verticalHeader()->hide();
    view_->horizontalHeader()->setStretchLastSection(true);
    view_->setToolTip(tr("Double-click (or Enter) to show the recording"));
    connect(view_, &QTableView::activated, this, [this](const QModelIndex& i) { activateRow(i.row()); });

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 0);
    bar->addWidget(filter_);
    bar->addWidget(tally_, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    layout->addLayout(bar);
    layout->addWidget(view_, 1);

    connect(session_, &ArchiveSession::archiveOpened, this, &RecordingsPanel::reload);
    connect(session_, &ArchiveSession::archiveClosed, this, &RecordingsPanel::reload);
    connect(session_, &ArchiveSession::currentClipChanged, this, &RecordingsPanel::showCurrentClip);
    reload();
}

void RecordingsPanel::reload()
{
    if (session_->isOpen())
        model_->setRecordings(overviewRecordings(session_->data().recordings, session_->data().clips));
    else
        model_->setRecordings({});
    tally_->setText(session_->isOpen() ? tallyText() : QString());
    view_->resizeColumnsToContents();
    // Long paths must not push the notes out of sight.
    const int widest = std::max(320, view_->viewport()->width() / 2);
    if (view_->columnWidth(RecordingTableModel::File) > widest) view_->setColumnWidth(RecordingTableModel::File, widest);
}

QString RecordingsPanel::tallyText() const
{
    const RecordingTally t = tallyRecordings(model_->recordings());
    QStringList parts;
    parts << tr("%L1 recordings").arg(t.recordings);
    parts << tr("%L1 gave no clip").arg(t.withoutClips);
    if (t.withProblems > 0) parts << tr("%L1 not read or with a note").arg(t.withProblems);
    return parts.join(QStringLiteral(" · "));
}

void RecordingsPanel::setFilter(RecordingFilter filter)
{
    filter_->setCurrentIndex(filter_->findData(int(filter)));
}

void RecordingsPanel::activateRow(int viewRow)
{
    const QModelIndex source = proxy_->mapToSource(proxy_->index(viewRow, 0));
    if (source.isValid()) Q_EMIT recordingActivated(model_->recordingIndex(source.row()));
}

void RecordingsPanel::showCurrentClip()
{
    const int clip = session_->currentClip();
    if (!session_->isOpen() || clip < 0) return;
    const int row = model_->rowOfRecording(session_->data().recordingOfClip[std::size_t(clip)]);
    if (row < 0) return;
    const QModelIndex at = proxy_->mapFromSource(model_->index(row, 0));
    view_->selectionModel()->setCurrentIndex(at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    view_->scrollTo(at);
}

} // namespace crowlingo::ui
