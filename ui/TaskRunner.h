#pragma once
// Long work off the GUI thread — embedding a folder, computing a map, clustering, exporting —
// one task at a time, with progress, an ETA and cancel. The work receives core's Progress
// contract; its result (or its error) comes back on the GUI thread.
//
//   runner.start<Projection>(tr("Computing the map"), [=](const Progress& p) { return project(rows, dim, params, p); },
//                            [=](Result<Projection> r) { if (r.ok()) show(*r.value); });
//   connect(cancelButton, &QToolButton::clicked, &runner, &TaskRunner::cancel);
//
// Threading: start()/cancel() on the GUI thread; the work runs on QThreadPool::globalInstance().
// The work must not touch QObjects: it gets copies of what it needs and opens its own Archive.
#include "ui/Result.h"

#include <QElapsedTimer>
#include <QFutureWatcher>
#include <QObject>
#include <QString>
#include <QtConcurrent/QtConcurrentRun>

#include <atomic>
#include <functional>
#include <memory>

namespace crowlingo::ui {

class TaskRunner : public QObject {
    Q_OBJECT
public:
    explicit TaskRunner(QObject* parent = nullptr);
    ~TaskRunner() override; // cancels and waits for the running task

    bool isBusy() const { return busy_; }
    QString title() const { return title_; }

    // Returns false (and runs nothing) while another task is running.
    template <class T>
    bool start(const QString& title, std::function<T(const Progress&)> work, std::function<void(Result<T>)> done)
    {
        if (busy_) return false;
        begin(title);
        const Progress progress = makeProgress();
        auto* watcher = new QFutureWatcher<Result<T>>(this);
        connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, done = std::move(done)] {
            Result<T> r = watcher->result();
            watcher->deleteLater();
            waitRunning_ = {};
            end(r.ok(), r.cancelled, r.error);
            if (done) done(std::move(r));
        });
        QFuture<Result<T>> f = QtConcurrent::run([work = std::move(work), progress] {
            return runCatching([&] { return work(progress); });
        });
        waitRunning_ = [f]() mutable { f.waitForFinished(); };
        watcher->setFuture(f);
        return true;
    }

public Q_SLOTS:
    void cancel();

Q_SIGNALS:
    void started(const QString& title);
    // done in [0, 1]; etaSeconds < 0 while unknown
    void progressChanged(double done, const QString& what, double etaSeconds);
    void finished(bool ok, bool cancelled, const QString& message);

private:
    void begin(const QString& title);
    void end(bool ok, bool cancelled, const QString& error);
    Progress makeProgress();
    void onReport(quint64 generation, double done, const QString& what);

    bool busy_ = false;
    QString title_;
    quint64 generation_ = 0;
    QElapsedTimer clock_;
    std::shared_ptr<std::atomic<bool>> cancel_;
    std::function<void()> waitRunning_; // blocks until the running work returns
};

} // namespace crowlingo::ui
