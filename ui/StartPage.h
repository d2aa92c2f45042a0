#pragma once
// What the window shows with no archive open: open an archive, create one from a folder of
// recordings, or pick a recent archive.
//
//   auto* start = new StartPage;  start->setRecentFiles(recent);
//   connect(start, &StartPage::openRequested, this, &MainWindow::openArchiveDialog);
//
// Threading: GUI thread only.
#include <QWidget>

class QLabel;
class QListWidget;

namespace crowlingo::ui {

class StartPage : public QWidget {
    Q_OBJECT
public:
    explicit StartPage(QWidget* parent = nullptr);

    void setRecentFiles(const QStringList& files);
    void setStatus(const QString& text); // e.g. "Opening …" or the last error

Q_SIGNALS:
    void openRequested();
    void createRequested();
    void recentRequested(const QString& file);

private:
    QListWidget* recent_;
    QLabel* recentTitle_;
    QLabel* status_;
};

} // namespace crowlingo::ui
