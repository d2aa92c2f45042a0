// The recording view on a long recording (issue 18 targets: open a 2-hour recording's view in
// <= 0.5 s; scroll/zoom frames <= 33 ms at the 95th percentile).
//   bench_recordingview [HOURS=2] [FILE=/tmp/crowlingo-bench-long.flac]
// Writes the file once (16-bit FLAC at 22.05 kHz: hiss, a 2-kHz call every 7 s), then measures,
// offscreen: open (view shown on a 10-s page in the middle until every visible tile is drawn),
// frames while scrolling and zooming (paint time of each frame, tiles arriving in between),
// and the whole file zoomed out.
#include "BenchTiming.h"
#include "core/render/RecordingSpectrogram.h"
#include "ui/RecordingView.h"
#include "core/common/NumericsEnvironment.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QTest>

#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numbers>
#include <random>
#include <string>
#include <vector>

using namespace crowlingo;

namespace {

void writeLongFile(const std::string& path, double hours)
{
    constexpr int rate = 22050;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_FLAC | SF_FORMAT_PCM_16;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) throw std::runtime_error(sf_strerror(nullptr));
    std::mt19937 rng(1);
    std::normal_distribution<float> g(0.0f, 0.01f);
    std::vector<float> block(rate);
    const auto seconds = std::int64_t(hours * 3600);
    for (std::int64_t s = 0; s < seconds; ++s) {
        for (int i = 0; i < rate; ++i) {
            float v = g(rng);
            if (s % 7 == 3 && i < rate / 4)
                v += 0.3f * float(std::sin(2.0 * std::numbers::pi * 2000.0 * i / rate));
            block[std::size_t(i)] = v;
        }
        sf_writef_float(f, block.data(), rate);
    }
    sf_close(f);
}

double percentile(std::vector<double> v, double p)
{
    std::sort(v.begin(), v.end());
    return v[std::min(v.size() - 1, std::size_t(p / 100.0 * double(v.size())))];
}

bool waitForTiles(ui::RecordingView& view, int timeoutMs)
{
    QElapsedTimer t;
    t.start();
    while (!view.allVisibleTilesReady() && t.elapsed() < timeoutMs)
        QCoreApplication::processEvents(QEventLoop::AllEvents, 5);
    return view.allVisibleTilesReady();
}

} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    const double hours = argc > 1 ? std::atof(argv[1]) : 2.0;
    const std::string file = argc > 2 ? argv[2] : "/tmp/crowlingo-bench-long.flac";
    if (!std::filesystem::exists(file)) {
        std::printf("writing %.1f h to %s …\n", hours, file.c_str());
        std::printf("  %.1f s\n", timeIt([&] { writeLongFile(file, hours); }));
    }

    ui::RecordingView view;
    view.resize(1200, 320);
    view.show();
    (void)QTest::qWaitForWindowExposed(&view);

    const SpectrogramSettings settings;
    double middle = 0;
    const double open = timeIt([&] {
        auto rs = std::make_shared<RecordingSpectrogram>(file, settings);
        middle = rs->duration() / 2;
        view.setRecording(rs);
        view.showRange(middle, middle + 10.0);
        waitForTiles(view, 60000);
        view.repaint();
    });
    std::printf("file: %s, %.0f s\n", file.c_str(), view.recording()->duration());
    std::printf("open to a drawn 10-s page in the middle: %.3f s\n", open);

    // Scrolling: 300 steps of a tenth of a page; zooming: 40 steps in and out around the middle.
    std::vector<double> frames;
    QElapsedTimer t;
    for (int i = 0; i < 300; ++i) {
        view.showRange(view.visibleStart() + 1.0, view.visibleEnd() + 1.0);
        QCoreApplication::processEvents();
        t.start();
        view.repaint();
        frames.push_back(double(t.nsecsElapsed()) * 1e-6);
    }
    std::vector<double> zoomFrames;
    for (int i = 0; i < 40; ++i) {
        view.zoomTime(i < 20 ? 1.5 : 1.0 / 1.5, (view.visibleStart() + view.visibleEnd()) / 2);
        QCoreApplication::processEvents();
        t.start();
        view.repaint();
        zoomFrames.push_back(double(t.nsecsElapsed()) * 1e-6);
    }
    std::printf("scroll frames: median %.2f ms, p95 %.2f ms, max %.2f ms (%zu)\n", percentile(frames, 50),
                percentile(frames, 95), percentile(frames, 100), frames.size());
    std::printf("zoom frames:   median %.2f ms, p95 %.2f ms, max %.2f ms (%zu)\n", percentile(zoomFrames, 50),
                percentile(zoomFrames, 95), percentile(zoomFrames, 100), zoomFrames.size());

    const double whole = timeIt([&] {
        view.showRange(0, view.recording()->duration());
        waitForTiles(view, 600000);
    });
    std::printf("whole recording drawn (level %d, sparse columns): %.2f s\n",
                view.recording()->levelFor(view.secondsPerPixel()), whole);
    return 0;
}
