// SynthRng: the portable random numbers behind the demo corpus.
#include "core/synth/SynthRng.h"

#include <QtTest>

#include <array>
#include <cmath>
#include <random>

using namespace crowlingo;

class TestSynthRng : public QObject {
    Q_OBJECT
private Q_SLOTS:
    // The C++ standard fixes the 10000th output of a default-constructed mt19937_64
    // ([rand.predef]); next() must be that engine, untouched.
    void engineIsTheStandardMt19937_64()
    {
        SynthRng rng(5489u); // mt19937_64::default_seed
        std::uint64_t x = 0;
        for (int i = 0; i < 10000; ++i)
            x = rng.next();
        QCOMPARE(x, std::uint64_t(9981545732273789042ull));
    }

    void uniformIsTheTop53BitsOfTheEngine()
    {
        SynthRng rng(77);
        std::mt19937_64 ref(77);
        for (int i = 0; i < 1000; ++i) {
            const double expected = std::ldexp(double(ref() >> 11), -53);
            QCOMPARE(rng.uniform(), expected);
        }
    }

    void sameSeedSameStreamDifferentSeedDifferent()
    {
        SynthRng a(123), b(123), c(124);
        bool differs = false;
        for (int i = 0; i < 100; ++i) {
            const double x = a.normal(), y = b.normal(), z = c.normal();
            QCOMPARE(x, y);
            differs = differs || x != z;
        }
        QVERIFY(differs);
    }

    void uniformMoments()
    {
        SynthRng rng(1);
        const int n = 200000;
        double sum = 0, sum2 = 0, lo = 1, hi = 0;
        for (int i = 0; i < n; ++i) {
            const double u = rng.uniform();
            QVERIFY(u >= 0.0 && u < 1.0);
            sum += u;
            sum2 += u * u;
            lo = std::min(lo, u);
            hi = std::max(hi, u);
        }
        const double mean = sum / n, var = sum2 / n - mean * mean;
        QVERIFY2(std::abs(mean - 0.5) < 0.005, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(var - 1.0 / 12.0) < 0.002, qPrintable(QString::number(var)));
        QVERIFY(lo < 1e-3 && hi > 1.0 - 1e-3);
        const double a = SynthRng(5).uniform(-3.0, 2.0);
        QVERIFY(a >= -3.0 && a < 2.0);
    }

    void uniformIntIsInRangeAndFlat()
    {
        SynthRng rng(2);
        std::array<int, 6> counts{};
        const int n = 60000;
        for (int i = 0; i < n; ++i) {
            const int v = rng.uniformInt(3, 8);
            QVERIFY(v >= 3 && v <= 8);
            ++counts[std::size_t(v - 3)];
        }
        for (int c : counts) // expected 10000, sd ~ 91
            QVERIFY2(std::abs(c - 10000) < 500, qPrintable(QString::number(c)));
        QCOMPARE(rng.uniformInt(4, 4), 4);
        QCOMPARE(rng.uniformInt(4, 2), 4); // empty range: lo
    }

    void normalMomentsAndBounds()
    {
        SynthRng rng(3);
        const int n = 200000;
        double sum = 0, sum2 = 0, sum4 = 0;
        int beyond2 = 0;
        for (int i = 0; i < n; ++i) {
            const double z = rng.normal();
            QVERIFY(std::abs(z) <= 6.0);
            sum += z;
            sum2 += z * z;
            sum4 += z * z * z * z;
            beyond2 += std::abs(z) > 2.0;
        }
        const double mean = sum / n, var = sum2 / n - mean * mean, kurt = sum4 / n / (var * var);
        QVERIFY2(std::abs(mean) < 0.01, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(var - 1.0) < 0.02, qPrintable(QString::number(var)));
        QVERIFY2(std::abs(kurt - 2.9) < 0.1, qPrintable(QString::number(kurt))); // Irwin-Hall(12): 3 - 0.1
        // Gaussian: 4.55 % beyond 2 sd.
        QVERIFY2(std::abs(beyond2 / double(n) - 0.0455) < 0.004, qPrintable(QString::number(beyond2)));
        SynthRng r2(3);
        QCOMPARE(r2.normal(10.0, 2.0), 10.0 + 2.0 * SynthRng(3).normal());
    }

    void noiseMoments()
    {
        SynthRng rng(4);
        const int n = 400000;
        double sum = 0, sum2 = 0, sum4 = 0, peak = 0;
        for (int i = 0; i < n; ++i) {
            const double z = rng.noise();
            sum += z;
            sum2 += z * z;
            sum4 += z * z * z * z;
            peak = std::max(peak, std::abs(z));
        }
        const double mean = sum / n, var = sum2 / n - mean * mean, kurt = sum4 / n / (var * var);
        QVERIFY2(std::abs(mean) < 0.01, qPrintable(QString::number(mean)));
        QVERIFY2(std::abs(var - 1.0) < 0.01, qPrintable(QString::number(var)));
        QVERIFY2(std::abs(kurt - 2.7) < 0.05, qPrintable(QString::number(kurt))); // sum of 4 uniforms
        QVERIFY(peak <= std::sqrt(12.0));
    }

    void derivedStreamsAreDistinctAndStable()
    {
        QCOMPARE(SynthRng::derive(1, 0), SynthRng::derive(1, 0));
        QVERIFY(SynthRng::derive(1, 0) != SynthRng::derive(1, 1));
        QVERIFY(SynthRng::derive(1, 0) != SynthRng::derive(2, 0));
        // Neighbouring seeds/streams must not give overlapping-looking streams.
        SynthRng a(SynthRng::derive(1, 0)), b(SynthRng::derive(1, 1));
        int equal = 0;
        for (int i = 0; i < 1000; ++i)
            equal += a.next() == b.next();
        QCOMPARE(equal, 0);
    }
};

QTEST_GUILESS_MAIN(TestSynthRng)
#include "tst_synthrng.moc"
