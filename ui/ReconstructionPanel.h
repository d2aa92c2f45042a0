#pragma once
// What the model hears, for one clip's first window: the original log-mel, the masked input,
// the model's reconstruction and the per-patch error, with a mask-ratio slider (30-80 %), a
// "new mask" button and the masked-patch MSE next to the trivial predictor's.
//
//   panel->setModel(model);                       // or setModelStatus("no model: …")
//   panel->setClip({file, clip.start, clip.end, timeExpansion});
//   connect(panel, &ReconstructionPanel::reconstructionReady, ...);
//
// Threading: GUI thread only. The model runs on a worker (QtConcurrent): one request at a time;
// a request made while one runs replaces any waiting one, and results of superseded requests
// (generation numbers) are dropped. The clip's log-mel is computed once per clip and reused.
#include "ui/Result.h"

#include "core/model/Model.h"
#include "core/model/Reconstruction.h"

#include <QFutureWatcher>
#include <QVector>
#include <QWidget>

#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

class QLabel;
class QPushButton;
class QSlider;

namespace crowlingo::ui {

class SpectrogramView;

struct ReconstructionClip {
    std::filesystem::path file;
    Seconds start = 0;
    Seconds end = 0;
    double timeExpansion = 1.0;
};

class ReconstructionPanel : public QWidget {
    Q_OBJECT
public:
    explicit ReconstructionPanel(QWidget* parent = nullptr);
    ~ReconstructionPanel() override;

    void setModel(const Model& model);
    void setModelStatus(const QString& message); // why there is no model; clears any model
    bool hasModel() const { return model_.has_value(); }
    void setClip(const ReconstructionClip& clip);
    void clearClip();
    QString statusText() const;               // the model's status or the shown clip's failure; empty if none

    double maskRatio() const;                 // 0.30 .. 0.80
    void setMaskRatio(double ratio);
    std::uint64_t seed() const { return seed_; } // the draw, New Mask counts it up; mixed with the clip
    QSlider* maskSlider() const { return slider_; }
    bool isBusy() const { return running_; }
    // The reconstruction shown now (nullopt before the first one).
    const std::optional<Reconstruction>& current() const { return shown_; }
    // The shown reconstruction (or the original window) as sound at the model's sample rate: the
    // mel spectrogram inverted with Griffin-Lim, both at the original's gain. Empty if none shown.
    std::vector<float> sound(bool reconstruction) const;
    QPushButton* hearReconstructionButton() const { return hearReconstruction_; }
    QPushButton* hearOriginalButton() const { return hearOriginal_; }

public Q_SLOTS:
    void newMask();

Q_SIGNALS:
    void reconstructionReady();
    void failed(const QString& message);
    // "Hear reconstruction" / "Hear original": mono samples to play at sampleRate.
    void listenRequested(const QVector<float>& samples, double sampleRate);

private:
    struct Output {
        std::shared_ptr<const Spectrogram> window; // the clip's first model window (log-mel, dB)
        Reconstruction reconstruction;
    };
    void request();
    void clearShown(); // no clip shown: views, MSE and hear buttons cleared, any running result dropped
    void launch();
    void onFinished();
    void showOutput(Output output);
    void hear(bool reconstruction);

    std::optional<Model> model_;
    std::optional<ReconstructionClip> clip_;
    std::shared_ptr<const Spectrogram> window_; // cached for clip_
    std::uint64_t seed_ = 1;
    quint64 generation_ = 0;
    quint64 runningGeneration_ = 0;
    quint64 clipSerial_ = 0;        // changes with the clip or the model: when window_ is stale
    quint64 runningClipSerial_ = 0;
    bool running_ = false;
    bool pending_ = false;
    std::optional<Reconstruction> shown_;

    QFutureWatcher<Result<Output>> watcher_;
    SpectrogramView* original_;
    SpectrogramView* masked_;
    SpectrogramView* reconstructed_;
    SpectrogramView* error_;
    QSlider* slider_;
    QLabel* ratioLabel_;
    QPushButton* newMask_;
    QPushButton* hearReconstruction_;
    QPushButton* hearOriginal_;
    QLabel* mse_;
    QLabel* status_;
};

} // namespace crowlingo::ui
