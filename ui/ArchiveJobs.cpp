#include "ui/ArchiveJobs.h"

#include "ui/ArchiveSession.h"
#include "ui/TaskRunner.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveAnalysis.h"
#include "core/archive/ClipByHandRemoval.h"
#include "core/archive/ClusterExport.h"
#include "core/archive/EmbeddingExport.h"
#include "core/common/Error.h"
#include "core/common/OutputRules.h"
#include "core/model/DefaultModel.h"
#include "core/model/Model.h"

#include <QFileInfo>
#include <QTimer>

#include <cstdio>
#include <memory>
#include <set>

namespace crowlingo::ui {

ArchiveJobs::ArchiveJobs(ArchiveSession* session, TaskRunner* tasks, QObject* parent)
    : QObject(parent), session_(session), tasks_(tasks)
{
}

void ArchiveJobs::busy()
{
    Q_EMIT failed(tr("Busy"), tr("Wait for \"%1\" to finish (or cancel it) first.").arg(tasks_->title()));
}

bool ArchiveJobs::embedFolder(const QString& folder, const QString& archiveFile, const QString& modelDir,
                              const EmbedFolderOptions& options)
{
    const std::filesystem::path dir = folder.toStdString(), file = archiveFile.toStdString(), model = modelDir.toStdString();
    const bool started = tasks_->start<EmbedReport>(
        tr("Embedding %1").arg(QFileInfo(folder).fileName()),
        [dir, file, model, options](const Progress& base) {
            const Model m = Model::load(model.empty() ? defaultModelDir() : model);
            Archive archive = Archive::openOrCreate(file, dir);
            // The live figures (files, clips/s, real-time factor) become the progress text.
            auto status = std::make_shared<EmbedStatus>();
            const Progress progress{[base, status](double done, std::string_view) {
                                        char what[200];
                                        std::snprintf(what, sizeof what, "%d/%d files · %.0f clips/s · %.0f× real time · %s",
                                                      status->filesDone, status->filesToDo, status->clipsPerSecond,
                                                      status->realTimeFactor, status->currentFile.c_str());
                                        base(done, what);
                                    },
                                    base.cancelled};
            EmbedFolderOptions withModel = options;
            withModel.modelDir = model; // so that reopening the archive finds this model again
            return crowlingo::embedFolder(archive, m, withModel, progress, [status](const EmbedStatus& s) { *status = s; });
        },
        [this, archiveFile](Result<EmbedReport> r) {
            if (!r.ok()) {
                if (!r.cancelled) Q_EMIT failed(tr("Embedding failed"), r.error);
                Q_EMIT embedStopped(archiveFile);
                return;
            }
            const EmbedReport& report = *r.value;
            Q_EMIT statusMessage(tr("%1 files embedded, %2 unchanged, %3 clips in %4 s, read at time scale ×%5")
                                     .arg(report.filesEmbedded)
                                     .arg(report.filesUnchanged)
                                     .arg(report.clipsEmbedded)
                                     .arg(report.wallSeconds, 0, 'f', 1)
                                     .arg(report.timeScale),
                                 10000);
            Q_EMIT embedded(report, archiveFile);
        });
    if (!started) busy();
    return started;
}

template <class T, class Work, class Done>
bool ArchiveJobs::editClips(const QString& title, const QString& failure, Work work, Done done)
{
    if (!session_->isOpen()) return false;
    const std::filesystem::path file = session_->data().file;
    const bool started = tasks_->start<T>(
        title,
        [file, work = std::move(work)](const Progress&) {
            Archive archive = Archive::open(file);
            return work(archive);
        },
        [this, failure, done = std::move(done)](Result<T> r) {
            if (!r.ok()) {
                if (!r.cancelled) Q_EMIT failed(failure, r.error);
                return;
            }
            done(*r.value);
        });
    if (!started) busy();
    return started;
}

bool ArchiveJobs::addClip(const ClipByHand& clip, const Model& model)
{
    return editClips<ClipId>(
        tr("Adding a clip"), tr("Cannot add the clip"),
        [clip, model](Archive& archive) { return addClipByHand(archive, model, clip); },
        [this](ClipId id) { Q_EMIT clipAdded(id); });
}

bool ArchiveJobs::removeClip(ClipId id)
{
    return editClips<RemovedClip>(
        tr("Removing a clip"), tr("Cannot remove the clip"),
        [id](Archive& archive) { return removeClipByHand(archive, id); },
        [this](const RemovedClip& removed) { Q_EMIT clipRemoved(removed); });
}

bool ArchiveJobs::restoreClip(const RemovedClip& removed, const Model& model)
{
    return editClips<ClipId>(
        tr("Putting a clip back"), tr("Cannot put the clip back"),
        [removed, model](Archive& archive) {
            const ClipRow& c = removed.clip;
            const ClipId id = addClipByHand(archive, model, {c.path, c.start, c.end, c.lowHz, c.highHz, {}});
            for (const LabelRow& l : removed.labels) archive.setLabel(id, l.label, l.source);
            return id;
        },
        [this](ClipId id) { Q_EMIT clipRestored(id); });
}

bool ArchiveJobs::redrawClip(ClipId id, const Clip& box, const Model& model)
{
    return editClips<ClipId>(
        tr("Redrawing a clip"), tr("Cannot redraw the clip"),
        [id, box, model](Archive& archive) { return redrawClipByHand(archive, model, id, box); },
        [this, id](ClipId now) { Q_EMIT clipRedrawn(id, now); });
}

void ArchiveJobs::computeMap(const ProjectionParams& params, std::function<void()> then)
{
    if (!session_->isOpen() || session_->data().modelId.empty()) return;
    const std::filesystem::path file = session_->data().file;
    const bool umap = params.method == ProjectionMethod::Umap;
    const QString title = umap ? tr("Computing a UMAP map") : tr("Computing a PCA map");
    const bool started = tasks_->start<StoredProjection>(
        title,
        [file, params](const Progress& progress) {
            Archive archive = Archive::open(file);
            return projectArchive(archive, params, progress);
        },
        [this, then](Result<StoredProjection> r) {
            Q_EMIT mapFinished();
            if (!r.ok()) {
                if (!r.cancelled) Q_EMIT failed(tr("Cannot compute the map"), r.error);
                return;
            }
            if (!session_->isOpen() || session_->data().modelId != r.value->modelId) return;
            session_->setProjection(r.value->clipIds, r.value->xy, r.value->paramsJson);
            if (then) then();
            else if (const auto again = clusteringThatFollowsTheMap()) computeClusters(*again);
        });
    if (started) Q_EMIT mapStarted(title);
    else busy();
}

std::optional<ClusterParams> ArchiveJobs::clusteringThatFollowsTheMap() const
{
    // Clusters found on the map (or left to Automatic, which may now pick the map) belong to the
    // map they were found on: a new map gets new clusters, so that colours and islands agree.
    const ArchiveView& d = session_->data();
    if (!d.hasClustering) return std::nullopt;
    try {
        const ClusterParams p = ClusterParams::fromJson(d.clusteringParams);
        if (ClusterParams::spaceUsed(d.clusteringParams) == ClusterSpace::Map
            || resolveClusterSpace(d.projectionParams, p.space) == ClusterSpace::Map)
            return p;
        return std::nullopt; // among the embeddings before and after: the map changed nothing
    } catch (const UsageError&) {
        return std::nullopt;
    }
}

void ArchiveJobs::computeClusters(const ClusterParams& params, std::function<void()> then)
{
    if (!session_->isOpen() || session_->data().modelId.empty()) return;
    const std::filesystem::path file = session_->data().file;
    const bool started = tasks_->start<StoredClustering>(
        params.method == ClusterMethod::Hdbscan ? tr("Clustering (HDBSCAN)") : tr("Clustering (k-means, k = %1)").arg(params.k),
        [file, params](const Progress& progress) {
            Archive archive = Archive::open(file);
            // Cluster ids are matched to the previous clustering, so "cluster 3" stays cluster 3.
            return clusterArchive(archive, params, progress);
        },
        [this, then](Result<StoredClustering> r) {
            if (!r.ok()) {
                if (!r.cancelled) Q_EMIT failed(tr("Cannot cluster"), r.error);
                return;
            }
            if (session_->isOpen() && session_->data().modelId == r.value->modelId)
                session_->setClustering(r.value->clipIds, r.value->labels, r.value->paramsJson);
            std::set<int> ids(r.value->labels.begin(), r.value->labels.end());
            ids.erase(-1);
            Q_EMIT statusMessage(tr("%1 clusters found").arg(ids.size()), 8000);
            Q_EMIT clustersFound(int(ids.size()));
            if (then) then();
        });
    if (!started) busy();
}

void ArchiveJobs::redoAnalysisOnReopen()
{
    if (!session_->isOpen()) return;
    const ArchiveView& d = session_->data();
    redo_.emplace(d.hasProjection ? d.projectionParams : std::string(), d.hasClustering ? d.clusteringParams : std::string());
}

void ArchiveJobs::analyseOpenedArchive(bool autoProjection)
{
    const auto redo = std::exchange(redo_, std::nullopt);
    if (!session_->isOpen()) return;
    const ArchiveView& d = session_->data();
    if (d.hasProjection || d.modelId.empty() || d.embeddings.rows() == 0) return;
    ProjectionParams map;
    map.method = ProjectionMethod::Pca;
    if (!redo) {
        if (autoProjection) computeMap(map);
        return;
    }
    const auto& [mapJson, clusterJson] = *redo;
    ClusterParams clusters;
    try {
        if (!mapJson.empty()) map = ProjectionParams::fromJson(mapJson);
        if (!clusterJson.empty()) clusters = ClusterParams::fromJson(clusterJson);
    } catch (const UsageError&) {
        // Parameters another version wrote: the defaults.
    }
    if (clusterJson.empty()) computeMap(map);
    else computeMap(map, [this, clusters] { computeClusters(clusters); });
}

void ArchiveJobs::exportDone(bool ok, bool cancelled, const QString& message)
{
    if (!ok && !cancelled) Q_EMIT failed(tr("Export failed"), message);
    else Q_EMIT statusMessage(message, 8000);
    Q_EMIT exportFinished(ok, message);
}

void ArchiveJobs::exportEmbeddings(const QString& npyFile, const QString& csvFile)
{
    if (!session_->isOpen()) return;
    const std::filesystem::path file = session_->data().file, npy = npyFile.toStdString(), csv = csvFile.toStdString();
    const std::string modelId = session_->data().modelId;
    const bool started = tasks_->start<int>(
        tr("Exporting embeddings"),
        [file, npy, csv, modelId](const Progress& progress) {
            // The save dialog asked before replacing the .npy; the clip table is its companion, named
            // after it. Neither may be the open archive.
            const OutputRules rules{.protect = sqliteFiles(file), .replace = true};
            checkOutputPaths({npy, csv}, rules);
            const Archive archive = Archive::open(file);
            if (modelId.empty()) throw UsageError(fileError("export", file, "the archive has no embeddings yet"));
            const EmbeddingMatrix m = archive.embeddings(modelId);
            progress(0.5, "writing the .npy file");
            writeNpy(npy, m.values, m.rows(), m.dimension, rules);
            progress(0.8, "writing the clip table");
            writeClipTable(csv, archive, m.clipIds, rules);
            return int(m.rows());
        },
        [this, npyFile, csvFile](Result<int> r) {
            exportDone(r.ok(), r.cancelled, r.ok() ? tr("Wrote %1 and %2 (%3 clips)").arg(npyFile, csvFile).arg(*r.value) : r.error);
        });
    if (!started) Q_EMIT exportFinished(false, tr("busy with %1").arg(tasks_->title()));
}

void ArchiveJobs::exportClusters(const QString& csvFile)
{
    if (!session_->isOpen()) return;
    const std::filesystem::path file = session_->data().file, csv = csvFile.toStdString();
    const bool started = tasks_->start<int>(
        tr("Exporting clusters"),
        [file, csv](const Progress&) {
            const Archive archive = Archive::open(file);
            // The save dialog asked before replacing; core still refuses the archive itself.
            writeClusterCsv(csv, archive, {.replace = true});
            return 0;
        },
        [this, csvFile](Result<int> r) { exportDone(r.ok(), r.cancelled, r.ok() ? tr("Wrote %1").arg(csvFile) : r.error); });
    if (!started) Q_EMIT exportFinished(false, tr("busy with %1").arg(tasks_->title()));
}

void ArchiveJobs::exportTables(const QString& dir, bool audacity, bool replace)
{
    if (!session_->isOpen()) return;
    constexpr int kFilesExist = -1; // nothing written: files of these names are in the folder
    const std::filesystem::path file = session_->data().file, out = dir.toStdString();
    const bool started = tasks_->start<int>(
        audacity ? tr("Exporting Audacity label tracks") : tr("Exporting Raven selection tables"),
        [file, out, audacity, replace](const Progress&) {
            const Archive archive = Archive::open(file);
            const OutputRules rules{.replace = replace};
            try {
                return int((audacity ? writeAudacityLabels(out, archive, rules) : writeRavenTables(out, archive, rules)).size());
            } catch (const OutputExistsError&) {
                return kFilesExist;
            }
        },
        [this, dir, audacity](Result<int> r) {
            if (r.ok() && *r.value == kFilesExist) {
                // The folder dialog did not ask about the files in it, so ask now.
                const QString question = tr("%1 already holds files of the names this export writes. Replace them?").arg(dir);
                if (askReplace_ && askReplace_(question)) {
                    // After this task has ended, so that the runner takes the next.
                    QTimer::singleShot(0, this, [this, dir, audacity] { exportTables(dir, audacity, true); });
                    return;
                }
                exportDone(false, false, tr("Nothing exported: %1 already holds files of the same names").arg(dir));
                return;
            }
            exportDone(r.ok(), r.cancelled, r.ok() ? tr("Wrote %1 files to %2").arg(*r.value).arg(dir) : r.error);
        });
    if (!started) Q_EMIT exportFinished(false, tr("busy with %1").arg(tasks_->title()));
}

} // namespace crowlingo::ui
