#pragma once
// The window's long work on the open archive (and on new ones), one task at a time through its
// TaskRunner: embedding a folder, a map, clusters, and the exports (embeddings, the clusters CSV,
// Raven and Audacity tables). Each job copies what it needs and opens its own Archive on a worker;
// a map or clustering goes into the session only while it still shows the vectors it was computed
// from. Outcomes and errors come out as signals: the window decides how to show them.
//
//   ArchiveJobs jobs(session, tasks);
//   connect(&jobs, &ArchiveJobs::failed, this, &MainWindow::showError);
//   jobs.computeMap(params);              // then the clusters again, if they were found on the map
//   jobs.exportClusters("clusters.csv");  // -> exportFinished(ok, message)
//
// Threading: GUI thread only.
#include "core/archive/ClipByHandRemoval.h"
#include "core/pipeline/ClipsByHand.h"
#include "core/pipeline/FolderEmbedder.h"

#include <QObject>
#include <QString>

#include <functional>
#include <optional>
#include <string>
#include <utility>

namespace crowlingo {
class Model;
struct ClusterParams;
struct ProjectionParams;
}

namespace crowlingo::ui {

class ArchiveSession;
class TaskRunner;

class ArchiveJobs : public QObject {
    Q_OBJECT
public:
    ArchiveJobs(ArchiveSession* session, TaskRunner* tasks, QObject* parent = nullptr);

    // Asked (with a yes/no question) before an export replaces files the user was not asked
    // about, such as the tables in a chosen folder. Without it, nothing is replaced.
    void setReplaceQuestion(std::function<bool(const QString& question)> ask) { askReplace_ = std::move(ask); }

    // Builds or updates `archiveFile` from `folder` with `modelDir`'s model (empty: the default);
    // embedded() or embedStopped() follows. False when other work is running (failed() says so).
    bool embedFolder(const QString& folder, const QString& archiveFile, const QString& modelDir,
                     const EmbedFolderOptions& options);
    // `then` runs after a successful computation (to chain map -> clusters); without it, clusters
    // that were found on the old map are found again on the new one.
    void computeMap(const ProjectionParams& params, std::function<void()> then = {});
    void computeClusters(const ClusterParams& params, std::function<void()> then = {});
    // The open archive is about to show an adapted model's vectors: when it is opened again, its
    // map and clusters are computed again with the parameters they have now.
    void redoAnalysisOnReopen();
    // Called when an archive has opened: the redo above, else (with autoProjection) a PCA map for
    // an archive that has vectors but no map.
    void analyseOpenedArchive(bool autoProjection);

    // A clip drawn on a recording of the open archive, embedded with `model` (the archive's):
    // clipAdded(id) follows, or failed() with the reason. False when other work is running.
    bool addClip(const ClipByHand& clip, const Model& model);
    // Removes a clip drawn by hand: clipRemoved() follows with what was removed, or failed().
    bool removeClip(ClipId id);
    // Draws a removed clip again where it was, with its labels (undo): clipRestored() follows.
    bool restoreClip(const RemovedClip& removed, const Model& model);
    // Draws a clip drawn by hand again as `box` (core's redrawClipByHand): clipRedrawn() follows,
    // with the clip's new id, or failed().
    bool redrawClip(ClipId id, const Clip& box, const Model& model);

    // The files are replaced if they exist (the save dialog asked); never the open archive.
    void exportEmbeddings(const QString& npyFile, const QString& csvFile);
    void exportClusters(const QString& csvFile); // core's writeClusterCsv (+ .json sidecar)
    // Raven selection tables or Audacity labels. Files of the same names in dir are replaced with
    // `replace`, or when the replace question says yes.
    void exportTables(const QString& dir, bool audacity, bool replace = false);

Q_SIGNALS:
    void failed(const QString& title, const QString& message);
    void statusMessage(const QString& message, int timeoutMs);
    void embedded(const crowlingo::EmbedReport& report, const QString& archiveFile);
    void embedStopped(const QString& archiveFile); // failed (failed() was emitted) or cancelled
    void mapStarted(const QString& title);
    void mapFinished();
    void clustersFound(int clusters);
    void exportFinished(bool ok, const QString& message);
    void clipAdded(crowlingo::ClipId id);
    void clipRemoved(const crowlingo::RemovedClip& removed);
    void clipRestored(crowlingo::ClipId id);
    void clipRedrawn(crowlingo::ClipId was, crowlingo::ClipId now);

private:
    std::optional<ClusterParams> clusteringThatFollowsTheMap() const;
    void exportDone(bool ok, bool cancelled, const QString& message);
    void busy();
    // A short edit of the archive's clips as a task: `work(archive)` with the archive open for
    // writing, its result handed to `done`, a failure to failed() under `failure`.
    template <class T, class Work, class Done>
    bool editClips(const QString& title, const QString& failure, Work work, Done done);

    ArchiveSession* session_;
    TaskRunner* tasks_;
    std::function<bool(const QString&)> askReplace_;
    // Map and clustering parameters (JSON, "" for none) to compute again on reopening.
    std::optional<std::pair<std::string, std::string>> redo_;
};

} // namespace crowlingo::ui
