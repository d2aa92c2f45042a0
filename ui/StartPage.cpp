#include "ui/StartPage.h"

#include <QFileInfo>
#include <QFrame>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace crowlingo::ui {

StartPage::StartPage(QWidget* parent)
    : QWidget(parent), recent_(new QListWidget(this)), recentTitle_(new QLabel(tr("<b>Recent archives</b>"), this)),
      status_(new QLabel(this))
{
    setAutoFillBackground(true);
    QPalette pal = palette();
    pal.setColor(QPalette::Window, QColor(0xf3, 0xf4, 0xf7));
    setPalette(pal);

    auto* card = new QFrame(this);
    card->setObjectName(QStringLiteral("startCard"));
    card->setStyleSheet(QStringLiteral("#startCard { background: white; border: 1px solid #dcdde3; border-radius: 10px; }"));
    card->setFixedWidth(600); // a fixed width lets the wrapped subtitle compute its height

    auto* title = new QLabel(tr("<span style='font-size:22pt; font-weight:600'>CrowLingo Workbench</span>"), card);
    auto* subtitle = new QLabel(tr("Explore animal vocalisations by what a self-supervised model hears in them: "
                                   "a map of every call, its nearest neighbours, and labels you add as you listen."),
                                card);
    subtitle->setWordWrap(true);
    subtitle->setForegroundRole(QPalette::PlaceholderText);
    subtitle->setMinimumHeight(subtitle->heightForWidth(600 - 72));
    auto* hint = new QLabel(tr("An archive (*.crowlingo) holds the clips of a folder of recordings and their "
                               "embeddings. Make one here, or with <tt>crowlingo-cli embed FOLDER -o FILE</tt>."),
                            card);
    hint->setWordWrap(true);
    hint->setForegroundRole(QPalette::PlaceholderText);

    auto* open = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), tr("  Open archive…"), card);
    auto* create = new QPushButton(style()->standardIcon(QStyle::SP_DirOpenIcon), tr("  New archive from a folder of recordings…"), card);
    for (QPushButton* b : {open, create}) {
        b->setMinimumHeight(40);
        b->setStyleSheet(QStringLiteral("text-align: left; padding-left: 14px;"));
    }
    open->setDefault(true);

    recent_->setFrameShape(QFrame::NoFrame);
    recent_->setMaximumHeight(180);
    recent_->setStyleSheet(QStringLiteral("QListWidget::item { padding: 4px; }"));
    status_->setWordWrap(true);
    status_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    auto* cardLayout = new QVBoxLayout(card);
    cardLayout->setContentsMargins(36, 32, 36, 28);
    cardLayout->setSpacing(12);
    cardLayout->addWidget(title);
    cardLayout->addWidget(subtitle);
    cardLayout->addSpacing(8);
    cardLayout->addWidget(open);
    cardLayout->addWidget(create);
    cardLayout->addSpacing(8);
    cardLayout->addWidget(hint);
    cardLayout->addSpacing(4);
    cardLayout->addWidget(recentTitle_);
    cardLayout->addWidget(recent_);
    cardLayout->addWidget(status_);

    auto* outer = new QVBoxLayout(this);
    outer->addStretch(1);
    outer->addWidget(card, 0, Qt::AlignHCenter);
    outer->addStretch(2);

    connect(open, &QPushButton::clicked, this, &StartPage::openRequested);
    connect(create, &QPushButton::clicked, this, &StartPage::createRequested);
    connect(recent_, &QListWidget::itemActivated, this, [this](QListWidgetItem* item) {
        Q_EMIT recentRequested(item->data(Qt::UserRole).toString());
    });
    setRecentFiles({});
    setStatus({});
}

void StartPage::setRecentFiles(const QStringList& files)
{
    recent_->clear();
    for (const QString& f : files) {
        const QFileInfo info(f);
        auto* item = new QListWidgetItem(style()->standardIcon(QStyle::SP_FileIcon),
                                         info.fileName() + QStringLiteral("   —   ") + info.absolutePath(), recent_);
        item->setData(Qt::UserRole, f);
        item->setToolTip(f);
    }
    recentTitle_->setVisible(!files.isEmpty());
    recent_->setVisible(!files.isEmpty());
}

void StartPage::setStatus(const QString& text)
{
    status_->setText(text);
    status_->setVisible(!text.isEmpty());
}

} // namespace crowlingo::ui
