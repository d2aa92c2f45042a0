// One file for the training loop (about 730 lines): data split, crops, masks, checkpoints
// and resume share the random streams below, and keeping them together is what keeps resume exact.
#include "core/model/Trainer.h"

#include "core/common/Error.h"
#include "core/common/RangeCheck.h"
#include "core/common/Rng.h"
#include "core/common/SystemMemory.h"
#include "core/model/ModelTensors.h"
#include "core/model/SafeTensors.h"
#include "core/model/TrainingMemory.h"
#include "core/model/detail/ContrastiveViews.h"
#include "core/model/detail/ModelImpl.h"
#include "core/model/detail/PatchOps.h"
#include "core/model/detail/WindowBatch.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <numbers>
#include <numeric>
#include <span>
#include <sstream>

namespace crowlingo {

namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
constexpr double nan = std::numeric_limits<double>::quiet_NaN();

// Independent random streams, each seeded from (seed, stream, index) so that any step's data and
// masks can be drawn without replaying the steps before it (this is what makes resume exact).
enum class Stream : std::uint64_t { Split = 1, Epoch, Crop, Mask, ValidationCrop, ValidationMask, ContrastiveViews };

// Derived like Rng::mix but with the constants the shipped models were trained with: changing them
// would change which clips and masks every step draws, and train-default.sh would no longer
// reproduce the default model's bytes.
std::uint64_t streamSeed(std::uint64_t seed, Stream s, std::uint64_t index)
{
    const std::uint64_t h = Rng(seed).next();
    const std::uint64_t h2 = Rng(h ^ (std::uint64_t(s) * 0xD1B54A32D192ED03ull)).next();
    return Rng(h2 ^ index).next();
}

std::vector<int> shuffled(std::vector<int> v, std::uint64_t seed)
{
    Rng rng(seed);
    for (std::size_t i = v.size(); i > 1; --i)
        std::swap(v[i - 1], v[rng.below(i)]);
    return v;
}

double jsonNumber(const json& j, const char* key)
{
    if (!j.contains(key) || j[key].is_null())
        return nan;
    return j[key].get<double>();
}

std::string csvNumber(double v)
{
    if (std::isnan(v))
        return {};
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.8g", v);
    return buf;
}

bool isDecayed(const std::string& name, const torch::Tensor& p)
{
    // MAE: no weight decay on biases, LayerNorm parameters and the mask token.
    return p.dim() >= 2 && name != "decoder.mask_token";
}

} // namespace

struct Trainer::Impl {
    Model init;
    TrainOptions opt;
};

namespace {

// Everything one call of run() works with, built fresh for each call, so nothing from an earlier
// run (a cancelled one, or one that threw) can leak into the next.
struct TrainingRun {
    TrainingRun(const Model& init, const TrainOptions& opt, const std::vector<Spectrogram>& clips);

    const Model& init;
    const TrainOptions& opt;
    const std::vector<Spectrogram>* clips = nullptr;
    ModelConfig config;
    detail::MaskedAutoencoder net{nullptr};
    torch::Device device{torch::kCPU};
    std::unique_ptr<torch::optim::AdamW> optimizer;
    std::vector<int> trainIdx, valIdx;
    std::vector<detail::WindowSpec> valCrops;
    std::int64_t cachedEpoch = -1;
    std::vector<int> epochOrder;

    int step = 0;
    int totalSteps = 0; // 0 when time-bounded
    double elapsedBefore = 0; // seconds spent in earlier sessions (resume)
    double initialVal = nan, lastVal = nan, lastLoss = nan;
    std::int64_t clipFrames = 0;
    // keepBest: the network at the lowest validation loss so far, and when it was.
    detail::MaskedAutoencoder best{nullptr};
    double bestVal = nan;
    int bestStep = 0;
    int validationsSinceBest = 0;

    void noteValidation(double val); // keeps a copy of the network when val is a new best

    std::ofstream lossLog;

    std::filesystem::path checkpointPath() const { return opt.outDir / Trainer::checkpointFileName; }
    std::filesystem::path lossLogPath() const { return opt.outDir / Trainer::lossLogFileName; }

    void splitClips();
    void buildOptimizer();
    void computeNormalisation();
    const std::vector<int>& epoch(std::int64_t e);
    detail::WindowSpec crop(int clip, Rng& rng) const;
    detail::WindowBatch trainingBatch(int s, std::vector<int>& clipOfWindow);
    torch::Tensor contrastiveLoss(const detail::MaeOutput& out, const detail::WindowBatch& wb,
                                  const std::vector<int>& clipOfWindow, int s);
    double validationLoss();
    double lrFactor(int s, double elapsed) const;
    double peakLr() const { return opt.lr * opt.batch / 256.0; }
    int warmupSteps() const;
    int validationInterval() const;

    json stateJson(double elapsed) const;
    void saveCheckpoint(double elapsed);
    void loadCheckpoint();
    void openLossLog(bool resumed);
    void logRow(int s, double loss, double val, double lr, double elapsed);
    std::string recipeJson(double elapsed) const;
};

TrainingRun::TrainingRun(const Model& init, const TrainOptions& opt, const std::vector<Spectrogram>& clips)
    : init(init), opt(opt), clips(&clips), config(init.config()), device(init.impl().device), totalSteps(opt.steps)
{
    for (const Spectrogram& s : clips) {
        detail::checkClip(config, s, "train on clip");
        clipFrames += s.frames;
    }
}

} // namespace

Trainer::Trainer(Model init, TrainOptions options)
    : d(std::make_unique<Impl>(Impl{std::move(init), std::move(options)}))
{
    const TrainOptions& o = d->opt;
    detail::hiddenPatchCount(d->init.config().patchCount(), o.maskRatio); // validates the ratio
    try {
        requireInRange("batch", o.batch, 1, TrainLimits::maxBatch);
        requireInRange("steps", o.steps, 0, TrainLimits::maxSteps);
        requireInRange("minutes", o.minutes, 0.0, TrainLimits::maxMinutes);
        requireInRange("lr", o.lr, TrainLimits::minLr, TrainLimits::maxLr);
        requireInRange("weight decay", o.weightDecay, 0.0, 1.0);
        requireInRange("contrastive weight", o.contrastiveWeight, 0.0, TrainLimits::maxContrastiveWeight);
        requireInRange("contrastive temperature", o.contrastiveTemperature, TrainLimits::minTemperature,
                       TrainLimits::maxTemperature);
        requireInRange("patience", o.patience, 0, TrainLimits::maxPatience);
    } catch (const UsageError& e) {
        throw UsageError(std::string("cannot train: ") + e.what());
    }
    if (o.steps == 0 && o.minutes <= 0)
        throw UsageError("cannot train: give a number of steps or a time budget in minutes");
    // Before any clip is cropped: a batch that cannot fit is refused now, not after gigabytes.
    checkTrainingMemory(estimateTrainingMemory(d->init.config(), o.maskRatio), o.batch, availableMemoryBytes());
    if (!(o.validationFraction >= 0 && o.validationFraction < 1))
        throw UsageError("cannot train: validation fraction must be in [0, 1)");
    if (o.resume && o.outDir.empty())
        throw UsageError("cannot resume training: no output directory given");
}

Trainer::~Trainer() = default;

void TrainingRun::splitClips()
{
    const int n = int(clips->size());
    std::vector<int> all(static_cast<std::size_t>(n));
    std::iota(all.begin(), all.end(), 0);
    all = shuffled(std::move(all), streamSeed(opt.seed, Stream::Split, 0));
    int nVal = 0;
    if (n >= 2 && opt.validationFraction > 0)
        nVal = std::clamp(int(std::ceil(opt.validationFraction * n)), 1, n - 1);
    valIdx.assign(all.begin(), all.begin() + nVal);
    trainIdx.assign(all.begin() + nVal, all.end());
}

void TrainingRun::computeNormalisation()
{
    double sum = 0, sumSq = 0;
    std::int64_t count = 0;
    for (int i : trainIdx) {
        for (float v : (*clips)[std::size_t(i)].values) {
            sum += v;
            sumSq += double(v) * v;
            ++count;
        }
    }
    const double mean = sum / double(count);
    double var = std::max(0.0, sumSq / double(count) - mean * mean);
    if (config.centreLevel) {
        // The network sees each window minus its own level, so the spread that matters is the one
        // left inside windows, not the (larger) spread of levels between recordings.
        double within = 0;
        std::int64_t cells = 0;
        for (int i : trainIdx) {
            const Spectrogram& s = (*clips)[std::size_t(i)];
            for (int start : detail::windowStarts(s.frames, config.frames)) {
                const int len = std::min(config.frames, s.frames - start);
                const float* first = s.values.data() + std::size_t(start) * s.bins;
                const std::size_t n = std::size_t(len) * s.bins;
                double level = 0;
                for (std::size_t k = 0; k < n; ++k)
                    level += first[k];
                level /= double(n);
                for (std::size_t k = 0; k < n; ++k)
                    within += (first[k] - level) * (first[k] - level);
                cells += std::int64_t(n);
            }
        }
        var = within / double(cells);
    }
    config.normMean = float(mean);
    config.normStd = float(std::max(1e-3, std::sqrt(var))); // a constant input must not divide by 0
}

void TrainingRun::buildOptimizer()
{
    std::vector<torch::Tensor> decay, noDecay;
    for (const auto& item : net->named_parameters(true))
        (isDecayed(item.key(), item.value()) ? decay : noDecay).push_back(item.value());
    auto options = [&](double wd) {
        return std::make_unique<torch::optim::AdamWOptions>(
            torch::optim::AdamWOptions(peakLr()).betas(std::make_tuple(0.9, 0.95)).eps(1e-8).weight_decay(wd));
    };
    std::vector<torch::optim::OptimizerParamGroup> groups;
    groups.emplace_back(decay, options(opt.weightDecay));
    groups.emplace_back(noDecay, options(0.0));
    optimizer = std::make_unique<torch::optim::AdamW>(std::move(groups),
                                                      torch::optim::AdamWOptions(peakLr()).weight_decay(opt.weightDecay));
}

const std::vector<int>& TrainingRun::epoch(std::int64_t e)
{
    if (e != cachedEpoch) {
        epochOrder = shuffled(trainIdx, streamSeed(opt.seed, Stream::Epoch, std::uint64_t(e)));
        cachedEpoch = e;
    }
    return epochOrder;
}

detail::WindowSpec TrainingRun::crop(int clip, Rng& rng) const
{
    const Spectrogram& s = (*clips)[std::size_t(clip)];
    if (s.frames <= config.frames)
        return {&s, 0, s.frames};
    const int start = int(rng.below(std::uint64_t(s.frames - config.frames + 1)));
    return {&s, start, config.frames};
}

detail::WindowBatch TrainingRun::trainingBatch(int s, std::vector<int>& clipOfWindow)
{
    clipOfWindow.clear();
    const std::int64_t nTrain = std::int64_t(trainIdx.size());
    Rng rng(streamSeed(opt.seed, Stream::Crop, std::uint64_t(s)));
    std::vector<detail::WindowSpec> specs;
    specs.reserve(std::size_t(opt.batch));
    for (int i = 0; i < opt.batch; ++i) {
        const std::int64_t k = std::int64_t(s) * opt.batch + i; // position in the endless epoch stream
        const int clip = epoch(k / nTrain)[std::size_t(k % nTrain)];
        specs.push_back(crop(clip, rng));
        clipOfWindow.push_back(clip);
    }
    return detail::makeWindowBatch(config, specs);
}

torch::Tensor TrainingRun::contrastiveLoss(const detail::MaeOutput& out, const detail::WindowBatch& wb,
                                            const std::vector<int>& clipOfWindow, int s)
{
    const torch::Tensor valid = wb.valid.to(device);
    const bool keepRows = config.readout.keepRows;
    const torch::Tensor student =
        detail::pooledVisibleTokens(out.latent, out.keep, valid, config.patchCols(), config.patchRows(), keepRows);
    torch::Tensor target;
    {
        torch::NoGradGuard noGrad;
        at::Generator gen = at::detail::createCPUGenerator(streamSeed(opt.seed, Stream::ContrastiveViews, std::uint64_t(s)));
        // Read out as embeddings are (final layer, frequency rows as the model's readout keeps
        // them), so the term shapes the very vectors neighbours are found with.
        const Readout readout{{Readout::finalLayer}, ReadoutPooling::Mean, keepRows};
        target = net->embed(detail::augmentedView(wb.images, config, detail::ContrastiveAugmentation{}, gen).to(device),
                            valid, readout);
    }
    const auto n = std::int64_t(clipOfWindow.size());
    const torch::Tensor clip = torch::tensor(std::vector<std::int64_t>(clipOfWindow.begin(), clipOfWindow.end()));
    const torch::Tensor same = clip.view({n, 1}).eq(clip.view({1, n})).to(device);
    return detail::infoNceLoss(student, target, same, opt.contrastiveTemperature);
}

double TrainingRun::validationLoss()
{
    if (valCrops.empty())
        return nan;
    torch::NoGradGuard noGrad;
    net->eval();
    double weighted = 0, weight = 0;
    const std::size_t batch = std::size_t(opt.batch);
    for (std::size_t first = 0, j = 0; first < valCrops.size(); first += batch, ++j) {
        const std::size_t n = std::min(batch, valCrops.size() - first);
        const detail::WindowBatch wb = detail::makeWindowBatch(config, std::span(valCrops).subspan(first, n));
        // Fixed masks: the generator is re-seeded identically at every evaluation.
        at::Generator gen = at::detail::createCPUGenerator(streamSeed(opt.seed, Stream::ValidationMask, j));
        const torch::Tensor valid = wb.valid.to(device);
        const detail::MaeOutput out = net->forward(wb.images.to(device), valid, opt.maskRatio, gen);
        const double w = out.hidden.logical_and(valid).sum().item<double>();
        weighted += out.loss.item<double>() * w;
        weight += w;
    }
    net->train();
    return weight > 0 ? weighted / weight : nan;
}

int TrainingRun::warmupSteps() const
{
    if (opt.warmupSteps >= 0)
        return opt.warmupSteps;
    return totalSteps > 0 ? int(std::lround(0.05 * totalSteps)) : -1; // -1: time-based
}

double TrainingRun::lrFactor(int s, double elapsed) const
{
    const int warm = warmupSteps();
    if (warm > 0 && s < warm)
        return double(s + 1) / warm;
    double progress; // of the cosine phase, 0..1
    if (totalSteps > 0) {
        progress = double(s - std::max(warm, 0)) / std::max(1, totalSteps - std::max(warm, 0));
    } else {
        const double f = std::clamp(elapsed / (opt.minutes * 60.0), 0.0, 1.0);
        if (warm < 0 && f < 0.05)
            return std::max(f / 0.05, 1e-3);
        progress = warm < 0 ? (f - 0.05) / 0.95 : f;
    }
    return 0.5 * (1.0 + std::cos(std::numbers::pi * std::clamp(progress, 0.0, 1.0)));
}

void TrainingRun::noteValidation(double val)
{
    if (!opt.keepBest || !std::isfinite(val)) return;
    if (std::isfinite(bestVal) && val >= bestVal) {
        ++validationsSinceBest;
        return;
    }
    bestVal = val;
    bestStep = step;
    validationsSinceBest = 0;
    best = detail::cloneNetwork(net, config);
}

int TrainingRun::validationInterval() const
{
    if (opt.validationEvery > 0)
        return opt.validationEvery;
    return totalSteps > 0 ? std::max(1, totalSteps / 20) : 100;
}

json TrainingRun::stateJson(double elapsed) const
{
    json j = {{"step", step},
              {"total_steps", totalSteps},
              {"elapsed_s", elapsed},
              {"seed", opt.seed},
              {"batch", opt.batch},
              {"mask_ratio", opt.maskRatio},
              {"contrastive_weight", opt.contrastiveWeight},
              {"contrastive_temperature", opt.contrastiveTemperature},
              {"clips", clips->size()},
              {"clip_frames", clipFrames},
              {"initial_val_loss", initialVal},
              {"last_val_loss", lastVal},
              {"last_loss", lastLoss}};
    // All parameters step together; store the count once.
    std::int64_t optimizerStep = 0;
    for (const auto& item : net->named_parameters(true)) {
        auto it = optimizer->state().find(c10::guts::to_string(item.value().unsafeGetTensorImpl()));
        if (it != optimizer->state().end())
            optimizerStep = static_cast<torch::optim::AdamWParamState&>(*it->second).step();
    }
    j["optimizer_step"] = optimizerStep;
    return j;
}

void TrainingRun::saveCheckpoint(double elapsed)
{
    if (opt.outDir.empty())
        return;
    SafeTensors st;
    net->exportTo(st, "model.");
    auto put = [&](const std::string& name, const torch::Tensor& t) {
        const torch::Tensor c = t.detach().to(torch::kCPU, torch::kFloat32).contiguous();
        SafeTensor s;
        s.shape.assign(c.sizes().begin(), c.sizes().end());
        s.values.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
        st.tensors[name] = std::move(s);
    };
    for (const auto& item : net->named_parameters(true)) {
        auto it = optimizer->state().find(c10::guts::to_string(item.value().unsafeGetTensorImpl()));
        if (it == optimizer->state().end())
            continue; // no step taken yet
        auto& ps = static_cast<torch::optim::AdamWParamState&>(*it->second);
        put("optimizer.exp_avg." + item.key(), ps.exp_avg());
        put("optimizer.exp_avg_sq." + item.key(), ps.exp_avg_sq());
    }
    // One file, so that the temp-file + rename makes the whole checkpoint atomic.
    st.metadata["format"] = "crowlingo-mae-checkpoint";
    st.metadata["config"] = config.toJsonString();
    st.metadata["trainer_state"] = stateJson(elapsed).dump(2);
    st.write(checkpointPath());
    if (lossLog.is_open())
        lossLog.flush();
}

void TrainingRun::loadCheckpoint()
{
    const std::filesystem::path file = checkpointPath();
    if (!std::filesystem::exists(file))
        throw ModelError(fileError("resume training from", file, "no checkpoint"));
    const SafeTensors st = SafeTensors::read(file);
    auto meta = [&](const char* key) -> const std::string& {
        auto it = st.metadata.find(key);
        if (it == st.metadata.end())
            throw ModelError(fileError("resume training from", file, std::string("missing metadata \"") + key + "\""));
        return it->second;
    };
    if (meta("format") != "crowlingo-mae-checkpoint")
        throw ModelError(fileError("resume training from", file, "not a training checkpoint"));
    config = ModelConfig::fromJsonString(meta("config"), file);
    const json state = json::parse(meta("trainer_state"), nullptr, false);
    if (state.is_discarded() || !state.is_object())
        throw ModelError(fileError("resume training from", file, "trainer state is not valid JSON"));

    try {
        if (state.at("seed").get<std::uint64_t>() != opt.seed || state.at("batch").get<int>() != opt.batch)
            throw UsageError(fileError("resume training from", file,
                                       "the checkpoint was made with another seed or batch size"));
        if (state.value("contrastive_weight", 0.0) != opt.contrastiveWeight
            || (opt.contrastiveWeight > 0 && state.value("contrastive_temperature", 0.0) != opt.contrastiveTemperature))
            throw UsageError(fileError("resume training from", file,
                                       "the checkpoint was made with another contrastive weight or temperature"));
        if (state.at("clips").get<std::size_t>() != clips->size() || state.at("clip_frames").get<std::int64_t>() != clipFrames)
            throw UsageError(fileError("resume training from", file, "the checkpoint was made with other clips"));
        step = state.at("step").get<int>();
        elapsedBefore = state.at("elapsed_s").get<double>();
        initialVal = jsonNumber(state, "initial_val_loss");
        lastVal = jsonNumber(state, "last_val_loss");
        lastLoss = jsonNumber(state, "last_loss");
    } catch (const json::exception& e) {
        throw ModelError(fileError("resume training from", file, std::string("bad trainer state: ") + e.what()));
    }
    const std::int64_t optimizerStep = state.value("optimizer_step", std::int64_t(0));

    checkModelWeights(config, st, file, "model."); // before the network is allocated
    net = detail::MaskedAutoencoder(config);
    net->importFrom(st, file, "model.");
    net->to(device);
    buildOptimizer();
    for (const auto& item : net->named_parameters(true)) {
        const auto a = st.tensors.find("optimizer.exp_avg." + item.key());
        const auto b = st.tensors.find("optimizer.exp_avg_sq." + item.key());
        if (a == st.tensors.end() && b == st.tensors.end())
            continue;
        auto toTensor = [&](const SafeTensor& s) {
            const std::vector<std::int64_t> expected(item.value().sizes().begin(), item.value().sizes().end());
            if (s.shape != expected)
                throw ModelError(fileError("resume training from", file, "optimizer state of \"" + item.key()
                                                                              + "\" does not match its parameter"));
            return torch::from_blob(const_cast<float*>(s.values.data()), item.value().sizes(), torch::kFloat32)
                .clone()
                .to(device);
        };
        if (a == st.tensors.end() || b == st.tensors.end())
            throw ModelError(fileError("resume training from", file, "incomplete optimizer state for \"" + item.key() + "\""));
        auto ps = std::make_unique<torch::optim::AdamWParamState>();
        ps->step(optimizerStep);
        ps->exp_avg(toTensor(a->second));
        ps->exp_avg_sq(toTensor(b->second));
        optimizer->state()[c10::guts::to_string(item.value().unsafeGetTensorImpl())] = std::move(ps);
    }
}

void TrainingRun::openLossLog(bool resumed)
{
    if (opt.outDir.empty())
        return;
    const std::filesystem::path file = lossLogPath();
    std::string kept = "step,loss,val_loss,lr,elapsed_s\n";
    if (resumed) {
        // Drop the rows written after the checkpoint: those steps are about to be redone.
        std::ifstream in(file);
        std::string line;
        bool header = true;
        while (std::getline(in, line)) {
            if (header) {
                header = false;
                continue;
            }
            if (!line.empty() && std::atoll(line.c_str()) <= step)
                kept += line + "\n";
        }
    }
    SafeTensors::writeFileAtomically(file, std::as_bytes(std::span(kept.data(), kept.size())));
    lossLog.open(file, std::ios::app);
    if (!lossLog)
        throw Error(fileError("write", file, "cannot open the loss log"));
}

void TrainingRun::logRow(int s, double loss, double val, double lr, double elapsed)
{
    if (lossLog.is_open())
        lossLog << s << ',' << csvNumber(loss) << ',' << csvNumber(val) << ',' << csvNumber(lr) << ','
                << csvNumber(elapsed) << '\n';
}

std::string TrainingRun::recipeJson(double elapsed) const
{
    json r = {{"method", opt.contrastiveWeight > 0 ? "audio-mae + contrastive views" : "audio-mae"},
              {"optimizer", "AdamW(beta1=0.9, beta2=0.95, eps=1e-8), no decay on biases/norms/mask token"},
              {"schedule", "linear warm-up, cosine decay to 0"},
              {"steps", step},
              {"planned_steps", totalSteps},
              {"minutes", opt.minutes},
              {"batch", opt.batch},
              {"seed", opt.seed},
              {"base_lr", opt.lr},
              {"peak_lr", peakLr()},
              {"weight_decay", opt.weightDecay},
              {"warmup_steps", warmupSteps()},
              {"clip_norm", opt.clipNorm},
              {"mask_ratio", opt.maskRatio},
              {"validation_fraction", opt.validationFraction},
              {"clips_train", trainIdx.size()},
              {"clips_validation", valIdx.size()},
              {"clip_frames", clipFrames},
              {"initial_val_loss", initialVal},
              {"final_val_loss", lastVal},
              {"final_loss", lastLoss},
              {"elapsed_s", elapsed}};
    if (opt.keepBest) {
        r["kept"] = "lowest validation loss";
        r["best_step"] = bestStep;
        r["best_val_loss"] = bestVal;
        r["patience"] = opt.patience;
    }
    if (opt.contrastiveWeight > 0) {
        r["contrastive_weight"] = opt.contrastiveWeight;
        r["contrastive_temperature"] = opt.contrastiveTemperature;
    }
    return r.dump();
}

TrainResult Trainer::run(const std::vector<Spectrogram>& clips, const std::function<void(const TrainStatus&)>& onStatus,
                         const Progress& progress)
{
    const TrainOptions& opt = d->opt;
    if (clips.empty())
        throw UsageError("cannot train: no clips");
    TrainingRun m(d->init, opt, clips);
    m.splitClips();

    detail::applyThreadCount();

    if (!opt.outDir.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(opt.outDir, ec);
        if (ec)
            throw Error(fileError("create training directory", opt.outDir, ec.message()));
    }
    if (opt.resume) {
        m.loadCheckpoint();
        for (const Spectrogram& s : clips) // the checkpoint's config may differ from init's
            detail::checkClip(m.config, s, "train on clip");
    } else {
        if (opt.computeNormalisation)
            m.computeNormalisation();
        m.net = detail::cloneNetwork(m.init.impl().net, m.config);
        m.net->to(m.device);
        m.buildOptimizer();
    }
    m.net->config = m.config;

    // Fixed validation crops (their masks are fixed in validationLoss()).
    m.valCrops.clear();
    if (!m.valIdx.empty()) {
        Rng rng(streamSeed(opt.seed, Stream::ValidationCrop, 0));
        const std::size_t n = std::max(m.valIdx.size(), std::min(std::size_t(std::max(opt.validationCrops, 0)), m.valIdx.size() * 8));
        for (std::size_t i = 0; i < n; ++i)
            m.valCrops.push_back(m.crop(m.valIdx[i % m.valIdx.size()], rng));
    }

    m.openLossLog(opt.resume);
    m.net->train();
    const Clock::time_point t0 = Clock::now();
    auto elapsed = [&] { return m.elapsedBefore + std::chrono::duration<double>(Clock::now() - t0).count(); };
    const int startStep = m.step;
    double stepSeconds = 0; // time spent in optimiser steps this session (for speed and ETA)

    if (!opt.resume) {
        m.initialVal = m.lastVal = m.validationLoss();
        m.logRow(0, nan, m.initialVal, 0, 0);
    }
    m.noteValidation(m.lastVal); // the starting network is the first candidate (resumed: the checkpoint's)
    bool stoppedEarly = false;

    auto timeUp = [&] { return opt.minutes > 0 && elapsed() >= opt.minutes * 60.0; };
    auto finished = [&] { return (m.totalSteps > 0 && m.step >= m.totalSteps) || timeUp(); };
    Clock::time_point lastCheckpoint = Clock::now();
    bool cancelled = false;
    const int every = m.validationInterval();

    while (!finished()) {
        if (progress.isCancelled()) {
            cancelled = true;
            break;
        }
        const Clock::time_point s0 = Clock::now();
        const double lr = m.peakLr() * m.lrFactor(m.step, elapsed());
        for (auto& group : m.optimizer->param_groups())
            static_cast<torch::optim::AdamWOptions&>(group.options()).lr(lr);

        std::vector<int> clipOfWindow;
        const detail::WindowBatch wb = m.trainingBatch(m.step, clipOfWindow);
        at::Generator gen = at::detail::createCPUGenerator(streamSeed(opt.seed, Stream::Mask, std::uint64_t(m.step)));
        const detail::MaeOutput out = m.net->forward(wb.images.to(m.device), wb.valid.to(m.device), opt.maskRatio, gen);
        torch::Tensor loss = out.loss;
        double contrastive = nan;
        if (opt.contrastiveWeight > 0) {
            const torch::Tensor c = m.contrastiveLoss(out, wb, clipOfWindow, m.step);
            contrastive = c.item<double>();
            loss = loss + opt.contrastiveWeight * c;
        }
        m.optimizer->zero_grad();
        loss.backward();
        if (opt.clipNorm > 0)
            torch::nn::utils::clip_grad_norm_(m.net->parameters(true), opt.clipNorm);
        m.optimizer->step();
        // The masked part alone is reported as the loss, so that it compares with the validation loss.
        m.lastLoss = out.loss.item<double>();
        if (!std::isfinite(m.lastLoss) || (opt.contrastiveWeight > 0 && !std::isfinite(contrastive)))
            throw Error("training diverged at step " + std::to_string(m.step + 1) + " (loss is not finite); lower lr");
        ++m.step;
        stepSeconds += std::chrono::duration<double>(Clock::now() - s0).count();

        const bool lastStep = finished();
        double val = nan;
        if (m.step % every == 0 || lastStep) {
            val = m.lastVal = m.validationLoss();
            m.noteValidation(val);
            stoppedEarly = opt.keepBest && opt.patience > 0 && m.validationsSinceBest >= opt.patience && !lastStep;
        }
        const double now = elapsed();
        m.logRow(m.step, m.lastLoss, val, lr, now);

        TrainStatus st;
        st.step = m.step;
        st.loss = m.lastLoss;
        st.contrastiveLoss = contrastive;
        st.validationLoss = val;
        st.lr = lr;
        st.elapsedSeconds = now;
        st.stepsPerSecond = stepSeconds > 0 ? double(m.step - startStep) / stepSeconds : 0;
        if (m.totalSteps > 0) {
            st.totalSteps = m.totalSteps;
            st.etaSeconds = st.stepsPerSecond > 0 ? (m.totalSteps - m.step) / st.stepsPerSecond : 0;
        } else {
            st.etaSeconds = std::max(0.0, opt.minutes * 60.0 - now);
            st.totalSteps = m.step + int(st.etaSeconds * st.stepsPerSecond);
        }
        if (onStatus)
            onStatus(st);
        // The line a progress display shows: step, losses (the last validation) and speed.
        char what[200];
        char contrastivePart[48] = "";
        if (std::isfinite(contrastive))
            std::snprintf(contrastivePart, sizeof contrastivePart, "  contrastive %.3f", contrastive);
        std::snprintf(what, sizeof what, "step %d/%d  loss %.4f%s  val %.4f  %.2f steps/s", st.step, st.totalSteps,
                      st.loss, contrastivePart, m.lastVal, st.stepsPerSecond);
        progress(m.totalSteps > 0 ? double(m.step) / m.totalSteps : std::min(1.0, now / (opt.minutes * 60.0)), what);

        if (opt.checkpointMinutes > 0
            && std::chrono::duration<double>(Clock::now() - lastCheckpoint).count() >= opt.checkpointMinutes * 60.0) {
            m.saveCheckpoint(elapsed());
            lastCheckpoint = Clock::now();
        }
        if (stoppedEarly) break;
    }

    const double total = elapsed();
    m.saveCheckpoint(total);
    if (m.lossLog.is_open())
        m.lossLog.close();

    m.config.trainingRecipeJson = m.recipeJson(total);
    m.net->config = m.config;
    const bool fromBest = opt.keepBest && m.best;
    TrainResult result{Model(Model::Impl::make(m.config, detail::cloneNetwork(fromBest ? m.best : m.net, m.config)))};
    result.steps = m.step;
    result.loss = m.lastLoss;
    result.initialValidationLoss = m.initialVal;
    result.validationLoss = fromBest ? m.bestVal : m.lastVal;
    result.bestStep = fromBest ? m.bestStep : m.step;
    result.stoppedEarly = stoppedEarly;
    result.cancelled = cancelled;
    if (!cancelled && !opt.outDir.empty()) {
        result.model.save(opt.outDir);
        result.modelDir = opt.outDir;
    }
    return result;
}

} // namespace crowlingo
