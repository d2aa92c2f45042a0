#include "ui/LabelBar.h"

#include "ui/ArchiveSession.h"

#include <QCompleter>
#include <QHBoxLayout>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QStringListModel>

namespace crowlingo::ui {

LabelBar::LabelBar(ArchiveSession* session, QWidget* parent)
    : QWidget(parent), session_(session), edit_(new QLineEdit(this)), apply_(new QPushButton(tr("Label"), this)),
      clear_(new QPushButton(tr("Clear"), this)), target_(new QLabel(this)), names_(new QStringListModel(this))
{
    edit_->setPlaceholderText(tr("label (Ctrl+L)"));
    edit_->setClearButtonEnabled(true);
    edit_->setFixedWidth(220);
    auto* completer = new QCompleter(names_, this);
    completer->setCaseSensitivity(Qt::CaseInsensitive);
    edit_->setCompleter(completer);
    apply_->setToolTip(tr("Save this label for the selected clips (or the current clip)"));
    clear_->setToolTip(tr("Remove your label from the selected clips (or the current clip)"));
    target_->setForegroundRole(QPalette::PlaceholderText);
    target_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("→ 10000 selected clips")));

    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(4, 0, 4, 0);
    layout->setSpacing(4);
    layout->addWidget(edit_);
    layout->addWidget(apply_);
    layout->addWidget(clear_);
    layout->addWidget(target_);
    layout->addStretch(1); // the toolbar hands its spare width to us; keep the buttons compact

    // Ctrl+Z right after a label was applied from the field takes the label back (the window's
    // undo), instead of the field's own undo emptying it; once the text is edited it is the field's.
    edit_->installEventFilter(this);
    connect(edit_, &QLineEdit::textEdited, this, [this] { justApplied_ = false; });
    connect(apply_, &QPushButton::clicked, this, [this] { applyLabel(edit_->text()); });
    connect(edit_, &QLineEdit::returnPressed, this, [this] { applyLabel(edit_->text()); });
    connect(clear_, &QPushButton::clicked, this, [this] { applyLabel(QString()); });
    for (auto signal : {&ArchiveSession::selectionChanged, &ArchiveSession::archiveOpened, &ArchiveSession::archiveClosed})
        connect(session_, signal, this, &LabelBar::updateTarget);
    connect(session_, &ArchiveSession::currentClipChanged, this, &LabelBar::updateTarget);
    connect(session_, &ArchiveSession::labelsChanged, this, [this] { names_->setStringList(session_->labelNames()); });
    connect(session_, &ArchiveSession::archiveOpened, this, [this] { names_->setStringList(session_->labelNames()); });
    updateTarget();
}

void LabelBar::focusEdit()
{
    edit_->setFocus(Qt::ShortcutFocusReason);
    edit_->selectAll();
}

bool LabelBar::applyLabel(const QString& label)
{
    const QVector<int> targets = session_->actionTargets();
    if (targets.isEmpty()) return false;
    justApplied_ = session_->applyLabel(targets, label);
    return justApplied_;
}

bool LabelBar::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == edit_ && event->type() == QEvent::ShortcutOverride && justApplied_ &&
        static_cast<QKeyEvent*>(event)->matches(QKeySequence::Undo)) {
        event->ignore(); // not the field's: the window's Undo shortcut takes it
        return true;
    }
    return QWidget::eventFilter(watched, event);
}

void LabelBar::updateTarget()
{
    const int n = session_->actionTargets().size();
    target_->setText(n == 0 ? tr("→ no clip selected") : n == 1 ? tr("→ 1 clip") : tr("→ %1 selected clips").arg(n));
    apply_->setEnabled(n > 0);
    clear_->setEnabled(n > 0);
}

} // namespace crowlingo::ui
