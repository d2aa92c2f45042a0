#include "ui/NewArchiveDialog.h"

#include "core/archive/ArchiveSettings.h"
#include "core/archive/FolderSampleRates.h"
#include "core/archive/SelectionClips.h"
#include "core/audio/TimeExpansionAdvice.h"
#include "core/model/DefaultModel.h"
#include "core/model/ModelConfig.h"
#include "core/common/Error.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QTimer>
#include <QVBoxLayout>
#include <QtConcurrent>

namespace crowlingo::ui {

namespace {
QWidget* withBrowse(QLineEdit* edit, QWidget* parent, std::function<void()> browse, QPushButton** button = nullptr)
{
    auto* w = new QWidget(parent);
    auto* l = new QHBoxLayout(w);
    l->setContentsMargins(0, 0, 0, 0);
    l->addWidget(edit, 1);
    auto* b = new QPushButton(QObject::tr("Browse…"), w);
    QObject::connect(b, &QPushButton::clicked, w, browse);
    l->addWidget(b);
    if (button) *button = b;
    return w;
}

const QString kSuffix = QStringLiteral(".crowlingo");
} // namespace

NewArchiveDialog::NewArchiveDialog(QWidget* parent)
    : QDialog(parent), folder_(new QLineEdit(this)), archive_(new QLineEdit(this)), segment_(new QComboBox(this)),
      timeExpansion_(new QDoubleSpinBox(this)), model_(new QLineEdit(this)), problem_(new QLabel(this)),
      buttons_(new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this)),
      timeExpansionHint_(new QLabel(this)), useSuggested_(new QPushButton(this)), probeDelay_(new QTimer(this))
{
    setWindowTitle(tr("New archive from a folder"));
    setMinimumWidth(560);
    segment_->setEditable(true);
    segment_->addItems({QStringLiteral("events"), QStringLiteral("window:2"), QStringLiteral("window:1:0.5"),
                        QStringLiteral("whole"), QStringLiteral("table")});
    segment_->setToolTip(tr("events: detected calls · window:LEN[:HOP]: fixed windows (seconds) · whole: one clip per file · "
                            "table: one clip per selection of the Raven selection tables in the folder, labelled with "
                            "their annotations (table:PATH: another table or folder of tables; Selections… picks one)"));
    timeExpansion_->setRange(ArchiveSettings::minTimeExpansion, ArchiveSettings::maxTimeExpansion);
    timeExpansion_->setDecimals(2);
    timeExpansion_->setValue(1.0);
    timeExpansion_->setPrefix(QStringLiteral("×"));
    timeExpansion_->setToolTip(tr("10 for ultrasound (bat) recordings: maps 20–100 kHz calls to 2–10 kHz for the model; 0.1 for "
                                      "infrasound (baleen whales): maps 20–100 Hz calls to 200–1,000 Hz"));
    model_->setPlaceholderText(tr("the bundled default model"));
    problem_->setWordWrap(true);
    problem_->setStyleSheet(QStringLiteral("color: #b03020"));
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Create and embed"));

    auto* form = new QFormLayout;
    form->addRow(tr("Recordings folder"), withBrowse(folder_, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Folder of recordings"), folder_->text());
        if (!d.isEmpty()) setFolder(d);
    }));
    form->addRow(tr("Archive file"), withBrowse(archive_, this, [this] {
        const QString f = QFileDialog::getSaveFileName(this, tr("Archive file"), archive_->text(),
                                                       tr("CrowLingo archives (*.crowlingo)"));
        if (!f.isEmpty()) setArchiveFile(f);
    }, &archiveBrowse_));
    {
        auto* row = new QWidget(this);
        auto* l = new QHBoxLayout(row);
        l->setContentsMargins(0, 0, 0, 0);
        l->addWidget(segment_, 1);
        selectionsButton_ = new QPushButton(tr("Selections…"), row);
        selectionsButton_->setToolTip(tr("Make the clips from your own selections: a Raven selection table, an Audacity "
                                         "label track or a CSV (path,start_s,end_s[,label])"));
        connect(selectionsButton_, &QPushButton::clicked, this, [this] {
            const QString f = QFileDialog::getOpenFileName(this, tr("Selection table"), folder(),
                                                           tr("Selection tables (*.txt *.csv);;All files (*)"));
            if (!f.isEmpty()) setSelectionTable(f);
        });
        l->addWidget(selectionsButton_);
        form->addRow(tr("Segmentation"), row);
        tablesFound_ = new QLabel(this);
        tablesFound_->setWordWrap(true);
        tablesFound_->setEnabled(false); // drawn as a quiet note
        tablesFound_->hide();
        form->addRow(QString(), tablesFound_);
    }
    form->addRow(tr("Time expansion"), timeExpansion_);
    {
        auto* row = new QWidget(this);
        auto* l = new QHBoxLayout(row);
        l->setContentsMargins(0, 0, 0, 0);
        timeExpansionHint_->setWordWrap(true);
        l->addWidget(timeExpansionHint_, 1);
        l->addWidget(useSuggested_, 0, Qt::AlignTop);
        connect(useSuggested_, &QPushButton::clicked, this, [this] { timeExpansion_->setValue(suggestedFactor_); });
        form->addRow(QString(), row);
        timeExpansionHint_->hide();
        useSuggested_->hide();
    }
    form->addRow(tr("Model folder"), withBrowse(model_, this, [this] {
        const QString d = QFileDialog::getExistingDirectory(this, tr("Model folder (config.json + model.safetensors)"));
        if (!d.isEmpty()) model_->setText(d);
    }));

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addWidget(buttons_);
    connect(buttons_, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    // textChanged, not textEdited: a name set by Browse… counts as much as a typed one.
    // A new folder or segmentation looks for its tables again (they may have been written since).
    connect(folder_, &QLineEdit::textChanged, this, [this] { tables_.reset(); suggestArchiveFile(); validate(); });
    connect(archive_, &QLineEdit::textEdited, this, [this] { archiveEdited_ = true; });
    connect(archive_, &QLineEdit::textChanged, this, &NewArchiveDialog::validate);
    connect(segment_, &QComboBox::currentTextChanged, this, [this] { tables_.reset(); validate(); });
    connect(&tableSearch_, &QFutureWatcher<TableSearch>::finished, this, [this] {
        if (tableSearch_.future().resultCount() == 0) return;
        tables_ = tableSearch_.result();
        validate();
    });
    probeDelay_->setSingleShot(true);
    probeDelay_->setInterval(300);
    connect(probeDelay_, &QTimer::timeout, this, &NewArchiveDialog::probeFolder);
    connect(folder_, &QLineEdit::textChanged, probeDelay_, qOverload<>(&QTimer::start));
    connect(folder_, &QLineEdit::textChanged, this, &NewArchiveDialog::updateTimeExpansionHint); // not the last folder's
    connect(&probe_, &QFutureWatcher<std::vector<SampleRate>>::finished, this, [this] {
        if (probe_.future().resultCount() == 0) return;
        rates_ = probe_.result();
        probedFolder_ = probe_.property("folder").toString();
        updateTimeExpansionHint();
    });
    connect(timeExpansion_, &QDoubleSpinBox::valueChanged, this, &NewArchiveDialog::updateTimeExpansionHint);
    connect(model_, &QLineEdit::textChanged, this, &NewArchiveDialog::updateTimeExpansionHint);
    validate();
}

void NewArchiveDialog::probeFolder()
{
    const QString folder = this->folder();
    if (folder.isEmpty() || !QFileInfo(folder).isDir() || folder == probedFolder_) return updateTimeExpansionHint();
    // The task owns its copy of the path: the dialog may close before it ends.
    const std::filesystem::path path = folder.toStdString();
    probe_.setProperty("folder", folder);
    probe_.setFuture(QtConcurrent::run([path] { return sampleRatesInFolder(path); }));
}

void NewArchiveDialog::updateTimeExpansionHint()
{
    std::optional<TimeExpansionSuggestion> s;
    if (timeExpansion_->isEnabled() && probedFolder_ == folder() && !rates_.empty()) {
        // The model's band decides what it hears: read from its config (the bundled one by default).
        SampleRate rate = 22050;
        Hertz lowest = 50;
        try {
            const std::filesystem::path dir = modelDir().isEmpty() ? defaultModelDir() : std::filesystem::path(modelDir().toStdString());
            const ModelConfig config = ModelConfig::fromJsonFile(dir / "config.json");
            rate = config.mel.sampleRate;
            lowest = config.mel.fMin;
        } catch (const std::exception&) {
            // A model folder still being typed: the default model's band.
        }
        s = suggestTimeExpansion(rates_, timeExpansion_->value(), rate, lowest);
    }
    timeExpansionHint_->setVisible(bool(s));
    useSuggested_->setVisible(bool(s));
    if (!s) return;
    suggestedFactor_ = s->factor;
    QString reason = QString::fromStdString(s->reason);
    reason[0] = reason[0].toUpper();
    timeExpansionHint_->setText(reason + QLatin1Char('.'));
    useSuggested_->setText(tr("Use ×%1").arg(s->factor));
    // The dialog grows to show the whole reason: a wrapped label in a form row does not ask for
    // the height its text needs at its width, so it is told.
    layout()->activate();
    timeExpansionHint_->setMinimumHeight(timeExpansionHint_->heightForWidth(timeExpansionHint_->width()));
    const int w = width();
    adjustSize();
    resize(std::max(w, width()), height());
}

void NewArchiveDialog::setFolder(const QString& folder) { folder_->setText(folder); }

void NewArchiveDialog::setSelectionTable(const QString& table)
{
    segment_->setCurrentText(QStringLiteral("table:") + QFileInfo(table).absoluteFilePath());
}

void NewArchiveDialog::suggestArchiveFile()
{
    if (archiveEdited_) return; // the user's own choice stays
    const QString folder = this->folder();
    if (folder.isEmpty() || !QFileInfo(folder).isDir()) {
        archive_->clear();
        return;
    }
    // Next to the folder, so that moving both together keeps the archive valid.
    const QDir dir(folder);
    archive_->setText(QFileInfo(dir.absolutePath()).absolutePath() + QLatin1Char('/') + dir.dirName() + kSuffix);
}

void NewArchiveDialog::setArchiveFile(QString file)
{
    if (!file.endsWith(kSuffix)) file += kSuffix; // the name the Open dialog and the desktop know it by
    archiveEdited_ = true;
    archive_->setText(file);
}

bool NewArchiveDialog::folderRatesKnown() const { return !folder().isEmpty() && probedFolder_ == folder(); }

QPushButton* NewArchiveDialog::createButton() const { return buttons_->button(QDialogButtonBox::Ok); }

QString NewArchiveDialog::problem() const { return problem_->text(); }

void NewArchiveDialog::setExistingArchive(const QString& file, double timeExpansion, const QString& segmenter)
{
    if (!segmenter.isEmpty()) {
        segment_->setCurrentText(segmenter);
        segment_->setEnabled(false);
        selectionsButton_->setEnabled(false);
        timeExpansion_->setEnabled(false);
        updateTimeExpansionHint();
    }
    setWindowTitle(tr("Update the archive from its folder"));
    archiveEdited_ = true;
    archive_->setText(file);
    archive_->setReadOnly(true);
    folder_->setReadOnly(true);
    timeExpansion_->setValue(timeExpansion);
    buttons_->button(QDialogButtonBox::Ok)->setText(tr("Embed new and changed recordings"));
}

QString NewArchiveDialog::folder() const { return folder_->text().trimmed(); }
QString NewArchiveDialog::archiveFile() const { return archive_->text().trimmed(); }
QString NewArchiveDialog::modelDir() const { return model_->text().trimmed(); }

EmbedFolderOptions NewArchiveDialog::options() const
{
    EmbedFolderOptions o;
    o.segment = SegmentSpec::parse(segment_->currentText().trimmed().toStdString());
    o.timeExpansion = timeExpansion_->value();
    // Short calls are read finer in time when the archive's clips are short (AnalysisScale.h).
    o.timeScale = EmbedFolderOptions::kStoredOrChosen;
    return o;
}

void NewArchiveDialog::validate()
{
    QString problem, tables;
    bool searching = false;
    if (folder().isEmpty() || !QFileInfo(folder()).isDir()) problem = tr("Choose an existing folder of recordings.");
    else if (archiveFile().isEmpty()) problem = tr("Choose where to save the archive.");
    else {
        try {
            // A table that cannot be found is said now, not after the folder has been scanned.
            if (const EmbedFolderOptions o = options(); o.segment.mode == SegmentSpec::Mode::Table) {
                const QString key = folder() + QLatin1Char('\n') + segment_->currentText().trimmed();
                if (tables_ && tables_->key == key) {
                    problem = tables_->error;
                    const auto& found = tables_->found;
                    if (problem.isEmpty())
                        tables = found.size() == 1
                            ? tr("Clips: the selections of %1.").arg(QString::fromStdString(found.front().filename().string()))
                            : tr("Clips: the selections of %n Raven tables.", nullptr, int(found.size()));
                } else {
                    searching = true;
                    tables = tr("Looking for selection tables…");
                    searchTables(key, selectionTablePath(o.segment, folder().toStdString()));
                }
            }
        } catch (const std::exception& e) {
            problem = QString::fromUtf8(e.what());
        }
    }
    problem_->setText(problem);
    problem_->setVisible(!problem.isEmpty());
    tablesFound_->setText(tables);
    tablesFound_->setVisible(!tables.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(problem.isEmpty() && !searching);
}

void NewArchiveDialog::searchTables(const QString& key, const std::filesystem::path& path)
{
    if (tableSearch_.isRunning() && tableSearch_.property("key").toString() == key) return;
    tableSearch_.setProperty("key", key);
    // The task owns its copies: the dialog may close before it ends.
    tableSearch_.setFuture(QtConcurrent::run([key, path] {
        TableSearch r{key, {}, {}};
        try {
            r.found = selectionTables(path);
        } catch (const std::exception& e) {
            r.error = QString::fromUtf8(e.what());
        }
        return r;
    }));
}

} // namespace crowlingo::ui
