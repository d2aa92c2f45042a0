#include "ui/NeighbourPanel.h"

#include "ui/ClusterName.h"

#include "ui/ArchiveSession.h"
#include "ui/ClipSpectrogram.h"
#include "ui/Result.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QSpinBox>
#include <QStyle>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace crowlingo::ui {

namespace {
constexpr int kThumbW = 120, kThumbH = 44;
enum Column { Rank, Thumbnail, Clip, Similarity, Play, ColumnCount };
} // namespace

NeighbourPanel::NeighbourPanel(ArchiveSession* session, QWidget* parent)
    : QWidget(parent), session_(session), title_(new QLabel(this)), k_(new QSpinBox(this)), playAll_(new QToolButton(this)),
      table_(new QTableWidget(0, ColumnCount, this))
{
    k_->setRange(1, 50);
    k_->setValue(session_->neighbourCount());
    k_->setPrefix(tr("k = "));
    k_->setToolTip(tr("Number of neighbours"));
    playAll_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    playAll_->setAutoRaise(true);
    playAll_->setVisible(false);

    auto* top = new QHBoxLayout;
    top->addWidget(title_, 1);
    top->addWidget(playAll_);
    top->addWidget(k_);

    table_->setHorizontalHeaderLabels({tr("#"), tr("Spectrogram"), tr("Clip"), tr("Similarity"), QString()});
    table_->horizontalHeaderItem(Similarity)
        ->setToolTip(tr("Cosine similarity in the archive's retrieval space: the model's vectors on the archive's "
                        "main axes, whitened (1: alike; near 0: unrelated)"));
    table_->verticalHeader()->setVisible(false);
    table_->verticalHeader()->setDefaultSectionSize(kThumbH + 8);
    table_->setIconSize(QSize(kThumbW, kThumbH));
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setShowGrid(false);
    table_->setWordWrap(false);
    table_->setFocusPolicy(Qt::NoFocus); // keys (Space, N, P) stay with the window's shortcuts
    auto* h = table_->horizontalHeader();
    h->setSectionResizeMode(Rank, QHeaderView::ResizeToContents);
    h->setSectionResizeMode(Thumbnail, QHeaderView::Fixed);
    h->setSectionResizeMode(Clip, QHeaderView::Stretch);
    h->setSectionResizeMode(Similarity, QHeaderView::ResizeToContents);
    h->setSectionResizeMode(Play, QHeaderView::Fixed);
    table_->setColumnWidth(Thumbnail, kThumbW + 12);
    table_->setColumnWidth(Play, 34);
    h->setHighlightSections(false);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(4);
    layout->addLayout(top);
    layout->addWidget(table_);

    connect(k_, &QSpinBox::valueChanged, session_, &ArchiveSession::setNeighbourCount);
    connect(session_, &ArchiveSession::neighboursChanged, this, &NeighbourPanel::rebuild);
    connect(session_, &ArchiveSession::archiveClosed, this, &NeighbourPanel::rebuild);
    // Labels and clusters change what a row says, not which clips are listed.
    connect(session_, &ArchiveSession::labelsChanged, this, &NeighbourPanel::updateClipTexts);
    connect(session_, &ArchiveSession::clusteringChanged, this, &NeighbourPanel::updateClipTexts);
    connect(table_, &QTableWidget::cellDoubleClicked, this, [this](int row, int) {
        const int clip = clipAtRow(row);
        if (clip >= 0) session_->setCurrentClip(clip);
    });
    rebuild();
}

void NeighbourPanel::setPlayAllAction(QAction* action)
{
    playAll_->setDefaultAction(action);
    playAll_->setVisible(true);
}

int NeighbourPanel::rowCount() const { return table_->rowCount(); }

QString NeighbourPanel::titleText() const { return title_->text(); }

int NeighbourPanel::clipAtRow(int row) const
{
    const QTableWidgetItem* item = table_->item(row, Clip);
    return item ? item->data(Qt::UserRole).toInt() : -1;
}

void NeighbourPanel::rebuild()
{
    thumbnailJob_.drop();
    table_->setRowCount(0);
    const int current = session_->currentClip();
    if (!session_->isOpen() || current < 0) {
        title_->setText(tr("<b>Neighbours</b> — select a clip"));
        return;
    }
    const ArchiveView& d = session_->data();
    const auto& hits = session_->neighbours();
    // Large archives are searched through their stored lists (core/analysis/InvertedLists.h): say
    // so, as the answer is then very nearly, not exactly, the nearest clips.
    const bool listed = d.index && d.index->usesLists();
    title_->setText(hits.isEmpty() ? tr("<b>Neighbours</b> — this clip has no embedding")
                                   : tr("<b>Neighbours</b> of clip #%1").arg(d.clips[std::size_t(current)].id)
                                         + (listed ? tr(" · fast search") : QString()));
    title_->setToolTip(listed ? tr("This archive is large, so a clip is compared only with the clips of the groups "
                                   "most like it (stored with the archive), not with every clip: about 95 % of the "
                                   "exact nearest are found where calls form groups.\n"
                                   "crowlingo-cli neighbours --exact compares with every clip.")
                              : QString());
    table_->setRowCount(hits.size());
    for (int r = 0; r < hits.size(); ++r) {
        const int i = hits[r].clipIndex;
        const ClipRow& c = d.clips[std::size_t(i)];
        auto* rank = new QTableWidgetItem(QString::number(r + 1));
        rank->setTextAlignment(Qt::AlignCenter);
        table_->setItem(r, Rank, rank);
        table_->setItem(r, Thumbnail, new QTableWidgetItem);
        auto* clip = new QTableWidgetItem(clipText(i));
        clip->setData(Qt::UserRole, i);
        clip->setToolTip(QString::fromStdString(c.path));
        table_->setItem(r, Clip, clip);
        auto* sim = new QTableWidgetItem(QString::number(hits[r].similarity, 'f', 3));
        sim->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        table_->setItem(r, Similarity, sim);
        auto* play = new QToolButton(table_);
        play->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
        play->setAutoRaise(true);
        play->setToolTip(tr("Play this clip"));
        play->setFocusPolicy(Qt::NoFocus);
        connect(play, &QToolButton::clicked, this, [this, i] { Q_EMIT playRequested(i); });
        table_->setCellWidget(r, Play, play);
    }
    requestThumbnails();
}

QString NeighbourPanel::clipText(int clipIndex) const
{
    const ArchiveView& d = session_->data();
    const ClipRow& c = d.clips[std::size_t(clipIndex)];
    QString second = tr("%1 – %2 s").arg(c.start, 0, 'f', 2).arg(c.end, 0, 'f', 2);
    if (d.hasClustering) {
        second += QStringLiteral(" · ") + clusterName(d.clusterOf(clipIndex));
    }
    if (!d.label[std::size_t(clipIndex)].empty())
        second += QStringLiteral(" · ") + QString::fromStdString(d.label[std::size_t(clipIndex)]);
    return QFileInfo(QString::fromStdString(c.path)).fileName() + QLatin1Char('\n') + second;
}

QString NeighbourPanel::rowText(int row) const
{
    const QTableWidgetItem* item = table_->item(row, Clip);
    return item ? item->text() : QString();
}

void NeighbourPanel::updateClipTexts()
{
    if (!session_->isOpen()) return;
    for (int r = 0; r < table_->rowCount(); ++r)
        if (QTableWidgetItem* item = table_->item(r, Clip)) item->setText(clipText(item->data(Qt::UserRole).toInt()));
}

void NeighbourPanel::setSpectrogramSettings(const SpectrogramSettings& settings)
{
    settings_ = settings;
    if (session_->isOpen()) {
        thumbnailJob_.drop();
        requestThumbnails();
    }
}

void NeighbourPanel::requestThumbnails()
{
    const ArchiveView& d = session_->data();
    std::vector<ClipSpectrogramRequest> requests;
    for (const NeighbourHit& h : session_->neighbours()) {
        const ClipRow& c = d.clips[std::size_t(h.clipIndex)];
        requests.push_back({.file = d.audioFile(h.clipIndex), .start = c.start, .end = c.end, .context = 0.05,
                            .timeExpansion = d.timeExpansion, .maxFrames = 600, .settings = settings_});
    }
    if (requests.empty()) return;
    const SpectrogramSettings settings = settings_;
    thumbnailJob_.run([requests, settings] {
        // One worker for the whole list; a file that cannot be read gets a blank thumbnail (the
        // inspector shows the error when that clip is opened).
        std::vector<QImage> images;
        for (const ClipSpectrogramRequest& q : requests) {
            Result<QImage> r = runCatching([&] {
                const Spectrogram s = clipSpectrogram(q);
                return spectrogramToImage(s, displayRange(s, settings), settings.colormap, QSize(kThumbW, kThumbH));
            });
            images.push_back(r.ok() ? *r.value : QImage());
        }
        return images;
    }, [this](const std::vector<QImage>& images) {
        for (int r = 0; r < table_->rowCount() && std::size_t(r) < images.size(); ++r)
            if (QTableWidgetItem* item = table_->item(r, Thumbnail); item && !images[std::size_t(r)].isNull())
                item->setIcon(QIcon(QPixmap::fromImage(images[std::size_t(r)])));
    });
}

void NeighbourPanel::setPlayingClip(int clipIndex)
{
    for (int r = 0; r < table_->rowCount(); ++r) {
        const bool playing = clipAtRow(r) == clipIndex && clipIndex >= 0;
        if (QTableWidgetItem* rank = table_->item(r, Rank)) {
            rank->setText(playing ? QStringLiteral("▶") : QString::number(r + 1));
            if (playing) table_->selectRow(r);
        }
    }
    if (clipIndex < 0) table_->clearSelection();
}

} // namespace crowlingo::ui
