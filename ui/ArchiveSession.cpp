#include "ui/ArchiveSession.h"

#include "core/analysis/SimilarityScan.h"
#include "core/common/Threads.h"

#include <QFileInfo>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace crowlingo::ui {

namespace {
// Clips folded from the label journal per slice: one journal record, about 10 ms of SQLite work,
// so a frame or a click still gets through between slices.
constexpr std::int64_t kLabelFoldSlice = 4096;
constexpr int kLabelFoldPauseMs = 15;
constexpr int kLabelFoldBusyRetryMs = 500; // another program is writing to the archive
} // namespace

ArchiveSession::ArchiveSession(QObject* parent)
    : QObject(parent), outsideChanges_(new QTimer(this)), labelFolding_(new QTimer(this))
{
    outsideChanges_->setInterval(2000);
    connect(outsideChanges_, &QTimer::timeout, this, &ArchiveSession::checkForOutsideChanges);
    labelFolding_->setSingleShot(true);
    connect(labelFolding_, &QTimer::timeout, this, &ArchiveSession::foldLabelJournalSlice);
}

ArchiveSession::~ArchiveSession()
{
    foldWholeLabelJournal();
    // The loader posts progress to this object: it must be done before we go.
    if (loader_) {
        if (loadCancel_) loadCancel_->store(true);
        loader_->disconnect(this);
        loader_->waitForFinished();
    }
}

bool ArchiveSession::isLoading() const { return loader_ != nullptr; }

QString ArchiveSession::fileName() const
{
    return data_ ? QString::fromStdString(data_->file.string()) : loadingFile_;
}

void ArchiveSession::open(const QString& file)
{
    close();
    loadingFile_ = QFileInfo(file).absoluteFilePath();
    loadCancel_ = std::make_shared<std::atomic<bool>>(false);
    const auto cancel = loadCancel_;
    const std::filesystem::path path = loadingFile_.toStdString();
    loader_ = new QFutureWatcher<Result<ArchiveView>>(this);
    connect(loader_, &QFutureWatcherBase::finished, this, &ArchiveSession::finishLoading);
    Q_EMIT loadingStarted(loadingFile_);
    loader_->setFuture(QtConcurrent::run([this, path, cancel] {
        const Progress progress{[this](double done, std::string_view what) {
                                    QMetaObject::invokeMethod(this, [this, done, w = QString::fromUtf8(what.data(), qsizetype(what.size()))] {
                                        Q_EMIT loadProgress(done, w);
                                    }, Qt::QueuedConnection);
                                },
                                [cancel] { return cancel->load(); }};
        return runCatching([&] { return ArchiveView::load(path, progress); });
    }));
}

void ArchiveSession::finishLoading()
{
    // Moved out, not copied: at 10^6 clips a copy of the view (and freeing it) cost a quarter second.
    Result<ArchiveView> r = loader_->future().takeResult();
    loader_->deleteLater();
    loader_ = nullptr;
    if (!r.ok()) {
        if (!r.cancelled) Q_EMIT openFailed(r.error);
        return;
    }
    try {
        archive_ = std::make_unique<Archive>(Archive::open(r.value->file));
    } catch (const std::exception& e) {
        Q_EMIT openFailed(QString::fromUtf8(e.what()));
        return;
    }
    data_ = std::make_unique<ArchiveView>(std::move(*r.value));
    watchFromNow();
    labelFolding_->start(kLabelFoldPauseMs); // a journal left behind by a window that was killed
    Q_EMIT archiveOpened();
}

void ArchiveSession::close()
{
    if (loader_) {
        // The worker posts progress to this object, so it must end before a new one starts; it
        // stops at its next cancellation point (between reading stages).
        loadCancel_->store(true);
        loader_->disconnect(this);
        loader_->waitForFinished();
        delete loader_;
        loader_ = nullptr;
    }
    loadingFile_.clear();
    if (!data_) return;
    outsideChanges_->stop();
    foldWholeLabelJournal();
    current_ = -1;
    selection_.clear();
    neighbours_.clear();
    similarity_.clear();
    scores_.clear();
    scoresName_.clear();
    data_.reset();
    archive_.reset();
    labelUndo_.clear(); // edits of another archive cannot be undone here
    Q_EMIT archiveClosed();
    Q_EMIT labelUndoChanged(false);
}

void ArchiveSession::setClassifierScores(const QString& name, std::vector<float> perClip)
{
    if (!data_ || (perClip.size() != std::size_t(clipCount()) && !perClip.empty())) return;
    scoresName_ = perClip.empty() ? QString() : name;
    scores_ = std::move(perClip);
    Q_EMIT scoresChanged();
}

float ArchiveSession::score(int clipIndex) const
{
    if (clipIndex < 0 || std::size_t(clipIndex) >= scores_.size()) return std::numeric_limits<float>::quiet_NaN();
    return scores_[std::size_t(clipIndex)];
}

void ArchiveSession::setCurrentClip(int clipIndex)
{
    if (!data_ || clipIndex < -1 || clipIndex >= data_->clipCount()) clipIndex = -1;
    if (clipIndex == current_) return;
    current_ = clipIndex;
    similarity_.assign(std::size_t(clipCount()), std::numeric_limits<float>::quiet_NaN());
    const EmbeddingRow row = current_ >= 0 ? data_->rowOfClip[std::size_t(current_)] : EmbeddingRow::none;
    if (row != EmbeddingRow::none) {
        // Rows are L2-normalised at load time, so cosine similarity is a dot product (core's scan).
        const std::vector<float> byRow = similaritiesToRow(data_->embeddings.values(), data_->embeddings.dimension,
                                                           std::size_t(row), threadCount());
        for (std::size_t r = 0; r < byRow.size(); ++r)
            if (const int i = data_->clipOfRow[r]; i >= 0) similarity_[std::size_t(i)] = byRow[r];
    }
    Q_EMIT currentClipChanged(current_);
    updateNeighbours();
}

void ArchiveSession::setCurrentClipId(ClipId id)
{
    setCurrentClip(data_ ? data_->indexOf(id) : -1);
}

void ArchiveSession::setSelection(QVector<int> clipIndices)
{
    std::sort(clipIndices.begin(), clipIndices.end());
    clipIndices.erase(std::unique(clipIndices.begin(), clipIndices.end()), clipIndices.end());
    clipIndices.removeIf([n = clipCount()](int i) { return i < 0 || i >= n; });
    if (clipIndices == selection_) return;
    selection_ = std::move(clipIndices);
    Q_EMIT selectionChanged();
}

QVector<int> ArchiveSession::actionTargets() const
{
    if (selection_.size() > 1) return selection_;
    if (current_ >= 0) return {current_};
    return selection_;
}

void ArchiveSession::setNeighbourCount(int k)
{
    k = std::clamp(k, 1, 200);
    if (k == k_) return;
    k_ = k;
    updateNeighbours();
}

float ArchiveSession::similarityToCurrent(int clipIndex) const
{
    if (clipIndex < 0 || std::size_t(clipIndex) >= similarity_.size()) return std::numeric_limits<float>::quiet_NaN();
    return similarity_[std::size_t(clipIndex)];
}

QVector<NeighbourHit> ArchiveSession::neighboursOf(int clipIndex, int k) const
{
    QVector<NeighbourHit> hits;
    const EmbeddingRow row = (data_ && clipIndex >= 0 && clipIndex < clipCount())
        ? data_->rowOfClip[std::size_t(clipIndex)] : EmbeddingRow::none;
    if (row != EmbeddingRow::none && data_->index) {
        for (const Neighbour& h : data_->index->search(data_->embeddings.vector(row), k, std::int64_t(row))) {
            const int i = data_->clipOfRow[std::size_t(h.row)];
            if (i >= 0) hits.push_back({i, h.similarity});
        }
    }
    return hits;
}

void ArchiveSession::updateNeighbours()
{
    neighbours_ = neighboursOf(current_, k_);
    Q_EMIT neighboursChanged();
}

bool ArchiveSession::applyLabel(const QVector<int>& clipIndices, const QString& label)
{
    if (!data_ || !archive_ || clipIndices.isEmpty()) return false;
    const std::string text = label.trimmed().toStdString();
    LabelEdit edit;
    edit.label = label.trimmed();
    std::vector<ClipId> ids;
    for (int i : clipIndices) {
        if (i < 0 || i >= clipCount()) continue;
        edit.clipIndices << i;
        ids.push_back(data_->clips[std::size_t(i)].id);
        edit.previousShown.push_back(data_->label[std::size_t(i)]);
    }
    try {
        // The clips' own ("user") labels before the edit, for undo.
        for (int i : edit.clipIndices) edit.previousUser.push_back(data_->ownLabel[std::size_t(i)]);
        // Written before the window shows it, in one transaction: the edit is in the archive the
        // moment it is shown (tst_labelsurvivekill).
        writeLabelEdit(ids, std::vector<std::string>(ids.size(), text));
        for (int i : edit.clipIndices) data_->ownLabel[std::size_t(i)] = text;
        if (text.empty()) {
            // Without its own label a clip shows an imported one again, as exports will.
            data_->setLabels(archive_->labels());
        } else {
            for (int i : edit.clipIndices) data_->label[std::size_t(i)] = text; // "user" wins
        }
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
        return false;
    }
    const QVector<int> changed = edit.clipIndices;
    labelUndo_.push_back(std::move(edit));
    Q_EMIT labelsChanged(changed);
    Q_EMIT labelApplied(int(changed.size()));
    Q_EMIT labelUndoChanged(true);
    return true;
}

QString ArchiveSession::undoLabelText() const
{
    if (labelUndo_.empty()) return {};
    const LabelEdit& e = labelUndo_.back();
    const QString what = e.label.isEmpty() ? tr("clearing the label") : tr("label \u201c%1\u201d").arg(e.label);
    return tr("%1 on %n clip(s)", "", int(e.clipIndices.size())).arg(what);
}

bool ArchiveSession::undoLabel()
{
    if (!data_ || !archive_ || labelUndo_.empty()) return false;
    const LabelEdit e = labelUndo_.back();
    try {
        std::vector<ClipId> ids;
        ids.reserve(std::size_t(e.clipIndices.size()));
        for (int i : e.clipIndices) ids.push_back(data_->clips[std::size_t(i)].id);
        writeLabelEdit(ids, e.previousUser); // "" removes
        for (int k = 0; k < e.clipIndices.size(); ++k)
            data_->ownLabel[std::size_t(e.clipIndices[k])] = e.previousUser[std::size_t(k)];
    } catch (const std::exception& ex) {
        Q_EMIT errorOccurred(QString::fromUtf8(ex.what()));
        return false;
    }
    for (int k = 0; k < e.clipIndices.size(); ++k) data_->label[std::size_t(e.clipIndices[k])] = e.previousShown[std::size_t(k)];
    labelUndo_.pop_back();
    Q_EMIT labelsChanged(e.clipIndices);
    Q_EMIT labelUndoChanged(!labelUndo_.empty());
    return true;
}

// Journalled, not written row by row: labelling 10^5 clips at 10^6 in the archive took 400 ms in
// SQLite's B-trees, and the journal commits the same edit in a few (core/archive/LabelJournal.h).
void ArchiveSession::writeLabelEdit(const std::vector<ClipId>& ids, const std::vector<std::string>& labels)
{
    archive_->journalLabels(ids, labels, "user");
    labelFolding_->start(kLabelFoldPauseMs);
}

void ArchiveSession::foldLabelJournalSlice()
{
    if (!archive_) return;
    try {
        const std::optional<std::int64_t> left = archive_->tryFoldLabelJournal(kLabelFoldSlice);
        if (!left)
            labelFolding_->start(kLabelFoldBusyRetryMs);
        else if (*left > 0)
            labelFolding_->start(kLabelFoldPauseMs);
    } catch (const std::exception&) {
        // The archive cannot be written: the journal is durable and read as labels meanwhile, so
        // folding waits for the next edit, or the next window to open the archive.
    }
}

void ArchiveSession::foldWholeLabelJournal() noexcept
{
    labelFolding_->stop();
    if (!archive_) return;
    try {
        archive_->foldLabelJournal(std::numeric_limits<std::int64_t>::max());
    } catch (const std::exception&) {
        // As above: the next window to open the archive folds what is left.
    }
}

std::optional<LabelImportReport> ArchiveSession::importLabels(const QString& file)
{
    if (!data_ || !archive_) return std::nullopt;
    try {
        archive_->requireIntact("import labels into");
        LabelImportReport report = crowlingo::importLabels(*archive_, file.toStdString());
        data_->setLabels(archive_->labels());
        QVector<int> all(clipCount());
        std::iota(all.begin(), all.end(), 0);
        Q_EMIT labelsChanged(all);
        return report;
    } catch (const std::exception& e) {
        Q_EMIT errorOccurred(QString::fromUtf8(e.what()));
        return std::nullopt;
    }
}

void ArchiveSession::setOutsideChangePollInterval(int milliseconds) { outsideChanges_->setInterval(milliseconds); }

void ArchiveSession::setOwnWorkRunning(bool running)
{
    if (running) {
        outsideChanges_->stop();
        return;
    }
    if (data_ && archive_) watchFromNow();
}

void ArchiveSession::watchFromNow()
{
    try {
        dataVersion_ = archive_->dataVersion();
    } catch (const std::exception&) {
        dataVersion_ = -1; // unknown: the next poll reads everything again
    }
    outsideChanges_->start();
}

namespace {
// Equal including NaN in the same places (clips not on the map).
bool sameValues(const std::vector<float>& a, const std::vector<float>& b)
{
    return a.size() == b.size()
        && std::equal(a.begin(), a.end(), b.begin(), [](float x, float y) { return x == y || (std::isnan(x) && std::isnan(y)); });
}
} // namespace

void ArchiveSession::checkForOutsideChanges()
{
    if (!data_ || !archive_) return;
    QStringList what;
    bool clipsChanged = false;
    try {
        const std::int64_t version = archive_->dataVersion();
        if (version == dataVersion_) return;
        dataVersion_ = version;
        clipsChanged = archive_->clipCount() != data_->clipCount();

        const std::vector<std::string> labelsBefore = data_->label;
        data_->setLabels(archive_->labels());
        if (data_->label != labelsBefore) {
            what << tr("labels");
            QVector<int> all(clipCount());
            std::iota(all.begin(), all.end(), 0);
            Q_EMIT labelsChanged(all);
        }
        // Maps and clusters of another model belong to embeddings this view does not have.
        if (!data_->modelId.empty() && archive_->activeModel() == data_->modelId) {
            if (const auto map = archive_->latestProjection(data_->modelId)) {
                const std::vector<float> before = data_->xy;
                const std::string paramsBefore = data_->projectionParams;
                data_->setProjection(map->clipIds, map->xy, map->paramsJson);
                if (!sameValues(before, data_->xy) || paramsBefore != data_->projectionParams) {
                    what << tr("the map");
                    Q_EMIT projectionChanged();
                }
            }
            if (const auto clusters = archive_->latestClustering(data_->modelId)) {
                const std::vector<int> before = data_->cluster;
                const std::string paramsBefore = data_->clusteringParams;
                const bool had = data_->hasClustering;
                data_->setClustering(clusters->clipIds, clusters->labels, clusters->paramsJson);
                if (!had || before != data_->cluster || paramsBefore != data_->clusteringParams) {
                    what << tr("the clusters");
                    Q_EMIT clusteringChanged();
                }
            }
        }
    } catch (const std::exception&) {
        // A write in progress elsewhere (busy) is looked at again at the next poll.
        dataVersion_ = -1;
        return;
    }
    if (clipsChanged) what << tr("clips");
    if (what.isEmpty()) return;
    QString sentence = tr("Another program changed %1 in this archive.").arg(what.join(tr(", ")));
    if (clipsChanged) sentence += QLatin1Char(' ') + tr("Open it again (File ▸ Reload) to see the new clips.");
    Q_EMIT changedElsewhere(sentence, clipsChanged);
}

QStringList ArchiveSession::labelNames() const
{
    if (!data_) return {};
    // Hashing views, and skipping a run of one label, keeps this to milliseconds at 10^6 clips;
    // it runs after every label edit.
    std::unordered_set<std::string_view> names;
    const std::string* previous = nullptr;
    for (const std::string& l : data_->label) {
        if (l.empty() || (previous && *previous == l)) continue;
        names.insert(l);
        previous = &l;
    }
    std::vector<std::string_view> sorted(names.begin(), names.end());
    std::sort(sorted.begin(), sorted.end());
    QStringList out;
    out.reserve(qsizetype(sorted.size()));
    for (std::string_view n : sorted) out << QString::fromUtf8(n.data(), qsizetype(n.size()));
    return out;
}

void ArchiveSession::setProjection(const std::vector<ClipId>& ids, const std::vector<float>& xy, const std::string& params)
{
    if (!data_) return;
    data_->setProjection(ids, xy, params);
    Q_EMIT projectionChanged();
}

void ArchiveSession::setClustering(const std::vector<ClipId>& ids, const std::vector<int>& labels, const std::string& params)
{
    if (!data_) return;
    data_->setClustering(ids, labels, params);
    Q_EMIT clusteringChanged();
}

} // namespace crowlingo::ui
