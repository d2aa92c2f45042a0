#pragma once
// Shared by the UI tests that listen: whether a PulseAudio server answers (packaging/
// start-test-audio.sh starts one with a null sink); without one, sound checks are skipped.
#include <QProcess>
#include <QString>

namespace crowlingo::testkit {

inline bool pulseAnswers()
{
    QProcess p;
    p.start(QStringLiteral("pactl"), {QStringLiteral("info")});
    return p.waitForFinished(5000) && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

} // namespace crowlingo::testkit
