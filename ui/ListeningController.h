#pragma once
// The listening order of the workbench: what Play, Space (the clip, then its neighbours), T (the
// typical clips of its cluster), N / P and Esc play, at the speed, time expansion and context the
// playback toolbar sets. The player plays; this object decides what comes next.
//
//   ListeningController listening(session, player);
//   connect(speedBox, &QDoubleSpinBox::valueChanged, &listening, &ListeningController::setSpeed);
//   listening.playSequence();   // current clip, then its neighbours in order
//   listening.playNext();       // during that sequence: skip; otherwise the next neighbour alone
//
// Threading: GUI thread only.
#include <QObject>
#include <QString>
#include <QVector>

#include <filesystem>
#include <vector>

namespace crowlingo::ui {

class ArchiveSession;
class AudioPlayer;

class ListeningController : public QObject {
    Q_OBJECT
public:
    ListeningController(ArchiveSession* session, AudioPlayer* player, QObject* parent = nullptr);

    double timeExpansion() const { return timeExpansion_; }
    // The clips playSequence() plays: the current clip, then its neighbours (empty without a clip).
    QVector<int> sequence() const;

public Q_SLOTS:
    void setSpeed(double speed);                 // 0.1–2, slower is lower, like tape
    void setTimeExpansion(double factor);        // clips play slowed by it (ultrasound)
    void setContext(bool on);                    // ±0.5 s around each clip

    void playCurrent();
    void playSequence();
    // The current clip's cluster, by its typical clips (medoid first): selected and played in
    // turn. Returns the clips (empty for noise or without a clustering, with a status message).
    QVector<int> playClusterExemplars();
    void playNext();
    void playPrevious();
    void stop();
    void playClip(int clipIndex);
    // A range of a recording as chosen in the recording view (no context added).
    // A stretch of a recording as it is (no context); with highHz > lowHz, only that band of it.
    void playRange(const std::filesystem::path& file, double start, double end, double timeExpansion,
                   double lowHz = 0, double highHz = 0);
    // A sound made in memory (a reconstruction).
    void playSound(const QVector<float>& samples, double sampleRate);

Q_SIGNALS:
    void statusMessage(const QString& message, int timeoutMs);

private:
    void playClips(const QVector<int>& clips, int startAt = 0);
    void step(int direction);

    ArchiveSession* session_;
    AudioPlayer* player_;
    double speed_ = 1.0;
    double timeExpansion_ = 1.0;
    int sequencePos_ = -1;         // position in sequence() last played
    bool playingSequence_ = false; // the player's queue is that sequence (or a cluster's clips)
};

} // namespace crowlingo::ui
