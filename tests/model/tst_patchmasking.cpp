// Masking and loss as training uses them: exactly round(r*N) patches hidden per sample for many
// r and N, uniform over patches, seeded; the loss sees hidden patches only.
#include "core/common/Error.h"
#include "core/model/PatchMasking.h"

#include <QTest>

#include <cmath>
#include <limits>
#include <random>

using namespace crowlingo;

namespace {

int countTrue(const std::vector<bool>& v)
{
    int n = 0;
    for (bool b : v)
        n += b;
    return n;
}

// The loss written out directly: mean over hidden patches of each patch's mean squared error.
double referenceMaskedMse(const std::vector<float>& pred, const std::vector<float>& target,
                          const std::vector<bool>& hidden, int values)
{
    double sum = 0;
    int count = 0;
    for (std::size_t p = 0; p < hidden.size(); ++p) {
        if (!hidden[p])
            continue;
        double e = 0;
        for (int k = 0; k < values; ++k) {
            const double d = double(pred[p * values + k]) - target[p * values + k];
            e += d * d;
        }
        sum += e / values;
        ++count;
    }
    return count ? sum / count : 0.0;
}

} // namespace

class TestPatchMasking : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void masksAmongSignalPatches()
    {
        // 8 x 8 patches; windows whose first c columns hold signal (a 1-column call up to a full window).
        std::vector<std::vector<bool>> signal;
        for (int c : {1, 2, 3, 8, 5})
            signal.push_back([&] {
                std::vector<bool> s(64, false);
                for (int k = 0; k < 64; ++k)
                    s[std::size_t(k)] = k % 8 < c;
                return s;
            }());
        for (std::uint64_t seed = 1; seed <= 20; ++seed) {
            const auto masks = PatchMasking::amongSignal(signal, 0.75, seed);
            QCOMPARE(int(masks.size()), 5);
            for (std::size_t i = 0; i < masks.size(); ++i) {
                int v = 0, hiddenSignal = 0;
                for (int k = 0; k < 64; ++k) {
                    v += signal[i][std::size_t(k)];
                    hiddenSignal += signal[i][std::size_t(k)] && masks[i][std::size_t(k)];
                }
                // Never the whole call hidden (the old masks over all 64 patches hid a 1-column call
                // whole about one time in five); as many as asked when there is padding to fill with.
                QVERIFY2(hiddenSignal >= 1 && hiddenSignal <= v - 1, qPrintable(QString("window %1: %2 of %3").arg(i).arg(hiddenSignal).arg(v)));
                QCOMPARE(hiddenSignal, int(std::lround(0.75 * v)));
            }
        }
        // A window all signal: the same mask as the whole-window masking for that seed.
        const std::vector<std::vector<bool>> full(1, std::vector<bool>(64, true));
        QVERIFY(PatchMasking::amongSignal(full, 0.75, 3)[0] == PatchMasking::random(1, 64, 0.75, 3)[0]);
    }

    void hiddenCountIsExact_data()
    {
        QTest::addColumn<int>("patches");
        QTest::addColumn<double>("ratio");
        QTest::addColumn<int>("expected"); // round(ratio * patches), worked out by hand
        QTest::newRow("N=64 r=0.80") << 64 << 0.80 << 51;  // 51.2
        QTest::newRow("N=64 r=0.75") << 64 << 0.75 << 48;
        QTest::newRow("N=64 r=0.30") << 64 << 0.30 << 19;  // 19.2
        QTest::newRow("N=16 r=0.75") << 16 << 0.75 << 12;
        QTest::newRow("N=16 r=0.50") << 16 << 0.50 << 8;
        QTest::newRow("N=10 r=0.65") << 10 << 0.65 << 7;   // 6.5 rounds up
        QTest::newRow("N=63 r=0.55") << 63 << 0.55 << 35;  // 34.65
        QTest::newRow("N=7 r=0.30") << 7 << 0.30 << 2;     // 2.1
        QTest::newRow("N=128 r=0.66") << 128 << 0.66 << 84; // 84.48
    }

    void hiddenCountIsExact()
    {
        QFETCH(int, patches);
        QFETCH(double, ratio);
        QFETCH(int, expected);
        QCOMPARE(PatchMasking::hiddenCount(patches, ratio), expected);
        for (std::uint64_t seed : {1u, 2u, 99u}) {
            const auto masks = PatchMasking::random(8, patches, ratio, seed);
            QCOMPARE(int(masks.size()), 8);
            for (const auto& m : masks) {
                QCOMPARE(int(m.size()), patches);
                QCOMPARE(countTrue(m), expected);
            }
        }
    }

    void seededAndPerSample()
    {
        const auto a = PatchMasking::random(16, 64, 0.75, 42);
        const auto b = PatchMasking::random(16, 64, 0.75, 42);
        const auto c = PatchMasking::random(16, 64, 0.75, 43);
        QVERIFY(a == b);
        QVERIFY(a != c);
        // Per-sample masking: the rows of one batch differ.
        int distinct = 0;
        for (std::size_t i = 1; i < a.size(); ++i)
            distinct += a[i] != a[0];
        QCOMPARE(distinct, 15);
    }

    void uniformOverPatches()
    {
        // Each patch is hidden with probability ~r: 4000 samples, N = 16, r = 0.5 -> 2000 +- ~32 (sd).
        const auto masks = PatchMasking::random(4000, 16, 0.5, 7);
        for (int p = 0; p < 16; ++p) {
            int hidden = 0;
            for (const auto& m : masks)
                hidden += m[std::size_t(p)];
            QVERIFY2(hidden > 1850 && hidden < 2150, qPrintable(QString("patch %1 hidden %2 times").arg(p).arg(hidden)));
        }
    }

    void ratioOutsideRangeRejected()
    {
        for (double r : {0.0, 0.29, 0.81, 1.0, std::numeric_limits<double>::quiet_NaN()}) {
            bool threw = false;
            try {
                PatchMasking::random(1, 64, r, 1);
            } catch (const UsageError&) {
                threw = true;
            }
            QVERIFY2(threw, qPrintable(QString::number(r)));
        }
    }

    void lossSeesHiddenPatchesOnly()
    {
        const int patches = 16, values = 64;
        std::mt19937 gen(3);
        std::normal_distribution<float> normal;
        std::vector<float> pred(patches * values), target(patches * values);
        for (auto& v : pred)
            v = normal(gen);
        for (auto& v : target)
            v = normal(gen);
        const std::vector<bool> hidden = PatchMasking::random(1, patches, 0.75, 5)[0];
        const double base = PatchMasking::maskedMse(pred, target, hidden, values);
        QVERIFY(std::abs(base - referenceMaskedMse(pred, target, hidden, values)) < 1e-6 * base);

        const int visible = int(std::find(hidden.begin(), hidden.end(), false) - hidden.begin());
        const int masked = int(std::find(hidden.begin(), hidden.end(), true) - hidden.begin());
        QVERIFY(visible < patches && masked < patches);

        // Changing a visible patch's prediction or target leaves the loss exactly as it was.
        auto p2 = pred, t2 = target;
        for (int k = 0; k < values; ++k) {
            p2[std::size_t(visible * values + k)] += 100.0f;
            t2[std::size_t(visible * values + k)] -= 50.0f;
        }
        QCOMPARE(PatchMasking::maskedMse(p2, t2, hidden, values), base);
        QCOMPARE(PatchMasking::maskedMse(p2, t2, hidden, values, true), PatchMasking::maskedMse(pred, target, hidden, values, true));

        // Changing a hidden one changes it, by the amount the definition says.
        auto p3 = pred;
        p3[std::size_t(masked * values)] += 1.0f;
        const double changed = PatchMasking::maskedMse(p3, target, hidden, values);
        QVERIFY(changed != base);
        QVERIFY(std::abs(changed - referenceMaskedMse(p3, target, hidden, values)) < 1e-6 * changed);
        auto t3 = target;
        t3[std::size_t(masked * values + 3)] -= 2.0f;
        QVERIFY(PatchMasking::maskedMse(pred, t3, hidden, values) != base);

        // Perfect predictions of the hidden patches give zero, whatever the visible ones hold.
        auto p4 = pred;
        for (int p = 0; p < patches; ++p)
            if (hidden[std::size_t(p)])
                for (int k = 0; k < values; ++k)
                    p4[std::size_t(p * values + k)] = target[std::size_t(p * values + k)];
        QCOMPARE(PatchMasking::maskedMse(p4, target, hidden, values), 0.0);
    }

    void wrongSizesRejected()
    {
        std::vector<float> a(10), b(10);
        bool threw = false;
        try {
            PatchMasking::maskedMse(a, b, std::vector<bool>(3, true), 4);
        } catch (const UsageError&) {
            threw = true;
        }
        QVERIFY(threw);
    }
};

QTEST_GUILESS_MAIN(TestPatchMasking)
#include "tst_patchmasking.moc"
