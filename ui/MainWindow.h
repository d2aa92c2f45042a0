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
// Threading: GUI thread only. Long work runs through one TaskRunner, the model through worker
// threads; each worker opens its own Archive connection.
#include "core/model/Model.h"

#include "core/render/SpectrogramSettings.h"

#include <QMainWindow>
#include <QPointer>

#include <functional>
#include <optional>
#include <string>
#include <utility>

class QAction;
class QCheckBox;
class QDockWidget;
class QDoubleSpinBox;
class QLabel;
class QMenu;
class QStackedWidget;
class QToolBar;

namespace crowlingo {
struct ClusterParams;
struct EmbedFolderOptions;
struct ProjectionParams;
enum class RecordingFilter;
}

namespace crowlingo::ui {

class AdaptModelDialog;
class ArchiveSession;
class AudioPlayer;
class ClipInspector;
class ClipTablePanel;
class FindCallsPanel;
class LabelBar;
class MapPanel;
class MapView;
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

    // The model used for reconstructions and for embedding new folders. loadModel() reads a
    // folder on a worker (empty: the default model), reading at `timeScale` (an archive's analysis
    // time scale); setModel() installs one (tests use a random one). Only the latest request
    // counts: a load that finishes after another load or setModel() was asked for is dropped. The
    // first model installed that is no archive's own is the window's base model: when the model in
    // use is another archive's (remembered by it, or adapted to it), an archive that remembers none
    // goes back to the base.
    void loadModel(const QString& dir = {}, int timeScale = 1);
    void setModel(const Model& model);
    QString modelId() const; // of the model in use ("" while none is loaded)
    // Whether to compute a PCA map automatically for archives without one (default on).
    void setAutoProjection(bool on) { autoProjection_ = on; }

    bool isBusy() const; // loading an archive or a model, long work, or a spectrogram/reconstruction being computed
    // Calls f once nothing has been running for a moment (or after timeoutMs).
    void whenIdle(std::function<void()> f, int timeoutMs = 60000);
    // Builds (or updates) an archive from a folder with embedFolder on the task runner, then opens it.
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
    void computeProjection(bool umap);                      // with the default parameters
    // `then` runs after a successful computation (to chain map -> clusters).
    void computeMap(const crowlingo::ProjectionParams& params, std::function<void()> then = {});
    void computeClustering();                               // HDBSCAN, default parameters
    void computeClusters(const crowlingo::ClusterParams& params, std::function<void()> then = {});
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
    // The files are replaced if they exist (the save dialog asked); never the open archive.
    void exportEmbeddings(const QString& npyFile, const QString& csvFile);
    void exportClusters(const QString& csvFile);          // core's writeClusterCsv (+ .json sidecar)
    // Imports a label file into the open archive (the CLI's import: CSV or Raven table, same
    // matching rules) and says what matched, listing the rows that matched nothing (a non-modal
    // box). Returns that summary; empty if the file could not be used (the error is shown).
    QString importLabels(const QString& file);
    // Raven selection tables or Audacity labels. Files of the same names in dir are replaced only with
    // `replace`; without it the user is asked (offscreen: the export is refused).
    void exportTables(const QString& dir, bool audacity, bool replace = false);

    void playCurrent();
    void playSequence();   // the current clip, then its neighbours in order
    // The current clip's cluster, by its typical clips (medoid first): selected on the map and
    // played in turn. Returns the clips (empty for noise or without a clustering).
    QVector<int> playClusterExemplars();
    void playNext();
    void playPrevious();
    void stopPlayback();

Q_SIGNALS:
    void exportFinished(bool ok, const QString& message);

protected:
    void closeEvent(QCloseEvent* e) override;
    void dragEnterEvent(QDragEnterEvent* e) override;
    void dropEvent(QDropEvent* e) override;

private:
    std::optional<crowlingo::ClusterParams> clusteringThatFollowsTheMap() const;
    void warnIfRecordingsAreMissing();
    void installModel(const Model& model);
    void loadArchiveModel(const QString& dir, int timeScale); // loadModel() for an archive's own model
    void buildActions();
    void buildMenus();
    void buildToolBars();
    void buildDocks();
    void onArchiveOpened();
    void onArchiveClosed();
    void updateSummary();
    void updateActions();
    void addRecent(const QString& file);
    QStringList recentFiles() const;
    void refreshRecentMenu();
    void showError(const QString& title, const QString& message);
    void playClips(const QVector<int>& clips, int startAt = 0);
    QVector<int> sequence() const;
    void stepSequence(int step);

    ArchiveSession* session_;
    TaskRunner* tasks_;
    AudioPlayer* player_;
    std::optional<Model> model_;
    QString modelDir_;
    std::optional<Model> baseModel_;      // see loadModel()
    quint64 modelRequest_ = 0;            // latest loadModel()/setModel() request
    bool modelFromArchive_ = false;       // the latest request was an archive's own model
    int modelLoads_ = 0;                  // loads still running
    bool autoProjection_ = true;
    int sequencePos_ = -1;          // position in [current clip, neighbours…] last played
    bool playingSequence_ = false;  // the player's queue is that sequence

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
    QDoubleSpinBox* speed_;
    QDoubleSpinBox* timeExpansion_;
    QCheckBox* context_;
    QMenu* recentMenu_ = nullptr;
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
    // After the archive switched to an adapted model: redo the map and the clusters as they were.
    std::optional<std::pair<std::string, std::string>> redoAnalysis_; // projection, clustering params JSON
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
