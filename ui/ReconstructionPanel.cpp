#include "ui/ReconstructionPanel.h"

#include "ui/SpectrogramView.h"

#include "core/archive/ClipFeatures.h"
#include "core/audio/AudioReader.h"
#include "core/common/Rng.h"
#include "core/dsp/MelInversion.h"
#include "core/dsp/MelSpectrogram.h"

#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSlider>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>
#include <numbers>
#include <cmath>
#include <functional>

namespace crowlingo::ui {

ReconstructionPanel::ReconstructionPanel(QWidget* parent)
    : QWidget(parent), original_(new SpectrogramView(this)), masked_(new SpectrogramView(this)),
      reconstructed_(new SpectrogramView(this)), error_(new SpectrogramView(this)), slider_(new QSlider(Qt::Horizontal, this)),
      ratioLabel_(new QLabel(this)), newMask_(new QPushButton(tr("New mask"), this)),
      hearReconstruction_(new QPushButton(tr("Hear reconstruction"), this)),
      hearOriginal_(new QPushButton(tr("Hear original"), this)), mse_(new QLabel(this)), status_(new QLabel(this))
{
    slider_->setRange(30, 80);
    slider_->setValue(75);
    slider_->setSingleStep(5);
    slider_->setPageStep(10);
    slider_->setTickPosition(QSlider::TicksBelow);
    slider_->setTickInterval(10);
    slider_->setMinimumWidth(140);
    slider_->setToolTip(tr("Share of the window's patches hidden from the model"));
    ratioLabel_->setMinimumWidth(fontMetrics().horizontalAdvance(QStringLiteral("hidden: 80 %")));
    newMask_->setToolTip(tr("Hide a different random set of patches"));
    hearReconstruction_->setToolTip(tr("What the model imagines, as sound: the reconstruction's mel spectrogram "
                                       "turned back into audio (Griffin-Lim)"));
    hearOriginal_->setToolTip(tr("The original window through the same mel-to-sound inversion, at the same gain, "
                                 "to compare with the reconstruction fairly"));
    for (QPushButton* b : {hearReconstruction_, hearOriginal_}) b->setEnabled(false);
    mse_->setTextFormat(Qt::RichText);
    mse_->setWordWrap(true); // never widens the dock
    mse_->setToolTip(tr("Mean squared error over the hidden cells inside the clip. Trivial predictor: each mel "
                        "band's mean over the visible cells — a model that learned something beats it."));
    status_->setWordWrap(true);
    status_->setForegroundRole(QPalette::PlaceholderText);

    const struct { SpectrogramView* view; QString title; } views[] = {
        {original_, tr("original")}, {masked_, tr("masked input")}, {reconstructed_, tr("reconstruction")},
        {error_, tr("patch error (dB²)")}};
    auto* grid = new QHBoxLayout;
    grid->setSpacing(6);
    for (const auto& v : views) {
        v.view->setAxesVisible(false);
        v.view->setTitle(v.title);
        grid->addWidget(v.view);
    }
    error_->setColormap(Colormap::Viridis);
    error_->setValueLabel(tr("dB²"));

    auto* controls = new QHBoxLayout;
    controls->addWidget(new QLabel(tr("Mask"), this));
    controls->addWidget(slider_, 1);
    controls->addWidget(ratioLabel_);
    controls->addWidget(newMask_);
    controls->addStretch(1);
    controls->addWidget(hearOriginal_);
    controls->addWidget(hearReconstruction_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(4);
    layout->addLayout(controls);
    layout->addLayout(grid, 1);
    layout->addWidget(mse_);
    layout->addWidget(status_);

    connect(slider_, &QSlider::valueChanged, this, [this](int v) {
        ratioLabel_->setText(tr("hidden: %1 %").arg(v));
        request();
    });
    connect(newMask_, &QPushButton::clicked, this, &ReconstructionPanel::newMask);
    connect(hearReconstruction_, &QPushButton::clicked, this, [this] { hear(true); });
    connect(hearOriginal_, &QPushButton::clicked, this, [this] { hear(false); });
    connect(&watcher_, &QFutureWatcherBase::finished, this, &ReconstructionPanel::onFinished);
    ratioLabel_->setText(tr("hidden: %1 %").arg(slider_->value()));
    setModelStatus(tr("No model loaded yet."));
}

ReconstructionPanel::~ReconstructionPanel()
{
    // The worker holds only copies (model handle, paths), but wait so no thread outlives the panel.
    watcher_.waitForFinished();
}

double ReconstructionPanel::maskRatio() const { return slider_->value() / 100.0; }

void ReconstructionPanel::setMaskRatio(double ratio) { slider_->setValue(int(std::lround(ratio * 100))); }

void ReconstructionPanel::setModel(const Model& model)
{
    model_ = model;
    window_.reset(); // the window depends on the model's mel parameters
    ++clipSerial_;
    status_->clear();
    status_->setVisible(false);
    slider_->setEnabled(true);
    newMask_->setEnabled(true);
    request();
}

void ReconstructionPanel::setModelStatus(const QString& message)
{
    model_.reset();
    clearShown();
    status_->setText(message);
    status_->setVisible(true);
    slider_->setEnabled(false);
    newMask_->setEnabled(false);
}

void ReconstructionPanel::clearShown()
{
    window_.reset();
    ++clipSerial_;
    ++generation_; // a reconstruction still running is not shown
    pending_ = false;
    shown_.reset();
    for (QPushButton* b : {hearReconstruction_, hearOriginal_}) b->setEnabled(false);
    mse_->clear();
    for (SpectrogramView* v : {original_, masked_, reconstructed_, error_}) v->clear();
}

QString ReconstructionPanel::statusText() const { return status_->isHidden() ? QString() : status_->text(); }

void ReconstructionPanel::setClip(const ReconstructionClip& clip)
{
    clip_ = clip;
    window_.reset();
    ++clipSerial_;
    if (model_) status_->setVisible(false); // the previous clip's failure is not this one's
    request();
}

void ReconstructionPanel::clearClip()
{
    clip_.reset();
    clearShown();
    if (model_) status_->setVisible(false); // a failure of the clip that was shown; without a model it is the model's status
}

void ReconstructionPanel::newMask()
{
    ++seed_;
    request();
}

void ReconstructionPanel::request()
{
    if (!model_ || !clip_) return;
    ++generation_;
    for (SpectrogramView* v : {masked_, reconstructed_, error_})
        if (v->hasSpectrogram()) v->setMessage(tr("computing…"));
    if (running_) {
        pending_ = true; // launched when the running one ends; intermediate slider positions are skipped
        return;
    }
    launch();
}

void ReconstructionPanel::launch()
{
    pending_ = false;
    running_ = true;
    runningGeneration_ = generation_;
    runningClipSerial_ = clipSerial_;
    const Model model = *model_;
    const ReconstructionClip clip = *clip_;
    const std::shared_ptr<const Spectrogram> cached = window_;
    const double ratio = maskRatio();
    // Each clip draws its own mask: with one seed for all, every clip of a length got the same
    // mask, and an unlucky one (a call seen only through its last few frames) met every such call.
    const std::uint64_t seed = Rng::mix(seed_, std::uint64_t(std::llround(clip.start * 1e6)),
                                        std::hash<std::string>{}(clip.file.string()));
    watcher_.setFuture(QtConcurrent::run([model, clip, cached, ratio, seed] {
        return runCatching([&] {
            Output out;
            out.window = cached;
            if (!out.window) {
                const ModelConfig& cfg = model.config();
                const MelSpectrogram mel(cfg.mel);
                AudioReader reader(clip.file, {.targetRate = cfg.mel.sampleRate, .timeExpansion = clip.timeExpansion});
                Spectrogram s = clipLogMel(reader, mel, clip.start, clip.end);
                if (s.frames > cfg.frames) { // the panel shows the model's first window of the clip
                    s.frames = cfg.frames;
                    s.values.resize(std::size_t(s.frames) * std::size_t(s.bins));
                }
                out.window = std::make_shared<const Spectrogram>(std::move(s));
            }
            out.reconstruction = reconstruct(model, *out.window, ratio, seed);
            // Frequencies in the recording's own scale (bat calls in their real kHz).
            for (Spectrogram* s : {&out.reconstruction.original, &out.reconstruction.maskedInput,
                                   &out.reconstruction.reconstruction, &out.reconstruction.patchError})
                for (Hertz& f : s->binCentres) f *= clip.timeExpansion;
            return out;
        });
    }));
}

void ReconstructionPanel::onFinished()
{
    running_ = false;
    Result<Output> r = watcher_.result();
    const bool current = runningGeneration_ == generation_;
    if (r.ok() && runningClipSerial_ == clipSerial_) window_ = r.value->window; // same clip and model: reuse
    if (pending_ && model_ && clip_) {
        launch();
        return;
    }
    if (!current) return;
    if (!r.ok()) {
        for (SpectrogramView* v : {original_, masked_, reconstructed_, error_}) v->clear();
        original_->setMessage(tr("cannot reconstruct"));
        status_->setText(r.error);
        status_->setVisible(true);
        mse_->clear();
        Q_EMIT failed(r.error);
        return;
    }
    showOutput(std::move(*r.value));
}

void ReconstructionPanel::showOutput(Output out)
{
    const Reconstruction& rec = out.reconstruction;
    status_->setVisible(false);
    // One colour range for the three dB images, so that "looks the same" means "is the same".
    const ValueRange range = autoValueRange(rec.original);
    original_->setSpectrogram(rec.original, range);
    masked_->setSpectrogram(rec.maskedInput, range);
    reconstructed_->setSpectrogram(rec.reconstruction, range);
    error_->setSpectrogram(rec.patchError);
    masked_->setTitle(tr("masked input (%1 %)").arg(slider_->value()));
    const bool beats = std::isfinite(rec.trivialMse) && rec.maskedMse < rec.trivialMse;
    mse_->setText(tr("masked-patch MSE <b>%1</b> dB² &nbsp;·&nbsp; trivial predictor %2 dB² %3")
                      .arg(rec.maskedMse, 0, 'f', 1)
                      .arg(std::isfinite(rec.trivialMse) ? QString::number(rec.trivialMse, 'f', 1) : tr("n/a"))
                      .arg(beats ? tr("<span style='color:#2a7f2a'>(model better)</span>")
                                 : tr("<span style='color:#b04020'>(trivial better)</span>")));
    shown_ = std::move(out.reconstruction);
    for (QPushButton* b : {hearReconstruction_, hearOriginal_}) b->setEnabled(true);
    Q_EMIT reconstructionReady();
}

std::vector<float> ReconstructionPanel::sound(bool reconstruction) const
{
    if (!shown_ || !model_) return {};
    const MelParams& mel = model_->config().mel;
    // Both through the same inversion and the same gain, so the difference heard is the model's,
    // not the inversion's or the level's. The inversion keeps the clip's own level (its log-mel is
    // absolute power), so they play as loud as Play plays the clip; only a sound that would clip is
    // turned down, both by the same factor. 5-ms fades: no click where the window starts and ends.
    const std::vector<float> original = invertLogMel(shown_->original, mel);
    std::vector<float> out = reconstruction ? invertLogMel(shown_->reconstruction, mel) : original;
    float peak = 0;
    for (const std::vector<float>* s : std::initializer_list<const std::vector<float>*>{&original, &out})
        for (float v : *s) peak = std::max(peak, std::abs(v));
    const float gain = peak > 0.95f ? 0.95f / peak : 1.0f;
    const std::size_t fade = std::min(out.size() / 2, std::size_t(mel.sampleRate / 200));
    for (std::size_t i = 0; i < out.size(); ++i) {
        const std::size_t fromEnd = std::min(i, out.size() - 1 - i);
        const float ramp = fromEnd < fade ? 0.5f - 0.5f * std::cos(float(std::numbers::pi) * float(fromEnd) / float(fade)) : 1.0f;
        out[i] = std::clamp(out[i] * gain * ramp, -1.0f, 1.0f);
    }
    return out;
}

void ReconstructionPanel::hear(bool reconstruction)
{
    std::vector<float> samples = sound(reconstruction);
    if (samples.empty() || !model_) return;
    Q_EMIT listenRequested(QVector<float>(samples.begin(), samples.end()), double(model_->config().mel.sampleRate));
}

} // namespace crowlingo::ui
