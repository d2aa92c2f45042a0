// Audio front end throughput: decode + resample (44.1 kHz FLAC/WAV -> 22.05 kHz) and log-mel,
// in seconds of audio per second, with 1 and 2 threads. Compare with bench/torchaudio_frontend.py.
//   bench_frontend [minutes=10]
#include "bench/BenchTiming.h"
#include "core/audio/AudioReader.h"
#include "core/dsp/MelSpectrogram.h"
#include "core/common/NumericsEnvironment.h"

#include <sndfile.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <thread>
#include <vector>

using namespace crowlingo;
namespace fs = std::filesystem;

static void writeTestFile(const fs::path& path, int format, double seconds, int rate)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    std::mt19937 rng(1);
    std::normal_distribution<float> noise(0.f, 0.05f);
    std::vector<float> block(static_cast<size_t>(rate));
    for (int s = 0; s < int(seconds); ++s) {
        for (int i = 0; i < rate; ++i)
            block[size_t(i)] = 0.3f * std::sin(2 * M_PI * (1000.0 + 500 * std::sin(s)) * i / rate) + noise(rng);
        sf_writef_float(f, block.data(), rate);
    }
    sf_close(f);
}

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    const double minutes = argc > 1 ? std::stod(argv[1]) : 10.0;
    const double seconds = minutes * 60;
    const fs::path dir = fs::temp_directory_path() / "crowlingo-bench-frontend";
    fs::create_directories(dir);
    const fs::path wav = dir / "test-44100-1-16.wav", flac = dir / "test-44100-1-16.flac";
    writeTestFile(wav, SF_FORMAT_WAV | SF_FORMAT_PCM_16, seconds, 44100);
    writeTestFile(flac, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, seconds, 44100);
    std::printf("audio: %.0f s mono 44.1 kHz\n", seconds);

    for (const fs::path& file : {wav, flac}) {
        double t = timeIt([&] { (void)readAudio(file, {}); });
        std::printf("decode %-5s native rate           : %8.0f s audio / s\n", file.extension().c_str(), seconds / t);
        t = timeIt([&] { (void)readAudio(file, {.targetRate = 22050}); });
        std::printf("decode %-5s + resample to 22.05 kHz: %8.0f s audio / s\n", file.extension().c_str(), seconds / t);
    }

    const std::vector<float> x = readAudio(flac, {.targetRate = 22050});
    const MelSpectrogram mel(MelParams{});
    for (int threads : {1, 2}) {
        const double t = timeIt([&] {
            std::vector<std::thread> pool;
            const size_t chunk = x.size() / size_t(threads);
            for (int i = 0; i < threads; ++i)
                pool.emplace_back([&, i] {
                    (void)mel.compute(std::span<const float>(x).subspan(size_t(i) * chunk, chunk));
                });
            for (auto& th : pool) th.join();
        });
        std::printf("log-mel (n_fft 1024, hop 256, 128 mels), %d thread(s): %8.0f s audio / s\n", threads, seconds / t);
    }
    fs::remove_all(dir);
}
