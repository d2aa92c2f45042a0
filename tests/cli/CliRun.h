#pragma once
// Shared by the CLI tests: runs the real crowlingo-cli (CROWLINGO_CLI_PATH, set by CMake) and
// returns its exit code and output.
//
//   CliRun r = runCli({"embed", dir, "-o", archive});  QVERIFY2(r.code == 0, qPrintable(r.err));
#include <QProcess>
#include <QString>
#include <QStringList>

struct CliRun {
    int code;
    QString out;
    QString err;
};

inline CliRun runCli(const QStringList& args, int timeoutMs = 300000, const QString& workingDirectory = {})
{
    QProcess p;
    if (!workingDirectory.isEmpty()) p.setWorkingDirectory(workingDirectory);
    p.start(QStringLiteral(CROWLINGO_CLI_PATH), args);
    if (!p.waitForFinished(timeoutMs)) return {-1, {}, QStringLiteral("timed out")};
    return {p.exitCode(), QString::fromUtf8(p.readAllStandardOutput()), QString::fromUtf8(p.readAllStandardError())};
}
