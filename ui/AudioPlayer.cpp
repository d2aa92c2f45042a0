#include "ui/AudioPlayer.h"

#include "core/audio/AudioReader.h"
#include "core/dsp/BandPass.h"
#include "core/audio/Resampler.h"

#include <QAudioDevice>
#include <QAudioSink>
#include <QMediaDevices>

#include <algorithm>
#include <cmath>

namespace crowlingo::ui {

AudioPlayer::AudioPlayer(QObject* parent) : QObject(parent)
{
    tick_.setInterval(30);
    connect(&tick_, &QTimer::timeout, this, &AudioPlayer::onTick);
}

// A decode still running works on copies only; its result is dropped with the player.
AudioPlayer::~AudioPlayer() { releaseSink(); }

bool AudioPlayer::ensureSink()
{
    const QAudioDevice device = QMediaDevices::defaultAudioOutput();
    if (device.isNull()) {
        Q_EMIT errorOccurred(tr("cannot play: no audio output device"));
        return false;
    }
    format_.setSampleRate(kSinkRate);
    format_.setChannelCount(1);
    format_.setSampleFormat(QAudioFormat::Float);
    if (!device.isFormatSupported(format_)) format_.setSampleFormat(QAudioFormat::Int16);
    device_ = device;
    return true;
}

void AudioPlayer::releaseSink()
{
    if (!sink_) return;
    sink_->disconnect(this);
    sink_->stop();
    // stop() leaves PulseAudio draining what it still holds (up to ~1 s here); destroying the
    // sink at once would cut that off — the end of every clip — so it goes a little later.
    QTimer::singleShot(3000, sink_, &QObject::deleteLater);
    sink_ = nullptr;
}

void AudioPlayer::play(QVector<PlayItem> queue, int startAt)
{
    stop();
    if (queue.isEmpty() || !ensureSink()) return;
    queue_ = std::move(queue);
    startItem(std::clamp(startAt, 0, int(queue_.size()) - 1));
}

void AudioPlayer::startItem(int index)
{
    playing_ = false;
    releaseSink();
    tick_.stop();
    index_ = index;
    const PlayItem item = queue_[index];
    const double speed = speed_;
    const Seconds context = item.withContext ? context_ : 0.0;
    // A decode of an item no longer wanted is not waited for (that would block the GUI thread on
    // a long read): it finishes on its own and its result is dropped.
    decoder_.run([item, speed, context] {
        return runCatching([&] {
            const int rate = int(std::lround(kSinkRate / speed));
            if (item.sound) { // made in memory: only resampled
                Decoded d;
                Resampler resampler(item.sampleRate, rate);
                resampler.process(*item.sound, d.samples);
                resampler.flush(d.samples);
                return d;
            }
            AudioReader reader(item.file, {.targetRate = rate, .timeExpansion = item.timeExpansion});
            Decoded d;
            d.from = std::max(0.0, item.start - context);
            d.samples = reader.read(d.from, std::min(reader.duration(), item.end + context));
            // Read slowed by the time expansion, a real frequency f lies at f / expansion here.
            if (item.highHz > item.lowHz)
                keepBand(d.samples, rate, item.lowHz / item.timeExpansion, item.highHz / item.timeExpansion);
            return d;
        });
    }, [this](Result<Decoded> r) { onDecoded(std::move(r)); });
}

void AudioPlayer::onDecoded(Result<Decoded> r)
{
    if (index_ < 0) return;
    if (!r.ok()) {
        Q_EMIT errorOccurred(r.error);
        finishItem();
        return;
    }
    samples_ = std::move(r.value->samples);
    playingFrom_ = r.value->from;
    playingTimeExpansion_ = queue_[index_].timeExpansion;
    // A short silent tail lets the device play out its buffer before the sink reports idle.
    const std::size_t tail = kSinkRate / 4;
    const std::size_t n = samples_.size() + tail;
    if (format_.sampleFormat() == QAudioFormat::Float) {
        bytes_ = QByteArray(qsizetype(n * sizeof(float)), '\0');
        std::copy(samples_.begin(), samples_.end(), reinterpret_cast<float*>(bytes_.data()));
    } else {
        bytes_ = QByteArray(qsizetype(n * sizeof(qint16)), '\0');
        auto* out = reinterpret_cast<qint16*>(bytes_.data());
        for (std::size_t i = 0; i < samples_.size(); ++i)
            out[i] = qint16(std::lround(std::clamp(samples_[i], -1.0f, 1.0f) * 32767.0f));
    }
    // A fresh sink per item: a stopped QAudioSink restarted in pull mode does not always report
    // its end again (Qt 6.4, PulseAudio), and a sink costs little next to decoding.
    releaseSink();
    buffer_.close();
    buffer_.setData(bytes_);
    buffer_.open(QIODevice::ReadOnly);
    sink_ = new QAudioSink(device_, format_, this);
    connect(sink_, &QAudioSink::stateChanged, this, &AudioPlayer::onSinkState);
    playing_ = true;
    Q_EMIT itemStarted(index_, queue_[index_].clipIndex);
    sink_->start(&buffer_);
    itemClock_.start();
    tick_.start();
}

void AudioPlayer::onSinkState()
{
    if (!playing_) return;
    const QAudio::State s = sink_->state();
    if (s == QAudio::IdleState || (s == QAudio::StoppedState && sink_->error() != QAudio::NoError)) {
        if (s == QAudio::StoppedState) Q_EMIT errorOccurred(tr("audio output failed (error %1)").arg(int(sink_->error())));
        finishItem();
    }
}

void AudioPlayer::onTick()
{
    if (!playing_ || index_ < 0) return;
    const double played = sink_->processedUSecs() / 1e6;
    const double maxPlayed = double(samples_.size()) / kSinkRate;
    // Watchdog: a sink that never reports idle must not hold the queue forever.
    if (itemClock_.elapsed() > 1000.0 * (maxPlayed + 0.25) + 3000) {
        finishItem();
        return;
    }
    Q_EMIT positionChanged(queue_[index_].clipIndex,
                           playingFrom_ + std::min(played, maxPlayed) * speed_ / playingTimeExpansion_);
}

void AudioPlayer::finishItem()
{
    playing_ = false;
    releaseSink();
    tick_.stop();
    if (index_ >= 0 && index_ + 1 < queue_.size()) {
        startItem(index_ + 1);
        return;
    }
    stop();
}

void AudioPlayer::playSound(std::vector<float> samples, double sampleRate)
{
    PlayItem item;
    item.end = sampleRate > 0 ? double(samples.size()) / sampleRate : 0;
    item.sound = std::make_shared<const std::vector<float>>(std::move(samples));
    item.sampleRate = sampleRate;
    play({item});
}

void AudioPlayer::stop()
{
    const bool wasActive = index_ >= 0;
    decoder_.drop();
    index_ = -1;
    tick_.stop();
    playing_ = false;
    releaseSink();
    buffer_.close();
    if (wasActive) Q_EMIT stopped();
}

void AudioPlayer::next()
{
    if (index_ >= 0 && index_ + 1 < queue_.size()) startItem(index_ + 1);
}

void AudioPlayer::previous()
{
    if (index_ > 0) startItem(index_ - 1);
}

void AudioPlayer::setSpeed(double speed) { speed_ = std::clamp(speed, 0.1, 2.0); }

void AudioPlayer::setContext(Seconds seconds) { context_ = std::max(0.0, seconds); }

} // namespace crowlingo::ui
