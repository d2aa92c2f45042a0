#pragma once
// The workbench window: a start page until an archive is open, then the map in the centre and
// docks for the clip inspector, the neighbours and the clip table, all following one selection
// (ArchiveSession). Menus for opening, creating (embedding a folder), exporting and analysis
// (map, clustering); a playback toolbar (play, neighbours in turn, speed, context, time
// expansion) and a label bar; the status bar shows the archive and any long work with progress,
// ETA and cancel.
//
//   MainWindow w;  w.show();  w.openArchive("field.crowlingo");
//   w.whenIdle([&] { w.grab().save("shot.png"); });
//
// What the window does itself: actions, menus, toolbars, docks, and showing outcomes. The work is
// in the objects it owns: ArchiveJobs (embedding, map, clusters, exports), ModelInUse (which
// model reads the open archive) and ListeningController (what plays next). MainWindow.cpp is
// still ~870 lines because each of its 30 actions, with its text, key, tooltip and enabling rule,
// and each dock's wiring is written out there, in one place a reader can scan.
//
// Threading: GUI thread only. Long work runs through one TaskRunner, the model through worker
// threads; each worker opens its own Archive connection.
#include "core/archive/ClipByHandRemoval.h"
#include "core/model/Model.h"

#include "core/render/SpectrogramSettings.h"
#include "core/segment/Segmenter.h"

#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <optional>
#include <string>
#include <utility>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QStackedWidget;
class QToolBar;

namespace crowlingo {
struct EmbedFolderOptions;
struct EmbedReport;
enum class RecordingFilter;
}

namespace crowlingo::ui {

class AdaptModelDialog;
class ArchiveJobs;
class ArchiveSession;
class AudioPlayer;
class ClipInspector;
class ClipTablePanel;
class FindCallsPanel;
class LabelBar;
class ListeningController;
class MapPanel;
class MapView;
class PlaybackToolBar;
class RecentArchivesMenu;
class ModelInUse;
class NeighbourPanel;
class RecordingPanel;
class RecordingsPanel;
class SpectrogramSettingsDialog;
class StartPage;
class TaskRunner;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    ArchiveSession* session() const { return session_; }
    TaskRunner* tasks() const { return tasks_; }
    AudioPlayer* player() const { return player_; }
    ArchiveJobs* jobs() const { return jobs_; }
    ModelInUse* models() const { return models_; }
    ListeningController* listening() const { return listening_; }
    MapView* mapView() const;
    MapPanel* mapPanel() const { return mapPanel_; }
    ClipTablePanel* clipTable() const { return table_; }
    ClipInspector* inspector() const { return inspector_; }
    NeighbourPanel* neighbours() const { return neighbours_; }
    LabelBar* labelBar() const { return labelBar_; }
    FindCallsPanel* findCalls() const { return findCalls_; }
    RecordingPanel* recordingPanel() const { return recording_; }
    RecordingsPanel* recordingsPanel() const { return recordings_; }
    // Shows a recording of the archive (index into its recordings) in the Recording view: at its
    // first clip, or whole when it gave none.
    void showRecording(int recordingIndex);
    // Raises the Recordings dock with its list filtered (e.g. to the recordings that gave no clip).
    void showRecordingsList(RecordingFilter filter);
    QString summaryText() const;                   // the line under the map: clips, model, clusters

    // Whether to compute a PCA map automatically for archives without one (default on).
    void setAutoProjection(bool on) { autoProjection_ = on; }

    bool isBusy() const; // loading an archive or a model, long work, or a spectrogram/reconstruction being computed
    // Calls f once nothing has been running for a moment (or after timeoutMs).
    void whenIdle(std::function<void()> f, int timeoutMs = 60000);
    // Builds (or updates) an archive from a folder (ArchiveJobs::embedFolder), then opens it; the
    // archive is closed first when it is the one open.
    void embedFolder(const QString& folder, const QString& archiveFile, const QString& modelDir,
                     const EmbedFolderOptions& options);

public Q_SLOTS:
    void openArchive(const QString& file);
    void closeArchive();
    // Opens the open archive again (after another program added clips), keeping the current clip.
    void reloadArchive();
    // Points the open archive at the folder that now holds its recordings (after it was moved or
    // copied) and opens it again; an empty folder asks for one. False (the error shown) if the
    // folder holds none of them.
    bool locateRecordings(QString folder = {});
    void openArchiveDialog();
    void newArchiveDialog();
    void newArchiveFromFolder(const QString& folder); // the New Archive dialog, on this folder
    // What a drop does: a folder -> newArchiveFromFolder, an archive file -> openArchive.
    void openDropped(const QString& path);
    // Shows and raises the Find Calls panel (examples, classifier, review queue).
    void showFindCalls();
    // Opens (or raises) View > Spectrogram Settings…, whose changes apply at once to every view.
    SpectrogramSettingsDialog* spectrogramSettingsDialog();
    void applySpectrogramSettings(const crowlingo::SpectrogramSettings& settings); // to every view
    // Opens (or raises) the Adapt Model dialog for the open archive; null without an archive or model.
    AdaptModelDialog* adaptModelDialog();
    // Dialogs that start from the current map's / clustering's parameters; OK computes.
    void mapDialog();
    void clusterDialog();
    // Imports a label file into the open archive (the CLI's import: CSV or Raven table, same
    // matching rules) and says what matched, listing the rows that matched nothing (a non-modal
    // box). Returns that summary; empty if the file could not be used (the error is shown).
    QString importLabels(const QString& file);
protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    void warnIfRecordingsAreMissing();
    void showEmbedReport(const crowlingo::EmbedReport& report);
    void buildActions();
    void buildMenus();
    void buildToolBars();
    void buildDocks();
    void onArchiveOpened();
    void onArchiveClosed();
    void updateSummary();
    void updateActions();
    void showError(const QString& title, const QString& message);
    // A clip drawn in the Recording view: embedded by a background job, then the archive is read
    // again with it as the current clip. Removal asks first.
    void addClipDrawn(const QString& recording, double start, double end, double lowHz, double highHz);
    void removeClipDrawn(int clipIndex);
    void redrawClipDrawn(int clipIndex, double start, double end, double lowHz, double highHz);
    bool askYesNo(const QString& title, const QString& question);
    // Whether the model is loaded; else says so under `title` (clips are embedded with it).
    bool modelReady(const QString& title);
    // Edit > Undo: the newest label edit, else the last clip added, redrawn or removed by hand.
    void undo();
    void updateUndoAction();
    // The clip edits since the archive was read, once reading it again started the label history
    // anew, so that a clip edit is undone after the label edits made since and before older ones.
    struct ClipUndo {
        QString archive;                    // the archive it was made in
        QString what;                       // for the menu: "Add Clip"
        ClipId added = 0;                   // undo an addition: remove this clip
        ClipId redrawn = 0;                 // undo a redraw: draw this clip as `box` again
        Clip box;
        std::optional<RemovedClip> removed; // undo a removal: put it back with its labels
    };
    std::optional<ClipUndo> clipUndo_;
    bool undoingClip_ = false;              // the clip job running undoes one (no redo is kept)

    ArchiveSession* session_;
    TaskRunner* tasks_;
    AudioPlayer* player_;
    ArchiveJobs* jobs_;
    ModelInUse* models_;
    ListeningController* listening_;
    bool autoProjection_ = true;

    QStackedWidget* central_;
    StartPage* start_;
    MapPanel* mapPanel_;
    ClipTablePanel* table_;
    ClipInspector* inspector_;
    NeighbourPanel* neighbours_;
    LabelBar* labelBar_;
    FindCallsPanel* findCalls_;
    QDockWidget* findCallsDock_;
    QDockWidget* tableDock_;
    RecordingPanel* recording_;
    RecordingsPanel* recordings_;
    QDockWidget* recordingsDock_;
    SpectrogramSettingsDialog* spectrogramDialog_ = nullptr;
    QDockWidget* recordingDock_;
    QDockWidget* inspectorDock_;
    QDockWidget* neighbourDock_;
    QLabel* summary_;
    RecentArchivesMenu* recent_ = nullptr;
    PlaybackToolBar* playback_ = nullptr;
    QList<QToolBar*> toolBars_;

    QAction* openAction_;
    QAction* newAction_;
    QAction* closeAction_;
    QAction* reloadAction_;
    QAction* locateAction_;
    std::optional<ClipId> clipAfterReload_;
    QAction* exportEmbeddingsAction_;
    QAction* exportClustersAction_;
    QAction* exportRavenAction_;
    QAction* exportAudacityAction_;
    QAction* importLabelsAction_;
    QAction* quitAction_;
    QAction* pcaAction_;
    QAction* umapAction_;
    QAction* clusterAction_;
    QAction* mapDialogAction_;
    QAction* clusterDialogAction_;
    QAction* adaptAction_;
    QAction* findCallsAction_;
    QPointer<AdaptModelDialog> adaptDialog_;
    QAction* updateArchiveAction_;
    QAction* playAction_;
    QAction* playSequenceAction_;
    QAction* nextAction_;
    QAction* previousAction_;
    QAction* stopAction_;
    QAction* labelAction_;
    QAction* undoLabelAction_;
    QAction* playExemplarsAction_;
    QAction* resetMapAction_;
    QAction* aboutAction_;
};

} // namespace crowlingo::ui
