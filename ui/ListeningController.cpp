#include "ui/ListeningController.h"

#include "ui/ArchiveSession.h"
#include "ui/AudioPlayer.h"

#include <algorithm>

namespace crowlingo::ui {

ListeningController::ListeningController(ArchiveSession* session, AudioPlayer* player, QObject* parent)
    : QObject(parent), session_(session), player_(player)
{
    connect(session_, &ArchiveSession::currentClipChanged, this, [this] { sequencePos_ = -1; });
    connect(player_, &AudioPlayer::itemStarted, this, [this](int queueIndex, int) {
        if (playingSequence_) sequencePos_ = queueIndex;
    });
}

void ListeningController::setSpeed(double speed)
{
    speed_ = speed;
    player_->setSpeed(speed);
}

void ListeningController::setTimeExpansion(double factor) { timeExpansion_ = factor; }

void ListeningController::setContext(bool on) { player_->setContext(on ? 0.5 : 0.0); }

QVector<int> ListeningController::sequence() const
{
    QVector<int> clips;
    if (session_->currentClip() < 0) return clips;
    clips.push_back(session_->currentClip());
    for (const NeighbourHit& h : session_->neighbours()) clips.push_back(h.clipIndex);
    return clips;
}

void ListeningController::playClips(const QVector<int>& clips, int startAt)
{
    if (!session_->isOpen() || clips.isEmpty()) return;
    const ArchiveView& d = session_->data();
    QVector<PlayItem> queue;
    for (int i : clips) {
        const ClipRow& c = d.clips[std::size_t(i)];
        queue.push_back({i, d.audioFile(i), c.start, c.end, timeExpansion_});
    }
    player_->setSpeed(speed_);
    playingSequence_ = false;
    player_->play(queue, startAt);
}

void ListeningController::playClip(int clipIndex) { playClips({clipIndex}); }

void ListeningController::playCurrent()
{
    if (session_->currentClip() >= 0) playClips({session_->currentClip()});
}

void ListeningController::playSequence()
{
    playClips(sequence(), 0);
    playingSequence_ = player_->isActive();
}

QVector<int> ListeningController::playClusterExemplars()
{
    const int current = session_->currentClip();
    if (!session_->isOpen() || current < 0) return {};
    const int cluster = session_->data().cluster[std::size_t(current)];
    if (cluster < 0) {
        Q_EMIT statusMessage(session_->data().hasClustering ? tr("This clip is noise: pick a clip in a cluster")
                                                            : tr("No clusters yet: Analysis > Cluster"),
                             5000);
        return {};
    }
    const std::vector<int> typical = session_->data().clusterExemplars(cluster, 8);
    const QVector<int> clips(typical.begin(), typical.end());
    session_->setSelection(clips);
    playClips(clips, 0);
    playingSequence_ = player_->isActive();
    return clips;
}

void ListeningController::playNext() { step(+1); }

void ListeningController::playPrevious() { step(-1); }

void ListeningController::step(int direction)
{
    const QVector<int> seq = sequence();
    if (seq.isEmpty()) return;
    // Within a running sequence, skip; otherwise play the next (previous) clip of
    // [clip, neighbours…] on its own, so N, N, N listens through the neighbours one by one.
    if (player_->isActive() && playingSequence_) {
        if (direction > 0) player_->next();
        else player_->previous();
        return;
    }
    sequencePos_ = std::clamp(sequencePos_ + direction, 0, int(seq.size()) - 1);
    playClips({seq[sequencePos_]});
}

void ListeningController::stop() { player_->stop(); }

void ListeningController::playRange(const std::filesystem::path& file, double start, double end, double timeExpansion,
                                    double lowHz, double highHz)
{
    playingSequence_ = false;
    PlayItem item;
    item.file = file;
    item.start = start;
    item.end = end;
    item.timeExpansion = timeExpansion;
    item.withContext = false;
    item.lowHz = lowHz;
    item.highHz = highHz;
    player_->setSpeed(speed_);
    player_->play({item});
}

void ListeningController::playSound(const QVector<float>& samples, double sampleRate)
{
    playingSequence_ = false;
    player_->playSound(std::vector<float>(samples.begin(), samples.end()), sampleRate);
}

} // namespace crowlingo::ui
