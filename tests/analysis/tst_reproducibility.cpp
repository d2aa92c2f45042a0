// Reproducibility of the analysis on any x86-64 CPU: the kNN graphs (exact and approximate), PCA,
// the UMAP map, HDBSCAN and k-means give the same bits whatever the thread count and whichever
// BLAS kernel OpenBLAS runs (ExactRerank.h says how). The kernels are forced with
// OPENBLAS_CORETYPE in child processes of this test, one per kernel the CPU can run; the thread
// counts are varied in this process and in the children.
//
// Each result is reduced to a 64-bit fingerprint of its bytes; the children print theirs
// (`tst_reproducibility --fingerprints`) and the parent compares. A raw faiss search (BLAS
// distances, not re-ranked) is fingerprinted too, as a control: where it differs between kernels
// the test shows that the kernels really did compute differently.
#include "AnalysisTestData.h"
#include "core/analysis/Clustering.h"
#include "core/analysis/detail/Hdbscan.h"
#include "core/analysis/detail/KMeans.h"
#include "core/analysis/detail/KnnSearch.h"
#include "core/analysis/detail/Pca.h"
#include "core/analysis/Projection.h"
#include "core/common/Threads.h"

#include <faiss/IndexFlat.h>

#include <QProcess>
#include <QtTest>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <dlfcn.h>
#include <map>
#include <string>

using namespace crowlingo;
using namespace analysis_test;

namespace {

using Fingerprints = std::map<std::string, std::uint64_t>;

struct Fnv {
    std::uint64_t h = 1469598103934665603ull;
    template <class T>
    Fnv& add(const std::vector<T>& v)
    {
        const auto* p = reinterpret_cast<const unsigned char*>(v.data());
        for (std::size_t i = 0; i < v.size() * sizeof(T); ++i) h = (h ^ p[i]) * 1099511628211ull;
        return *this;
    }
};

std::uint64_t fingerprint(const KnnResult& r) { return Fnv().add(r.index).add(r.distance).h; }

// Everything the analysis computes from embeddings, on seeded synthetic data.
Fingerprints computeFingerprints()
{
    Fingerprints f;
    const Data mixed = blobs(4, 500, 48, 2.0, 11);
    f["knn exact cosine"] = fingerprint(KnnSearch(mixed.rows, mixed.dimension, Metric::Cosine).searchSelf(15));
    f["knn exact euclidean"] = fingerprint(KnnSearch(mixed.rows, mixed.dimension, Metric::Euclidean).searchSelf(15));
    const Data cloud = blobs(1, 3000, 24, 0.0, 12); // structureless: many list boundaries to cross
    f["knn approximate cosine"] = fingerprint(KnnSearch(cloud.rows, cloud.dimension, Metric::Cosine, 0).searchSelf(10));
    f["knn approximate euclidean"] = fingerprint(KnnSearch(cloud.rows, cloud.dimension, Metric::Euclidean, 0).searchSelf(10));

    const Data wide = blobs(5, 400, 64, 3.0, 13);
    const Pca pca = Pca::fit(wide.rows, wide.dimension, 2);
    f["pca"] = Fnv().add(pca.axes).add(pca.variance).add(pca.mean).h;

    const Data mapped = blobs(4, 150, 32, 3.0, 14);
    ProjectionParams umap;
    umap.epochs = 60;
    umap.seed = 7;
    f["umap map"] = Fnv().add(project(mapped.rows, mapped.dimension, umap).xy).h;

    const Data grouped = blobs(6, 300, 16, 4.0, 15);
    for (const std::size_t exactMst : {std::size_t(20'000), std::size_t(0)}) {
        HdbscanOptions h;
        h.minClusterSize = 15;
        h.threads = threadCount();
        h.exactMstUpTo = exactMst;
        const FlatClustering c = hdbscan(grouped.rows, grouped.dimension, h);
        f[exactMst ? "hdbscan" : "hdbscan approximate tree"] = Fnv().add(c.labels).add(c.probability).add(c.outlierScore).h;
    }
    const KMeansResult km = kmeans(grouped.rows, grouped.dimension, 8, Metric::Cosine, 3);
    f["kmeans"] = Fnv().add(km.labels).add(km.centroids).add(km.distance).h;
    return f;
}

// The control: faiss' own exact search, BLAS distances as they come.
std::uint64_t rawBlasFingerprint()
{
    const Data mixed = blobs(4, 500, 48, 2.0, 11);
    faiss::IndexFlatIP index(mixed.dimension);
    index.add(faiss::Index::idx_t(mixed.size()), mixed.rows.data());
    std::vector<float> d(mixed.size() * 15);
    std::vector<faiss::Index::idx_t> id(mixed.size() * 15);
    index.search(faiss::Index::idx_t(mixed.size()), mixed.rows.data(), 15, d.data(), id.data());
    return Fnv().add(d).h;
}

// The kernel OpenBLAS chose, if the BLAS library is OpenBLAS.
std::string blasCoreName()
{
    using CoreName = char* (*)();
    if (const auto f = reinterpret_cast<CoreName>(dlsym(RTLD_DEFAULT, "openblas_get_corename"))) return f();
    return "unknown";
}

int printFingerprints()
{
    std::printf("core %s\n", blasCoreName().c_str());
    std::printf("raw-blas %016llx\n", static_cast<unsigned long long>(rawBlasFingerprint()));
    for (const auto& [name, value] : computeFingerprints())
        std::printf("%s=%016llx\n", name.c_str(), static_cast<unsigned long long>(value));
    return 0;
}

struct ChildResult {
    std::string core;
    std::uint64_t rawBlas = 0;
    Fingerprints fingerprints;
};

// Runs this executable as `--fingerprints` with OPENBLAS_CORETYPE = coreType ("" = OpenBLAS' own
// choice) and CROWLINGO_THREADS = threads.
ChildResult runChild(const QString& coreType, int threads)
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.remove("OPENBLAS_CORETYPE");
    if (!coreType.isEmpty()) env.insert("OPENBLAS_CORETYPE", coreType);
    env.insert("CROWLINGO_THREADS", QString::number(threads));
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(QCoreApplication::applicationFilePath(), {"--fingerprints"});
    ChildResult r;
    if (!p.waitForFinished(120'000) || p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning("child %s/%d failed: %s", qPrintable(coreType), threads, p.readAllStandardError().constData());
        return r;
    }
    for (const QByteArray& line : p.readAllStandardOutput().split('\n')) {
        if (line.startsWith("core ")) r.core = line.mid(5).toStdString();
        else if (line.startsWith("raw-blas ")) r.rawBlas = line.mid(9).toULongLong(nullptr, 16);
        else if (const int eq = line.indexOf('='); eq > 0)
            r.fingerprints[line.left(eq).toStdString()] = line.mid(eq + 1).toULongLong(nullptr, 16);
    }
    return r;
}

// OpenBLAS kernels this CPU can run (forcing one whose instructions it lacks would crash).
QStringList runnableCoreTypes()
{
    QStringList types{"Prescott"}; // SSE3: every x86-64 CPU of the last 15 years
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx")) types << "Sandybridge";
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) types << "Haswell";
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512cd"))
        types << "SkylakeX";
#endif
    return types;
}

struct ThreadCountGuard {
    ~ThreadCountGuard() { setThreadCount(0); }
};

} // namespace

class TestReproducibility : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void sameResultsOnEveryThreadCount()
    {
        ThreadCountGuard guard;
        setThreadCount(1);
        const Fingerprints one = computeFingerprints();
        setThreadCount(2);
        const Fingerprints two = computeFingerprints();
        setThreadCount(3); // slices that do not divide evenly
        const Fingerprints three = computeFingerprints();
        for (const auto& [name, value] : one) {
            QVERIFY2(two.at(name) == value, name.c_str());
            QVERIFY2(three.at(name) == value, name.c_str());
        }
    }

    void sameResultsOnEveryBlasKernel()
    {
#if !defined(__x86_64__)
        QSKIP("OpenBLAS kernels are forced by x86-64 names");
#endif
        if (blasCoreName() == "unknown") QSKIP("the BLAS library is not OpenBLAS: its kernel cannot be forced");
        const Fingerprints here = computeFingerprints();
        std::map<std::uint64_t, QString> rawBlasSeen;
        QStringList coreTypes = runnableCoreTypes();
        coreTypes.prepend(""); // OpenBLAS' own choice for this CPU
        for (const QString& type : coreTypes) {
            // Thread counts are varied in-process (above); here one forced kernel runs on 1 thread, the
            // machine's own choice on 2, so that both BLAS thread paths meet every kernel's results.
            for (const int threads : {type.isEmpty() ? 2 : 1}) {
                const ChildResult child = runChild(type, threads);
                QVERIFY2(!child.fingerprints.empty(), qPrintable("no result with OPENBLAS_CORETYPE=" + type));
                if (!type.isEmpty()) // the kernel asked for is the one that ran
                    QVERIFY2(QString::fromStdString(child.core).compare(type, Qt::CaseInsensitive) == 0,
                             qPrintable(type + " ran as " + QString::fromStdString(child.core)));
                rawBlasSeen.emplace(child.rawBlas, QString::fromStdString(child.core) + "/" + QString::number(threads));
                for (const auto& [name, value] : here)
                    QVERIFY2(child.fingerprints.at(name) == value,
                             qPrintable(QString::fromStdString(name) + " differs with OPENBLAS_CORETYPE=" + type + ", " +
                                        QString::number(threads) + " thread(s)"));
            }
        }
        // Not asserted (it depends on the CPU): how many different raw BLAS results the kernels gave.
        QStringList seen;
        for (const auto& [fp, where] : rawBlasSeen) seen << where;
        qInfo("kernels run: %s; raw BLAS distances came out %zu different way(s) (first seen in: %s)",
              qPrintable(coreTypes.join(", ")), rawBlasSeen.size(), qPrintable(seen.join(", ")));
    }
};

int main(int argc, char** argv)
{
    if (argc > 1 && std::strcmp(argv[1], "--fingerprints") == 0) return printFingerprints();
    QCoreApplication app(argc, argv);
    TestReproducibility test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_reproducibility.moc"
