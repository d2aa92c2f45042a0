#include "ui/MainWindow.h"

#include "ui/AdaptModelDialog.h"
#include "ui/ArchiveSession.h"
#include "ui/AudioPlayer.h"
#include "ui/ClipInspector.h"
#include "ui/ClipTablePanel.h"
#include "ui/FindCallsPanel.h"
#include "ui/ClusteringDialog.h"
#include "ui/LabelBar.h"
#include "ui/MapPanel.h"
#include "ui/MapView.h"
#include "ui/NeighbourPanel.h"
#include "ui/NewArchiveDialog.h"
#include "ui/ProjectionDialog.h"
#include "ui/ReconstructionPanel.h"
#include "ui/RecordingPanel.h"
#include "ui/RecordingTableModel.h"
#include "ui/RecordingsPanel.h"
#include "ui/SpectrogramSettingsDialog.h"
#include "ui/StartPage.h"
#include "ui/TaskProgressWidget.h"
#include "ui/TaskRunner.h"

#include "core/archive/Archive.h"
#include "core/archive/ArchiveAnalysis.h"
#include "core/archive/ArchiveRelocation.h"
#include "core/archive/ClusterExport.h"
#include "core/archive/EmbeddingExport.h"
#include "core/pipeline/FolderEmbedder.h"
#include "core/common/Error.h"
#include "core/common/OutputRules.h"
#include "core/model/DefaultModel.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFutureWatcher>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QUrl>
#include <QToolBar>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <cstdio>
#include <set>

namespace crowlingo::ui {

namespace {
constexpr int kMaxRecent = 8;
const char* kRecentKey = "recentArchives";

} // namespace

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), session_(new ArchiveSession(this)), tasks_(new TaskRunner(this)), player_(new AudioPlayer(this)),
      central_(new QStackedWidget(this)), start_(new StartPage(this)), mapPanel_(new MapPanel(session_, this)),
      table_(new ClipTablePanel(session_, this)), inspector_(new ClipInspector(session_, this)),
      neighbours_(new NeighbourPanel(session_, this)), labelBar_(new LabelBar(session_, this)),
      findCalls_(new FindCallsPanel(session_, tasks_, this)),
      recording_(new RecordingPanel(session_, mapPanel_->mapView(), this)), recordings_(new RecordingsPanel(session_, this)),
      summary_(new QLabel(this))
{
    setWindowTitle(tr("CrowLingo Workbench"));
    setAcceptDrops(true); // a folder dropped on the window becomes a new archive; an archive file opens
    setDockOptions(QMainWindow::AnimatedDocks | QMainWindow::AllowNestedDocks);
    central_->addWidget(start_);
    central_->addWidget(mapPanel_);
    setCentralWidget(central_);

    buildActions();
    buildMenus();
    buildToolBars();
    buildDocks();
    mapPanel_->addToolActions({pcaAction_, umapAction_, clusterAction_});
    inspector_->setPlayActions({playAction_, playSequenceAction_, stopAction_});
    neighbours_->setPlayAllAction(playSequenceAction_);
    applySpectrogramSettings(loadSpectrogramSettings());

    summary_->setMinimumWidth(100); // a long summary is cut, it never widens the window
    summary_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    statusBar()->addWidget(summary_, 1);
    statusBar()->addPermanentWidget(new TaskProgressWidget(tasks_, this));
    statusBar()->setSizeGripEnabled(true);

    connect(start_, &StartPage::openRequested, this, &MainWindow::openArchiveDialog);
    connect(start_, &StartPage::createRequested, this, &MainWindow::newArchiveDialog);
    connect(start_, &StartPage::recentRequested, this, &MainWindow::openArchive);

    connect(session_, &ArchiveSession::loadingStarted, this, [this](const QString& file) {
        start_->setStatus(tr("Opening %1 …").arg(QFileInfo(file).fileName()));
        summary_->setText(tr("Opening %1 …").arg(file));
    });
    connect(session_, &ArchiveSession::loadProgress, this, [this](double done, const QString& what) {
        start_->setStatus(tr("Opening: %1 (%2 %)").arg(what).arg(int(done * 100)));
    });
    connect(session_, &ArchiveSession::archiveOpened, this, &MainWindow::onArchiveOpened);
    connect(session_, &ArchiveSession::archiveClosed, this, &MainWindow::onArchiveClosed);
    connect(session_, &ArchiveSession::openFailed, this, [this](const QString& message) {
        start_->setStatus(tr("<span style='color:#b03020'>%1</span>").arg(message.toHtmlEscaped()));
        summary_->clear();
        showError(tr("Cannot open the archive"), message);
    });
    connect(session_, &ArchiveSession::errorOccurred, this, [this](const QString& m) { showError(tr("Archive"), m); });
    connect(session_, &ArchiveSession::changedElsewhere, this, [this](const QString& what) {
        statusBar()->showMessage(what, 15000);
        updateSummary();
    });
    // The window's own long work writes to the archive too: that is not another program's change.
    connect(tasks_, &TaskRunner::started, session_, [this] { session_->setOwnWorkRunning(true); });
    connect(tasks_, &TaskRunner::finished, session_, [this] { session_->setOwnWorkRunning(false); });
    connect(session_, &ArchiveSession::currentClipChanged, this, [this] { sequencePos_ = -1; updateActions(); });
    connect(session_, &ArchiveSession::labelApplied, this, [this](int clips) {
        statusBar()->showMessage(tr("Saved the label of %n clip(s)", nullptr, clips), 4000);
    });
    for (auto signal : {&ArchiveSession::projectionChanged, &ArchiveSession::clusteringChanged})
        connect(session_, signal, this, &MainWindow::updateSummary);

    connect(player_, &AudioPlayer::positionChanged, inspector_, &ClipInspector::setPlayhead);
    // The recording view's playhead follows whatever plays from the recording it shows.
    connect(player_, &AudioPlayer::positionChanged, this, [this](int, double seconds) {
        const int i = player_->queueIndex();
        const int r = recording_->recordingShown();
        const bool here = i >= 0 && r >= 0 && session_->isOpen()
            && player_->queue()[i].file == session_->data().recordingFiles[std::size_t(r)];
        recording_->setPlayhead(here ? seconds : qQNaN());
    });
    connect(recordings_, &RecordingsPanel::recordingActivated, this, &MainWindow::showRecording);
    connect(recording_, &RecordingPanel::playRequested, this,
            [this](const std::filesystem::path& file, double start, double end, double timeExpansion) {
                playingSequence_ = false;
                PlayItem item;
                item.file = file;
                item.start = start;
                item.end = end;
                item.timeExpansion = timeExpansion;
                item.withContext = false;
                player_->setSpeed(speed_->value());
                player_->play({item});
            });
    connect(player_, &AudioPlayer::itemStarted, this, [this](int queueIndex, int clip) {
        if (playingSequence_) sequencePos_ = queueIndex;
        neighbours_->setPlayingClip(clip);
        updateActions();
    });
    connect(player_, &AudioPlayer::stopped, this, [this] {
        inspector_->clearPlayhead();
        recording_->setPlayhead(qQNaN());
        neighbours_->setPlayingClip(-1);
        updateActions();
    });
    connect(player_, &AudioPlayer::errorOccurred, this, [this](const QString& m) {
        statusBar()->showMessage(tr("Playback: %1").arg(m), 8000);
    });
    connect(neighbours_, &NeighbourPanel::playRequested, this, [this](int clip) { playClips({clip}); });
    connect(findCalls_, &FindCallsPanel::playRequested, this, [this](int clip) { playClips({clip}); });
    connect(tasks_, &TaskRunner::finished, this, [this](bool ok, bool cancelled, const QString& message) {
        if (ok || cancelled) statusBar()->showMessage(message, 6000);
        updateActions();
    });
    connect(tasks_, &TaskRunner::started, this, &MainWindow::updateActions);

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray())) resize(1500, 950);
    refreshRecentMenu();
    onArchiveClosed();
}

MainWindow::~MainWindow() = default;

MapView* MainWindow::mapView() const { return mapPanel_->mapView(); }

void MainWindow::buildActions()
{
    auto make = [this](const QString& text, QKeySequence key, auto slot, QStyle::StandardPixmap icon = QStyle::SP_CustomBase) {
        auto* a = new QAction(text, this);
        if (!key.isEmpty()) a->setShortcut(key);
        if (icon != QStyle::SP_CustomBase) a->setIcon(style()->standardIcon(icon));
        connect(a, &QAction::triggered, this, slot);
        return a;
    };
    openAction_ = make(tr("&Open Archive…"), QKeySequence::Open, &MainWindow::openArchiveDialog, QStyle::SP_DialogOpenButton);
    newAction_ = make(tr("&New Archive from Folder…"), QKeySequence::New, &MainWindow::newArchiveDialog, QStyle::SP_DirOpenIcon);
    closeAction_ = make(tr("&Close Archive"), QKeySequence::Close, &MainWindow::closeArchive);
    reloadAction_ = make(tr("&Reload"), QKeySequence::Refresh, &MainWindow::reloadArchive);
    reloadAction_->setToolTip(tr("Open the archive again, to see clips another program added"));
    locateAction_ = make(tr("&Locate Recordings Folder…"), QKeySequence(), [this] { locateRecordings(); });
    locateAction_->setToolTip(tr("After moving or copying the archive: the folder that now holds its recordings"));
    exportEmbeddingsAction_ = make(tr("&Embeddings (.npy) and Clip Table (.csv)…"), QKeySequence(tr("Ctrl+E")), [this] {
        const QString npy = QFileDialog::getSaveFileName(this, tr("Export embeddings"),
                                                         QFileInfo(session_->fileName()).absolutePath() + QStringLiteral("/embeddings.npy"),
                                                         tr("NumPy arrays (*.npy)"));
        if (npy.isEmpty()) return;
        QString csv = npy;
        csv.replace(QRegularExpression(QStringLiteral("\\.npy$")), QString());
        exportEmbeddings(npy, csv + QStringLiteral("_clips.csv"));
    });
    importLabelsAction_ = make(tr("&Import Labels…"), QKeySequence(), [this] {
        const QString file = QFileDialog::getOpenFileName(
            this, tr("Import labels"), QFileInfo(session_->fileName()).absolutePath(),
            tr("Label files (*.csv *.txt);;CSV (path,label | path,start_s,end_s,label | clip_id,label) (*.csv);;"
               "Raven selection tables (*.selections.txt);;Audacity label tracks (*.txt);;All files (*)"));
        if (!file.isEmpty()) importLabels(file);
    });
    importLabelsAction_->setToolTip(tr("Labels from a CSV file, a Raven selection table or an Audacity label track, "
                                       "matched to the clips as `crowlingo-cli import` does"));
    exportClustersAction_ = make(tr("&Clusters and Labels (.csv)…"), QKeySequence(), [this] {
        const QString csv = QFileDialog::getSaveFileName(this, tr("Export clusters"),
                                                         QFileInfo(session_->fileName()).absolutePath() + QStringLiteral("/clusters.csv"),
                                                         tr("CSV files (*.csv)"));
        if (!csv.isEmpty()) exportClusters(csv);
    });
    exportRavenAction_ = make(tr("&Raven Selection Tables…"), QKeySequence(), [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for Raven selection tables"),
                                                              QFileInfo(session_->fileName()).absolutePath());
        if (!dir.isEmpty()) exportTables(dir, false);
    });
    exportAudacityAction_ = make(tr("&Audacity Label Tracks…"), QKeySequence(), [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for Audacity label tracks"),
                                                              QFileInfo(session_->fileName()).absolutePath());
        if (!dir.isEmpty()) exportTables(dir, true);
    });
    quitAction_ = make(tr("&Quit"), QKeySequence::Quit, &QWidget::close);
    pcaAction_ = make(tr("Map (PCA)"), QKeySequence(), [this] { computeProjection(false); });
    pcaAction_->setToolTip(tr("Compute a 2-D map of the embeddings with PCA (seconds)"));
    umapAction_ = make(tr("Map (UMAP)"), QKeySequence(), [this] { computeProjection(true); });
    umapAction_->setToolTip(tr("Compute a 2-D map with UMAP: neighbourhoods kept, slower"));
    clusterAction_ = make(tr("Cluster"), QKeySequence(), &MainWindow::computeClustering);
    clusterAction_->setToolTip(tr("Cluster the embeddings with HDBSCAN (noise stays unassigned)"));
    adaptAction_ = make(tr("&Adapt Model to This Archive…"), QKeySequence(), [this] { adaptModelDialog(); });
    adaptAction_->setToolTip(tr("Train the model on this archive's clips without labels, then re-embed them"));
    findCallsAction_ = make(tr("&Find Calls Like These…"), QKeySequence(tr("Ctrl+Shift+F")), [this] { showFindCalls(); });
    findCallsAction_->setToolTip(tr("Teach a classifier with a few labelled clips, score every clip and review the "
                                    "results by ear"));
    mapDialogAction_ = make(tr("&Map Settings…"), QKeySequence(tr("Ctrl+M")), &MainWindow::mapDialog);
    mapDialogAction_->setToolTip(tr("Choose PCA or UMAP and its parameters, then compute the map"));
    clusterDialogAction_ = make(tr("C&luster Settings…"), QKeySequence(tr("Ctrl+K")), &MainWindow::clusterDialog);
    clusterDialogAction_->setToolTip(tr("Choose HDBSCAN or k-means and its parameters, then cluster"));
    updateArchiveAction_ = make(tr("&Update Archive from Its Folder…"), QKeySequence(), [this] {
        if (!session_->isOpen()) return;
        NewArchiveDialog dialog(this);
        dialog.setFolder(QString::fromStdString(session_->data().root.string()));
        dialog.setExistingArchive(session_->fileName(), session_->data().timeExpansion,
                                  QString::fromStdString(session_->data().segmenter));
        if (dialog.exec() != QDialog::Accepted) return;
        try {
            embedFolder(dialog.folder(), dialog.archiveFile(), dialog.modelDir().isEmpty() ? modelDir_ : dialog.modelDir(),
                        dialog.options());
        } catch (const std::exception& e) {
            showError(tr("Cannot update the archive"), QString::fromUtf8(e.what()));
        }
    });
    updateArchiveAction_->setToolTip(tr("Embed new or changed recordings of the archive's folder"));

    playAction_ = make(tr("Play"), QKeySequence(tr("Ctrl+Space")), &MainWindow::playCurrent, QStyle::SP_MediaPlay);
    playAction_->setToolTip(tr("Play the current clip (Ctrl+Space)"));
    playSequenceAction_ = make(tr("Play + neighbours"), QKeySequence(Qt::Key_Space), &MainWindow::playSequence,
                               QStyle::SP_MediaSeekForward);
    playSequenceAction_->setToolTip(tr("Play the current clip, then its neighbours in order (Space)"));
    playExemplarsAction_ = make(tr("Play &Typical Clips of This Cluster"), QKeySequence(Qt::Key_T),
                                &MainWindow::playClusterExemplars);
    playExemplarsAction_->setToolTip(tr("Select and play the most typical clips of the current clip's cluster, "
                                        "its medoid first (T)"));
    nextAction_ = make(tr("Next"), QKeySequence(Qt::Key_N), &MainWindow::playNext, QStyle::SP_MediaSkipForward);
    nextAction_->setToolTip(tr("Next clip in the listening order (N)"));
    previousAction_ = make(tr("Previous"), QKeySequence(Qt::Key_P), &MainWindow::playPrevious, QStyle::SP_MediaSkipBackward);
    previousAction_->setToolTip(tr("Previous clip in the listening order (P)"));
    stopAction_ = make(tr("Stop"), QKeySequence(Qt::Key_Escape), &MainWindow::stopPlayback, QStyle::SP_MediaStop);
    stopAction_->setToolTip(tr("Stop playback (Esc)"));
    labelAction_ = make(tr("&Label Selected Clips…"), QKeySequence(tr("Ctrl+L")), [this] { labelBar_->focusEdit(); });
    // Ctrl+Z: a focused text field keeps it for its own typing; elsewhere it takes back a label edit.
    undoLabelAction_ = make(tr("&Undo Label"), QKeySequence::Undo, [this] {
        const QString what = session_->undoLabelText();
        if (session_->undoLabel()) statusBar()->showMessage(tr("Undone: %1").arg(what), 4000);
    });
    undoLabelAction_->setEnabled(false);
    connect(session_, &ArchiveSession::labelUndoChanged, this, [this](bool canUndo) {
        undoLabelAction_->setEnabled(canUndo);
        undoLabelAction_->setText(canUndo ? tr("&Undo %1").arg(session_->undoLabelText()) : tr("&Undo Label"));
    });
    resetMapAction_ = make(tr("&Reset Map View"), QKeySequence(tr("Ctrl+0")), [this] { mapView()->resetView(); });
    aboutAction_ = make(tr("&About CrowLingo"), QKeySequence(), [this] {
        QMessageBox::about(this, tr("About CrowLingo Workbench"),
                           tr("<h3>CrowLingo Workbench %1</h3><p>A self-supervised audio model's view of your "
                              "recordings: maps, neighbours, reconstructions and labels.</p>"
                              "<p><b>Keys</b>: Space play clip + neighbours · T typical clips of its cluster · N / P next / "
                              "previous · Esc stop · Ctrl+L label · Ctrl+Z undo label · map: wheel zoom, drag pan, Shift+drag select, R reset</p>")
                               .arg(QStringLiteral(CROWLINGO_VERSION)));
    });
    // Window-wide keys: they work whichever dock has focus (line edits keep their own typing).
    for (QAction* a : {playAction_, playSequenceAction_, playExemplarsAction_, nextAction_, previousAction_, stopAction_})
        a->setShortcutContext(Qt::WindowShortcut);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(openAction_);
    recentMenu_ = file->addMenu(tr("Open &Recent"));
    file->addAction(newAction_);
    file->addAction(updateArchiveAction_);
    file->addSeparator();
    file->addAction(importLabelsAction_);
    QMenu* exportMenu = file->addMenu(tr("&Export"));
    exportMenu->addAction(exportClustersAction_);
    exportMenu->addAction(exportEmbeddingsAction_);
    exportMenu->addSeparator();
    exportMenu->addAction(exportRavenAction_);
    exportMenu->addAction(exportAudacityAction_);
    file->addSeparator();
    file->addAction(locateAction_);
    file->addAction(reloadAction_);
    file->addAction(closeAction_);
    file->addAction(quitAction_);

    QMenu* edit = menuBar()->addMenu(tr("&Edit"));
    edit->addAction(undoLabelAction_);

    QMenu* analysis = menuBar()->addMenu(tr("&Analysis"));
    analysis->addAction(pcaAction_);
    analysis->addAction(umapAction_);
    analysis->addAction(clusterAction_);
    analysis->addSeparator();
    analysis->addAction(mapDialogAction_);
    analysis->addAction(clusterDialogAction_);
    analysis->addSeparator();
    analysis->addAction(adaptAction_);
    analysis->addAction(findCallsAction_);

    QMenu* clips = menuBar()->addMenu(tr("&Clips"));
    clips->addAction(playAction_);
    clips->addAction(playSequenceAction_);
    clips->addAction(playExemplarsAction_);
    clips->addAction(nextAction_);
    clips->addAction(previousAction_);
    clips->addAction(stopAction_);
    clips->addSeparator();
    clips->addAction(labelAction_);

    QMenu* view = menuBar()->addMenu(tr("&View"));
    view->setObjectName(QStringLiteral("viewMenu"));
    view->addAction(resetMapAction_);
    view->addAction(tr("&Spectrogram Settings…"), this, [this] { spectrogramSettingsDialog(); });
    view->addSeparator();

    QMenu* help = menuBar()->addMenu(tr("&Help"));
    help->addAction(aboutAction_);
}

void MainWindow::buildToolBars()
{
    QToolBar* playback = addToolBar(tr("Playback"));
    toolBars_.push_back(playback);
    playback->setObjectName(QStringLiteral("playbackToolBar"));
    playback->setMovable(false);
    playback->setIconSize(QSize(18, 18));
    playback->setToolButtonStyle(Qt::ToolButtonIconOnly);
    playback->addAction(openAction_);
    playback->addSeparator();
    playback->addAction(playAction_);
    playback->addAction(playSequenceAction_);
    playback->addAction(previousAction_);
    playback->addAction(nextAction_);
    playback->addAction(stopAction_);
    playback->addSeparator();

    speed_ = new QDoubleSpinBox(playback);
    speed_->setObjectName(QStringLiteral("speedSpinBox"));
    speed_->setRange(0.1, 2.0);
    speed_->setSingleStep(0.1);
    speed_->setDecimals(2);
    speed_->setValue(1.0);
    speed_->setSuffix(QStringLiteral(" ×"));
    speed_->setPrefix(tr("speed "));
    speed_->setToolTip(tr("Playback speed (0.1–2×); slower also lowers the pitch, like tape"));
    connect(speed_, &QDoubleSpinBox::valueChanged, player_, &AudioPlayer::setSpeed);
    playback->addWidget(speed_);

    timeExpansion_ = new QDoubleSpinBox(playback);
    timeExpansion_->setObjectName(QStringLiteral("timeExpansionSpinBox"));
    timeExpansion_->setRange(1.0, 100.0);
    timeExpansion_->setDecimals(1);
    timeExpansion_->setValue(1.0);
    timeExpansion_->setPrefix(tr("time expansion ×"));
    timeExpansion_->setToolTip(tr("Play ultrasound slowed by this factor (10 brings bat calls into hearing); "
                                  "set from the archive when it is opened"));
    playback->addWidget(timeExpansion_);

    context_ = new QCheckBox(tr("context ±0.5 s"), playback);
    context_->setToolTip(tr("Also play half a second before and after each clip"));
    connect(context_, &QCheckBox::toggled, this, [this](bool on) { player_->setContext(on ? 0.5 : 0.0); });
    playback->addWidget(context_);

    QToolBar* labels = addToolBar(tr("Labels"));
    toolBars_.push_back(labels);
    labels->setObjectName(QStringLiteral("labelToolBar"));
    labels->setMovable(false);
    labels->addWidget(labelBar_);
}

void MainWindow::buildDocks()
{
    auto dock = [this](const QString& title, const char* name, QWidget* w, Qt::DockWidgetArea area) {
        auto* d = new QDockWidget(title, this);
        d->setObjectName(QString::fromLatin1(name));
        d->setWidget(w);
        d->setFeatures(QDockWidget::DockWidgetMovable | QDockWidget::DockWidgetFloatable | QDockWidget::DockWidgetClosable);
        addDockWidget(area, d);
        if (QMenu* view = menuBar()->findChild<QMenu*>(QStringLiteral("viewMenu"))) view->addAction(d->toggleViewAction());
        return d;
    };
    // "Hear reconstruction": the panel makes the sound, the one player plays it.
    connect(inspector_->reconstruction(), &ReconstructionPanel::listenRequested, this,
            [this](const QVector<float>& samples, double rate) {
                playingSequence_ = false;
                player_->playSound(std::vector<float>(samples.begin(), samples.end()), rate);
            });
    inspectorDock_ = dock(tr("Clip"), "inspectorDock", inspector_, Qt::RightDockWidgetArea);
    neighbourDock_ = dock(tr("Neighbours"), "neighbourDock", neighbours_, Qt::RightDockWidgetArea);
    tableDock_ = dock(tr("Clips"), "tableDock", table_, Qt::BottomDockWidgetArea);
    recordingDock_ = dock(tr("Recording"), "recordingDock", recording_, Qt::BottomDockWidgetArea);
    recordingsDock_ = dock(tr("Recordings"), "recordingsDock", recordings_, Qt::BottomDockWidgetArea);
    splitDockWidget(inspectorDock_, neighbourDock_, Qt::Vertical);
    findCallsDock_ = dock(tr("Find Calls"), "findCallsDock", findCalls_, Qt::RightDockWidgetArea);
    tabifyDockWidget(neighbourDock_, findCallsDock_);
    findCallsDock_->hide();
    // The bottom table spans only the map's width; the right column keeps the full height.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
}

namespace {
// The model reading at another time scale, or nothing when the scale does not fit its hop.
std::optional<Model> atTimeScale(const std::optional<Model>& model, int scale)
{
    if (!model) return std::nullopt;
    try {
        return model->withTimeScale(scale);
    } catch (const UsageError&) {
        return std::nullopt;
    }
}
} // namespace

void MainWindow::loadModel(const QString& dir, int timeScale)
{
    modelDir_ = dir;
    modelFromArchive_ = false;
    const quint64 request = ++modelRequest_;
    ++modelLoads_;
    inspector_->reconstruction()->setModelStatus(tr("Loading the model …"));
    auto* watcher = new QFutureWatcher<Result<Model>>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, request] {
        watcher->deleteLater();
        --modelLoads_;
        if (request != modelRequest_) return; // another model was asked for since
        Result<Model> r = watcher->result();
        if (r.ok()) {
            installModel(*r.value);
        } else {
            inspector_->reconstruction()->setModelStatus(tr("No model, so no reconstruction: %1").arg(r.error));
        }
    });
    const std::filesystem::path path = dir.toStdString();
    watcher->setFuture(QtConcurrent::run([path, timeScale] {
        return runCatching([&] { return Model::load(path.empty() ? defaultModelDir() : path).withTimeScale(timeScale); });
    }));
}

void MainWindow::loadArchiveModel(const QString& dir, int timeScale)
{
    loadModel(dir, timeScale);
    modelFromArchive_ = true;
}

void MainWindow::setModel(const Model& model)
{
    ++modelRequest_;
    modelFromArchive_ = false;
    installModel(model);
}

void MainWindow::installModel(const Model& model)
{
    if (!baseModel_ && !modelFromArchive_) baseModel_ = model;
    model_ = model;
    inspector_->reconstruction()->setModel(model);
    updateSummary();
    updateActions();
}

QString MainWindow::modelId() const { return model_ ? QString::fromStdString(model_->id()) : QString(); }

bool MainWindow::isBusy() const
{
    return session_->isLoading() || modelLoads_ > 0 || tasks_->isBusy() || inspector_->isBusy() || inspector_->reconstruction()->isBusy() ||
           neighbours_->isBusy() || findCalls_->isBusy();
}

void MainWindow::showFindCalls()
{
    if (!session_->isOpen()) return;
    const bool wasHidden = findCallsDock_->isHidden();
    findCallsDock_->show();
    findCallsDock_->raise();
    // The review queue needs height: give the tab column more than the inspector the first time.
    if (wasHidden) resizeDocks({inspectorDock_, findCallsDock_}, {height() * 40 / 100, height() * 60 / 100}, Qt::Vertical);
    // A new call takes its name from the current clip's label, the usual first example.
    if (findCalls_->callName().isEmpty() && session_->currentClip() >= 0)
        findCalls_->setCallName(QString::fromStdString(session_->data().label[std::size_t(session_->currentClip())]));
}

void MainWindow::whenIdle(std::function<void()> f, int timeoutMs)
{
    auto* timer = new QTimer(this);
    auto idleTicks = std::make_shared<int>(0);
    auto waited = std::make_shared<int>(0);
    timer->setInterval(100);
    connect(timer, &QTimer::timeout, this, [this, timer, idleTicks, waited, f, timeoutMs] {
        *waited += timer->interval();
        // Several idle ticks in a row: work started by a finished job (a map after loading) counts.
        *idleTicks = isBusy() ? 0 : *idleTicks + 1;
        if (*idleTicks >= 5 || *waited >= timeoutMs) {
            timer->stop();
            timer->deleteLater();
            f();
        }
    });
    timer->start();
}

void MainWindow::openArchive(const QString& file)
{
    if (file.isEmpty()) return;
    stopPlayback();
    session_->open(file);
}

void MainWindow::reloadArchive()
{
    if (!session_->isOpen()) return;
    const int current = session_->currentClip();
    clipAfterReload_.reset();
    if (current >= 0) clipAfterReload_ = session_->data().clips[std::size_t(current)].id;
    openArchive(session_->fileName());
}

bool MainWindow::locateRecordings(QString folder)
{
    if (!session_->isOpen()) return false;
    const std::filesystem::path file = session_->data().file;
    if (folder.isEmpty())
        folder = QFileDialog::getExistingDirectory(this, tr("Folder that holds this archive's recordings"),
                                                   QFileInfo(QString::fromStdString(file.string())).absolutePath());
    if (folder.isEmpty()) return false;
    try {
        Archive archive = Archive::open(file);
        const RecordingsCheck c = relocateRecordings(archive, folder.toStdString());
        statusBar()->showMessage(tr("Recordings read from %1: %2 of %3 found").arg(folder).arg(c.found).arg(c.checked), 10000);
    } catch (const std::exception& e) {
        showError(tr("Cannot use this folder"), QString::fromUtf8(e.what()));
        return false;
    }
    reloadArchive();
    return true;
}

void MainWindow::closeArchive()
{
    stopPlayback();
    session_->close();
}

void MainWindow::openArchiveDialog()
{
    const QStringList recent = recentFiles();
    const QString dir = recent.isEmpty() ? QString() : QFileInfo(recent.first()).absolutePath();
    const QString file = QFileDialog::getOpenFileName(this, tr("Open archive"), dir,
                                                      tr("CrowLingo archives (*.crowlingo);;All files (*)"));
    if (!file.isEmpty()) openArchive(file);
}

void MainWindow::newArchiveDialog() { newArchiveFromFolder({}); }

void MainWindow::newArchiveFromFolder(const QString& folder)
{
    NewArchiveDialog dialog(this);
    if (!folder.isEmpty()) dialog.setFolder(folder);
    if (dialog.exec() != QDialog::Accepted) return;
    try {
        embedFolder(dialog.folder(), dialog.archiveFile(), dialog.modelDir(), dialog.options());
    } catch (const std::exception& e) {
        showError(tr("Cannot create the archive"), QString::fromUtf8(e.what()));
    }
}

void MainWindow::embedFolder(const QString& folder, const QString& archiveFile, const QString& modelDir,
                             const EmbedFolderOptions& options)
{
    const std::filesystem::path dir = folder.toStdString(), file = archiveFile.toStdString(), model = modelDir.toStdString();
    if (session_->isOpen() && QFileInfo(session_->fileName()) == QFileInfo(archiveFile)) closeArchive();
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
                if (!r.cancelled) showError(tr("Embedding failed"), r.error);
                if (QFileInfo::exists(archiveFile)) openArchive(archiveFile); // keep what was stored
                return;
            }
            const EmbedReport& report = *r.value;
            if (!report.errors.empty()) {
                QString list;
                for (const auto& [path, why] : report.errors)
                    list += QStringLiteral("%1: %2\n").arg(QString::fromStdString(path), QString::fromStdString(why));
                QMessageBox box(QMessageBox::Warning, tr("Some recordings could not be used"),
                                tr("%n file(s) could not be used; the rest of the archive is fine.", nullptr, report.filesFailed),
                                QMessageBox::Ok, this);
                box.setDetailedText(list);
                box.exec();
            }
            statusBar()->showMessage(tr("%1 files embedded, %2 unchanged, %3 clips in %4 s, read at time scale ×%5")
                                         .arg(report.filesEmbedded)
                                         .arg(report.filesUnchanged)
                                         .arg(report.clipsEmbedded)
                                         .arg(report.wallSeconds, 0, 'f', 1)
                                         .arg(report.timeScale),
                                     10000);
            if (!report.withoutClips.empty()) {
                // Not modal: the archive opens meanwhile; the list says which recordings are not on the map.
                QStringList paths;
                for (const std::string& p : report.withoutClips) paths << QString::fromStdString(p);
                auto* box = new QMessageBox(QMessageBox::Information, tr("Recordings without clips"),
                                            tr("%n recording(s) gave no clip with this segmentation (no call stood out, "
                                               "or the file is too short). They are in the archive but not on the map.",
                                               nullptr, int(paths.size())),
                                            QMessageBox::Ok, this);
                box->setDetailedText(paths.join(QLatin1Char('\n')));
                box->setAttribute(Qt::WA_DeleteOnClose);
                box->setObjectName(QStringLiteral("withoutClipsBox"));
                // The list stays in the Recordings dock, filtered to them, after this box is gone.
                QPushButton* list = box->addButton(tr("List Them"), QMessageBox::ActionRole);
                connect(list, &QPushButton::clicked, this, [this] { showRecordingsList(RecordingFilter::WithoutClips); });
                box->open();
            }
            openArchive(archiveFile);
        });
    if (!started) showError(tr("Busy"), tr("Wait for \"%1\" to finish (or cancel it) first.").arg(tasks_->title()));
}

void MainWindow::computeProjection(bool umap)
{
    ProjectionParams params;
    params.method = umap ? ProjectionMethod::Umap : ProjectionMethod::Pca;
    computeMap(params);
}

void MainWindow::computeMap(const ProjectionParams& params, std::function<void()> then)
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
            mapView()->setMessage({});
            if (!r.ok()) {
                if (!r.cancelled) showError(tr("Cannot compute the map"), r.error);
                return;
            }
            if (!session_->isOpen() || session_->data().modelId != r.value->modelId) return;
            session_->setProjection(r.value->clipIds, r.value->xy, r.value->paramsJson);
            if (then) then();
            else if (const auto again = clusteringThatFollowsTheMap()) computeClusters(*again);
        });
    if (started) mapView()->setMessage(title + QStringLiteral(" …"));
    else showError(tr("Busy"), tr("Wait for \"%1\" to finish (or cancel it) first.").arg(tasks_->title()));
}

void MainWindow::computeClustering() { computeClusters(ClusterParams{}); }

std::optional<ClusterParams> MainWindow::clusteringThatFollowsTheMap() const
{
    // Clusters found on the map (or left to Automatic, which may now pick the map) belong to the
    // map they were found on: a new map gets new clusters, so that colours and islands agree.
    const ArchiveSnapshot& d = session_->data();
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

void MainWindow::computeClusters(const ClusterParams& params, std::function<void()> then)
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
                if (!r.cancelled) showError(tr("Cannot cluster"), r.error);
                return;
            }
            if (session_->isOpen() && session_->data().modelId == r.value->modelId)
                session_->setClustering(r.value->clipIds, r.value->labels, r.value->paramsJson);
            std::set<int> ids(r.value->labels.begin(), r.value->labels.end());
            ids.erase(-1);
            statusBar()->showMessage(tr("%1 clusters found").arg(ids.size()), 8000);
            mapPanel_->setColourBy(int(MapView::ColourBy::Cluster)); // show what was just computed
            if (then) then();
        });
    if (!started) showError(tr("Busy"), tr("Wait for \"%1\" to finish (or cancel it) first.").arg(tasks_->title()));
}

void MainWindow::mapDialog()
{
    if (!session_->isOpen() || session_->data().modelId.empty()) return;
    ProjectionDialog dialog(this);
    try {
        if (session_->data().hasProjection) dialog.setParams(ProjectionParams::fromJson(session_->data().projectionParams));
    } catch (const UsageError&) {
        // A map made by another version: start from the defaults.
    }
    if (dialog.exec() == QDialog::Accepted) computeMap(dialog.params());
}

void MainWindow::clusterDialog()
{
    if (!session_->isOpen() || session_->data().modelId.empty()) return;
    ClusteringDialog dialog(this);
    dialog.setClipCount(int(session_->data().embeddings.rows()));
    try {
        if (session_->data().hasClustering) dialog.setParams(ClusterParams::fromJson(session_->data().clusteringParams));
    } catch (const UsageError&) {
    }
    const ArchiveSnapshot& d = session_->data();
    dialog.setAutomaticSpace(resolveClusterSpace(d.hasProjection ? d.projectionParams : std::string(), ClusterSpace::Automatic));
    if (dialog.exec() == QDialog::Accepted) computeClusters(dialog.params());
}

AdaptModelDialog* MainWindow::adaptModelDialog()
{
    if (!session_->isOpen() || !model_) return nullptr;
    if (adaptDialog_) {
        adaptDialog_->raise();
        adaptDialog_->activateWindow();
        return adaptDialog_;
    }
    // Not modal: the researcher keeps exploring (on the current vectors) while the model trains.
    auto* dialog = new AdaptModelDialog(session_->data().file, *model_, session_->data().clipCount(), tasks_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString archiveFile = session_->fileName();
    connect(dialog, &AdaptModelDialog::adapted, this, [this, archiveFile](const QString& modelDir, bool activated) {
        // The archive now shows the adapted model's vectors: if it is still the one open, use that
        // model for reconstructions and queries, reload the archive, and redo the map and clusters
        // with the parameters they had. (An archive opened later finds its model by itself.)
        if (!activated || !session_->isOpen() || session_->fileName() != archiveFile) return;
        const ArchiveSnapshot& d = session_->data();
        redoAnalysis_.emplace(d.hasProjection ? d.projectionParams : std::string(),
                              d.hasClustering ? d.clusteringParams : std::string());
        loadArchiveModel(modelDir, 1);
        openArchive(archiveFile);
    });
    adaptDialog_ = dialog;
    dialog->show();
    return dialog;
}

void MainWindow::exportEmbeddings(const QString& npyFile, const QString& csvFile)
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
            const QString message = r.ok() ? tr("Wrote %1 and %2 (%3 clips)").arg(npyFile, csvFile).arg(*r.value) : r.error;
            if (!r.ok() && !r.cancelled) showError(tr("Export failed"), r.error);
            else statusBar()->showMessage(message, 8000);
            Q_EMIT exportFinished(r.ok(), message);
        });
    if (!started) Q_EMIT exportFinished(false, tr("busy with %1").arg(tasks_->title()));
}

QString MainWindow::importLabels(const QString& file)
{
    const std::optional<LabelImportReport> r = session_->importLabels(file);
    if (!r) return {};
    const QString name = QFileInfo(file).fileName();
    QString summary = tr("%1: %2 rows, %3 matched, %4 clips labelled").arg(name).arg(r->rows).arg(r->matchedRows).arg(r->clipsLabelled);
    if (r->format == LabelTableFormat::RavenSelections)
        summary += tr(" (Raven table, labels from column \"%1\")").arg(QString::fromStdString(r->labelColumn));
    else if (r->format == LabelTableFormat::AudacityLabels)
        summary += tr(" (Audacity label track)");
    statusBar()->showMessage(summary, 10000);
    if (!r->unmatched.empty()) {
        QString details;
        for (const auto& [line, why] : r->unmatched) details += tr("line %1: %2\n").arg(line).arg(QString::fromStdString(why));
        auto* box = new QMessageBox(QMessageBox::Information, tr("Imported labels"),
                                    summary + QLatin1Char('\n') +
                                        tr("%n row(s) matched no clip: see the details.", nullptr, int(r->unmatched.size())),
                                    QMessageBox::Ok, this);
        box->setDetailedText(details);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("importLabelsBox"));
        box->open();
    }
    return summary;
}

void MainWindow::exportClusters(const QString& csvFile)
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
        [this, csvFile](Result<int> r) {
            const QString message = r.ok() ? tr("Wrote %1").arg(csvFile) : r.error;
            if (!r.ok() && !r.cancelled) showError(tr("Export failed"), r.error);
            else statusBar()->showMessage(message, 8000);
            Q_EMIT exportFinished(r.ok(), message);
        });
    if (!started) Q_EMIT exportFinished(false, tr("busy with %1").arg(tasks_->title()));
}

void MainWindow::exportTables(const QString& dir, bool audacity, bool replace)
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
                // The folder dialog did not ask about the files in it, so ask here (offscreen runs
                // cannot answer: they get the refusal).
                const QString question = tr("%1 already holds files of the names this export writes. Replace them?").arg(dir);
                if (QGuiApplication::platformName() != QLatin1String("offscreen")
                    && QMessageBox::question(this, tr("Replace files?"), question) == QMessageBox::Yes) {
                    QTimer::singleShot(0, this, [this, dir, audacity] { exportTables(dir, audacity, true); });
                    return;
                }
                const QString message = tr("Nothing exported: %1 already holds files of the same names").arg(dir);
                showError(tr("Export failed"), message);
                Q_EMIT exportFinished(false, message);
                return;
            }
            const QString message = r.ok() ? tr("Wrote %1 files to %2").arg(*r.value).arg(dir) : r.error;
            if (!r.ok() && !r.cancelled) showError(tr("Export failed"), r.error);
            else statusBar()->showMessage(message, 8000);
            Q_EMIT exportFinished(r.ok(), message);
        });
    if (!started) Q_EMIT exportFinished(false, tr("busy with %1").arg(tasks_->title()));
}

QVector<int> MainWindow::sequence() const
{
    QVector<int> clips;
    if (session_->currentClip() < 0) return clips;
    clips.push_back(session_->currentClip());
    for (const NeighbourHit& h : session_->neighbours()) clips.push_back(h.clipIndex);
    return clips;
}

void MainWindow::playClips(const QVector<int>& clips, int startAt)
{
    if (!session_->isOpen() || clips.isEmpty()) return;
    const ArchiveSnapshot& d = session_->data();
    QVector<PlayItem> queue;
    for (int i : clips) {
        const ClipRow& c = d.clips[std::size_t(i)];
        queue.push_back({i, d.audioFile(i), c.start, c.end, timeExpansion_->value()});
    }
    player_->setSpeed(speed_->value());
    playingSequence_ = false;
    player_->play(queue, startAt);
}

void MainWindow::playCurrent()
{
    if (session_->currentClip() >= 0) playClips({session_->currentClip()});
}

void MainWindow::playSequence()
{
    playClips(sequence(), 0);
    playingSequence_ = player_->isActive();
}

QVector<int> MainWindow::playClusterExemplars()
{
    const int current = session_->currentClip();
    if (!session_->isOpen() || current < 0) return {};
    const int cluster = session_->data().cluster[std::size_t(current)];
    if (cluster < 0) {
        statusBar()->showMessage(session_->data().hasClustering ? tr("This clip is noise: pick a clip in a cluster")
                                                                : tr("No clusters yet: Analysis > Cluster"), 5000);
        return {};
    }
    const std::vector<int> typical = session_->data().clusterExemplars(cluster, 8);
    const QVector<int> clips(typical.begin(), typical.end());
    session_->setSelection(clips);
    playClips(clips, 0);
    playingSequence_ = player_->isActive();
    return clips;
}

void MainWindow::playNext() { stepSequence(+1); }

void MainWindow::playPrevious() { stepSequence(-1); }

void MainWindow::stepSequence(int step)
{
    const QVector<int> seq = sequence();
    if (seq.isEmpty()) return;
    // Within a running sequence, skip; otherwise play the next (previous) clip of
    // [clip, neighbours…] on its own, so N, N, N listens through the neighbours one by one.
    if (player_->isActive() && playingSequence_) {
        if (step > 0) player_->next(); else player_->previous();
        return;
    }
    sequencePos_ = std::clamp(sequencePos_ + step, 0, int(seq.size()) - 1);
    playClips({seq[sequencePos_]});
}

void MainWindow::stopPlayback() { player_->stop(); }

SpectrogramSettingsDialog* MainWindow::spectrogramSettingsDialog()
{
    if (!spectrogramDialog_) {
        spectrogramDialog_ = new SpectrogramSettingsDialog(recording_->spectrogramSettings(), this);
        connect(spectrogramDialog_, &SpectrogramSettingsDialog::settingsChanged, this, [this](const SpectrogramSettings& s) {
            applySpectrogramSettings(s);
            saveSpectrogramSettings(s);
        });
    }
    spectrogramDialog_->show();
    spectrogramDialog_->raise();
    return spectrogramDialog_;
}

void MainWindow::applySpectrogramSettings(const SpectrogramSettings& settings)
{
    recording_->setSpectrogramSettings(settings);
    inspector_->setSpectrogramSettings(settings);
    neighbours_->setSpectrogramSettings(settings);
}

void MainWindow::showRecording(int recordingIndex)
{
    if (!session_->isOpen() || recordingIndex < 0 || recordingIndex >= int(session_->data().recordings.size())) return;
    const std::vector<int>& of = session_->data().recordingOfClip;
    const auto first = std::find(of.begin(), of.end(), recordingIndex);
    if (first != of.end())
        session_->setCurrentClip(int(first - of.begin())); // the Recording view follows
    else
        recording_->showRecordingAlone(recordingIndex);
    recordingDock_->show();
    recordingDock_->raise();
}

void MainWindow::showRecordingsList(RecordingFilter filter)
{
    recordings_->setFilter(filter);
    recordingsDock_->show();
    recordingsDock_->raise();
}

void MainWindow::onArchiveOpened()
{
    const ArchiveSnapshot& d = session_->data();
    addRecent(session_->fileName());
    setWindowTitle(tr("%1 — CrowLingo Workbench").arg(QFileInfo(session_->fileName()).fileName()));
    central_->setCurrentWidget(mapPanel_);
    for (QDockWidget* dock : {inspectorDock_, neighbourDock_, tableDock_}) dock->show();
    if (clipAfterReload_) session_->setCurrentClipId(*std::exchange(clipAfterReload_, std::nullopt));
    warnIfRecordingsAreMissing();
    // Tabbed once the table is in place (tabbing hidden docks at start-up grew the window past its size).
    if (tabifiedDockWidgets(tableDock_).isEmpty()) {
        tabifyDockWidget(tableDock_, recordingDock_);
        tabifyDockWidget(recordingDock_, recordingsDock_);
    }
    recordingsDock_->show();
    recordingDock_->show();
    recordingDock_->raise(); // the clip where it lives first, as in Raven; the table is one tab away
    for (QToolBar* bar : toolBars_) bar->show();
    resizeDocks({inspectorDock_}, {width() * 47 / 100}, Qt::Horizontal);
    resizeDocks({inspectorDock_, neighbourDock_}, {height() * 62 / 100, height() * 38 / 100}, Qt::Vertical);
    resizeDocks({recordingDock_}, {height() * 30 / 100}, Qt::Vertical); // the tab shown
    timeExpansion_->setValue(d.timeExpansion);
    start_->setStatus({});
    updateSummary();
    updateActions();
    // The archive remembers the folder of the model behind its vectors (an adapted one, or one
    // named at embedding): use it, so reconstructions and queries match the vectors.
    // Otherwise the model in use read at the archive's time scale, unless it is another archive's
    // own: then the window's base model.
    if (!d.modelId.empty() && (!model_ || model_->id() != d.modelId)) {
        if (!d.modelDir.empty()) loadArchiveModel(QString::fromStdString(d.modelDir.string()), d.timeScale);
        else if (const auto scaled = atTimeScale(model_, d.timeScale); scaled && scaled->id() == d.modelId) {
            ++modelRequest_;
            installModel(*scaled);
        }
        // Another archive's model (an adapted one) must not read this archive: back to the base.
        else if (const auto base = atTimeScale(baseModel_, d.timeScale); modelFromArchive_ && base) setModel(*base);
        else if (d.timeScale != 1) loadModel(modelDir_, d.timeScale);
    }
    if (redoAnalysis_ && !d.hasProjection && !d.modelId.empty() && d.embeddings.rows() > 0) {
        const auto [mapJson, clusterJson] = *redoAnalysis_;
        redoAnalysis_.reset();
        ProjectionParams map;
        map.method = ProjectionMethod::Pca;
        ClusterParams clusters;
        try {
            if (!mapJson.empty()) map = ProjectionParams::fromJson(mapJson);
            if (!clusterJson.empty()) clusters = ClusterParams::fromJson(clusterJson);
        } catch (const UsageError&) {
        }
        if (clusterJson.empty()) computeMap(map);
        else computeMap(map, [this, clusters] { computeClusters(clusters); });
        return;
    }
    redoAnalysis_.reset();
    if (autoProjection_ && !d.hasProjection && !d.modelId.empty() && d.embeddings.rows() > 0) computeProjection(false);
}

void MainWindow::warnIfRecordingsAreMissing()
{
    // A sample is enough to tell a moved archive (none found) from a few deleted files.
    const ArchiveSnapshot& d = session_->data();
    const RecordingsCheck c = checkRecordings(d.recordings, d.root, 20);
    if (c.checked == 0 || c.found > 0) return;
    auto* box = new QMessageBox(QMessageBox::Warning, tr("Recordings not found"),
                                tr("This archive's recordings are not under %1 (no \"%2\" there). Was the archive "
                                   "moved or copied without them? Point it at the folder that holds them to see "
                                   "and hear its clips.").arg(QString::fromStdString(d.root.string()),
                                                              QString::fromStdString(c.firstMissing)),
                                QMessageBox::Cancel, this);
    box->setObjectName(QStringLiteral("recordingsMissingBox"));
    QPushButton* locate = box->addButton(tr("Locate Folder…"), QMessageBox::AcceptRole);
    connect(locate, &QPushButton::clicked, this, [this] { locateRecordings(); });
    box->setAttribute(Qt::WA_DeleteOnClose);
    box->open();
}

void MainWindow::onArchiveClosed()
{
    setWindowTitle(tr("CrowLingo Workbench"));
    central_->setCurrentWidget(start_);
    // No empty docks next to the start page.
    for (QDockWidget* dock : {inspectorDock_, neighbourDock_, tableDock_, findCallsDock_, recordingDock_, recordingsDock_})
        dock->hide();
    for (QToolBar* bar : toolBars_) bar->hide(); // nothing to play or label yet
    mapView()->setMessage({});
    updateSummary();
    updateActions();
}

QString MainWindow::summaryText() const { return summary_->text(); }

void MainWindow::updateSummary()
{
    if (!session_->isOpen()) {
        summary_->setText(model_ ? tr("No archive open · model %1").arg(QString::fromStdString(model_->id()).left(12))
                                 : tr("No archive open"));
        return;
    }
    const ArchiveSnapshot& d = session_->data();
    QStringList parts;
    parts << QFileInfo(session_->fileName()).fileName();
    parts << tr("%L1 clips in %L2 recordings").arg(d.clipCount()).arg(d.recordings.size());
    if (const RecordingTally t = tallyRecordings(recordings_->model()->recordings()); t.withoutClips > 0)
        parts << tr("%L1 recordings gave no clip (see Recordings)").arg(t.withoutClips);
    parts << (d.modelId.empty() ? tr("no embeddings") : tr("model %1").arg(QString::fromStdString(d.modelId).left(12)));
    if (d.hasClustering) {
        std::set<int> ids(d.cluster.begin(), d.cluster.end());
        ids.erase(-1);
        parts << (ClusterParams::spaceUsed(d.clusteringParams) == ClusterSpace::Map ? tr("%1 clusters on the map")
                                                                                    : tr("%1 clusters among the embeddings"))
                     .arg(ids.size());
    }
    if (d.timeExpansion != 1.0) parts << tr("time expansion ×%1").arg(d.timeExpansion);
    if (model_ && !d.modelId.empty() && model_->id() != d.modelId)
        parts << tr("reconstructions by model %1").arg(QString::fromStdString(model_->id()).left(12));
    summary_->setText(parts.join(QStringLiteral("  ·  ")));
}

void MainWindow::updateActions()
{
    const bool open = session_->isOpen();
    const bool hasEmbeddings = open && !session_->data().modelId.empty();
    const bool busy = tasks_->isBusy();
    const bool clip = session_->currentClip() >= 0;
    closeAction_->setEnabled(open);
    reloadAction_->setEnabled(open && !busy);
    locateAction_->setEnabled(open && !busy);
    updateArchiveAction_->setEnabled(open && !busy);
    exportEmbeddingsAction_->setEnabled(hasEmbeddings && !busy);
    importLabelsAction_->setEnabled(open);
    exportClustersAction_->setEnabled(open && !busy);
    exportRavenAction_->setEnabled(open && !busy);
    exportAudacityAction_->setEnabled(open && !busy);
    for (QAction* a : {pcaAction_, umapAction_, clusterAction_, mapDialogAction_, clusterDialogAction_}) a->setEnabled(hasEmbeddings && !busy);
    for (QAction* a : {playAction_, playSequenceAction_, nextAction_, previousAction_}) a->setEnabled(clip);
    stopAction_->setEnabled(player_->isActive());
    labelAction_->setEnabled(open);
    newAction_->setEnabled(!busy);
    // While adapting, the action raises the running dialog.
    findCallsAction_->setEnabled(open);
    adaptAction_->setEnabled(open && model_ && session_->data().clipCount() > 0 && (!busy || adaptDialog_));
}

QStringList MainWindow::recentFiles() const
{
    return QSettings().value(QLatin1String(kRecentKey)).toStringList();
}

void MainWindow::addRecent(const QString& file)
{
    QStringList recent = recentFiles();
    recent.removeAll(file);
    recent.prepend(file);
    while (recent.size() > kMaxRecent) recent.removeLast();
    QSettings().setValue(QLatin1String(kRecentKey), recent);
    refreshRecentMenu();
}

void MainWindow::refreshRecentMenu()
{
    QStringList recent = recentFiles();
    recent.removeIf([](const QString& f) { return !QFileInfo::exists(f); });
    start_->setRecentFiles(recent);
    recentMenu_->clear();
    for (const QString& f : recent) {
        QAction* a = recentMenu_->addAction(QFileInfo(f).fileName());
        a->setToolTip(f);
        connect(a, &QAction::triggered, this, [this, f] { openArchive(f); });
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::showError(const QString& title, const QString& message)
{
    statusBar()->showMessage(message, 10000);
    // Offscreen runs (tests, screenshots) must not block in a modal dialog.
    if (QGuiApplication::platformName() == QLatin1String("offscreen")) {
        std::fprintf(stderr, "error: %s\n", qPrintable(message));
        return;
    }
    QMessageBox::warning(this, title, message);
}

namespace {

// A dropped folder (to make an archive of) or archive file (to open); empty for anything else.
QString droppedPath(const QMimeData* mime)
{
    if (!mime || !mime->hasUrls()) return {};
    for (const QUrl& url : mime->urls()) {
        if (!url.isLocalFile()) continue;
        const QFileInfo info(url.toLocalFile());
        if (info.isDir() || (info.isFile() && info.suffix().compare(QLatin1String("crowlingo"), Qt::CaseInsensitive) == 0))
            return info.absoluteFilePath();
    }
    return {};
}

} // namespace

void MainWindow::openDropped(const QString& path)
{
    if (QFileInfo(path).isDir()) newArchiveFromFolder(path);
    else openArchive(path);
}

void MainWindow::dragEnterEvent(QDragEnterEvent* e)
{
    if (!droppedPath(e->mimeData()).isEmpty()) e->acceptProposedAction();
}

void MainWindow::dropEvent(QDropEvent* e)
{
    const QString path = droppedPath(e->mimeData());
    if (path.isEmpty()) return;
    e->acceptProposedAction();
    // After the drop has returned: the folder's dialog is modal, and a drag source must not wait on it.
    QTimer::singleShot(0, this, [this, path] { openDropped(path); });
}

void MainWindow::closeEvent(QCloseEvent* e)
{
    QSettings().setValue(QStringLiteral("geometry"), saveGeometry());
    player_->stop();
    tasks_->cancel();
    QMainWindow::closeEvent(e);
}

} // namespace crowlingo::ui
