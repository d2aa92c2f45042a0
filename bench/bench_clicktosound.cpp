// Click to sound: how long from asking the player for a clip (as a click on the map, a neighbour's
// play button or Space does) until the clip starts and until the sink has taken its first audio,
// for clips spread over a one-hour recording, as WAV and as FLAC (48 kHz mono, 16 bit). Needs an
// audio server: `source packaging/start-test-audio.sh` gives a PulseAudio null sink.
//   QT_QPA_PLATFORM=offscreen bench_clicktosound
// "started": decoding the clip with its context and starting the sink (AudioPlayer::itemStarted).
// "sound": the first playhead report after the sink has consumed audio (the player reports every
// 30 ms, so this is up to 30 ms late).
#include "bench/BenchTiming.h"
#include "core/common/NumericsEnvironment.h"
#include "ui/AudioPlayer.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QEventLoop>
#include <QTemporaryDir>
#include <QTimer>

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <numbers>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

using namespace crowlingo;
using namespace crowlingo::ui;

namespace {

constexpr int kRate = 48000;

void writeHour(const std::string& path, int format)
{
    SF_INFO info{};
    info.samplerate = kRate;
    info.channels = 1;
    info.format = format | SF_FORMAT_PCM_16;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error(sf_strerror(nullptr));
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.0f, 0.01f);
    std::vector<float> block(kRate);
    for (int s = 0; s < 3600; ++s) {
        for (int i = 0; i < kRate; ++i)
            block[std::size_t(i)] = g(rng) + (s % 5 == 2 ? 0.3f * float(std::sin(2.0 * std::numbers::pi * 3000.0 * i / kRate)) : 0.f);
        sf_writef_float(f, block.data(), kRate);
    }
    sf_close(f);
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p / 100.0 * double(v.size())))];
}

} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // as the workbench starts
    QCoreApplication app(argc, argv);
    QTemporaryDir dir;
    AudioPlayer player;
    player.setContext(0.5);
    for (const auto& [name, format] : {std::pair{"wav", SF_FORMAT_WAV}, std::pair{"flac", SF_FORMAT_FLAC}}) {
        const std::string file = dir.filePath(QStringLiteral("hour.") + name).toStdString();
        writeHour(file, format);
        std::vector<double> started, sound;
        for (int c = 0; c < 20; ++c) {
            const double at = 60.0 + c * 170.0 + 0.37 * c; // spread over the hour
            QElapsedTimer clock;
            double tStarted = -1, tSound = -1, firstPosition = -1;
            QEventLoop loop;
            const auto a = QObject::connect(&player, &AudioPlayer::itemStarted, [&] { tStarted = double(clock.nsecsElapsed()) / 1e6; });
            const auto b = QObject::connect(&player, &AudioPlayer::positionChanged, [&](int, double position) {
                if (firstPosition < 0) firstPosition = position;
                else if (position > firstPosition && tSound < 0) {
                    tSound = double(clock.nsecsElapsed()) / 1e6;
                    loop.quit();
                }
            });
            const auto e = QObject::connect(&player, &AudioPlayer::errorOccurred, [&](const QString& m) {
                std::fprintf(stderr, "error: %s\n", qPrintable(m));
                loop.quit();
            });
            QTimer::singleShot(5000, &loop, &QEventLoop::quit);
            clock.start();
            player.play({PlayItem{c, file, at, at + 1.0, 1.0}});
            loop.exec();
            player.stop();
            QObject::disconnect(a);
            QObject::disconnect(b);
            QObject::disconnect(e);
            if (tStarted >= 0) started.push_back(tStarted);
            if (tSound >= 0) sound.push_back(tSound);
        }
        if (sound.empty()) {
            std::printf("%s: no sound reached the sink (is an audio server running?)\n", name);
            continue;
        }
        std::printf("%-4s one hour, 48 kHz: started median %.1f ms (95th %.1f); sound median %.1f ms (95th %.1f), %zu of 20 clips\n",
                    name, percentile(started, 50), percentile(started, 95), percentile(sound, 50), percentile(sound, 95), sound.size());
    }
}
