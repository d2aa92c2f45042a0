#pragma once
// Work for the newest request only: runs a function on Qt's thread pool and hands its result to
// the GUI thread unless a newer request (or drop()) has come since, as when the user clicks clip
// after clip faster than their spectrograms are made. One object per owner widget; every job it
// runs, of whatever result type, shares one sequence, so a stale result of one kind cannot
// overwrite a newer one of another.
//
//   LatestJob job_{this};
//   job_.run([request] { return computeSpectrogram(request); },
//            [this](Spectrogram s) { view_->show(std::move(s)); });   // only if still the latest
//   job_.drop();                                                      // e.g. the archive closed
//
// Work given to another runner (TaskRunner) can take part through ticket() / isLatest().
// Threading: GUI thread only. The work itself must not touch the owner: a dropped job runs to its
// end and its result is discarded.
#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <type_traits>
#include <utility>

namespace crowlingo::ui {

class LatestJob {
public:
    explicit LatestJob(QObject* owner) : owner_(owner) {}
    LatestJob(const LatestJob&) = delete;
    LatestJob& operator=(const LatestJob&) = delete;

    template <class Work, class Done>
    void run(Work work, Done done)
    {
        using T = std::invoke_result_t<Work>;
        const quint64 mine = ticket();
        ++running_;
        auto* watcher = new QFutureWatcher<T>(owner_); // destroyed with the owner: a late result then goes nowhere
        QObject::connect(watcher, &QFutureWatcherBase::finished, owner_,
                         [this, watcher, mine, done = std::move(done)]() mutable {
                             --running_;
                             watcher->deleteLater();
                             if (isLatest(mine)) done(watcher->result());
                         });
        watcher->setFuture(QtConcurrent::run(std::move(work)));
    }

    // A new place in the sequence: results of everything started before it are dropped.
    quint64 ticket() { return ++latest_; }
    bool isLatest(quint64 ticket) const { return ticket == latest_; }
    void drop() { ++latest_; }
    // Jobs started by run() that have not finished, stale ones included (tests wait for 0).
    int running() const { return running_; }

private:
    QObject* owner_;
    quint64 latest_ = 0;
    int running_ = 0;
};

} // namespace crowlingo::ui
