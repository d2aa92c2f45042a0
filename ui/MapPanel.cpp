#include "ui/MapPanel.h"

#include "ui/MapView.h"

#include <QAction>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>

namespace crowlingo::ui {

MapPanel::MapPanel(ArchiveSession* session, QWidget* parent)
    : QWidget(parent), map_(new MapView(session, this)), colourBy_(new QComboBox(this)), tools_(new QHBoxLayout)
{
    colourBy_->addItem(tr("Cluster"), int(MapView::ColourBy::Cluster));
    colourBy_->addItem(tr("Label"), int(MapView::ColourBy::Label));
    colourBy_->addItem(tr("Recording"), int(MapView::ColourBy::Recording));
    colourBy_->addItem(tr("Score"), int(MapView::ColourBy::Score));
    auto* reset = new QToolButton(this);
    reset->setText(tr("Reset view"));
    reset->setToolTip(tr("Fit every clip in the view (R, or double-click empty space)"));
    reset->setAutoRaise(true);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(8, 4, 8, 4);
    bar->setSpacing(6);
    auto* title = new QLabel(tr("<b>Map</b>"), this);
    bar->addWidget(title);
    bar->addSpacing(10);
    bar->addWidget(new QLabel(tr("Colour by"), this));
    bar->addWidget(colourBy_);
    bar->addWidget(reset);
    bar->addStretch(1);
    tools_->setSpacing(2);
    bar->addLayout(tools_);

    auto* line = new QFrame(this);
    line->setFrameShape(QFrame::HLine);
    line->setFrameShadow(QFrame::Plain);
    line->setStyleSheet(QStringLiteral("color: #dcdde3"));

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(line);
    layout->addWidget(map_, 1);

    connect(colourBy_, &QComboBox::currentIndexChanged, this,
            [this] { map_->setColourBy(MapView::ColourBy(colourBy_->currentData().toInt())); });
    connect(reset, &QToolButton::clicked, map_, &MapView::resetView);
}

void MapPanel::setColourBy(int mode)
{
    if (const int i = colourBy_->findData(mode); i >= 0) colourBy_->setCurrentIndex(i);
}

void MapPanel::addToolActions(const QList<QAction*>& actions)
{
    for (QAction* a : actions) {
        auto* b = new QToolButton(this);
        b->setDefaultAction(a);
        b->setAutoRaise(true);
        b->setToolButtonStyle(Qt::ToolButtonTextOnly);
        if (a->menu()) b->setPopupMode(QToolButton::InstantPopup);
        tools_->addWidget(b);
    }
}

} // namespace crowlingo::ui
