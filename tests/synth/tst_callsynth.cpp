// Single synthetic calls: lengths, levels, declared bands against FFT-measured energy, caw f0
// per individual by autocorrelation, the shapes that make each call type what it is.
#include "core/common/Error.h"
#include "core/synth/CallSynth.h"
#include "synth/SynthTestUtil.h"

#include <QtTest>

#include <cmath>
#include <map>
#include <numeric>

using namespace crowlingo;
using synthtest::bandEnergyFraction;
using synthtest::estimateF0;

Q_DECLARE_METATYPE(crowlingo::CallType)

namespace {

constexpr SampleRate kRate = 22050;

std::span<const float> middle(const std::vector<float>& x, double fraction)
{
    const auto skip = std::size_t(double(x.size()) * (1.0 - fraction) / 2.0);
    return std::span<const float>(x).subspan(skip, x.size() - 2 * skip);
}

// Energy-weighted mean frequency of x.
double spectralCentroid(std::span<const float> x, int rate)
{
    const std::vector<double> p = synthtest::powerSpectrum(x);
    double num = 0.0, den = 0.0;
    for (std::size_t k = 0; k < p.size(); ++k) {
        num += p[k] * double(k) * rate / double(x.size());
        den += p[k];
    }
    return den > 0 ? num / den : 0.0;
}

} // namespace

class TestCallSynth : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void callProperties_data()
    {
        QTest::addColumn<CallType>("type");
        QTest::addColumn<int>("variant");
        QTest::addColumn<int>("rate");
        for (int rate : {22050, 16000, 48000})
            for (CallType t : kAllCallTypes)
                for (int v = 0; v < variantCount(t); ++v)
                    QTest::addRow("%s-%d-%dHz", callTypeName(t).data(), v, rate) << t << v << rate;
    }

    void callProperties()
    {
        QFETCH(CallType, type);
        QFETCH(int, variant);
        QFETCH(int, rate);
        for (std::uint64_t seed = 0; seed < 8; ++seed) {
            SynthRng rng(seed * 1000 + std::uint64_t(variant));
            const SynthCall c = synthesizeCall(type, variant, rate, rng);
            const QString where = QString("seed %1").arg(seed);
            QCOMPARE(c.variant, variant);
            QCOMPARE(qint64(c.samples.size()), qint64(std::llround(c.duration * rate)));
            QCOMPARE(c.duration * 1e4, std::round(c.duration * 1e4)); // 0.1 ms grid
            float peak = 0.0f;
            for (float v : c.samples) {
                QVERIFY2(std::isfinite(v), qPrintable(where));
                peak = std::max(peak, std::abs(v));
            }
            QVERIFY2(std::abs(peak - 0.5f) < 1e-4f, qPrintable(where));
            // Starts and ends at silence (no click when mixed in).
            QVERIFY2(std::abs(c.samples.front()) < 0.05f && std::abs(c.samples.back()) < 0.05f, qPrintable(where));
            QVERIFY2(c.lowHz >= 0.0 && c.lowHz < c.highHz && c.highHz <= rate / 2.0,
                     qPrintable(where + QString(": band %1..%2").arg(c.lowHz).arg(c.highHz)));
            // The declared band holds the energy.
            const double inBand = bandEnergyFraction(c.samples, c.lowHz, c.highHz, rate);
            QVERIFY2(inBand >= 0.9, qPrintable(where + QString(": %1 of the energy in %2..%3 Hz")
                                                          .arg(inBand).arg(c.lowHz).arg(c.highHz)));
            // And the band is not padded far beyond it: the outer 10 % on each side are not empty
            // on both sides at once... measured as: the energy inside the band shrunk by 15 % of
            // its width on each side still falls short of everything.
            const double w = 0.15 * (c.highHz - c.lowHz);
            QVERIFY2(bandEnergyFraction(c.samples, c.lowHz + w, c.highHz - w, rate) < 0.995,
                     qPrintable(where + ": band much wider than the call"));

            switch (type) {
            case CallType::Caw: {
                const CrowIndividual& ind = crowIndividuals()[std::size_t(variant)];
                QCOMPARE(QString::fromStdString(c.individual), QString::fromStdString(ind.id));
                QVERIFY(c.duration >= 0.3 && c.duration <= 0.6);
                QVERIFY2(c.lowHz >= ind.f0Min - 15.0 && c.lowHz <= ind.f0Max, qPrintable(where));
                QVERIFY(c.highHz <= 5000.0);
                break;
            }
            case CallType::Whistle:
            case CallType::Trill:
                QVERIFY(c.individual.empty());
                QVERIFY2(c.lowHz >= 2000.0 && c.highHz <= 8400.0, qPrintable(where));
                break;
            case CallType::Frog:
                QVERIFY2(c.lowHz >= 200.0 && c.highHz <= 4500.0, qPrintable(where));
                break;
            case CallType::Insect:
                QVERIFY2(c.lowHz >= 2400.0 && c.highHz <= 7600.0, qPrintable(where));
                break;
            case CallType::Bat:
                QVERIFY(c.duration >= 0.003 && c.duration <= 0.008);
                QVERIFY2(c.lowHz <= 4000.0 && c.highHz >= std::min(8000.0, 0.45 * rate), qPrintable(where));
                break;
            }
        }
    }

    void sameRngStateSameCall()
    {
        for (CallType t : kAllCallTypes) {
            SynthRng a(99), b(99), c(100);
            const SynthCall x = synthesizeCall(t, -1, kRate, a), y = synthesizeCall(t, -1, kRate, b);
            const SynthCall z = synthesizeCall(t, -1, kRate, c);
            QCOMPARE(x.samples.size(), y.samples.size());
            QVERIFY(std::equal(x.samples.begin(), x.samples.end(), y.samples.begin()));
            QCOMPARE(x.lowHz, y.lowHz);
            QCOMPARE(x.highHz, y.highHz);
            QVERIFY(x.samples != z.samples);
        }
    }

    void cawF0StaysInTheIndividualsRange_data()
    {
        QTest::addColumn<int>("individual");
        for (int i = 0; i < int(crowIndividuals().size()); ++i)
            QTest::addRow("%s", crowIndividuals()[std::size_t(i)].id.c_str()) << i;
    }

    void cawF0StaysInTheIndividualsRange()
    {
        QFETCH(int, individual);
        const CrowIndividual& ind = crowIndividuals()[std::size_t(individual)];
        SynthRng rng(std::uint64_t(500 + individual));
        double lo = 1e9, hi = 0;
        for (int k = 0; k < 25; ++k) {
            const SynthCall c = synthesizeCall(CallType::Caw, individual, kRate, rng);
            const double f0 = estimateF0(middle(c.samples, 0.7), kRate);
            QVERIFY2(f0 >= ind.f0Min * 0.97 && f0 <= ind.f0Max * 1.03,
                     qPrintable(QString("caw %1: f0 %2 Hz outside %3..%4").arg(k).arg(f0).arg(ind.f0Min).arg(ind.f0Max)));
            lo = std::min(lo, f0);
            hi = std::max(hi, f0);
        }
        // Within-individual variation: the caws do not all sit on one pitch.
        QVERIFY2(hi - lo > 0.15 * (ind.f0Max - ind.f0Min), qPrintable(QString("f0 %1..%2").arg(lo).arg(hi)));
    }

    // Individuals overlap (not trivial) yet differ (possible): a nearest-centroid classifier on
    // three simple features (f0, duration, spectral centroid) does far better than chance but is
    // not perfect.
    void individualsAreSeparableButNotTrivially()
    {
        const auto& table = crowIndividuals();
        QCOMPARE(int(table.size()), 6);
        for (std::size_t i = 0; i < table.size(); ++i) {
            QVERIFY(table[i].f0Min >= 400.0 && table[i].f0Max <= 700.0 && table[i].f0Min < table[i].f0Max);
            bool overlaps = false;
            for (std::size_t j = 0; j < table.size(); ++j)
                overlaps = overlaps || (i != j && table[i].f0Min < table[j].f0Max && table[j].f0Min < table[i].f0Max);
            QVERIFY2(overlaps, table[i].id.c_str());
        }

        const int perIndividual = 30;
        using Feature = std::array<double, 3>;
        std::vector<std::vector<Feature>> train(table.size()), test(table.size());
        SynthRng rng(2024);
        for (std::size_t i = 0; i < table.size(); ++i)
            for (int k = 0; k < 2 * perIndividual; ++k) {
                const SynthCall c = synthesizeCall(CallType::Caw, int(i), kRate, rng);
                const Feature f{estimateF0(middle(c.samples, 0.7), kRate), c.duration, spectralCentroid(c.samples, kRate)};
                (k < perIndividual ? train : test)[i].push_back(f);
            }
        Feature mean{}, sd{};
        for (const auto& v : train)
            for (const Feature& f : v)
                for (int d = 0; d < 3; ++d) {
                    mean[std::size_t(d)] += f[std::size_t(d)];
                    sd[std::size_t(d)] += f[std::size_t(d)] * f[std::size_t(d)];
                }
        const double n = double(perIndividual * table.size());
        for (int d = 0; d < 3; ++d) {
            mean[std::size_t(d)] /= n;
            sd[std::size_t(d)] = std::sqrt(sd[std::size_t(d)] / n - mean[std::size_t(d)] * mean[std::size_t(d)]);
        }
        std::vector<Feature> centroid(table.size(), Feature{});
        for (std::size_t i = 0; i < table.size(); ++i)
            for (const Feature& f : train[i])
                for (int d = 0; d < 3; ++d)
                    centroid[i][std::size_t(d)] += (f[std::size_t(d)] - mean[std::size_t(d)]) / sd[std::size_t(d)] / perIndividual;
        int correct = 0;
        for (std::size_t i = 0; i < table.size(); ++i)
            for (const Feature& f : test[i]) {
                std::size_t best = 0;
                double bestD = 1e300;
                for (std::size_t j = 0; j < table.size(); ++j) {
                    double d2 = 0;
                    for (int d = 0; d < 3; ++d) {
                        const double z = (f[std::size_t(d)] - mean[std::size_t(d)]) / sd[std::size_t(d)] - centroid[j][std::size_t(d)];
                        d2 += z * z;
                    }
                    if (d2 < bestD) {
                        bestD = d2;
                        best = j;
                    }
                }
                correct += best == i;
            }
        const double accuracy = correct / n;
        qInfo("nearest-centroid accuracy on (f0, duration, centroid): %.2f (chance %.2f)", accuracy, 1.0 / 6);
        QVERIFY2(accuracy > 0.4, qPrintable(QString::number(accuracy)));
        QVERIFY2(accuracy < 0.95, qPrintable(QString::number(accuracy)));
    }

    void batIsADownSweep()
    {
        SynthRng rng(8);
        for (int k = 0; k < 10; ++k) {
            const SynthCall c = synthesizeCall(CallType::Bat, 0, kRate, rng);
            const std::size_t half = c.samples.size() / 2;
            const std::span<const float> x(c.samples);
            const double first = spectralCentroid(x.first(half), kRate), second = spectralCentroid(x.subspan(half), kRate);
            QVERIFY2(first > second + 1000.0, qPrintable(QString("%1 -> %2 Hz").arg(first).arg(second)));
        }
    }

    void frogIsAPulseTrain()
    {
        SynthRng rng(9);
        for (int k = 0; k < 10; ++k) {
            const SynthCall c = synthesizeCall(CallType::Frog, 0, kRate, rng);
            // Envelope in 2 ms frames; count rises through half the peak level.
            const std::size_t hop = kRate / 500;
            std::vector<double> env;
            for (std::size_t i = 0; i + hop <= c.samples.size(); i += hop)
                env.push_back(std::sqrt(synthtest::meanSquare(std::span<const float>(c.samples).subspan(i, hop))));
            const double top = *std::max_element(env.begin(), env.end());
            int pulses = 0;
            for (std::size_t i = 1; i < env.size(); ++i)
                pulses += env[i - 1] < 0.5 * top && env[i] >= 0.5 * top;
            QVERIFY2(pulses >= 3, qPrintable(QString::number(pulses)));
            // Silent between pulses.
            QVERIFY(*std::min_element(env.begin() + 2, env.end() - 2) < 0.05 * top);
        }
    }

    void whistleIsTonal()
    {
        SynthRng rng(10);
        for (int v = 0; v < variantCount(CallType::Whistle); ++v) {
            const SynthCall c = synthesizeCall(CallType::Whistle, v, kRate, rng);
            // A 20 ms slice holds a nearly pure tone: most energy within +-300 Hz of its peak
            // (glide and vibrato included).
            const auto mid = c.samples.size() / 4;
            const std::span<const float> slice = std::span<const float>(c.samples).subspan(mid, kRate / 50);
            const std::vector<double> p = synthtest::powerSpectrum(slice);
            const auto peak = std::size_t(std::max_element(p.begin(), p.end()) - p.begin());
            const double f = double(peak) * kRate / double(slice.size());
            QVERIFY(f >= 2000.0 && f <= 8000.0);
            QVERIFY(bandEnergyFraction(slice, f - 300.0, f + 300.0, kRate) > 0.9);
        }
    }

    void namesRoundTrip()
    {
        QCOMPARE(kAllCallTypes.size(), std::size_t(6));
        for (CallType t : kAllCallTypes)
            QCOMPARE(callTypeFromName(callTypeName(t)), std::optional<CallType>(t));
        QCOMPARE(QString::fromLatin1(callTypeName(CallType::Caw).data()), QString("caw"));
        QCOMPARE(QString::fromLatin1(callTypeName(CallType::Bat).data()), QString("bat"));
        QVERIFY(!callTypeFromName("owl"));
        QCOMPARE(variantCount(CallType::Caw), 6);
    }

    void rejectsBadArguments()
    {
        SynthRng rng(1);
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeCall(CallType::Caw, 0, 8000, rng));
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeCall(CallType::Caw, 6, kRate, rng));
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeCall(CallType::Whistle, 3, kRate, rng));
    }
};

QTEST_GUILESS_MAIN(TestCallSynth)
#include "tst_callsynth.moc"
