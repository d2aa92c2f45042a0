#pragma once
// A value computed on a worker thread, or why it could not be: exceptions never cross threads.
//
//   QFuture<Result<Spectrogram>> f = QtConcurrent::run([=] { return runCatching([&] { return compute(); }); });
//   ... on the GUI thread: if (r.ok()) show(*r.value); else showError(r.error);
//
// Threading: a plain value; moved from the worker to the GUI thread through QFuture.
#include "core/common/Progress.h"

#include <QString>

#include <exception>
#include <optional>
#include <type_traits>

namespace crowlingo::ui {

template <class T>
struct Result {
    std::optional<T> value;
    QString error;          // the exception's message (core messages name the operation and the file)
    bool cancelled = false; // the work stopped because Progress::cancelled() turned true

    bool ok() const { return value.has_value(); }
};

// Calls f() and turns whatever it throws into a Result with an error message.
template <class F>
auto runCatching(F&& f) -> Result<std::invoke_result_t<F>>
{
    Result<std::invoke_result_t<F>> r;
    try {
        r.value.emplace(f());
    } catch (const Cancelled&) {
        r.cancelled = true;
        r.error = QStringLiteral("cancelled");
    } catch (const std::exception& e) {
        r.error = QString::fromUtf8(e.what());
    } catch (...) {
        r.error = QStringLiteral("unknown error");
    }
    return r;
}

} // namespace crowlingo::ui
