#include "ui/MainWindow.h"

#include "ui/AdaptModelDialog.h"
#include "ui/ArchiveJobs.h"
#include "ui/ArchiveSession.h"
#include "ui/AudioPlayer.h"
#include "ui/ClipInspector.h"
#include "ui/ClipTablePanel.h"
#include "ui/FindCallsPanel.h"
#include "ui/ClusteringDialog.h"
#include "ui/LabelBar.h"
#include "ui/ListeningController.h"
#include "ui/MapPanel.h"
#include "ui/MapView.h"
#include "ui/ModelInUse.h"
#include "ui/NeighbourPanel.h"
#include "ui/NewArchiveDialog.h"
#include "ui/PlaybackToolBar.h"
#include "ui/ProjectionDialog.h"
#include "ui/ReconstructionPanel.h"
#include "ui/RecentArchivesMenu.h"
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
#include "core/common/Error.h"
#include "core/common/NumericsEnvironment.h"
#include "core/common/Threads.h"
#include "core/model/InferencePrecision.h"
#include "core/pipeline/FolderEmbedder.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QDockWidget>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QMimeData>
#include <QFileDialog>
#include <QFileInfo>
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

#include <algorithm>
#include <cstdio>
#include <set>
#include <utility>

namespace crowlingo::ui {

MainWindow::MainWindow(QWidget* parent)
    : QMainWindow(parent), session_(new ArchiveSession(this)), tasks_(new TaskRunner(this)), player_(new AudioPlayer(this)),
      jobs_(new ArchiveJobs(session_, tasks_, this)), models_(new ModelInUse(this)),
      listening_(new ListeningController(session_, player_, this)),
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
    connect(recent_, &RecentArchivesMenu::openRequested, this, &MainWindow::openArchive);
    connect(recent_, &RecentArchivesMenu::filesChanged, start_, &StartPage::setRecentFiles);

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
    connect(session_, &ArchiveSession::currentClipChanged, this, &MainWindow::updateActions);
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
    connect(recording_, &RecordingPanel::playRequested, listening_, &ListeningController::playRange);
    connect(recording_, &RecordingPanel::addClipRequested, this, &MainWindow::addClipDrawn);
    connect(recording_, &RecordingPanel::removeClipRequested, this, &MainWindow::removeClipDrawn);
    connect(recording_, &RecordingPanel::clipRedrawRequested, this, &MainWindow::redrawClipDrawn);
    connect(recording_, &RecordingPanel::statusMessage, this, [this](const QString& text) { statusBar()->showMessage(text, 10000); });
    // The archive is read again with the clip in it (or without it); an added clip becomes current,
    // so that its neighbours are listed at once.
    connect(jobs_, &ArchiveJobs::clipAdded, this, [this](ClipId id) {
        if (!session_->isOpen()) return;
        clipUndo_ = ClipUndo{session_->fileName(), tr("Add Clip"), id, 0, {}, {}};
        clipAfterReload_ = id;
        openArchive(session_->fileName());
        statusBar()->showMessage(tr("Clip %1 added and embedded: its nearest neighbours are listed").arg(id), 8000);
    });
    connect(jobs_, &ArchiveJobs::clipRedrawn, this, [this](ClipId was, ClipId now) {
        if (!session_->isOpen()) return;
        // The archive is read again below: until then the snapshot shown still holds the old box.
        const int old = session_->data().indexOf(was);
        if (std::exchange(undoingClip_, false))
            clipUndo_.reset();
        else if (old >= 0 && was != now) {
            const ClipRow& c = session_->data().clips[std::size_t(old)];
            clipUndo_ = ClipUndo{session_->fileName(), tr("Redraw Clip"), 0, now, Clip{c.start, c.end, c.lowHz, c.highHz, true}, {}};
        }
        clipAfterReload_ = now;
        openArchive(session_->fileName());
        statusBar()->showMessage(was == now ? tr("Clip %1 is already drawn so").arg(now)
                                            : tr("Clip %1 redrawn and embedded again as clip %2, its labels kept").arg(was).arg(now),
                                 8000);
    });
    connect(jobs_, &ArchiveJobs::clipRemoved, this, [this](const RemovedClip& removed) {
        if (!session_->isOpen()) return;
        if (std::exchange(undoingClip_, false))
            clipUndo_.reset();
        else
            clipUndo_ = ClipUndo{session_->fileName(), tr("Remove Clip"), 0, 0, {}, removed};
        reloadArchive();
        statusBar()->showMessage(tr("Clip %1 removed").arg(removed.clip.id), 6000);
    });
    connect(jobs_, &ArchiveJobs::clipRestored, this, [this](ClipId id) {
        undoingClip_ = false;
        clipUndo_.reset();
        if (!session_->isOpen()) return;
        clipAfterReload_ = id;
        openArchive(session_->fileName());
        statusBar()->showMessage(tr("Clip put back as clip %1, with its labels").arg(id), 8000);
    });
    connect(player_, &AudioPlayer::itemStarted, this, [this](int, int clip) {
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
    connect(neighbours_, &NeighbourPanel::playRequested, listening_, &ListeningController::playClip);
    connect(findCalls_, &FindCallsPanel::playRequested, listening_, &ListeningController::playClip);
    connect(listening_, &ListeningController::statusMessage, statusBar(), &QStatusBar::showMessage);

    connect(models_, &ModelInUse::loadStarted, this,
            [this] { inspector_->reconstruction()->setModelStatus(tr("Loading the model …")); });
    connect(models_, &ModelInUse::loadFailed, this, [this](const QString& error) {
        inspector_->reconstruction()->setModelStatus(tr("No model, so no reconstruction: %1").arg(error));
    });
    connect(models_, &ModelInUse::changed, this, [this](const Model& model) {
        inspector_->reconstruction()->setModel(model);
        updateSummary();
        updateActions();
    });

    jobs_->setReplaceQuestion([this](const QString& question) { return askYesNo(tr("Replace files?"), question); });
    connect(jobs_, &ArchiveJobs::failed, this, &MainWindow::showError);
    connect(jobs_, &ArchiveJobs::statusMessage, statusBar(), &QStatusBar::showMessage);
    connect(jobs_, &ArchiveJobs::mapStarted, this, [this](const QString& title) { mapView()->setMessage(title + QStringLiteral(" …")); });
    connect(jobs_, &ArchiveJobs::mapFinished, this, [this] { mapView()->setMessage({}); });
    // Show what was just computed.
    connect(jobs_, &ArchiveJobs::clustersFound, this, [this] { mapPanel_->setColourBy(int(MapView::ColourBy::Cluster)); });
    connect(jobs_, &ArchiveJobs::embedStopped, this, [this](const QString& archiveFile) {
        if (QFileInfo::exists(archiveFile)) openArchive(archiveFile); // keep what was stored
    });
    connect(jobs_, &ArchiveJobs::embedded, this, [this](const EmbedReport& report, const QString& archiveFile) {
        showEmbedReport(report);
        openArchive(archiveFile);
    });
    connect(tasks_, &TaskRunner::finished, this, [this](bool ok, bool cancelled, const QString& message) {
        if (ok || cancelled) statusBar()->showMessage(message, 6000);
        updateActions();
    });
    connect(tasks_, &TaskRunner::started, this, &MainWindow::updateActions);

    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("geometry")).toByteArray())) resize(1500, 950);
    recent_->refresh();
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
        jobs_->exportEmbeddings(npy, csv + QStringLiteral("_clips.csv"));
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
        if (!csv.isEmpty()) jobs_->exportClusters(csv);
    });
    exportRavenAction_ = make(tr("&Raven Selection Tables…"), QKeySequence(), [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for Raven selection tables"),
                                                              QFileInfo(session_->fileName()).absolutePath());
        if (!dir.isEmpty()) jobs_->exportTables(dir, false);
    });
    exportAudacityAction_ = make(tr("&Audacity Label Tracks…"), QKeySequence(), [this] {
        const QString dir = QFileDialog::getExistingDirectory(this, tr("Folder for Audacity label tracks"),
                                                              QFileInfo(session_->fileName()).absolutePath());
        if (!dir.isEmpty()) jobs_->exportTables(dir, true);
    });
    quitAction_ = make(tr("&Quit"), QKeySequence::Quit, &QWidget::close);
    auto computeMapBy = [this](ProjectionMethod method) {
        ProjectionParams params;
        params.method = method;
        jobs_->computeMap(params);
    };
    pcaAction_ = make(tr("Map (PCA)"), QKeySequence(), [computeMapBy] { computeMapBy(ProjectionMethod::Pca); });
    pcaAction_->setToolTip(tr("Compute a 2-D map of the embeddings with PCA (seconds)"));
    umapAction_ = make(tr("Map (UMAP)"), QKeySequence(), [computeMapBy] { computeMapBy(ProjectionMethod::Umap); });
    umapAction_->setToolTip(tr("Compute a 2-D map with UMAP: neighbourhoods kept, slower"));
    clusterAction_ = make(tr("Cluster"), QKeySequence(), [this] { jobs_->computeClusters(ClusterParams{}); });
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
            embedFolder(dialog.folder(), dialog.archiveFile(), dialog.modelDir().isEmpty() ? models_->dir() : dialog.modelDir(),
                        dialog.options());
        } catch (const std::exception& e) {
            showError(tr("Cannot update the archive"), QString::fromUtf8(e.what()));
        }
    });
    updateArchiveAction_->setToolTip(tr("Embed new or changed recordings of the archive's folder"));

    playAction_ = make(tr("Play"), QKeySequence(tr("Ctrl+Space")), [this] { listening_->playCurrent(); }, QStyle::SP_MediaPlay);
    playAction_->setToolTip(tr("Play the current clip (Ctrl+Space)"));
    playSequenceAction_ = make(tr("Play + neighbours"), QKeySequence(Qt::Key_Space), [this] { listening_->playSequence(); },
                               QStyle::SP_MediaSeekForward);
    playSequenceAction_->setToolTip(tr("Play the current clip, then its neighbours in order (Space)"));
    playExemplarsAction_ = make(tr("Play &Typical Clips of This Cluster"), QKeySequence(Qt::Key_T),
                                [this] { listening_->playClusterExemplars(); });
    playExemplarsAction_->setToolTip(tr("Select and play the most typical clips of the current clip's cluster, "
                                        "its medoid first (T)"));
    nextAction_ = make(tr("Next"), QKeySequence(Qt::Key_N), [this] { listening_->playNext(); }, QStyle::SP_MediaSkipForward);
    nextAction_->setToolTip(tr("Next clip in the listening order (N)"));
    previousAction_ = make(tr("Previous"), QKeySequence(Qt::Key_P), [this] { listening_->playPrevious(); }, QStyle::SP_MediaSkipBackward);
    previousAction_->setToolTip(tr("Previous clip in the listening order (P)"));
    stopAction_ = make(tr("Stop"), QKeySequence(Qt::Key_Escape), [this] { listening_->stop(); }, QStyle::SP_MediaStop);
    stopAction_->setToolTip(tr("Stop playback (Esc)"));
    labelAction_ = make(tr("&Label Selected Clips…"), QKeySequence(tr("Ctrl+L")), [this] { labelBar_->focusEdit(); });
    // Ctrl+Z: a focused text field keeps it for its own typing; elsewhere it takes back a label edit.
    undoLabelAction_ = make(tr("&Undo"), QKeySequence::Undo, [this] { undo(); });
    undoLabelAction_->setObjectName(QStringLiteral("undoAction"));
    undoLabelAction_->setEnabled(false);
    connect(session_, &ArchiveSession::labelUndoChanged, this, &MainWindow::updateUndoAction);
    connect(session_, &ArchiveSession::archiveOpened, this, &MainWindow::updateUndoAction);
    connect(session_, &ArchiveSession::archiveClosed, this, &MainWindow::updateUndoAction);
    resetMapAction_ = make(tr("&Reset Map View"), QKeySequence(tr("Ctrl+0")), [this] { mapView()->resetView(); });
    aboutAction_ = make(tr("&About CrowLingo"), QKeySequence(), [this] {
        // What decides the model's speed here, as the CLI's model commands print it.
        const std::string kernel = openBlasKernel();
        const QString compute = tr("<p><b>Compute</b>: %1 threads (CROWLINGO_THREADS) · the model embeds in %2 "
                                   "(CROWLINGO_PRECISION)%3</p>")
                                    .arg(threadCount())
                                    .arg(QString::fromUtf8(precisionName(embeddingPrecision())))
                                    .arg(kernel.empty() ? QString() : tr(" · OpenBLAS kernel %1").arg(QString::fromStdString(kernel)));
        QMessageBox::about(this, tr("About CrowLingo Workbench"),
                           tr("<h3>CrowLingo Workbench %1</h3><p>A self-supervised audio model's view of your "
                              "recordings: maps, neighbours, reconstructions and labels.</p>"
                              "<p><b>Keys</b>: Space play clip + neighbours · T typical clips of its cluster · N / P next / "
                              "previous · Esc stop · Ctrl+L label · Ctrl+Z undo label · map: wheel zoom, drag pan, Shift+drag select, R reset</p>%2")
                               .arg(QStringLiteral(CROWLINGO_VERSION), compute));
    });
    // Window-wide keys: they work whichever dock has focus (line edits keep their own typing).
    for (QAction* a : {playAction_, playSequenceAction_, playExemplarsAction_, nextAction_, previousAction_, stopAction_})
        a->setShortcutContext(Qt::WindowShortcut);
}

void MainWindow::buildMenus()
{
    QMenu* file = menuBar()->addMenu(tr("&File"));
    file->addAction(openAction_);
    recent_ = new RecentArchivesMenu(this);
    file->addMenu(recent_);
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
    playback_ = new PlaybackToolBar(listening_, {openAction_, nullptr, playAction_, playSequenceAction_, previousAction_,
                                                 nextAction_, stopAction_},
                                    this);
    addToolBar(playback_);
    toolBars_.push_back(playback_);

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
    connect(inspector_->reconstruction(), &ReconstructionPanel::listenRequested, listening_, &ListeningController::playSound);
    inspectorDock_ = dock(tr("Clip"), "inspectorDock", inspector_, Qt::RightDockWidgetArea);
    neighbourDock_ = dock(tr("Neighbours"), "neighbourDock", neighbours_, Qt::RightDockWidgetArea);
    tableDock_ = dock(tr("Clips"), "tableDock", table_, Qt::BottomDockWidgetArea);
    recordingDock_ = dock(tr("Recording"), "recordingDock", recording_, Qt::BottomDockWidgetArea);
    connect(tableDock_, &QDockWidget::visibilityChanged, table_, [this](bool shown) {
        if (!shown) table_->leaveScreen();
    });
    recordingsDock_ = dock(tr("Recordings"), "recordingsDock", recordings_, Qt::BottomDockWidgetArea);
    splitDockWidget(inspectorDock_, neighbourDock_, Qt::Vertical);
    findCallsDock_ = dock(tr("Find Calls"), "findCallsDock", findCalls_, Qt::RightDockWidgetArea);
    tabifyDockWidget(neighbourDock_, findCallsDock_);
    findCallsDock_->hide();
    // The bottom table spans only the map's width; the right column keeps the full height.
    setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    setCorner(Qt::TopRightCorner, Qt::RightDockWidgetArea);
}

bool MainWindow::isBusy() const
{
    return session_->isLoading() || models_->isLoading() || tasks_->isBusy() || inspector_->isBusy() || inspector_->reconstruction()->isBusy() ||
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
    listening_->stop();
    session_->open(file);
}

void MainWindow::addClipDrawn(const QString& recording, double start, double end, double lowHz, double highHz)
{
    if (!session_->isOpen()) return;
    if (!modelReady(tr("Cannot add the clip"))) return;
    ClipByHand clip;
    clip.recording = recording.toStdString();
    clip.start = start;
    clip.end = end;
    if (highHz > lowHz) {
        clip.lowHz = lowHz;
        clip.highHz = highHz;
    }
    undoingClip_ = false;
    jobs_->addClip(clip, *models_->model());
}

bool MainWindow::modelReady(const QString& title)
{
    if (models_->model() && !models_->isLoading()) return true;
    showError(title, tr("The model is still loading; try again in a moment."));
    return false;
}

void MainWindow::undo()
{
    if (session_->canUndoLabel()) {
        const QString what = session_->undoLabelText();
        if (session_->undoLabel()) statusBar()->showMessage(tr("Undone: %1").arg(what), 4000);
        return;
    }
    if (!clipUndo_ || !session_->isOpen() || clipUndo_->archive != session_->fileName()) return;
    if (!modelReady(tr("Cannot undo"))) return;
    const ClipUndo u = *clipUndo_;
    bool started = false;
    if (u.added) started = jobs_->removeClip(u.added);
    else if (u.redrawn) started = jobs_->redrawClip(u.redrawn, u.box, *models_->model());
    else if (u.removed) started = jobs_->restoreClip(*u.removed, *models_->model());
    undoingClip_ = started;
}

void MainWindow::updateUndoAction()
{
    const bool label = session_->canUndoLabel();
    const bool clip = clipUndo_ && session_->isOpen() && clipUndo_->archive == session_->fileName();
    undoLabelAction_->setEnabled(label || clip);
    undoLabelAction_->setText(label ? tr("&Undo %1").arg(session_->undoLabelText())
                              : clip ? tr("&Undo %1").arg(clipUndo_->what)
                                     : tr("&Undo"));
}

void MainWindow::redrawClipDrawn(int clipIndex, double start, double end, double lowHz, double highHz)
{
    if (!session_->isOpen() || clipIndex < 0 || clipIndex >= session_->clipCount()) return;
    if (!modelReady(tr("Cannot redraw the clip"))) return;
    Clip box{start, end, 0, 0, true};
    if (highHz > lowHz) {
        box.lowHz = lowHz;
        box.highHz = highHz;
    }
    undoingClip_ = false;
    jobs_->redrawClip(session_->data().clips[std::size_t(clipIndex)].id, box, *models_->model());
}

void MainWindow::removeClipDrawn(int clipIndex)
{
    if (!session_->isOpen() || clipIndex < 0 || clipIndex >= session_->clipCount()) return;
    const ClipRow& c = session_->data().clips[std::size_t(clipIndex)];
    const std::string& label = session_->data().label[std::size_t(clipIndex)];
    const QString what = label.empty() ? tr("Remove clip %1 (%2–%3 s), which was drawn by hand?")
                                             .arg(c.id).arg(c.start, 0, 'f', 3).arg(c.end, 0, 'f', 3)
                                       : tr("Remove clip %1 (%2–%3 s), which was drawn by hand, and its label \"%4\"?")
                                             .arg(c.id).arg(c.start, 0, 'f', 3).arg(c.end, 0, 'f', 3)
                                             .arg(QString::fromStdString(label));
    if (QMessageBox::question(this, tr("Remove Clip"), what) != QMessageBox::Yes) return;
    undoingClip_ = false;
    jobs_->removeClip(c.id);
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
    listening_->stop();
    session_->close();
}

void MainWindow::openArchiveDialog()
{
    const QStringList recent = recent_->files();
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
    if (session_->isOpen() && QFileInfo(session_->fileName()) == QFileInfo(archiveFile)) closeArchive();
    jobs_->embedFolder(folder, archiveFile, modelDir, options);
}

void MainWindow::showEmbedReport(const EmbedReport& report)
{
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
    if (!report.withoutClips.empty()) {
        // Not modal: the archive opens meanwhile; the list says which recordings are not on the map.
        QStringList paths;
        for (const std::string& p : report.withoutClips) paths << QString::fromStdString(p);
        const QString why = report.fromSelections ? tr("the selection tables hold no selection of them")
                                                  : tr("no call stood out, or the file is too short");
        auto* box = new QMessageBox(QMessageBox::Information, tr("Recordings without clips"),
                                    tr("%n recording(s) gave no clip with this segmentation (%1). They are in the "
                                       "archive but not on the map.", nullptr, int(paths.size())).arg(why),
                                    QMessageBox::Ok, this);
        box->setDetailedText(paths.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("withoutClipsBox"));
        // The list stays in the Recordings dock, filtered to them, after this box is gone.
        QPushButton* list = box->addButton(tr("List Them"), QMessageBox::ActionRole);
        connect(list, &QPushButton::clicked, this, [this] { showRecordingsList(RecordingFilter::WithoutClips); });
        box->open();
    }
    if (!report.recut.empty()) { // selections changed since: which recordings were cut again
        QStringList paths;
        for (const std::string& p : report.recut) paths << QString::fromStdString(p);
        auto* box = new QMessageBox(QMessageBox::Information, tr("Recordings cut again"),
                                    tr("The selections of %n recording(s) changed since they were cut, so they were cut "
                                       "again. Clips of unchanged selections kept their labels.", nullptr, int(paths.size())),
                                    QMessageBox::Ok, this);
        box->setDetailedText(paths.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("recutBox"));
        box->open();
    }
    if (!report.selectionProblems.empty()) { // the table's own faults: which lines, and why
        QStringList lines;
        for (const std::string& p : report.selectionProblems) lines << QString::fromStdString(p);
        auto* box = new QMessageBox(QMessageBox::Information, tr("Selections without clips"),
                                    tr("%n selection(s) of the tables gave no clip (see the details: the table, the "
                                       "line and why). The other selections are the archive's clips.",
                                       nullptr, int(lines.size())),
                                    QMessageBox::Ok, this);
        box->setDetailedText(lines.join(QLatin1Char('\n')));
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("selectionProblemsBox"));
        box->open();
    }
    if (report.timeExpansionAdvice) { // a bat folder embedded at 1: say so, the archive still opens
        auto* box = new QMessageBox(QMessageBox::Information, tr("Time expansion"),
                                    QString::fromStdString(*report.timeExpansionAdvice),
                                    QMessageBox::Ok, this);
        box->setAttribute(Qt::WA_DeleteOnClose);
        box->setObjectName(QStringLiteral("timeExpansionAdviceBox"));
        box->open();
    }
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
    if (dialog.exec() == QDialog::Accepted) jobs_->computeMap(dialog.params());
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
    const ArchiveView& d = session_->data();
    dialog.setAutomaticSpace(resolveClusterSpace(d.hasProjection ? d.projectionParams : std::string(), ClusterSpace::Automatic));
    if (dialog.exec() == QDialog::Accepted) jobs_->computeClusters(dialog.params());
}

AdaptModelDialog* MainWindow::adaptModelDialog()
{
    if (!session_->isOpen() || !models_->model()) return nullptr;
    if (adaptDialog_) {
        adaptDialog_->raise();
        adaptDialog_->activateWindow();
        return adaptDialog_;
    }
    // Not modal: the researcher keeps exploring (on the current vectors) while the model trains.
    auto* dialog = new AdaptModelDialog(session_->data().file, *models_->model(), session_->data().clipCount(), tasks_, this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    const QString archiveFile = session_->fileName();
    connect(dialog, &AdaptModelDialog::adapted, this, [this, archiveFile](const QString& modelDir, bool activated) {
        // The archive now shows the adapted model's vectors: if it is still the one open, use that
        // model for reconstructions and queries, reload the archive, and redo the map and clusters
        // with the parameters they had. (An archive opened later finds its model by itself.)
        if (!activated || !session_->isOpen() || session_->fileName() != archiveFile) return;
        jobs_->redoAnalysisOnReopen();
        models_->loadArchiveOwn(modelDir, 1);
        openArchive(archiveFile);
    });
    adaptDialog_ = dialog;
    dialog->show();
    return dialog;
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
    const ArchiveView& d = session_->data();
    recent_->add(session_->fileName());
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
    playback_->setTimeExpansion(d.timeExpansion);
    start_->setStatus({});
    updateSummary();
    updateActions();
    // The archive remembers the folder of the model behind its vectors (an adapted one, or one
    // named at embedding): use it, so reconstructions and queries match the vectors.
    models_->follow(d.modelId, d.modelDir, d.timeScale);
    jobs_->analyseOpenedArchive(autoProjection_);
}

void MainWindow::warnIfRecordingsAreMissing()
{
    // A sample is enough to tell a moved archive (none found) from a few deleted files.
    const ArchiveView& d = session_->data();
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
        summary_->setText(models_->model() ? tr("No archive open · model %1").arg(models_->id().left(12))
                                 : tr("No archive open"));
        return;
    }
    const ArchiveView& d = session_->data();
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
    if (models_->model() && !d.modelId.empty() && models_->id() != QString::fromStdString(d.modelId))
        parts << tr("reconstructions by model %1").arg(models_->id().left(12));
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
    adaptAction_->setEnabled(open && models_->model() && session_->data().clipCount() > 0 && (!busy || adaptDialog_));
}

bool MainWindow::askYesNo(const QString& title, const QString& question)
{
    // Offscreen runs (tests, screenshots) cannot answer: no.
    return QGuiApplication::platformName() != QLatin1String("offscreen")
        && QMessageBox::question(this, title, question) == QMessageBox::Yes;
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
