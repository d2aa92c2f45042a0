// Few-shot classification from an archive's labels: with k labelled clips per class for training
// and every other labelled clip for testing, the macro average precision (one-vs-rest, over the
// classes used) of
//   a) the linear classifier (core/analysis/LinearClassifier.h) on the model embeddings,
//   b) the same classifier on the hand-made baseline features (bandMeanStd of each clip),
//   c) nearest-neighbour voting on the model embeddings: the score of class c for a test clip is
//      its largest cosine similarity to a training clip of c (a plain 1-NN score),
// as mean ± std over seeded random draws; then the time to train the classifier on 1,000 labels
// and to score 10^6 random 512-D vectors.
//   bench_fewshot ARCHIVE [--labels FILE.csv] [--draws N=10] [--l2 X=1e-2] [--shots 1,5,10,20]
//                 [--scaling global|per-feature] [--seed S=1] [--no-timing]
// --l2 and --scaling default to LinearClassifierOptions' defaults.
// --labels imports the file into a temporary copy of the archive (the given one is never written)
// and uses only the labels from that file; without it the archive's own labels count (all
// sources). Clips with more than one distinct label are left out. An archive of an older schema
// is read through a temporary copy too. Classes with fewer than k + 2 clips sit out shot count k
// (their clips are then neither training nor test clips).
#include "bench/BenchTiming.h"
#include "core/analysis/ClassifierValidation.h"
#include "core/analysis/LinearClassifier.h"
#include "core/archive/Archive.h"
#include "core/archive/LabelImport.h"
#include "core/archive/TrainingClips.h"
#include "core/common/Error.h"
#include "core/dsp/BandStatistics.h"
#include "core/model/ModelConfig.h"
#include "core/common/NumericsEnvironment.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

using namespace crowlingo;
namespace fs = std::filesystem;

namespace {

// A scratch folder under the system's temporary folder, removed on exit.
struct ScratchDir {
    fs::path path = fs::temp_directory_path() / ("bench_fewshot-" + std::to_string(::getpid()));
    ScratchDir() { fs::create_directories(path); }
    ~ScratchDir() { std::error_code ec; fs::remove_all(path, ec); }
};

// The archive copied into dir (with its WAL, if any), its root pointed at the original recordings.
Archive openCopy(const fs::path& file, const fs::path& dir)
{
    const fs::path copy = dir / file.filename();
    fs::copy_file(file, copy, fs::copy_options::overwrite_existing);
    if (fs::exists(file.string() + "-wal")) fs::copy_file(file.string() + "-wal", copy.string() + "-wal", fs::copy_options::overwrite_existing);
    Archive a = Archive::open(copy); // migrates an older schema, in the copy only
    const fs::path root = (fs::absolute(file).parent_path() / a.meta("root").value_or(".")).lexically_normal();
    a.setMeta("root", root.generic_string());
    return a;
}

std::vector<int> parseList(const std::string& s)
{
    std::vector<int> out;
    std::stringstream in(s);
    for (std::string item; std::getline(in, item, ',');) out.push_back(std::stoi(item));
    return out;
}

double mean(const std::vector<double>& v) { return std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }
double stdev(const std::vector<double>& v)
{
    if (v.size() < 2) return 0;
    const double m = mean(v);
    double s = 0;
    for (double x : v) s += (x - m) * (x - m);
    return std::sqrt(s / double(v.size() - 1));
}

// Rows of a row-major matrix, gathered.
std::vector<float> gather(const std::vector<float>& x, int dim, const std::vector<std::size_t>& rows)
{
    std::vector<float> out;
    out.reserve(rows.size() * std::size_t(dim));
    for (std::size_t r : rows) out.insert(out.end(), x.begin() + std::ptrdiff_t(r * std::size_t(dim)), x.begin() + std::ptrdiff_t((r + 1) * std::size_t(dim)));
    return out;
}

// Mean over classes of the average precision of scores (test rows x classes).
double macroAp(const std::vector<float>& scores, const std::vector<int>& testClass, std::size_t classes)
{
    double sum = 0;
    std::vector<float> s(testClass.size());
    std::vector<std::int8_t> truth(testClass.size());
    for (std::size_t c = 0; c < classes; ++c) {
        for (std::size_t i = 0; i < testClass.size(); ++i) {
            s[i] = scores[i * classes + c];
            truth[i] = testClass[i] == int(c) ? 1 : -1;
        }
        sum += averagePrecision(s, truth);
    }
    return sum / double(classes);
}

struct Fit { double ap = 0; int iterations = 0; };

// One-vs-rest: every training clip of another class is a negative of each class. Average precision
// is computed from the logits (the same order as the probabilities, without float saturation ties).
Fit classifierAp(const std::vector<float>& x, int dim, const std::vector<std::size_t>& train, const std::vector<int>& trainClass,
                 const std::vector<std::size_t>& test, const std::vector<int>& testClass, const std::vector<std::string>& classes,
                 const LinearClassifierOptions& options)
{
    ClassTargets t(train.size(), classes);
    for (std::size_t i = 0; i < train.size(); ++i)
        for (std::size_t c = 0; c < classes.size(); ++c) t.set(i, c, trainClass[i] == int(c) ? 1 : -1);
    const LinearClassifier clf = trainLinearClassifier(gather(x, dim, train), dim, t, options);
    return {macroAp(clf.logits(gather(x, dim, test)), testClass, classes.size()), clf.iterations};
}

// Score of class c = the largest cosine similarity to a training clip of c (rows already unit length).
double nearestNeighbourAp(const std::vector<float>& unit, int dim, const std::vector<std::size_t>& train,
                          const std::vector<int>& trainClass, const std::vector<std::size_t>& test,
                          const std::vector<int>& testClass, std::size_t classes)
{
    std::vector<float> scores(test.size() * classes, -2.0f);
    for (std::size_t i = 0; i < test.size(); ++i) {
        const float* q = unit.data() + test[i] * std::size_t(dim);
        for (std::size_t j = 0; j < train.size(); ++j) {
            const float* r = unit.data() + train[j] * std::size_t(dim);
            float s = 0;
            for (int d = 0; d < dim; ++d) s += q[d] * r[d];
            float& best = scores[i * classes + std::size_t(trainClass[j])];
            best = std::max(best, s);
        }
    }
    return macroAp(scores, testClass, classes);
}

} // namespace

int main(int argc, char** argv)
{
    crowlingo::ensureNumericsEnvironment(argv); // the OpenBLAS kernel the applications use
    if (argc < 2 || argv[1][0] == '-') {
        std::fprintf(stderr, "usage: bench_fewshot ARCHIVE [--labels FILE.csv] [--draws N=10] [--l2 X=1e-2] "
                             "[--shots 1,5,10,20] [--scaling global|per-feature] [--seed S=1] [--no-timing]\n");
        return 2;
    }
    const fs::path archiveFile = argv[1];
    std::string labelsFile;
    int draws = 10;
    std::uint64_t seed = 1;
    bool timing = true;
    LinearClassifierOptions fitOptions;
    std::vector<int> shots = {1, 5, 10, 20};
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--labels" && hasValue) labelsFile = argv[++i];
        else if (a == "--draws" && hasValue) draws = std::stoi(argv[++i]);
        else if (a == "--l2" && hasValue) fitOptions.l2 = std::stod(argv[++i]);
        else if (a == "--shots" && hasValue) shots = parseList(argv[++i]);
        else if (a == "--seed" && hasValue) seed = std::stoull(argv[++i]);
        else if (a == "--scaling" && hasValue && std::string(argv[i + 1]) == "global") fitOptions.scaling = FeatureScaling::Global, ++i;
        else if (a == "--scaling" && hasValue && std::string(argv[i + 1]) == "per-feature") fitOptions.scaling = FeatureScaling::PerFeature, ++i;
        else if (a == "--no-timing") timing = false;
        else { std::fprintf(stderr, "bench_fewshot: unknown or incomplete option %s\n", a.c_str()); return 2; }
    }
    if (draws < 1) { std::fprintf(stderr, "bench_fewshot: --draws must be at least 1\n"); return 2; }

    try {
        ScratchDir scratch;
        std::string source;
        Archive archive = [&] {
            if (!labelsFile.empty()) return openCopy(archiveFile, scratch.path);
            try {
                return Archive::openReadOnly(archiveFile);
            } catch (const ArchiveError&) { // an older schema: read it through an updated copy
                return openCopy(archiveFile, scratch.path);
            }
        }();
        if (!labelsFile.empty()) {
            const LabelImportReport r = importLabels(archive, labelsFile);
            source = fs::path(labelsFile).filename().string(); // importLabels' default source
            std::printf("%s: %d rows, %d matched, %d clips labelled (imported into a temporary copy)\n", labelsFile.c_str(),
                        r.rows, r.matchedRows, r.clipsLabelled);
        }

        // One label per clip.
        std::map<ClipId, std::set<std::string>> labelsOf;
        for (const LabelRow& l : archive.labels())
            if (source.empty() || l.source == source) labelsOf[l.clipId].insert(l.label);
        int ambiguous = 0;
        std::map<ClipId, std::string> labelOf;
        for (const auto& [id, set] : labelsOf) {
            if (set.size() == 1) labelOf[id] = *set.begin();
            else ++ambiguous;
        }

        const std::string modelId = archive.activeModel();
        if (modelId.empty()) throw UsageError("the archive has no embeddings yet");
        const EmbeddingMatrix m = archive.embeddings(modelId);
        MelParams mel;
        if (auto cfg = archive.meta("model_config:" + modelId)) mel = ModelConfig::fromJsonString(*cfg).mel;
        const ClipSet clips = archiveClipLogMels(archive, mel);
        std::map<ClipId, std::vector<float>> baselineOf;
        for (std::size_t i = 0; i < clips.clipIds.size(); ++i) baselineOf[clips.clipIds[i]] = bandMeanStd(clips.clips[i]);

        // The labelled clips with a model vector and baseline features, in clip order.
        const int dim = m.dimension, baseDim = 2 * mel.nMels;
        std::vector<float> x, base;
        std::vector<int> classOf;
        std::vector<std::string> classNames;
        {
            std::map<std::string, int> classIndex;
            for (const auto& [_, l] : labelOf) classIndex.emplace(l, 0);
            for (auto& [name, index] : classIndex) { index = int(classNames.size()); classNames.push_back(name); }
            for (std::size_t i = 0; i < m.rows(); ++i) {
                auto l = labelOf.find(m.clipIds[i]);
                auto b = baselineOf.find(m.clipIds[i]);
                if (l == labelOf.end() || b == baselineOf.end()) continue;
                x.insert(x.end(), m.row(i), m.row(i) + dim);
                base.insert(base.end(), b->second.begin(), b->second.end());
                classOf.push_back(classIndex[l->second]);
            }
        }
        const std::size_t n = classOf.size();
        if (n == 0) throw UsageError("no labelled clip with a vector and audio");
        std::vector<float> unit = x;
        for (std::size_t i = 0; i < n; ++i) {
            float* r = unit.data() + i * std::size_t(dim);
            float norm = 0;
            for (int d = 0; d < dim; ++d) norm += r[d] * r[d];
            norm = std::sqrt(norm);
            if (norm > 0) for (int d = 0; d < dim; ++d) r[d] /= norm;
        }
        std::vector<std::vector<std::size_t>> rowsOfClass(classNames.size());
        for (std::size_t i = 0; i < n; ++i) rowsOfClass[std::size_t(classOf[i])].push_back(i);

        std::printf("archive %s: model %.12s… (%d-D), baseline %d-D (log-mel band mean+std)\n", archiveFile.string().c_str(),
                    modelId.c_str(), dim, baseDim);
        std::printf("%zu labelled clips in %zu classes (%d clips with several labels left out, %zu labelled clips "
                    "without vector or audio left out; %zu files unreadable)\n", n, classNames.size(), ambiguous,
                    labelOf.size() - n, clips.errors.size());
        std::printf("classifier l2 %g, %s feature scaling; %d draws per shot count, seed %llu; mean ± std over draws of "
                    "the macro average precision (one-vs-rest over the classes used; test = the used classes' other clips)\n",
                    fitOptions.l2, fitOptions.scaling == FeatureScaling::Global ? "global" : "per-feature", draws,
                    (unsigned long long)seed);
        std::printf("NN vote = score of a class is the largest cosine similarity to one of its training clips (1-NN)\n\n");
        std::printf("%5s %8s %6s %6s | %-17s %-17s %-17s | %s\n", "shots", "classes", "train", "test", "classifier/model",
                    "classifier/base", "NN vote/model", "max iterations (model/base)");

        for (const int k : shots) {
            std::vector<int> used;
            for (std::size_t c = 0; c < classNames.size(); ++c)
                if (int(rowsOfClass[c].size()) >= k + 2) used.push_back(int(c));
            if (used.size() < 2) {
                std::printf("%5d %8zu   (fewer than 2 classes with %d clips: skipped)\n", k, used.size(), k + 2);
                continue;
            }
            std::vector<std::string> usedNames;
            for (int c : used) usedNames.push_back(classNames[std::size_t(c)]);
            std::vector<double> apModel, apBase, apNn;
            int maxItModel = 0, maxItBase = 0;
            std::size_t trainCount = 0, testCount = 0;
            for (int draw = 0; draw < draws; ++draw) {
                std::mt19937_64 rng(seed * 1000003ULL + std::uint64_t(k) * 1009ULL + std::uint64_t(draw));
                std::vector<std::size_t> train, test;
                std::vector<int> trainClass, testClass;
                for (std::size_t u = 0; u < used.size(); ++u) {
                    std::vector<std::size_t> rows = rowsOfClass[std::size_t(used[u])];
                    for (std::size_t i = 0; i < std::size_t(k); ++i) // partial Fisher-Yates: the first k are the draw
                        std::swap(rows[i], rows[i + std::size_t(rng() % (rows.size() - i))]);
                    for (std::size_t i = 0; i < rows.size(); ++i) {
                        (i < std::size_t(k) ? train : test).push_back(rows[i]);
                        (i < std::size_t(k) ? trainClass : testClass).push_back(int(u));
                    }
                }
                trainCount = train.size();
                testCount = test.size();
                const Fit fm = classifierAp(x, dim, train, trainClass, test, testClass, usedNames, fitOptions);
                const Fit fb = classifierAp(base, baseDim, train, trainClass, test, testClass, usedNames, fitOptions);
                apModel.push_back(fm.ap);
                apBase.push_back(fb.ap);
                apNn.push_back(nearestNeighbourAp(unit, dim, train, trainClass, test, testClass, used.size()));
                maxItModel = std::max(maxItModel, fm.iterations);
                maxItBase = std::max(maxItBase, fb.iterations);
            }
            std::printf("%5d %8zu %6zu %6zu | %6.3f ± %-8.3f %6.3f ± %-8.3f %6.3f ± %-8.3f | %d / %d (limit %d)\n", k, used.size(),
                        trainCount, testCount, mean(apModel), stdev(apModel), mean(apBase), stdev(apBase), mean(apNn),
                        stdev(apNn), maxItModel, maxItBase, fitOptions.maxIterations);
            std::fflush(stdout);
        }
        if (!timing) return 0;

        // Training time on 1,000 labels: this archive's labelled clips (the first 1,000, or all of
        // them repeated in turn up to 1,000), every class one-vs-rest.
        constexpr std::size_t kLabels = 1000;
        std::vector<std::size_t> rows(kLabels);
        for (std::size_t i = 0; i < kLabels; ++i) rows[i] = i % n;
        ClassTargets t(kLabels, classNames);
        for (std::size_t i = 0; i < kLabels; ++i)
            for (std::size_t c = 0; c < classNames.size(); ++c) t.set(i, c, classOf[rows[i]] == int(c) ? 1 : -1);
        const std::vector<float> trainX = gather(x, dim, rows);
        std::vector<double> seconds;
        LinearClassifier fitted;
        for (int rep = 0; rep < 3; ++rep)
            seconds.push_back(timeIt([&] { fitted = trainLinearClassifier(trainX, dim, t, fitOptions); }));
        std::sort(seconds.begin(), seconds.end());
        std::printf("\ntraining on %zu labels (%s), %zu classes, %d-D: median of 3 %.3f s (min %.3f s), %d iterations\n", kLabels,
                    n >= kLabels ? "the first 1,000 labelled clips" :
                                   ("all " + std::to_string(n) + " labelled clips repeated in turn").c_str(),
                    classNames.size(), dim, seconds[1], seconds[0], fitted.iterations);

        // Scoring 10^6 random 512-D vectors, in blocks of 10^5 rows (the same block 10 times).
        constexpr int kDim = 512;
        constexpr std::size_t kBlock = 100000, kBlocks = 10;
        std::mt19937 rng(7);
        std::normal_distribution<float> g(0.f, 1.f);
        std::vector<float> block(kBlock * kDim);
        for (float& v : block) v = g(rng);
        for (const int classes : {1, 10}) {
            LinearClassifier c;
            c.dimension = kDim;
            for (int i = 0; i < classes; ++i) c.classes.push_back("class" + std::to_string(i));
            c.weights.resize(std::size_t(classes) * kDim);
            for (float& w : c.weights) w = 0.05f * g(rng);
            c.bias.assign(std::size_t(classes), 0.1f);
            (void)c.probabilities({block.data(), kDim * 1000}); // warm-up
            const double s = timeIt([&] {
                for (std::size_t b = 0; b < kBlocks; ++b) (void)c.probabilities(block);
            });
            std::printf("scoring 10^6 random %d-D vectors, %d class%s (probabilities, blocks of 10^5): %.3f s (%.2f µs/clip)\n",
                        kDim, classes, classes == 1 ? "" : "es", s, 1e6 * s / double(kBlock * kBlocks));
        }
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_fewshot: %s\n", e.what());
        return 1;
    }
    return 0;
}
