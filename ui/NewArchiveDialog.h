#pragma once
// Asks how to build a new archive from a folder of recordings: the folder, the archive file,
// the segmentation (core's SegmentSpec text: events, window:LEN[:HOP], whole, or table[:PATH], the
// researcher's own selections, chosen with Selections…), the time-expansion
// factor (10 for bat recordings) and the model folder (empty: the bundled default). Once a folder is
// chosen, the sample rates of a few of its recordings are read in the background, and a folder of
// bat (or hydrophone) recordings gets the factor that fits offered before anything is embedded.
//
//   NewArchiveDialog dialog(this);
//   if (dialog.exec() == QDialog::Accepted) embed(dialog.folder(), dialog.archiveFile(), dialog.options());
//
// Threading: GUI thread only.
#include "core/common/Types.h"
#include "core/pipeline/FolderEmbedder.h"

#include <QDialog>
#include <QFutureWatcher>

#include <filesystem>
#include <optional>

#include <vector>

class QDialogButtonBox;
class QDoubleSpinBox;
class QComboBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTimer;

namespace crowlingo::ui {

class NewArchiveDialog : public QDialog {
    Q_OBJECT
public:
    explicit NewArchiveDialog(QWidget* parent = nullptr);

    void setFolder(const QString& folder);
    // Clips from the selections of this table (Raven, Audacity, CSV) or folder of Raven tables.
    void setSelectionTable(const QString& table);
    // Updating an existing archive: its file, time expansion and segmentation are fixed (core
    // refuses to re-cut an archive, which would drop its labels). An empty segmenter leaves the
    // choice open (an archive that was never embedded).
    void setExistingArchive(const QString& file, double timeExpansion, const QString& segmenter);
    QString folder() const;
    QString archiveFile() const;
    QString modelDir() const;               // empty: the default model
    EmbedFolderOptions options() const;     // throws UsageError for a malformed segmentation
    QString problem() const;                // why Create is disabled; empty when it is enabled

    // For tests, which drive the dialog as a user does.
    QLineEdit* folderEdit() const { return folder_; }
    QLineEdit* archiveEdit() const { return archive_; }
    QComboBox* segmentBox() const { return segment_; }
    QPushButton* archiveBrowseButton() const { return archiveBrowse_; }
    QPushButton* selectionsButton() const { return selectionsButton_; }
    QDoubleSpinBox* timeExpansionBox() const { return timeExpansion_; }
    // The suggested factor's reason and its "Use ×10" button; hidden when there is nothing to suggest.
    QLabel* timeExpansionHint() const { return timeExpansionHint_; }
    QPushButton* useSuggestedTimeExpansionButton() const { return useSuggested_; }
    bool folderRatesKnown() const;          // the probe of the current folder has ended
    QLabel* tablesFoundNote() const { return tablesFound_; }
    QPushButton* createButton() const;

private:
    void validate();
    void suggestArchiveFile();
    void setArchiveFile(QString file);
    void probeFolder();                     // reads a few recordings' rates, off the GUI thread
    void searchTables(const QString& key, const std::filesystem::path& path); // off the GUI thread
    void updateTimeExpansionHint();

    QLineEdit* folder_;
    QLineEdit* archive_;
    QComboBox* segment_;
    QDoubleSpinBox* timeExpansion_;
    QLineEdit* model_;
    QPushButton* archiveBrowse_ = nullptr;
    QPushButton* selectionsButton_ = nullptr;
    QLabel* tablesFound_ = nullptr;         // which tables a "table" segmentation would read
    QLabel* problem_;
    QDialogButtonBox* buttons_;
    bool archiveEdited_ = false;
    QLabel* timeExpansionHint_;
    QPushButton* useSuggested_;
    double suggestedFactor_ = 1.0;
    QTimer* probeDelay_;                    // typing a path probes once, after the last key
    QFutureWatcher<std::vector<SampleRate>> probe_;
    QString probedFolder_;                  // the folder rates_ belong to
    std::vector<SampleRate> rates_;
    // The selection tables a "table" segmentation would read, looked for off the GUI thread (a
    // folder of 10^5 recordings, or one on a network share, takes a while to walk); key: the
    // folder and the segmentation text they were looked for with.
    struct TableSearch {
        QString key;
        std::vector<std::filesystem::path> found;
        QString error;
    };
    QFutureWatcher<TableSearch> tableSearch_;
    std::optional<TableSearch> tables_;
};

} // namespace crowlingo::ui
