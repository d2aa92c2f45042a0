#include "ui/TaskRunner.h"

#include <QDateTime>

#include <chrono>

namespace crowlingo::ui {

TaskRunner::TaskRunner(QObject* parent) : QObject(parent) {}

TaskRunner::~TaskRunner()
{
    // The worker posts progress to this object; it must be gone before we are.
    if (cancel_) cancel_->store(true);
    if (waitRunning_) waitRunning_();
}

void TaskRunner::begin(const QString& title)
{
    busy_ = true;
    title_ = title;
    ++generation_;
    cancel_ = std::make_shared<std::atomic<bool>>(false);
    clock_.start();
    Q_EMIT started(title);
    Q_EMIT progressChanged(0.0, title, -1.0);
}

void TaskRunner::end(bool ok, bool cancelled, const QString& error)
{
    busy_ = false;
    ++generation_; // late progress reports of the finished task are dropped
    const QString title = title_;
    title_.clear();
    Q_EMIT finished(ok, cancelled, ok ? tr("%1: done").arg(title) : cancelled ? tr("%1: cancelled").arg(title) : error);
}

Progress TaskRunner::makeProgress()
{
    const auto cancel = cancel_;
    const quint64 generation = generation_;
    // Reports are throttled to about 20 per second so a fast loop cannot flood the event queue.
    auto lastSent = std::make_shared<std::atomic<std::int64_t>>(0);
    return Progress{
        [this, generation, lastSent](double done, std::string_view what) {
            const std::int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(
                                         std::chrono::steady_clock::now().time_since_epoch()).count();
            if (done < 1.0 && now - lastSent->load() < 50) return;
            lastSent->store(now);
            QMetaObject::invokeMethod(this, [this, generation, done, w = QString::fromUtf8(what.data(), qsizetype(what.size()))] {
                onReport(generation, done, w);
            }, Qt::QueuedConnection);
        },
        [cancel] { return cancel->load(); }};
}

void TaskRunner::onReport(quint64 generation, double done, const QString& what)
{
    if (generation != generation_ || !busy_) return;
    const double elapsed = clock_.elapsed() / 1000.0;
    // A linear extrapolation; not shown for the first percent or second, when it is mostly noise.
    const double eta = (done > 0.01 && elapsed > 1.0) ? elapsed * (1.0 - done) / done : -1.0;
    Q_EMIT progressChanged(done, what.isEmpty() ? title_ : what, eta);
}

void TaskRunner::cancel()
{
    if (busy_ && cancel_) cancel_->store(true);
}

} // namespace crowlingo::ui
