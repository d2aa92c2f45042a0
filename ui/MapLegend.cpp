#include "ui/MapLegend.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QMouseEvent>
#include <QPainter>
#include <QPixmap>
#include <QScrollBar>
#include <QToolButton>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <algorithm>

namespace crowlingo::ui {

namespace {
constexpr int kMargin = 12;     // from the map's edges
constexpr int kSwatch = 12;

QIcon swatch(const QColor& colour)
{
    QPixmap pm(kSwatch, kSwatch);
    pm.fill(Qt::transparent);
    QPainter p(&pm);
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(Qt::NoPen);
    p.setBrush(colour);
    p.drawEllipse(QRectF(1, 1, kSwatch - 2, kSwatch - 2));
    return QIcon(pm);
}
} // namespace

MapLegend::MapLegend(QWidget* map)
    : QFrame(map), titleBar_(new QWidget(this)), collapse_(new QToolButton(titleBar_)), title_(new QLabel(titleBar_)),
      list_(new QTreeWidget(this))
{
    setObjectName(QStringLiteral("mapLegend"));
    setFrameShape(QFrame::StyledPanel);
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(255, 255, 255, 240));
    setPalette(pal);

    collapse_->setAutoRaise(true);
    collapse_->setArrowType(Qt::DownArrow);
    collapse_->setToolTip(tr("Fold the legend to its title"));
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    titleBar_->setCursor(Qt::OpenHandCursor);
    titleBar_->setToolTip(tr("Drag to move the legend"));
    auto* bar = new QHBoxLayout(titleBar_);
    bar->setContentsMargins(2, 0, 6, 0);
    bar->setSpacing(2);
    bar->addWidget(collapse_);
    bar->addWidget(title_, 1);
    titleBar_->installEventFilter(this);
    title_->installEventFilter(this);

    list_->setColumnCount(2);
    list_->setHeaderHidden(true);
    list_->setRootIsDecorated(false);
    list_->setIconSize(QSize(kSwatch, kSwatch));
    list_->setFrameShape(QFrame::NoFrame);
    list_->setTextElideMode(Qt::ElideNone); // full names; the list scrolls sideways if it must
    list_->setSelectionMode(QAbstractItemView::NoSelection);
    list_->setFocusPolicy(Qt::NoFocus);     // keys stay with the map
    list_->setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    list_->header()->setStretchLastSection(false);
    list_->header()->setSectionResizeMode(0, QHeaderView::ResizeToContents);
    list_->header()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    list_->setToolTip(tr("Click a row to select its clips"));
    connect(list_, &QTreeWidget::itemClicked, this,
            [this](QTreeWidgetItem* item) { Q_EMIT entryClicked(list_->indexOfTopLevelItem(item)); });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->setSpacing(0);
    layout->addWidget(titleBar_);
    layout->addWidget(list_);

    connect(collapse_, &QToolButton::clicked, this, [this] { setCollapsed(!collapsed_); });
    map->installEventFilter(this); // follows the map's size
    fit();
}

void MapLegend::setEntries(const QString& title, const QVector<LegendEntry>& entries)
{
    title_->setText(title);
    list_->clear();
    QList<QTreeWidgetItem*> items;
    items.reserve(entries.size());
    for (const LegendEntry& e : entries) {
        auto* item = new QTreeWidgetItem({e.name, QString::number(e.count)});
        item->setIcon(0, swatch(e.colour));
        item->setTextAlignment(1, Qt::AlignRight | Qt::AlignVCenter);
        item->setForeground(1, QColor(0x70, 0x70, 0x78));
        item->setToolTip(0, tr("%1: %n clip(s) · click to select them", nullptr, e.count).arg(e.name));
        items << item;
    }
    list_->addTopLevelItems(items);
    setVisible(!entries.isEmpty());
    fit();
}

QString MapLegend::title() const { return title_->text(); }
int MapLegend::rowCount() const { return list_->topLevelItemCount(); }
QString MapLegend::rowName(int row) const
{
    const QTreeWidgetItem* item = list_->topLevelItem(row);
    return item ? item->text(0) : QString();
}

void MapLegend::setCollapsed(bool collapsed)
{
    collapsed_ = collapsed;
    list_->setVisible(!collapsed);
    collapse_->setArrowType(collapsed ? Qt::RightArrow : Qt::DownArrow);
    collapse_->setToolTip(collapsed ? tr("Unfold the legend") : tr("Fold the legend to its title"));
    fit();
}

void MapLegend::fit()
{
    const QWidget* map = parentWidget();
    const int maxW = std::max(160, map->width() * 45 / 100);
    const int maxH = std::max(60, map->height() - 2 * kMargin);
    // As wide as the longest name (and the title) needs, up to 45 % of the map.
    const QAbstractItemView* view = list_; // QTreeView hides these hints; the base class offers them
    int listW = 0;
    for (int c = 0; c < 2; ++c) listW += view->sizeHintForColumn(c);
    listW += list_->iconSize().width() + 24;
    const int titleW = title_->sizeHint().width() + collapse_->sizeHint().width() + 16;
    int w = std::min(maxW, std::max(titleW, collapsed_ ? 0 : listW));
    int h = titleBar_->sizeHint().height() + 6;
    if (!collapsed_) {
        const int rows = list_->topLevelItemCount();
        const int rowH = rows > 0 ? view->sizeHintForRow(0) : 0;
        const bool sideways = listW > w;
        h += rows * rowH + 4 + (sideways ? list_->horizontalScrollBar()->sizeHint().height() : 0);
        if (h > maxH) w = std::min(maxW, w + list_->verticalScrollBar()->sizeHint().width()); // room for the bar
    }
    resize(w, std::min(h, maxH));
    // Top right until the user moves it; always inside the map.
    QPoint at = placedByUser_ ? pos() : QPoint(map->width() - width() - kMargin, kMargin);
    at.setX(std::clamp(at.x(), 0, std::max(0, map->width() - width())));
    at.setY(std::clamp(at.y(), 0, std::max(0, map->height() - height())));
    move(at);
}

bool MapLegend::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == parentWidget()) {
        if (event->type() == QEvent::Resize) fit();
        return false;
    }
    // Dragging by the title bar (or its text).
    switch (event->type()) {
    case QEvent::MouseButtonPress: {
        auto* e = static_cast<QMouseEvent*>(event);
        if (e->button() != Qt::LeftButton) break;
        dragging_ = true;
        dragOffset_ = e->globalPosition().toPoint() - pos();
        titleBar_->setCursor(Qt::ClosedHandCursor);
        return true;
    }
    case QEvent::MouseMove:
        if (dragging_) {
            placedByUser_ = true;
            move(static_cast<QMouseEvent*>(event)->globalPosition().toPoint() - dragOffset_);
            fit(); // clamps inside the map
            return true;
        }
        break;
    case QEvent::MouseButtonRelease:
        if (dragging_) {
            dragging_ = false;
            titleBar_->setCursor(Qt::OpenHandCursor);
            return true;
        }
        break;
    case QEvent::MouseButtonDblClick:
        setCollapsed(!collapsed_); // as in a title bar
        return true;
    default:
        break;
    }
    return QFrame::eventFilter(watched, event);
}

} // namespace crowlingo::ui
