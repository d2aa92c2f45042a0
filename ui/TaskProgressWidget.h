#pragma once
// The status bar's view of a TaskRunner: what is running, a progress bar, the time left and a
// cancel button; hidden while nothing runs.
//
//   auto* w = new TaskProgressWidget(&runner);  statusBar()->addPermanentWidget(w);
//
// Threading: GUI thread only.
#include <QWidget>

class QLabel;
class QProgressBar;
class QToolButton;

namespace crowlingo::ui {

class TaskRunner;

class TaskProgressWidget : public QWidget {
    Q_OBJECT
public:
    explicit TaskProgressWidget(TaskRunner* runner, QWidget* parent = nullptr);

private:
    void onProgress(double done, const QString& what, double etaSeconds);

    QLabel* what_;
    QProgressBar* bar_;
    QLabel* eta_;
    QToolButton* cancel_;
};

} // namespace crowlingo::ui
