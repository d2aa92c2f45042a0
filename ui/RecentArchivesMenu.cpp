#include "ui/RecentArchivesMenu.h"

#include <QFileInfo>
#include <QSettings>

namespace crowlingo::ui {

namespace {
constexpr int kMaxRecent = 8;
const char* kRecentKey = "recentArchives";

QStringList stored() { return QSettings().value(QLatin1String(kRecentKey)).toStringList(); }
} // namespace

RecentArchivesMenu::RecentArchivesMenu(QWidget* parent) : QMenu(tr("Open &Recent"), parent) {}

QStringList RecentArchivesMenu::files() const
{
    QStringList recent = stored();
    recent.removeIf([](const QString& f) { return !QFileInfo::exists(f); });
    return recent;
}

void RecentArchivesMenu::add(const QString& file)
{
    QStringList recent = stored();
    recent.removeAll(file);
    recent.prepend(file);
    while (recent.size() > kMaxRecent) recent.removeLast();
    QSettings().setValue(QLatin1String(kRecentKey), recent);
    refresh();
}

void RecentArchivesMenu::refresh()
{
    const QStringList recent = files();
    clear();
    for (const QString& f : recent) {
        QAction* a = addAction(QFileInfo(f).fileName());
        a->setToolTip(f);
        connect(a, &QAction::triggered, this, [this, f] { Q_EMIT openRequested(f); });
    }
    setEnabled(!recent.isEmpty());
    Q_EMIT filesChanged(recent);
}

} // namespace crowlingo::ui
