#include "ui/FindCallsPanel.h"

#include "ui/ArchiveSession.h"
#include "ui/Result.h"
#include "ui/ScoreHistogram.h"
#include "ui/TaskRunner.h"
#include "core/common/Error.h"
#include "core/analysis/LabelSuggestions.h"

#include <QComboBox>
#include <QFileInfo>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSlider>
#include <QTableWidget>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <limits>

namespace crowlingo::ui {

namespace {

constexpr int kSliderSteps = 1000;
constexpr int kReviewRows = 300; // the queue shows the top of the ordering; answering moves on

// A classifier with its scores, as the workers hand them over.
struct ScoredClassifier {
    CallClassifier classifier;
    ClipScores scores;
};

// What opening an archive finds: the stored classifiers' names, newest first, and the newest scored.
struct StoredClassifiers {
    QStringList names;
    std::optional<ScoredClassifier> newest;
};

} // namespace

FindCallsPanel::FindCallsPanel(ArchiveSession* session, TaskRunner* tasks, QWidget* parent)
    : QWidget(parent), session_(session), tasks_(tasks), call_(new QComboBox(this)), counts_(new QLabel(this)),
      addYes_(new QPushButton(tr("Add as example"), this)), addNo_(new QPushButton(tr("Add as counter-example"), this)),
      train_(new QPushButton(tr("Train"), this)), status_(new QLabel(this)), histogram_(new ScoreHistogram(this)),
      threshold_(new QSlider(Qt::Horizontal, this)), quality_(new QLabel(this)), order_(new QComboBox(this)),
      review_(new QTableWidget(0, 3, this))
{
    call_->setEditable(true);
    call_->setInsertPolicy(QComboBox::NoInsert);
    call_->lineEdit()->setPlaceholderText(tr("name of the call, e.g. caw"));
    call_->setToolTip(tr("The call to find; its classifier is kept in the archive under this name"));
    addYes_->setToolTip(tr("Label the selected clips (or the current one) as this call"));
    addNo_->setToolTip(tr("Label the selected clips (or the current one) as not this call (not:<call>)"));
    train_->setToolTip(tr("Fit a classifier on the labelled clips' embeddings, check it by cross-validation and "
                          "score every clip"));
    status_->setWordWrap(true);
    quality_->setWordWrap(true);
    quality_->setTextFormat(Qt::PlainText);
    threshold_->setRange(0, kSliderSteps);
    threshold_->setValue(kSliderSteps / 2);
    threshold_->setToolTip(tr("Probability from which a clip counts as this call"));
    order_->addItem(tr("Most like the examples"), int(ReviewOrder::MostLikeExamples));
    order_->addItem(tr("Highest score first"), int(ReviewOrder::HighestScore));
    order_->addItem(tr("Least certain first"), int(ReviewOrder::LeastCertain));
    review_->setHorizontalHeaderLabels({tr("Score"), tr("File"), tr("Start (s)")});
    review_->horizontalHeaderItem(0)->setToolTip(tr("The classifier's score, or the similarity to the examples"));
    review_->setSelectionBehavior(QAbstractItemView::SelectRows);
    review_->setSelectionMode(QAbstractItemView::SingleSelection);
    review_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    review_->verticalHeader()->hide();
    review_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    review_->setToolTip(tr("Space plays, Y: it is this call, N: it is not"));
    review_->installEventFilter(this);

    auto* form = new QGridLayout;
    form->addWidget(new QLabel(tr("Call"), this), 0, 0);
    form->addWidget(call_, 0, 1, 1, 2);
    form->addWidget(addYes_, 1, 1);
    form->addWidget(addNo_, 1, 2);
    form->addWidget(counts_, 2, 1, 1, 2);
    auto* trainRow = new QHBoxLayout;
    trainRow->addWidget(train_);
    trainRow->addWidget(status_, 1);
    auto* reviewRow = new QHBoxLayout;
    reviewRow->addWidget(new QLabel(tr("<b>Review</b> (Space plays, Y / N answer)"), this), 1);
    reviewRow->addWidget(order_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addLayout(trainRow);
    layout->addWidget(histogram_);
    layout->addWidget(threshold_);
    layout->addWidget(quality_);
    layout->addLayout(reviewRow);
    layout->addWidget(review_, 1);

    connect(addYes_, &QPushButton::clicked, this, [this] { addExamples(true); });
    connect(addNo_, &QPushButton::clicked, this, [this] { addExamples(false); });
    connect(train_, &QPushButton::clicked, this, [this] { train(); });
    connect(call_, &QComboBox::currentTextChanged, this, [this] {
        updateCounts();
        if (order_->currentData().toInt() == int(ReviewOrder::MostLikeExamples)) rebuildReview();
    });
    connect(call_, &QComboBox::activated, this, [this] {
        if (!classifier_ || QString::fromStdString(classifier_->stored.name) != callName()) loadStored(callName());
    });
    connect(threshold_, &QSlider::valueChanged, this, [this](int v) {
        histogram_->setThreshold(float(v) / kSliderSteps);
        updateQuality();
        if (order_->currentData().toInt() == int(ReviewOrder::LeastCertain)) rebuildReview();
    });
    connect(histogram_, &ScoreHistogram::thresholdPicked, this, [this](float t) { setThreshold(t); });
    connect(order_, &QComboBox::currentIndexChanged, this, [this] { rebuildReview(); });
    connect(review_, &QTableWidget::currentCellChanged, this, [this](int row) {
        if (row >= 0) session_->setCurrentClip(reviewClipAt(row));
    });
    connect(review_, &QTableWidget::cellDoubleClicked, this, [this](int row) { Q_EMIT playRequested(reviewClipAt(row)); });
    connect(session_, &ArchiveSession::archiveOpened, this, &FindCallsPanel::onArchiveOpened);
    connect(session_, &ArchiveSession::archiveClosed, this, &FindCallsPanel::onArchiveClosed);
    connect(session_, &ArchiveSession::labelsChanged, this, [this] {
        updateCounts();
        // New examples change what is most like them; an answered clip has left the queue already.
        if (order_->currentData().toInt() == int(ReviewOrder::MostLikeExamples) && !answering_) rebuildReview();
    });
    onArchiveClosed();
}

FindCallsPanel::~FindCallsPanel() = default;

QString FindCallsPanel::callName() const { return call_->currentText().trimmed(); }

void FindCallsPanel::setCallName(const QString& name)
{
    call_->setCurrentText(name);
    updateCounts();
}

bool FindCallsPanel::addExamples(bool positive)
{
    const QString name = callName();
    if (name.isEmpty()) {
        status_->setText(tr("Name the call first."));
        return false;
    }
    const QVector<int> clips = session_->actionTargets();
    if (clips.isEmpty()) {
        status_->setText(tr("Select clips on the map, in the table or among the neighbours first."));
        return false;
    }
    return session_->applyLabel(clips, positive ? name : QString::fromStdString(notLabel(name.toStdString())));
}

int FindCallsPanel::shownExampleCount(std::int8_t kind) const
{
    if (!session_->isOpen() || callName().isEmpty()) return 0;
    // Core's rule for what teaches the call, over the labels shown (one per clip).
    const ArchiveView& d = session_->data();
    std::vector<LabelRow> shown;
    for (std::size_t i = 0; i < d.label.size(); ++i)
        if (!d.label[i].empty()) shown.push_back({d.clips[i].id, d.label[i], "shown"});
    try {
        return classifierExamples(shown, {.classes = {callName().toStdString()}}).targets.count(0, kind);
    } catch (const UsageError&) {
        return 0; // no labels yet, or a name that marks counter-examples ("negative")
    }
}

int FindCallsPanel::exampleCount() const { return shownExampleCount(+1); }

int FindCallsPanel::counterExampleCount() const { return shownExampleCount(-1); }

bool FindCallsPanel::isBusy() const { return latest_.running() > 0 || (tasks_->isBusy() && tasks_->title().startsWith(tr("Training"))); }

bool FindCallsPanel::train()
{
    const QString name = callName();
    if (!session_->isOpen()) return false;
    if (name.isEmpty()) {
        status_->setText(tr("Name the call first."));
        return false;
    }
    const std::string file = session_->fileName().toStdString();
    const quint64 ticket = latest_.ticket();
    const bool started = tasks_->start<ScoredClassifier>(
        tr("Training \"%1\"").arg(name),
        [file, call = name.toStdString()](const Progress& progress) {
            Archive archive = Archive::open(file);
            CallClassifierOptions options;
            options.name = call;
            options.labels.classes = {call};
            ScoredClassifier s;
            s.classifier = trainCallClassifier(archive, options, progress.part(0, 0.8));
            progress(0.85, "scoring every clip");
            s.scores = scoreClips(archive, s.classifier);
            return s;
        },
        [this, ticket](Result<ScoredClassifier> r) {
            if (!latest_.isLatest(ticket)) return; // another archive or call since
            if (!r.ok()) {
                status_->setText(r.cancelled ? tr("Training cancelled.") : tr("Could not train: %1").arg(r.error));
                return;
            }
            install(std::move(r.value->classifier), r.value->scores);
        });
    status_->setText(started ? tr("Training…") : tr("Busy with %1: train when it has finished.").arg(tasks_->title()));
    return started;
}

void FindCallsPanel::loadStored(const QString& name)
{
    if (session_->isOpen() && !name.isEmpty()) readStored(name);
}

void FindCallsPanel::onArchiveOpened()
{
    onArchiveClosed();
    readStored({});
}

void FindCallsPanel::readStored(const QString& name)
{
    const std::string file = session_->fileName().toStdString();
    const bool listing = name.isEmpty();
    latest_.run([file, call = name.toStdString()] {
        return runCatching([&] {
            const Archive archive = Archive::openReadOnly(file);
            std::vector<StoredClassifier> all = archive.classifiers();
            std::stable_sort(all.begin(), all.end(), [](auto& a, auto& b) { return a.createdAt > b.createdAt; });
            StoredClassifiers s;
            for (const StoredClassifier& c : all) s.names << QString::fromStdString(c.name);
            // The one asked for, or the newest that reads this archive's current vectors.
            for (const StoredClassifier& c : all) {
                if (call.empty() ? c.modelId != archive.activeModel() : c.name != call) continue;
                ScoredClassifier sc{loadCallClassifier(archive, c.name), {}};
                sc.scores = scoreClips(archive, sc.classifier);
                s.newest = std::move(sc);
                break;
            }
            return s;
        });
    }, [this, listing](Result<StoredClassifiers> r) {
        if (!r.ok()) {
            status_->setText(tr("Could not read the archive's classifiers: %1").arg(r.error));
            return;
        }
        if (listing) {
            call_->clear();
            call_->addItems(r.value->names);
        }
        if (r.value->newest) install(std::move(r.value->newest->classifier), r.value->newest->scores);
    });
}

void FindCallsPanel::onArchiveClosed()
{
    latest_.drop();
    classifier_.reset();
    scores_.clear();
    histogram_->setScores({});
    review_->setRowCount(0);
    status_->clear();
    updateCounts();
    updateQuality();
    const bool open = session_->isOpen();
    for (QWidget* w : std::initializer_list<QWidget*>{call_, addYes_, addNo_, train_, threshold_, order_, review_})
        w->setEnabled(open);
    Q_EMIT classifierChanged();
}

void FindCallsPanel::install(CallClassifier classifier, const ClipScores& scores)
{
    if (!session_->isOpen()) return;
    scores_.assign(std::size_t(session_->clipCount()), std::numeric_limits<float>::quiet_NaN());
    const ArchiveView& d = session_->data();
    for (std::size_t i = 0; i < scores.clipIds.size(); ++i)
        if (const int clip = d.indexOf(scores.clipIds[i]); clip >= 0) scores_[std::size_t(clip)] = scores.at(i, 0);
    const QString name = QString::fromStdString(classifier.stored.name);
    classifier_ = std::move(classifier);
    if (order_->currentData().toInt() == int(ReviewOrder::MostLikeExamples)) setReviewOrder(ReviewOrder::HighestScore);
    if (call_->findText(name) < 0) call_->addItem(name);
    if (callName() != name) call_->setCurrentText(name);
    session_->setClassifierScores(name, scores_);
    histogram_->setScores(scores_);
    status_->setText(tr("Trained %1 on %2 labelled clips.")
                         .arg(QString::fromStdString(classifier_->stored.createdAt))
                         .arg(classifier_->exampleClipIds.size()));
    updateCounts();
    updateQuality();
    rebuildReview();
    Q_EMIT classifierChanged();
}

void FindCallsPanel::updateCounts()
{
    counts_->setText(session_->isOpen() && !callName().isEmpty()
                         ? tr("%1 examples, %2 counter-examples labelled").arg(exampleCount()).arg(counterExampleCount())
                         : QString());
}

float FindCallsPanel::threshold() const { return float(threshold_->value()) / kSliderSteps; }

void FindCallsPanel::setThreshold(float t) { threshold_->setValue(int(std::lround(std::clamp(t, 0.f, 1.f) * kSliderSteps))); }

QString FindCallsPanel::qualityText() const { return quality_->text(); }

void FindCallsPanel::updateQuality()
{
    if (!classifier_ || classifier_->validation.classes.empty()) {
        quality_->setText(session_->isOpen() ? tr("Label a few examples and counter-examples, then Train.") : QString());
        return;
    }
    const ClassQuality& q = classifier_->validation.classes[0];
    const float t = threshold();
    const int above = histogram_->countAtOrAbove(t);
    const QString scored = tr("%1 clips score %2 or more.").arg(above).arg(double(t), 0, 'f', 2);
    if (q.scores.empty()) {
        quality_->setText(tr("No estimate of precision yet: label at least 2 examples. %1").arg(scored));
        return;
    }
    const PrecisionRecall pr = precisionRecallAt(q.scores, q.truth, t);
    auto fig = [](double v) { return std::isfinite(v) ? QString::number(v, 'f', 2) : QStringLiteral("n/a"); };
    quality_->setText(tr("At %1: precision %2, recall %3 (cross-validated on %4 examples and %5 counter-examples; "
                         "average precision %6). %7")
                          .arg(double(t), 0, 'f', 2).arg(fig(pr.precision), fig(pr.recall)).arg(q.positives)
                          .arg(q.negatives).arg(fig(q.averagePrecision), scored));
}

void FindCallsPanel::setReviewOrder(ReviewOrder order) { order_->setCurrentIndex(order_->findData(int(order))); }

int FindCallsPanel::reviewCount() const { return review_->rowCount(); }

int FindCallsPanel::reviewClipAt(int row) const
{
    const QTableWidgetItem* item = review_->item(row, 0);
    return item ? item->data(Qt::UserRole).toInt() : -1;
}

void FindCallsPanel::rebuildReview()
{
    review_->setRowCount(0);
    if (!session_->isOpen()) return;
    const ArchiveView& d = session_->data();
    auto addRow = [&](int clip, double value) {
        const int row = review_->rowCount();
        review_->insertRow(row);
        auto* item = new QTableWidgetItem(QString::number(value, 'f', 3));
        item->setData(Qt::UserRole, clip);
        review_->setItem(row, 0, item);
        review_->setItem(row, 1, new QTableWidgetItem(QFileInfo(QString::fromStdString(d.clips[std::size_t(clip)].path)).fileName()));
        review_->setItem(row, 2, new QTableWidgetItem(QString::number(d.clips[std::size_t(clip)].start, 'f', 2)));
    };
    // Per embedding row: its clip, whether it is labelled, and the examples' rows.
    const std::string name = callName().toStdString();
    const int dim = d.embeddings.dimension;
    std::vector<float> examples;
    std::vector<bool> labelled(d.embeddings.rows(), false);
    const std::vector<int>& clipOfRow = d.clipOfRow;
    for (std::size_t row = 0; row < clipOfRow.size(); ++row) {
        const int i = clipOfRow[row];
        if (i < 0) continue;
        labelled[row] = !d.label[std::size_t(i)].empty();
        if (!name.empty() && d.label[std::size_t(i)] == name) {
            const std::span<const float> v = d.embeddings.vector(EmbeddingRow(row));
            examples.insert(examples.end(), v.begin(), v.end());
        }
    }
    const auto order = ReviewOrder(order_->currentData().toInt());
    if (order == ReviewOrder::MostLikeExamples) {
        // Search by example over the snapshot's unit vectors: no classifier needed.
        if (examples.empty()) return;
        for (const SimilarRow& r : rankByExamples(d.embeddings.values(), dim, examples, kReviewRows, labelled))
            addRow(clipOfRow[r.row], r.similarity);
        return;
    }
    if (scores_.empty()) return;
    std::vector<float> rowScores(d.embeddings.rows(), std::numeric_limits<float>::quiet_NaN());
    for (std::size_t r = 0; r < rowScores.size(); ++r)
        if (clipOfRow[r] >= 0) rowScores[r] = scores_[std::size_t(clipOfRow[r])];
    if (order == ReviewOrder::LeastCertain) {
        // Core's active-learning pick: nearest the threshold, no near-duplicates of each other or
        // of labelled clips.
        for (std::size_t r : clipsWorthLabelling(d.embeddings.values(), dim, rowScores, labelled,
                                                 {.count = kReviewRows, .threshold = threshold()}))
            addRow(clipOfRow[r], rowScores[r]);
        return;
    }
    std::vector<std::size_t> rows;
    for (std::size_t r = 0; r < rowScores.size(); ++r)
        if (!labelled[r] && std::isfinite(rowScores[r])) rows.push_back(r);
    const std::size_t keep = std::min<std::size_t>(rows.size(), kReviewRows);
    std::partial_sort(rows.begin(), rows.begin() + std::ptrdiff_t(keep), rows.end(),
                      [&](std::size_t a, std::size_t b) { return rowScores[a] > rowScores[b]; });
    rows.resize(keep);
    for (std::size_t r : rows) addRow(clipOfRow[r], rowScores[r]);
}

void FindCallsPanel::selectReviewRow(int row)
{
    if (row < 0 || row >= review_->rowCount()) return;
    review_->setCurrentCell(row, 0);
    review_->selectRow(row);
}

bool FindCallsPanel::answer(bool accept)
{
    const QString name = callName();
    int row = review_->currentRow();
    if (row < 0 && review_->rowCount() > 0) row = 0;
    const int clip = reviewClipAt(row);
    if (clip < 0 || name.isEmpty()) return false;
    answering_ = true;
    const bool labelled = session_->applyLabel({clip}, accept ? name : QString::fromStdString(notLabel(name.toStdString())));
    answering_ = false;
    if (!labelled) return false;
    review_->removeRow(row);
    selectReviewRow(std::min(row, review_->rowCount() - 1));
    return true;
}

bool FindCallsPanel::eventFilter(QObject* watched, QEvent* event)
{
    if (watched == review_ && (event->type() == QEvent::KeyPress || event->type() == QEvent::ShortcutOverride)) {
        auto* key = static_cast<QKeyEvent*>(event);
        if (key->modifiers() & (Qt::ControlModifier | Qt::AltModifier | Qt::MetaModifier)) return false;
        // Space, Y and N belong to the queue while it has the focus, before the window's shortcuts.
        if (event->type() == QEvent::ShortcutOverride) {
            const bool ours = key->key() == Qt::Key_Space || key->key() == Qt::Key_Y || key->key() == Qt::Key_N;
            if (ours) key->accept();
            return ours;
        }
        switch (key->key()) {
        case Qt::Key_Space:
            if (const int clip = reviewClipAt(std::max(0, review_->currentRow())); clip >= 0) Q_EMIT playRequested(clip);
            return true;
        case Qt::Key_Y: answer(true); return true;
        case Qt::Key_N: answer(false); return true;
        default: break;
        }
    }
    return QWidget::eventFilter(watched, event);
}

} // namespace crowlingo::ui
