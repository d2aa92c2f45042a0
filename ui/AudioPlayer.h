#pragma once
// Plays clips through Qt Multimedia (QAudioSink, mono, 44.1 kHz float or int16): one clip or a
// queue (the clip, then its neighbours), with optional context, a speed of 0.1x..2x and the
// archive's time expansion, and reports the playhead in the recording's own seconds.
// Speed and time expansion are done by resampling: AudioReader decodes the range at
// sinkRate / speed (after time expansion), the sink always plays at sinkRate. That is one code
// path for every device (a sink's own rate is limited to what the device accepts) and it slows
// down like a tape, which is what lowers bat calls into hearing.
//
//   player.play({{clip, file, 12.0, 12.6, 10.0}});        // queue of PlayItem
//   connect(&player, &AudioPlayer::positionChanged, inspector, &ClipInspector::setPlayhead);
//
// Threading: GUI thread only; decoding runs on a worker (QtConcurrent).
#include "ui/LatestJob.h"
#include "ui/Result.h"

#include "core/common/Types.h"

#include <QAudioDevice>
#include <QAudioFormat>
#include <QElapsedTimer>
#include <QBuffer>
#include <QObject>
#include <QTimer>
#include <QVector>

#include <filesystem>
#include <memory>
#include <vector>

class QAudioSink;

namespace crowlingo::ui {

struct PlayItem {
    int clipIndex = -1;
    std::filesystem::path file;
    Seconds start = 0;
    Seconds end = 0;
    double timeExpansion = 1.0;
    bool withContext = true;    // false: exactly start..end (a range chosen in the recording view)
    // highHz > lowHz: only this band is heard (real Hz, as recorded), as Raven filters around a
    // selection (core/dsp/BandPass.h).
    Hertz lowHz = 0, highHz = 0;
    // A sound made in memory (a reconstruction turned into audio) instead of a file's range:
    // played whole at `sampleRate`, with the same speed control.
    std::shared_ptr<const std::vector<float>> sound;
    double sampleRate = 0;
};

class AudioPlayer : public QObject {
    Q_OBJECT
public:
    static constexpr int kSinkRate = 44100;

    explicit AudioPlayer(QObject* parent = nullptr);
    ~AudioPlayer() override;

    void play(QVector<PlayItem> queue, int startAt = 0);
    // Plays samples made in memory (mono, at sampleRate); clipIndex -1 in the signals.
    void playSound(std::vector<float> samples, double sampleRate);
    void stop();
    void next();
    void previous();

    bool isActive() const { return index_ >= 0; } // decoding or playing
    int queueIndex() const { return index_; }
    const QVector<PlayItem>& queue() const { return queue_; }
    int currentClip() const { return index_ >= 0 ? queue_[index_].clipIndex : -1; }

    void setSpeed(double speed);                   // clamped to 0.1..2
    double speed() const { return speed_; }
    void setContext(Seconds seconds);              // played before and after each clip
    Seconds context() const { return context_; }
    QAudioFormat format() const { return format_; }
    // The samples (mono, kSinkRate) of the item playing now; for tests and level meters.
    const std::vector<float>& currentSamples() const { return samples_; }

Q_SIGNALS:
    void itemStarted(int queueIndex, int clipIndex);
    void positionChanged(int clipIndex, double recordingSeconds);
    void stopped();
    void errorOccurred(const QString& message);

private:
    struct Decoded {
        std::vector<float> samples;
        Seconds from = 0;
    };
    void startItem(int index);
    void onDecoded(Result<Decoded> r);
    void onSinkState();
    void onTick();
    void finishItem();
    bool ensureSink();
    void releaseSink();

    QVector<PlayItem> queue_;
    int index_ = -1;
    double speed_ = 1.0;
    Seconds context_ = 0.0;
    QAudioFormat format_;
    QAudioDevice device_;
    QAudioSink* sink_ = nullptr;
    QElapsedTimer itemClock_;
    QBuffer buffer_;
    QByteArray bytes_;
    std::vector<float> samples_;
    Seconds playingFrom_ = 0;
    double playingTimeExpansion_ = 1.0;
    bool playing_ = false;
    LatestJob decoder_{this}; // the decode of the item starting; an older one's result is dropped
    QTimer tick_;
};

} // namespace crowlingo::ui
