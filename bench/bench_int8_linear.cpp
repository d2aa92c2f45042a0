// Would int8 weights make embedding faster here? Times the encoder's four linear layers (the
// default model's shapes: width 256, MLP 1,024, a batch of 32 windows of 64 patches) in fp32
// against LibTorch's dynamic int8 linear (quantized::linear_dynamic: int8 weights, activations
// quantised per call) on every quantised engine this LibTorch has. Debian's LibTorch 1.13 has no
// FBGEMM engine (at::fbgemm_* answer "not built with FBGEMM operators"), only oneDNN and QNNPACK.
//
//   bench_int8_linear [repeats=50]
#include "BenchTiming.h"
#include "core/common/NumericsEnvironment.h"

#include <ATen/core/dispatch/Dispatcher.h>
#include <torch/torch.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

namespace {

struct Layer {
    const char* name;
    int in, out;
};

// The encoder's linear layers per transformer block, in the default model's config.
const Layer layers[] = {{"attn.qkv", 256, 768}, {"attn.proj", 256, 256}, {"mlp.fc1", 256, 1024}, {"mlp.fc2", 1024, 256}};

} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    const int repeats = argc > 1 ? std::atoi(argv[1]) : 50;
    torch::set_num_threads(2);
    c10::InferenceMode inference;
    torch::manual_seed(1);
    auto& dispatcher = c10::Dispatcher::singleton();
    const auto prepack = dispatcher.findSchemaOrThrow("quantized::linear_prepack", "");
    const auto linearDynamic = dispatcher.findSchemaOrThrow("quantized::linear_dynamic", "");

    std::printf("2 threads, OpenBLAS kernel %s, %d repeats, input 2048 x in (32 windows x 64 patches)\n",
                crowlingo::openBlasKernel().c_str(), repeats);
    for (const at::QEngine engine : at::globalContext().supportedQEngines()) {
        if (engine == at::QEngine::NoQEngine)
            continue;
        at::globalContext().setQEngine(engine);
        const std::string engineName = c10::toString(engine);
        double fp32Total = 0, int8Total = 0;
        for (const Layer& layer : layers) {
            const auto w = torch::randn({layer.out, layer.in}) * 0.05;
            const auto b = torch::randn({layer.out}) * 0.01;
            const auto x = torch::randn({32 * 64, layer.in});
            const auto qw = torch::quantize_per_tensor(w, w.abs().max().item<double>() / 127.0, 0, torch::kQInt8);
            torch::jit::Stack packStack{qw, c10::optional<at::Tensor>(b)};
            prepack.callBoxed(&packStack);
            const c10::IValue packed = packStack[0];
            auto int8 = [&] {
                torch::jit::Stack s{x, packed, false};
                linearDynamic.callBoxed(&s);
                return s[0].toTensor();
            };
            auto fp32 = [&] { return torch::nn::functional::linear(x, w, b); };
            const auto reference = fp32();
            const double relError = ((int8() - reference).norm() / reference.norm()).item<double>();
            for (int k = 0; k < 3; ++k) { // warm up both paths
                int8();
                fp32();
            }
            const double tInt8 = timeIt([&] { for (int k = 0; k < repeats; ++k) int8(); }) / repeats * 1e3;
            const double tFp32 = timeIt([&] { for (int k = 0; k < repeats; ++k) fp32(); }) / repeats * 1e3;
            fp32Total += tFp32;
            int8Total += tInt8;
            std::printf("%-8s %-10s %4d->%-4d fp32 %6.2f ms  int8 %6.2f ms  (%.2fx)  relative error %.4f\n",
                        engineName.c_str(), layer.name, layer.in, layer.out, tFp32, tInt8, tFp32 / tInt8, relError);
        }
        std::printf("%-8s all four layers: fp32 %.2f ms, int8 %.2f ms (%.2fx)\n", engineName.c_str(), fp32Total,
                    int8Total, fp32Total / int8Total);
    }
}
