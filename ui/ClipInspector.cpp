#include "ui/ClipInspector.h"

#include "ui/ClusterName.h"

#include "ui/ArchiveSession.h"
#include "ui/ClipSpectrogram.h"
#include "ui/ReconstructionPanel.h"
#include "ui/Result.h"
#include "ui/SpectrogramView.h"

#include <QAction>
#include <QFileInfo>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace crowlingo::ui {

ClipInspector::ClipInspector(ArchiveSession* session, QWidget* parent)
    : QWidget(parent), session_(session), header_(new QLabel(this)), buttons_(new QHBoxLayout),
      spectrogram_(new SpectrogramView(this)), reconstruction_(new ReconstructionPanel(this))
{
    header_->setTextFormat(Qt::RichText);
    header_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    header_->setWordWrap(true);
    header_->setMinimumHeight(2 * fontMetrics().height() + 6);

    auto* top = new QHBoxLayout;
    top->addWidget(header_, 1);
    buttons_->setSpacing(2);
    top->addLayout(buttons_);

    auto* modelBox = new QGroupBox(tr("What the model hears (first window)"), this);
    auto* modelLayout = new QVBoxLayout(modelBox);
    modelLayout->setContentsMargins(6, 4, 6, 6);
    modelLayout->addWidget(reconstruction_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->setSpacing(6);
    layout->addLayout(top);
    layout->addWidget(spectrogram_, 3);
    layout->addWidget(modelBox, 2);

    spectrogram_->clear(tr("Select a clip on the map, in the table or among the neighbours."));
    connect(session_, &ArchiveSession::currentClipChanged, this, &ClipInspector::showClip);
    connect(session_, &ArchiveSession::archiveClosed, this, [this] { showClip(-1); });
    connect(session_, &ArchiveSession::labelsChanged, this, &ClipInspector::updateHeader);
    connect(session_, &ArchiveSession::clusteringChanged, this, &ClipInspector::updateHeader);
    updateHeader();
}

void ClipInspector::setPlayActions(const QList<QAction*>& actions)
{
    for (QAction* a : actions) {
        auto* b = new QToolButton(this);
        b->setDefaultAction(a);
        b->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
        b->setAutoRaise(true);
        buttons_->addWidget(b);
    }
}

void ClipInspector::setSpectrogramSettings(const SpectrogramSettings& settings)
{
    settings_ = settings;
    spectrogram_->setColormap(settings.colormap);
    const int clip = shown_;
    shown_ = -1;
    showClip(clip);
}

void ClipInspector::setContextSeconds(double seconds)
{
    context_ = std::max(0.0, seconds);
    const int clip = shown_;
    shown_ = -1;
    showClip(clip);
}

QString ClipInspector::headerText() const { return header_->text(); }

void ClipInspector::updateHeader()
{
    if (shown_ < 0 || !session_->isOpen()) {
        header_->setText(tr("<span style='font-size:large'><b>No clip selected</b></span>"));
        return;
    }
    const ArchiveView& d = session_->data();
    const ClipRow& c = d.clips[std::size_t(shown_)];
    const std::string& label = d.label[std::size_t(shown_)];
    QStringList facts;
    facts << tr("%1 – %2 s (%3 s)").arg(c.start, 0, 'f', 3).arg(c.end, 0, 'f', 3).arg(c.end - c.start, 0, 'f', 3);
    if (d.hasClustering)
        facts << clusterName(d.clusterOf(shown_));
    if (c.byHand) facts << tr("drawn by hand");
    facts << (label.empty() ? tr("unlabelled") : tr("label <b>%1</b>").arg(QString::fromStdString(label).toHtmlEscaped()));
    if (d.timeExpansion != 1.0) facts << tr("time expansion ×%1").arg(d.timeExpansion);
    facts << tr("clip #%1").arg(c.id);
    // What the embedder found odd about the recording (clipping, NaN samples, truncation...).
    QString note;
    if (const int r = d.recordingOfClip[std::size_t(shown_)]; r >= 0 && !d.recordings[std::size_t(r)].error.empty())
        note = QStringLiteral("<br><span style='color:#c0392b'>%1</span>")
                   .arg(tr("Recording: %1").arg(QString::fromStdString(d.recordings[std::size_t(r)].error).toHtmlEscaped()));
    header_->setText(QStringLiteral("<span style='font-size:large'><b>%1</b></span><br>%2%3")
                         .arg(QFileInfo(QString::fromStdString(c.path)).fileName().toHtmlEscaped(), facts.join(QStringLiteral(" · ")), note));
    header_->setToolTip(QString::fromStdString(d.audioFile(shown_).string()));
}

void ClipInspector::showClip(int clipIndex)
{
    if (clipIndex == shown_) return;
    shown_ = clipIndex;
    spectrogramJob_.drop(); // the user has moved on
    updateHeader();
    if (clipIndex < 0 || !session_->isOpen()) {
        spectrogram_->clear(tr("Select a clip on the map, in the table or among the neighbours."));
        reconstruction_->clearClip();
        return;
    }
    const ArchiveView& d = session_->data();
    const ClipRow& c = d.clips[std::size_t(clipIndex)];
    ClipSpectrogramRequest request{.file = d.audioFile(clipIndex), .start = c.start, .end = c.end, .context = context_,
                                   .timeExpansion = d.timeExpansion, .settings = settings_};
    spectrogram_->setMessage(tr("computing…"));
    const auto compute = [request] { return runCatching([&] { return clipSpectrogram(request); }); };
    spectrogramJob_.run(compute, [this, clipIndex, c](Result<Spectrogram> r) {
        if (!r.ok()) {
            spectrogram_->clear(r.error);
            return;
        }
        const ValueRange range = displayRange(*r.value, settings_);
        spectrogram_->setSpectrogram(std::move(*r.value), range);
        spectrogram_->setMarkedRange(c.start, c.end);
        spectrogram_->setPlayhead(qQNaN());
        Q_EMIT spectrogramShown(clipIndex);
    });
    reconstruction_->setClip({request.file, c.start, c.end, d.timeExpansion});
}

void ClipInspector::setPlayhead(int clipIndex, double recordingSeconds)
{
    spectrogram_->setPlayhead(clipIndex == shown_ ? recordingSeconds : qQNaN());
}

void ClipInspector::clearPlayhead() { spectrogram_->setPlayhead(qQNaN()); }

} // namespace crowlingo::ui
