#include "ui/RecordingPanel.h"

#include "ui/ArchiveSession.h"
#include "ui/MapView.h"
#include "ui/RecordingView.h"

#include "core/archive/Archive.h"
#include "core/pipeline/ClipsByHand.h"

#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QMenu>
#include <QScrollBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace crowlingo::ui {

namespace {
constexpr double kScrollUnitsPerSecond = 100.0; // 10 ms steps: a 10-hour file still fits an int
}

RecordingPanel::RecordingPanel(ArchiveSession* session, MapView* colours, QWidget* parent)
    : QWidget(parent), session_(session), colours_(colours), view_(new RecordingView(this)),
      scroll_(new QScrollBar(Qt::Horizontal, this)), title_(new QLabel(this))
{
    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 2, 4, 0);
    bar->addWidget(title_, 1);
    title_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    // A long file name is cut at the panel's edge (the full path is its tooltip) rather than
    // making the panel, and the window, wider than the screen.
    title_->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    const auto button = [&](const QString& text, const QString& tip, auto slot) {
        auto* b = new QToolButton(this);
        b->setText(text);
        b->setToolTip(tip);
        b->setAutoRaise(true);
        connect(b, &QToolButton::clicked, this, slot);
        bar->addWidget(b);
        return b;
    };
    button(tr("Zoom In"), tr("Show half as much time (Ctrl+wheel, +)"),
           [this] { view_->zoomTime(0.5, (view_->visibleStart() + view_->visibleEnd()) / 2); });
    button(tr("Zoom Out"), tr("Show twice as much time (Ctrl+wheel, -)"),
           [this] { view_->zoomTime(2.0, (view_->visibleStart() + view_->visibleEnd()) / 2); });
    button(tr("Clip"), tr("Zoom to the current clip with some context"), &RecordingPanel::zoomToClip);
    button(tr("Whole"), tr("Show the whole recording"), &RecordingPanel::showWholeRecording);
    button(tr("Play"), tr("Play the dragged range, or from the cursor to the end of the view (Space)"),
           &RecordingPanel::playSelection);
    addClipButton_ = button(tr("Add as Clip"), tr("Make the dragged stretch a clip of the archive (drag across frequencies "
                                                  "too for a band): embedded at once, with its neighbours (Enter)"),
                            &RecordingPanel::addSelectionAsClip);
    addClipButton_->setObjectName(QStringLiteral("addClipButton"));
    fitButton_ = button(tr("Fit to Call"), tr("Move the dragged stretch's start and end in to where the call in its band "
                                              "lies, as a selection is tightened by hand (F)"),
                        &RecordingPanel::fitSelectionToCall);
    fitButton_->setObjectName(QStringLiteral("fitToCallButton"));
    neighboursButton_ = new QToolButton(this);
    neighboursButton_->setObjectName(QStringLiteral("recordingNeighboursButton"));
    neighboursButton_->setText(tr("Neighbours"));
    neighboursButton_->setToolTip(tr("The current clip's nearest neighbours, in any recording: choose one to go there "
                                     "(those in this recording are drawn dashed with their rank)"));
    neighboursButton_->setAutoRaise(true);
    neighboursButton_->setPopupMode(QToolButton::InstantPopup);
    auto* neighbourMenu = new QMenu(neighboursButton_);
    connect(neighbourMenu, &QMenu::aboutToShow, this, [this, neighbourMenu] {
        neighbourMenu->clear();
        addNeighbourActions(neighbourMenu, session_->currentClip());
    });
    neighboursButton_->setMenu(neighbourMenu);
    bar->addWidget(neighboursButton_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
    layout->addWidget(view_, 1);
    layout->addWidget(scroll_);

    connect(session_, &ArchiveSession::currentClipChanged, this, &RecordingPanel::followCurrentClip);
    connect(session_, &ArchiveSession::archiveOpened, this, [this] {
        recording_ = -1;
        view_->setRecording(nullptr);
        followCurrentClip();
    });
    connect(session_, &ArchiveSession::archiveClosed, this, [this] {
        recording_ = -1;
        view_->setRecording(nullptr);
        view_->setBoxes({});
        title_->clear();
    });
    if (colours_)
        connect(colours_, &MapView::coloursChanged, this, &RecordingPanel::refreshBoxes);
    connect(view_, &RecordingView::clipClicked, session_, &ArchiveSession::setCurrentClip);
    connect(view_, &RecordingView::clipMenuRequested, this, [this](int clip, QPoint at) {
        QMenu* menu = clipMenu(clip, this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(at);
    });
    connect(view_, &RecordingView::menuRequested, this, [this](QPoint at) {
        QMenu* menu = viewMenu(this);
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(at);
    });
    connect(view_, &RecordingView::selectionChanged, this, &RecordingPanel::updateAddClipButton);
    connect(view_, &RecordingView::addSelectionRequested, this, &RecordingPanel::addSelectionAsClip);
    connect(view_, &RecordingView::fitSelectionRequested, this, &RecordingPanel::fitSelectionToCall);
    connect(view_, &RecordingView::clipRedrawRequested, this, &RecordingPanel::clipRedrawRequested);
    connect(session_, &ArchiveSession::archiveOpened, this, &RecordingPanel::updateAddClipButton);
    connect(session_, &ArchiveSession::archiveClosed, this, &RecordingPanel::updateAddClipButton);
    connect(session_, &ArchiveSession::neighboursChanged, this, &RecordingPanel::refreshBoxes);
    connect(session_, &ArchiveSession::labelsChanged, this, &RecordingPanel::refreshBoxes);
    connect(view_, &RecordingView::playRequested, this, [this](double start, double end) {
        if (end <= start) end = view_->visibleEnd();
        if (end > start) playStretch(start, end);
    });
    connect(view_, &RecordingView::visibleRangeChanged, this, &RecordingPanel::syncScrollBar);
    connect(scroll_, &QScrollBar::valueChanged, this, [this](int value) {
        if (syncing_) return;
        const double span = view_->visibleEnd() - view_->visibleStart();
        const double start = value / kScrollUnitsPerSecond;
        view_->showRange(start, start + span);
    });
    scroll_->setEnabled(false);
    title_->setText(tr("No recording"));
    updateAddClipButton();
}

bool RecordingPanel::canAddSelectionAsClip() const
{
    return session_->isOpen() && !session_->data().modelId.empty() && recording_ >= 0 && view_->recording()
           && view_->hasSelection();
}

void RecordingPanel::updateAddClipButton()
{
    addClipButton_->setEnabled(canAddSelectionAsClip());
    fitButton_->setEnabled(session_->isOpen() && recording_ >= 0 && view_->recording() && view_->hasSelection());
}

void RecordingPanel::fitSelectionToCall()
{
    if (!session_->isOpen() || recording_ < 0 || !view_->recording() || !view_->hasSelection()) return;
    const Clip box{view_->selectionStart(), view_->selectionEnd(), view_->selectionLowHz(), view_->selectionHighHz()};
    fitToCall(box, [this, box](const CallFit& fit) {
        // Only the stretch it was asked for, not one dragged since.
        if (view_->selectionStart() != box.start || view_->selectionEnd() != box.end) return;
        view_->setSelection(fit.box.start, fit.box.end, fit.box.lowHz, fit.box.highHz);
    });
}

void RecordingPanel::fitClipToItsCall(int clipIndex)
{
    if (!session_->isOpen() || clipIndex < 0 || clipIndex >= session_->clipCount()) return;
    const ClipRow& c = session_->data().clips[std::size_t(clipIndex)];
    if (!c.byHand || session_->data().recordingOfClip[std::size_t(clipIndex)] != recording_) return;
    const Clip box{c.start, c.end, c.lowHz, c.highHz, true};
    fitToCall(box, [this, clipIndex, box](const CallFit& fit) {
        if (fit.box.start != box.start || fit.box.end != box.end)
            Q_EMIT clipRedrawRequested(clipIndex, fit.box.start, fit.box.end, fit.box.lowHz, fit.box.highHz);
    });
}

void RecordingPanel::fitToCall(const Clip& box, std::function<void(const CallFit&)> fitted)
{
    const std::filesystem::path archiveFile = session_->data().file;
    const std::string recording = session_->data().recordings[std::size_t(recording_)].path;
    struct Answer {
        CallFit fit;
        QString error;
    };
    fitJob_.run(
        [archiveFile, recording, box] {
            Answer a;
            try {
                a.fit = fitClipToCall(Archive::openReadOnly(archiveFile), recording, box);
            } catch (const std::exception& e) {
                a.error = QString::fromUtf8(e.what());
            }
            return a;
        },
        [this, shown = recording_, fitted = std::move(fitted)](const Answer& a) {
            if (recording_ != shown) return; // another recording is shown now
            if (!a.error.isEmpty()) {
                Q_EMIT statusMessage(tr("Cannot fit the box to its call: %1").arg(a.error));
                return;
            }
            if (!a.fit.found) {
                Q_EMIT statusMessage(tr("The box is left as drawn: %1").arg(QString::fromStdString(a.fit.why)));
                return;
            }
            Q_EMIT statusMessage(tr("Fitted to its call: %1–%2 s (%3 ms), %4 dB above the floor around it")
                                     .arg(a.fit.box.start, 0, 'f', 3)
                                     .arg(a.fit.box.end, 0, 'f', 3)
                                     .arg((a.fit.box.end - a.fit.box.start) * 1000, 0, 'f', 1)
                                     .arg(a.fit.riseDb, 0, 'f', 0));
            fitted(a.fit);
        });
}

void RecordingPanel::addSelectionAsClip()
{
    if (!canAddSelectionAsClip()) return;
    const RecordingRow& r = session_->data().recordings[std::size_t(recording_)];
    Q_EMIT addClipRequested(QString::fromStdString(r.path), view_->selectionStart(), view_->selectionEnd(),
                            view_->selectionLowHz(), view_->selectionHighHz());
}

QMenu* RecordingPanel::viewMenu(QWidget* parent)
{
    auto* menu = new QMenu(parent);
    QAction* add = menu->addAction(tr("Add Selection as Clip"), this, &RecordingPanel::addSelectionAsClip);
    add->setEnabled(canAddSelectionAsClip());
    if (!add->isEnabled())
        add->setToolTip(session_->isOpen() && session_->data().modelId.empty() ? tr("The archive has no vectors yet")
                                                                                 : tr("Drag a stretch first"));
    QAction* fit = menu->addAction(tr("Fit Selection to Call"), this, &RecordingPanel::fitSelectionToCall);
    fit->setObjectName(QStringLiteral("fitToCallAction"));
    fit->setEnabled(fitButton_->isEnabled());
    menu->addAction(view_->hasSelection() ? tr("Play Selection") : tr("Play from Cursor"), this, &RecordingPanel::playSelection);
    if (view_->hasSelection() && view_->selectionHighHz() > view_->selectionLowHz() && recording_ >= 0) {
        QAction* band = menu->addAction(tr("Play Its Band Only"), this, [this] {
            if (view_->hasSelection())
                playStretch(view_->selectionStart(), view_->selectionEnd(), view_->selectionLowHz(), view_->selectionHighHz());
        });
        band->setObjectName(QStringLiteral("playBandAction"));
    }
    return menu;
}

void RecordingPanel::setSpectrogramSettings(const SpectrogramSettings& settings)
{
    settings_ = settings;
    if (recording_ >= 0) {
        const int r = recording_;
        recording_ = -1;
        showRecording(r); // same file: the view keeps its time range
    }
}

void RecordingPanel::showRecordingAlone(int recording)
{
    if (!session_->isOpen() || recording < 0 || recording >= int(session_->data().recordings.size())) return;
    showRecording(recording);
    showWholeRecording();
}

void RecordingPanel::setPlayhead(double seconds) { view_->setPlayhead(seconds); }

void RecordingPanel::followCurrentClip()
{
    const int clip = session_->currentClip();
    view_->setCurrentClip(clip);
    if (!session_->isOpen() || clip < 0)
        return;
    const int recording = session_->data().recordingOfClip[std::size_t(clip)];
    if (recording != recording_) {
        showRecording(recording);
        zoomToClip();
        return;
    }
    // The same recording: scroll only if the clip is out of sight.
    const ClipRow& c = session_->data().clips[std::size_t(clip)];
    if (c.end < view_->visibleStart() || c.start > view_->visibleEnd())
        zoomToClip();
}

void RecordingPanel::showRecording(int recording)
{
    recording_ = recording;
    if (recording < 0 || !session_->isOpen()) {
        view_->setRecording(nullptr);
        title_->setText(tr("The clip's recording is not known"));
        return;
    }
    const std::filesystem::path file = session_->data().recordingFiles[std::size_t(recording)];
    try {
        view_->setRecording(std::make_shared<RecordingSpectrogram>(file, settings_));
        const double duration = view_->recording()->duration();
        title_->setText(tr("%1 — %2 s, %3 Hz")
                            .arg(QFileInfo(QString::fromStdString(file.string())).fileName())
                            .arg(duration, 0, 'f', duration < 100 ? 2 : 0)
                            .arg(view_->recording()->info().sampleRate));
        title_->setToolTip(QString::fromStdString(file.string()));
    } catch (const std::exception& e) {
        // The name in the title, the reason where the picture would be (it may be long).
        view_->setRecording(nullptr, tr("Cannot show this recording: %1").arg(QString::fromUtf8(e.what())));
        title_->setText(tr("Cannot show %1").arg(QFileInfo(QString::fromStdString(file.string())).fileName()));
        title_->setToolTip(QString::fromStdString(file.string()));
    }
    refreshBoxes();
    syncScrollBar();
    updateAddClipButton();
}

void RecordingPanel::refreshBoxes()
{
    QVector<RecordingView::Box> boxes;
    if (session_->isOpen() && recording_ >= 0) {
        const ArchiveView& d = session_->data();
        for (int i = 0; i < d.clipCount(); ++i) {
            if (d.recordingOfClip[std::size_t(i)] != recording_) continue;
            const ClipRow& c = d.clips[std::size_t(i)];
            boxes.push_back({i, c.start, c.end, c.lowHz, c.highHz, colours_ ? colours_->clipColour(i) : QColor(), 0,
                             QString::fromStdString(d.label[std::size_t(i)]), c.byHand});
        }
        const QVector<NeighbourHit>& near = session_->neighbours();
        for (RecordingView::Box& box : boxes)
            for (int rank = 0; rank < near.size(); ++rank)
                if (near[rank].clipIndex == box.clipIndex) box.neighbourRank = rank + 1;
    }
    view_->setBoxes(std::move(boxes));
}

QMenu* RecordingPanel::clipMenu(int clip, QWidget* parent)
{
    auto* menu = new QMenu(parent);
    if (!session_->isOpen() || clip < 0 || clip >= session_->clipCount()) return menu;
    const ClipRow& c = session_->data().clips[std::size_t(clip)];
    QAction* select = menu->addAction(tr("Select This Clip"), this, [this, clip] { session_->setCurrentClip(clip); });
    select->setEnabled(clip != session_->currentClip());
    menu->addAction(tr("Play This Clip"), this, [this, clip, start = c.start, end = c.end] {
        if (recording_ == session_->data().recordingOfClip[std::size_t(clip)]) playStretch(start, end);
    });
    if (c.highHz > c.lowHz) {
        QAction* band = menu->addAction(tr("Play This Clip's Band Only"), this,
                                        [this, clip, start = c.start, end = c.end, low = c.lowHz, high = c.highHz] {
            if (recording_ == session_->data().recordingOfClip[std::size_t(clip)]) playStretch(start, end, low, high);
        });
        band->setObjectName(QStringLiteral("playBandAction"));
    }
    if (c.byHand) {
        QAction* fit = menu->addAction(tr("Fit This Clip to Its Call"), this, [this, clip] { fitClipToItsCall(clip); });
        fit->setObjectName(QStringLiteral("fitClipAction"));
        fit->setEnabled(recording_ == session_->data().recordingOfClip[std::size_t(clip)]);
        QAction* remove = menu->addAction(tr("Remove This Clip (Drawn by Hand)…"), this,
                                          [this, clip] { Q_EMIT removeClipRequested(clip); });
        remove->setObjectName(QStringLiteral("removeClipAction"));
    }
    menu->addSeparator();
    addNeighbourActions(menu, clip);
    return menu;
}

void RecordingPanel::addNeighbourActions(QMenu* menu, int clip)
{
    const QVector<NeighbourHit> near = clip == session_->currentClip()
        ? session_->neighbours() : session_->neighboursOf(clip, session_->neighbourCount());
    menu->addSection(near.isEmpty() ? tr("No neighbours (no embeddings)") : tr("Nearest neighbours — choose one to go there"));
    const ArchiveView& d = session_->data();
    for (int rank = 0; rank < near.size(); ++rank) {
        const int n = near[rank].clipIndex;
        const ClipRow& c = d.clips[std::size_t(n)];
        QString text = tr("%1.  %2  %3  %4–%5 s")
                           .arg(rank + 1)
                           .arg(double(near[rank].similarity), 0, 'f', 3)
                           .arg(QFileInfo(QString::fromStdString(c.path)).fileName())
                           .arg(c.start, 0, 'f', 2)
                           .arg(c.end, 0, 'f', 2);
        if (!d.label[std::size_t(n)].empty()) text += QStringLiteral("  · ") + QString::fromStdString(d.label[std::size_t(n)]);
        if (d.recordingOfClip[std::size_t(n)] == recording_) text += tr("  (here)");
        QAction* go = menu->addAction(text, this, [this, n] { session_->setCurrentClip(n); });
        go->setData(n);
    }
}

void RecordingPanel::zoomToClip()
{
    const int clip = session_->currentClip();
    if (!session_->isOpen() || clip < 0 || !view_->recording()) return;
    const ClipRow& c = session_->data().clips[std::size_t(clip)];
    // Enough context to see the clip among its neighbours, as a Raven page shows it.
    const double length = std::max(c.end - c.start, 0.01);
    const double span = std::clamp(6.0 * length, 1.0, 30.0);
    const double mid = (c.start + c.end) / 2;
    view_->showRange(mid - span / 2, mid + span / 2);
    view_->setCursor(c.start);
}

void RecordingPanel::showWholeRecording()
{
    if (view_->recording()) view_->showRange(0, view_->recording()->duration());
}

void RecordingPanel::playSelection() { view_->requestPlay(); }

void RecordingPanel::playStretch(double start, double end, double lowHz, double highHz)
{
    if (recording_ < 0 || !session_->isOpen()) return;
    Q_EMIT playRequested(session_->data().recordingFiles[std::size_t(recording_)], start, end,
                         session_->data().timeExpansion, lowHz, highHz);
}

void RecordingPanel::syncScrollBar()
{
    syncing_ = true;
    const RecordingSpectrogram* rs = view_->recording();
    scroll_->setEnabled(rs != nullptr);
    if (rs) {
        const double span = view_->visibleEnd() - view_->visibleStart();
        scroll_->setRange(0, int(std::max(0.0, rs->duration() - span) * kScrollUnitsPerSecond));
        scroll_->setPageStep(int(span * kScrollUnitsPerSecond));
        scroll_->setSingleStep(std::max(1, int(span * kScrollUnitsPerSecond / 10)));
        scroll_->setValue(int(std::lround(view_->visibleStart() * kScrollUnitsPerSecond)));
    }
    syncing_ = false;
}

} // namespace crowlingo::ui
