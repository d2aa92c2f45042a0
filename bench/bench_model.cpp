// Model throughput: windows embedded per second (batch 1 and 32, 1 and 2 threads) and the
// GFLOP/s this achieves, next to a plain 1024x1024 matmul's GFLOP/s measured in the same run.
//   bench_model [MODEL_DIR]   (default: a randomly initialised model of the default config)
#include "bench/BenchTiming.h"
#include "core/common/Threads.h"
#include "core/model/Embedder.h"
#include "core/model/Model.h"
#include "core/common/NumericsEnvironment.h"

#include <torch/torch.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <thread>

using namespace crowlingo;

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    const Model model = argc > 1 ? Model::load(argv[1]) : Model::createRandom(ModelConfig{}, 1);
    const ModelConfig& c = model.config();
    std::printf("model: %lld parameters (encoder %lld), window %d mels x %d frames, %d patches\n",
                (long long)model.parameterCount(), (long long)model.encoderParameterCount(), c.mel.nMels, c.frames,
                c.patchCount());
    // Encoder FLOPs per window: 2 x (encoder weights) per token plus attention (QK^T and AV).
    const double tokens = c.patchCount();
    const double flopsPerWindow = 2.0 * double(model.encoderParameterCount()) * tokens +
                                  double(c.encoderDepth) * 4.0 * tokens * tokens * c.encoderDim;

    Spectrogram window;
    window.frames = c.frames;
    window.bins = c.mel.nMels;
    window.values.resize(size_t(c.frames) * size_t(c.mel.nMels));
    std::mt19937 rng(1);
    std::normal_distribution<float> db(-50.f, 15.f);
    for (float& v : window.values) v = db(rng);

    for (int threads : {1, 2}) {
        setThreadCount(threads);
        torch::set_num_threads(threads);
        const auto a = torch::randn({1024, 1024}), b = torch::randn({1024, 1024});
        (void)torch::mm(a, b);
        const int reps = 10;
        const double tm = timeIt([&] { for (int i = 0; i < reps; ++i) (void)torch::mm(a, b); });
        const double matmulGflops = reps * 2.0 * 1024 * 1024 * 1024 / tm / 1e9;
        for (int batch : {1, 32}) {
            Embedder e(model, EmbedOptions{.batchSize = batch});
            std::vector<Spectrogram> clips(size_t(batch) * (batch == 1 ? 50 : 4), window);
            (void)e.embedBatch(std::vector<Spectrogram>(clips.begin(), clips.begin() + batch)); // warm-up
            const double t = timeIt([&] { (void)e.embedBatch(clips); });
            const double wps = double(clips.size()) / t;
            std::printf("threads %d  batch %2d: %7.1f windows/s  %6.1f GFLOP/s  (matmul 1024^2: %6.1f GFLOP/s)\n",
                        threads, batch, wps, wps * flopsPerWindow / 1e9, matmulGflops);
        }
    }
    // The two cores used by two callers of one thread each instead of one caller of two threads:
    // LibTorch splits each operator of a 32-window batch over its threads, and the pieces are small.
    for (int callers : {1, 2}) {
        setThreadCount(1);
        torch::set_num_threads(1);
        std::vector<Spectrogram> clips(32 * 8, window);
        std::vector<Embedder> embedders;
        for (int i = 0; i < callers; ++i) embedders.emplace_back(model, EmbedOptions{.batchSize = 32});
        for (Embedder& e : embedders) (void)e.embedBatch(std::vector<Spectrogram>(clips.begin(), clips.begin() + 32));
        const double t = timeIt([&] {
            std::vector<std::thread> threads;
            for (Embedder& e : embedders) threads.emplace_back([&] { (void)e.embedBatch(clips); });
            for (std::thread& th : threads) th.join();
        });
        const double wps = double(callers) * double(clips.size()) / t;
        std::printf("%d caller(s) of 1 thread, batch 32: %7.1f windows/s\n", callers, wps);
    }
}
