// Playback reaches the audio device: with PulseAudio's null sink (packaging/start-test-audio.sh),
// the sink's monitor is recorded with parec while a clip plays, and the recording must correlate
// with that clip's samples — and not with another clip's; a reconstruction turned into sound
// reaches the device too. Also: the queue plays the clip and then its neighbours, in order.
#include "TestAudioServer.h"
#include "UiTestArchive.h"

#include "ui/ArchiveSession.h"
#include "ui/AudioPlayer.h"
#include "ui/ClipInspector.h"
#include "ui/ArchiveJobs.h"
#include "ui/ListeningController.h"
#include "ui/MainWindow.h"
#include "ui/ModelInUse.h"
#include "ui/MapView.h"
#include "ui/ReconstructionPanel.h"

#include "core/audio/AudioReader.h"
#include "core/audio/Resampler.h"

#include <QDoubleSpinBox>
#include <QProcess>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <cmath>
#include <functional>
#include <cstring>

using namespace crowlingo;
using namespace crowlingo::ui;
using crowlingo::testkit::UiTestArchive;

namespace {

// Largest normalised cross-correlation of `clip` against any stretch of `recording`.
double peakCorrelation(const std::vector<float>& recording, const std::vector<float>& clip)
{
    if (recording.size() < clip.size() || clip.empty()) return 0;
    double clipEnergy = 0;
    for (float v : clip) clipEnergy += double(v) * v;
    // Running energy of the recording window.
    double windowEnergy = 0;
    for (std::size_t k = 0; k < clip.size(); ++k) windowEnergy += double(recording[k]) * recording[k];
    double best = 0;
    for (std::size_t lag = 0; lag + clip.size() <= recording.size(); ++lag) {
        if (lag > 0) {
            windowEnergy += double(recording[lag + clip.size() - 1]) * recording[lag + clip.size() - 1];
            windowEnergy -= double(recording[lag - 1]) * recording[lag - 1];
        }
        if (windowEnergy < 1e-9) continue;
        double dot = 0;
        const float* r = recording.data() + lag;
        for (std::size_t k = 0; k < clip.size(); ++k) dot += double(r[k]) * clip[k];
        best = std::max(best, dot / std::sqrt(windowEnergy * clipEnergy));
    }
    return best;
}

// Records the null sink's monitor (44.1 kHz mono) while `play` starts playback on `player` and
// until it has ended and come through; empty (with a test failure recorded) if anything fails.
std::vector<float> recordPlayback(AudioPlayer* player, const std::function<void()>& play)
{
    QProcess parec;
    parec.start(QStringLiteral("parec"), {QStringLiteral("--device=null.monitor"), QStringLiteral("--format=float32le"),
                                          QStringLiteral("--channels=1"), QStringLiteral("--rate=44100"),
                                          QStringLiteral("--latency-msec=20")});
    if (!parec.waitForStarted(5000)) {
        QTest::qFail("parec did not start", __FILE__, __LINE__);
        return {};
    }
    QTest::qWait(400); // let parec connect before the sound starts
    QSignalSpy stopped(player, &AudioPlayer::stopped);
    QSignalSpy errors(player, &AudioPlayer::errorOccurred);
    play();
    const bool ended = stopped.wait(15000);
    // The null sink and its monitor run about a second behind what the sink has consumed; keep
    // recording until what was played has come through.
    QTest::qWait(2000);
    parec.terminate();
    parec.waitForFinished(5000);
    if (!ended || !errors.isEmpty()) {
        QTest::qFail(errors.isEmpty() ? "playback did not end" : qPrintable(errors.first().at(0).toString()), __FILE__, __LINE__);
        return {};
    }
    const QByteArray raw = parec.readAllStandardOutput();
    // A suspended null sink's monitor delivers nothing until a stream wakes the sink, so the
    // recording may begin a few milliseconds into the sound: leading zeros allow that offset.
    const std::size_t lead = AudioPlayer::kSinkRate / 2;
    std::vector<float> recording(lead + std::size_t(raw.size()) / sizeof(float), 0.0f);
    std::memcpy(recording.data() + lead, raw.constData(), std::size_t(raw.size()) / sizeof(float) * sizeof(float));
    return recording;
}

} // namespace

class TestPlayback : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        if (QStandardPaths::findExecutable(QStringLiteral("parec")).isEmpty())
            QSKIP("parec is not installed (pulseaudio-utils): cannot record what is played");
        if (!testkit::pulseAnswers())
            QSKIP("no PulseAudio server answers: source packaging/start-test-audio.sh before running the UI tests");
    }

    void playedClipReachesTheDevice()
    {
        UiTestArchive a;
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        // Two noise-burst clips (kind 2): unique waveforms, so a match cannot be a coincidence.
        std::vector<int> noise;
        for (int i = 0; i < w.session()->clipCount(); ++i)
            if (a.kindOf(w.session()->data().clips[std::size_t(i)].id) == 2) noise.push_back(i);
        QVERIFY(noise.size() >= 2);
        const int played = noise[0], other = noise[1];
        w.session()->setCurrentClip(played);

        QSignalSpy started(w.player(), &AudioPlayer::itemStarted);
        const std::vector<float> recording = recordPlayback(w.player(), [&] { w.listening()->playCurrent(); });
        QVERIFY(!recording.empty());
        QCOMPARE(started.size(), 1);
        const std::size_t lead = AudioPlayer::kSinkRate / 2;
        QVERIFY2(recording.size() > lead + 44100 / 2, "parec recorded less than half a second");

        const ArchiveView& d = w.session()->data();
        auto clipSamples = [&](int i) {
            const ClipRow& c = d.clips[std::size_t(i)];
            return readAudio(d.audioFile(i), {.targetRate = AudioPlayer::kSinkRate}, c.start, c.end);
        };
        const double match = peakCorrelation(recording, clipSamples(played));
        const double mismatch = peakCorrelation(recording, clipSamples(other));
        qInfo("correlation with the played clip %.3f, with another clip %.3f (%.2f s recorded)", match, mismatch, (recording.size() - lead) / 44100.0);
        QVERIFY2(match > 0.8, "the device did not receive the clip's samples");
        QVERIFY(mismatch < 0.3);
    }

    void aReconstructionIsHeard()
    {
        // "Hear reconstruction": the reconstruction's mel spectrogram, turned into sound, reaches
        // the device.
        UiTestArchive a;
        MainWindow w;
        w.models()->set(Model::createRandom(testkit::tinyUiModelConfig(), 5));
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        ReconstructionPanel* panel = w.inspector()->reconstruction();
        QSignalSpy ready(panel, &ReconstructionPanel::reconstructionReady);
        w.session()->setCurrentClip(1);
        QVERIFY(ready.wait(20000));
        QVERIFY(panel->hearReconstructionButton()->isEnabled());

        const std::vector<float> sound = panel->sound(true);
        const MelParams mel = testkit::tinyUiModelConfig().mel;
        const int frames = panel->current()->original.frames;
        QCOMPARE(sound.size(), std::size_t(mel.nFft + (frames - 1) * mel.hop));
        float peak = 0;
        for (float v : sound) peak = std::max(peak, std::abs(v));
        QVERIFY(peak > 0.01f && peak <= 1.0f);

        QSignalSpy listen(panel, &ReconstructionPanel::listenRequested);
        const std::vector<float> recording =
            recordPlayback(w.player(), [&] { QTest::mouseClick(panel->hearReconstructionButton(), Qt::LeftButton); });
        QVERIFY(!recording.empty());
        QCOMPARE(listen.size(), 1);
        std::vector<float> atSinkRate;
        Resampler toSink(mel.sampleRate, AudioPlayer::kSinkRate);
        toSink.process(sound, atSinkRate);
        toSink.flush(atSinkRate);
        const double match = peakCorrelation(recording, atSinkRate);
        qInfo("correlation of the recording with the reconstruction's sound %.3f", match);
        QVERIFY2(match > 0.8, "the device did not receive the reconstruction's sound");
    }

    void spacePlaysTheClipThenItsNeighboursAndNPStep()
    {
        UiTestArchive a;
        MainWindow w;
        w.show();
        w.activateWindow();
        QVERIFY(QTest::qWaitForWindowActive(&w));
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        w.session()->setNeighbourCount(2);
        w.session()->setCurrentClip(4);
        const int n0 = w.session()->neighbours()[0].clipIndex, n1 = w.session()->neighbours()[1].clipIndex;
        QSignalSpy started(w.player(), &AudioPlayer::itemStarted);
        QSignalSpy stopped(w.player(), &AudioPlayer::stopped);
        QTest::keyClick(w.mapView(), Qt::Key_Space);
        QVERIFY(stopped.wait(20000));
        QCOMPARE(started.size(), 3);
        QCOMPARE(started[0].at(1).toInt(), 4);
        QCOMPARE(started[1].at(1).toInt(), n0);
        QCOMPARE(started[2].at(1).toInt(), n1);

        // P steps back to the first neighbour and plays it alone; N steps forward again.
        started.clear();
        QTest::keyClick(w.mapView(), Qt::Key_P);
        QVERIFY(stopped.wait(20000));
        QCOMPARE(started.size(), 1);
        QCOMPARE(started[0].at(1).toInt(), n0);
        QTest::keyClick(w.mapView(), Qt::Key_N);
        QVERIFY(stopped.wait(20000));
        QCOMPARE(started.size(), 2);
        QCOMPARE(started[1].at(1).toInt(), n1);
    }

    void speedAndTimeExpansionResampleAndThePlayheadFollows()
    {
        // Speed and time expansion by resampling: at 0.5x the device gets twice the samples of
        // the same clip, with time expansion 10 ten times; the playhead stays inside the clip.
        UiTestArchive a;
        MainWindow w;
        QSignalSpy opened(w.session(), &ArchiveSession::archiveOpened);
        w.openArchive(a.file());
        QVERIFY(opened.wait(20000));
        const int clip = 2;
        w.session()->setCurrentClip(clip);
        const ClipRow c = w.session()->data().clips[clip];
        QSignalSpy stopped(w.player(), &AudioPlayer::stopped);
        QSignalSpy started(w.player(), &AudioPlayer::itemStarted);
        QSignalSpy position(w.player(), &AudioPlayer::positionChanged);
        auto playOnce = [&] {
            w.listening()->playCurrent();
            if (!started.wait(10000)) return std::size_t(0);
            const std::size_t n = w.player()->currentSamples().size();
            return stopped.wait(30000) ? n : std::size_t(0);
        };
        const std::size_t normal = playOnce();
        QVERIFY(normal > 0);
        QVERIFY(position.size() > 3);
        double last = -1;
        for (const QList<QVariant>& p : position) {
            QCOMPARE(p.at(0).toInt(), clip);
            const double t = p.at(1).toDouble();
            QVERIFY(t >= c.start - 1e-9 && t <= c.end + 1e-9);
            QVERIFY(t >= last);
            last = t;
        }
        QVERIFY(last > c.start + 0.5 * (c.end - c.start)); // it moved through the clip

        w.findChild<QDoubleSpinBox*>(QStringLiteral("speedSpinBox"))->setValue(0.5);
        const std::size_t slow = playOnce();
        QVERIFY2(std::abs(double(slow) / double(normal) - 2.0) < 0.01, qPrintable(QStringLiteral("%1 vs %2").arg(slow).arg(normal)));
        w.findChild<QDoubleSpinBox*>(QStringLiteral("speedSpinBox"))->setValue(1.0);
        w.findChild<QDoubleSpinBox*>(QStringLiteral("timeExpansionSpinBox"))->setValue(10.0);
        const std::size_t expanded = playOnce();
        QVERIFY2(std::abs(double(expanded) / double(normal) - 10.0) < 0.05, qPrintable(QStringLiteral("%1 vs %2").arg(expanded).arg(normal)));
    }
};

QTEST_MAIN(TestPlayback)
#include "tst_playback.moc"
