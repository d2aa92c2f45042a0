// The synthetic demo corpus: determinism, clean ground truth, calls that really stand out from
// the background in their declared band and time, caw f0 per individual, FLAC + CSV round trip.
#include "core/common/Error.h"
#include "core/synth/CallSynth.h"
#include "core/synth/DemoCorpus.h"
#include "synth/SynthTestUtil.h"

#include <QtTest>

#include <sndfile.h>

#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <set>

using namespace crowlingo;

namespace {

const CrowIndividual* individualById(const std::string& id)
{
    for (const CrowIndividual& c : crowIndividuals())
        if (c.id == id)
            return &c;
    return nullptr;
}

std::size_t toSample(Seconds t, SampleRate rate) { return std::size_t(std::llround(t * rate)); }

void writeText(const QString& path, const std::string& text)
{
    std::ofstream out(path.toStdString(), std::ios::binary);
    out << text;
}

} // namespace

class TestDemoCorpus : public QObject {
    Q_OBJECT

    CorpusParams defaults_;
    std::vector<SynthRecording> corpus_; // the default corpus, 8 x 120 s

private Q_SLOTS:
    void initTestCase()
    {
        for (int i = 0; i < defaults_.files; ++i)
            corpus_.push_back(synthesizeRecording(defaults_, i));
    }

    void sameSeedIsBitIdentical()
    {
        for (int i : {0, 5}) {
            const SynthRecording again = synthesizeRecording(defaults_, i);
            const SynthRecording& first = corpus_[std::size_t(i)];
            QCOMPARE(again.samples.size(), first.samples.size());
            QVERIFY(std::memcmp(again.samples.data(), first.samples.data(), first.samples.size() * sizeof(float)) == 0);
            QVERIFY(again.calls == first.calls);
            QVERIFY(again.snrDb == first.snrDb);
        }
    }

    void differentSeedOrFileDiffers()
    {
        CorpusParams other = defaults_;
        other.seed = 2;
        const SynthRecording r = synthesizeRecording(other, 0);
        QVERIFY(r.samples != corpus_[0].samples);
        QVERIFY(r.calls != corpus_[0].calls);
        QVERIFY(corpus_[1].samples != corpus_[0].samples);
        QVERIFY(corpus_[1].calls.front().start != corpus_[0].calls.front().start);
    }

    // Each file draws from its own stream: file 1 is the same in a 2-file and an 8-file corpus.
    void fileDoesNotDependOnCorpusSize()
    {
        CorpusParams two = defaults_;
        two.files = 2;
        const SynthRecording r = synthesizeRecording(two, 1);
        QVERIFY(r.samples == corpus_[1].samples);
        QVERIFY(r.calls == corpus_[1].calls);
    }

    void groundTruthIsClean()
    {
        for (std::size_t f = 0; f < corpus_.size(); ++f) {
            const SynthRecording& r = corpus_[f];
            QCOMPARE(r.sampleRate, defaults_.sampleRate);
            QCOMPARE(qint64(r.samples.size()), qint64(defaults_.secondsPerFile * defaults_.sampleRate));
            QCOMPARE(r.snrDb.size(), r.calls.size());
            const double duration = double(r.samples.size()) / r.sampleRate;
            for (std::size_t k = 0; k < r.calls.size(); ++k) {
                const GroundTruthCall& c = r.calls[k];
                const QString where = QString("file %1 call %2 (%3 at %4 s)").arg(f).arg(k).arg(c.callType.c_str()).arg(c.start);
                QCOMPARE(QString::fromStdString(c.file), QString("rec_%1.flac").arg(f, 3, 10, QChar('0')));
                QVERIFY2(c.start >= 0.0 && c.end > c.start && c.end <= duration, qPrintable(where));
                QVERIFY2(std::abs(c.start * 1e4 - std::round(c.start * 1e4)) < 1e-6, qPrintable(where)); // 0.1 ms grid
                QVERIFY2(c.lowHz >= 0.0 && c.lowHz < c.highHz && c.highHz <= r.sampleRate / 2.0, qPrintable(where));
                QVERIFY2(callTypeFromName(c.callType).has_value(), qPrintable(where));
                QVERIFY2((c.callType == "caw") == !c.individual.empty(), qPrintable(where));
                if (!c.individual.empty())
                    QVERIFY2(individualById(c.individual), qPrintable(where));
                QVERIFY2(r.snrDb[k] >= 0.0 && r.snrDb[k] <= 30.0 + 1e-9, qPrintable(where));
                if (k > 0) // ordered, no overlap, gaps of at least 0.2 s
                    QVERIFY2(c.start - r.calls[k - 1].end >= 0.2 - 1e-9, qPrintable(where));
            }
        }
    }

    void levelsAreFieldLike()
    {
        for (std::size_t f = 0; f < corpus_.size(); ++f) {
            const SynthRecording& r = corpus_[f];
            std::vector<bool> nearCall(r.samples.size(), false);
            for (const GroundTruthCall& c : r.calls) {
                const std::size_t a = toSample(std::max(0.0, c.start - 0.1), r.sampleRate);
                const std::size_t b = std::min(r.samples.size(), toSample(c.end + 0.1, r.sampleRate));
                std::fill(nearCall.begin() + std::ptrdiff_t(a), nearCall.begin() + std::ptrdiff_t(b), true);
            }
            double bg = 0.0;
            std::size_t n = 0;
            for (std::size_t i = 0; i < r.samples.size(); ++i) {
                const float v = r.samples[i];
                QVERIFY(std::isfinite(v));
                QVERIFY(std::abs(v) <= 1.0f);
                if (!nearCall[i]) {
                    bg += double(v) * v;
                    ++n;
                }
            }
            const double bgDb = 10.0 * std::log10(bg / double(n));
            QVERIFY2(bgDb > -42.0 && bgDb < -30.0, qPrintable(QString("file %1: background %2 dBFS").arg(f).arg(bgDb)));
        }
    }

    // The heart of it: inside [start, end] and [low_hz, high_hz] each call carries more energy
    // than the background just around it, as much more as its SNR says (+-3 dB from 6 dB up).
    // Measured with an FFT band mask, independent of the generator's IIR filters.
    void callsStandOutFromTheBackground()
    {
        int checked = 0, compared = 0;
        double worstRatio = 1e9, worstError = 0.0;
        QString weakest;
        for (std::size_t f = 0; f < corpus_.size(); ++f) {
            const SynthRecording& r = corpus_[f];
            const SampleRate rate = r.sampleRate;
            for (std::size_t k = 0; k < r.calls.size(); ++k) {
                const GroundTruthCall& c = r.calls[k];
                const std::size_t s0 = toSample(c.start, rate), s1 = toSample(c.end, rate);
                const std::size_t a = toSample(std::max(0.0, c.start - 1.0), rate);
                const std::size_t b = std::min(r.samples.size(), toSample(c.end + 1.0, rate));
                const std::vector<float> band = synthtest::bandLimit(std::span<const float>(r.samples).subspan(a, b - a),
                                                                     c.lowHz, c.highHz, rate);
                // Background: up to 0.5 s on each side, 20 ms clear of any call, 0.1 s clear of
                // the segment's edges (the FFT mask wraps around there).
                double bg = 0.0;
                std::size_t nBg = 0;
                const std::size_t margin = toSample(0.02, rate), edge = toSample(0.1, rate), reach = toSample(0.5, rate);
                std::vector<std::pair<std::size_t, std::size_t>> busy; // calls near this one (bat passes: several)
                for (const GroundTruthCall& other : r.calls)
                    if (other.end > c.start - 2.0 && other.start < c.end + 2.0)
                        busy.emplace_back(toSample(other.start, rate), toSample(other.end, rate));
                for (std::size_t i = a + edge; i + edge < b; ++i) {
                    if (i + reach < s0 || i >= s1 + reach)
                        continue;
                    bool clear = true;
                    for (const auto& [from, to] : busy)
                        clear = clear && !(i + margin >= from && i < to + margin);
                    if (clear) {
                        bg += double(band[i - a]) * band[i - a];
                        ++nBg;
                    }
                }
                QVERIFY2(nBg >= toSample(0.1, rate), "not enough background around a call");
                bg /= double(nBg);
                const double in = synthtest::meanSquare(std::span<const float>(band).subspan(s0 - a, s1 - s0));
                const double ratio = in / bg;
                const QString where = QString("file %1 call %2 (%3 at %4 s, %5..%6 Hz, SNR %7 dB)")
                                          .arg(f).arg(k).arg(c.callType.c_str()).arg(c.start).arg(c.lowHz).arg(c.highHz).arg(r.snrDb[k]);
                // At 0 dB the call only matches the background's average (ratio ~2, +3 dB, with
                // the background inside the window): at least +1.1 dB, and at least half (-3 dB)
                // the energy the SNR promises.
                const double needed = std::max(1.3, 0.5 * std::pow(10.0, r.snrDb[k] / 10.0));
                QVERIFY2(ratio > needed, qPrintable(where + QString(": only %1 x the background").arg(ratio)));
                if (ratio < worstRatio) {
                    worstRatio = ratio;
                    weakest = where;
                }
                ++checked;
                if (r.snrDb[k] >= 6.0) {
                    const double measured = 10.0 * std::log10(ratio - 1.0);
                    QVERIFY2(std::abs(measured - r.snrDb[k]) < 3.0, qPrintable(where + QString(": measured %1 dB").arg(measured)));
                    worstError = std::max(worstError, std::abs(measured - r.snrDb[k]));
                    ++compared;
                }
            }
        }
        qInfo("%d calls checked; weakest %.2f x its background (%s); %d SNRs compared, worst error %.2f dB", checked,
              worstRatio, qPrintable(weakest), compared, worstError);
        QVERIFY(compared > checked / 2);
    }

    // Caws in the recordings (loud enough for a clean pitch track) have f0 in their
    // individual's range, estimated by autocorrelation after an FFT band-pass.
    void cawsHaveTheirIndividualsF0()
    {
        int checked = 0;
        for (const SynthRecording& r : corpus_)
            for (std::size_t k = 0; k < r.calls.size(); ++k) {
                const GroundTruthCall& c = r.calls[k];
                if (c.callType != "caw" || r.snrDb[k] < 15.0)
                    continue;
                const CrowIndividual* ind = individualById(c.individual);
                QVERIFY(ind);
                const std::size_t s0 = toSample(c.start, r.sampleRate), s1 = toSample(c.end, r.sampleRate);
                const std::size_t a = s0 - std::min(s0, toSample(0.2, r.sampleRate));
                const std::size_t b = std::min(r.samples.size(), s1 + toSample(0.2, r.sampleRate));
                const std::vector<float> band = synthtest::bandLimit(std::span<const float>(r.samples).subspan(a, b - a),
                                                                     c.lowHz, c.highHz, r.sampleRate);
                const std::size_t skip = (s1 - s0) * 15 / 100;
                const double f0 = synthtest::estimateF0(std::span<const float>(band).subspan(s0 - a + skip, s1 - s0 - 2 * skip),
                                                        r.sampleRate);
                QVERIFY2(f0 >= ind->f0Min * 0.97 && f0 <= ind->f0Max * 1.03,
                         qPrintable(QString("%1 at %2 s (%3): f0 %4 Hz outside %5..%6")
                                        .arg(c.file.c_str()).arg(c.start).arg(c.individual.c_str()).arg(f0).arg(ind->f0Min).arg(ind->f0Max)));
                ++checked;
            }
        QVERIFY2(checked >= 50, qPrintable(QString::number(checked)));
    }

    // Also prints the corpus summary (counts per type and individual, SNR range, levels).
    void allCallTypesAndIndividualsAppear()
    {
        std::map<std::string, int> perType, perIndividual;
        double snrMin = 1e9, snrMax = -1e9, snrSum = 0.0;
        std::size_t total = 0;
        for (std::size_t f = 0; f < corpus_.size(); ++f) {
            const SynthRecording& r = corpus_[f];
            qInfo("%s: %3zu calls, background %.1f dBFS (wind %.2f, rain %.2f at %.0f drops/s)", demoFileName(int(f)).c_str(),
                  r.calls.size(), r.background.rmsDbfs, r.background.windLevel, r.background.rainLevel,
                  r.background.rainClicksPerSecond);
            for (std::size_t k = 0; k < r.calls.size(); ++k) {
                ++perType[r.calls[k].callType];
                if (!r.calls[k].individual.empty())
                    ++perIndividual[r.calls[k].individual];
                snrMin = std::min(snrMin, r.snrDb[k]);
                snrMax = std::max(snrMax, r.snrDb[k]);
                snrSum += r.snrDb[k];
            }
            total += r.calls.size();
        }
        for (const auto& [type, n] : perType)
            qInfo("  %-8s %d", type.c_str(), n);
        for (const auto& [id, n] : perIndividual)
            qInfo("  caw/%-5s %d", id.c_str(), n);
        qInfo("  %zu calls, %.1f per minute, SNR %.1f .. %.1f dB (mean %.1f)", total,
              double(total) / (defaults_.files * defaults_.secondsPerFile / 60.0), snrMin, snrMax, snrSum / double(total));

        for (CallType t : kAllCallTypes)
            QVERIFY2(perType[std::string(callTypeName(t))] >= 10, callTypeName(t).data());
        for (const CrowIndividual& ind : crowIndividuals())
            QVERIFY2(perIndividual[ind.id] >= 10, ind.id.c_str());
        QVERIFY(snrMin < 3.0 && snrMax > 27.0); // the whole 0 .. 30 dB range is used
    }

    void callRateFollowsTheRequest_data()
    {
        QTest::addColumn<double>("perMinute");
        QTest::newRow("10/min") << 10.0;
        QTest::newRow("30/min") << 30.0;
        QTest::newRow("50/min") << 50.0;
    }
    void callRateFollowsTheRequest()
    {
        QFETCH(double, perMinute);
        CorpusParams p = defaults_;
        p.callsPerMinute = perMinute;
        p.secondsPerFile = 300;
        const SynthRecording r = synthesizeRecording(p, 0);
        const double rate = double(r.calls.size()) / 5.0;
        QVERIFY2(std::abs(rate - perMinute) < 0.3 * perMinute, qPrintable(QString("%1 per minute").arg(rate)));

        p.callsPerMinute = 0;
        p.secondsPerFile = 10;
        QVERIFY(synthesizeRecording(p, 0).calls.empty());
    }

    void otherSampleRates_data()
    {
        QTest::addColumn<int>("rate");
        QTest::newRow("16 kHz") << 16000;
        QTest::newRow("48 kHz") << 48000;
    }
    void otherSampleRates()
    {
        QFETCH(int, rate);
        CorpusParams p = defaults_;
        p.sampleRate = rate;
        p.secondsPerFile = 30;
        const SynthRecording r = synthesizeRecording(p, 0);
        QCOMPARE(qint64(r.samples.size()), qint64(30) * rate);
        QVERIFY(!r.calls.empty());
        for (const GroundTruthCall& c : r.calls)
            QVERIFY(c.highHz <= rate / 2.0);
    }

    void writeDemoCorpusRoundTrip()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const std::filesystem::path out = std::filesystem::path(dir.path().toStdString()) / "demo";
        CorpusParams p;
        p.files = 3;
        p.secondsPerFile = 20;
        p.seed = 7;
        std::vector<double> reported;
        Progress progress{[&](double done, std::string_view) { reported.push_back(done); }, {}};
        const std::vector<GroundTruthCall> calls = writeDemoCorpus(out, p, progress);

        std::vector<GroundTruthCall> expected;
        for (int i = 0; i < p.files; ++i) {
            const SynthRecording r = synthesizeRecording(p, i);
            expected.insert(expected.end(), r.calls.begin(), r.calls.end());
            const std::filesystem::path flac = out / demoFileName(i);
            SF_INFO info{};
            SNDFILE* sf = sf_open(flac.string().c_str(), SFM_READ, &info);
            QVERIFY2(sf, sf_strerror(nullptr));
            QCOMPARE(info.format & SF_FORMAT_TYPEMASK, int(SF_FORMAT_FLAC));
            QCOMPARE(info.format & SF_FORMAT_SUBMASK, int(SF_FORMAT_PCM_16));
            QCOMPARE(info.channels, 1);
            QCOMPARE(info.samplerate, p.sampleRate);
            QCOMPARE(qint64(info.frames), qint64(r.samples.size()));
            std::vector<float> back(std::size_t(info.frames));
            QCOMPARE(sf_readf_float(sf, back.data(), info.frames), info.frames);
            sf_close(sf);
            float worst = 0.0f;
            for (std::size_t n = 0; n < back.size(); ++n)
                worst = std::max(worst, std::abs(back[n] - r.samples[n]));
            QVERIFY2(worst <= 1.5f / 32768.0f, qPrintable(QString::number(worst))); // 16-bit rounding only
        }
        QVERIFY(calls == expected);
        QVERIFY(!calls.empty());
        for (const auto& entry : std::filesystem::directory_iterator(out))
            QVERIFY2(entry.path().extension() != ".part", entry.path().string().c_str());

        std::ifstream csv(out / "ground_truth.csv");
        std::string header;
        std::getline(csv, header);
        QCOMPARE(QString::fromStdString(header), QString("file,start,end,low_hz,high_hz,call_type,individual"));
        const std::vector<GroundTruthCall> read = readGroundTruth(out / "ground_truth.csv");
        QCOMPARE(read.size(), calls.size());
        for (std::size_t k = 0; k < read.size(); ++k)
            QVERIFY2(read[k] == calls[k], qPrintable(QString("row %1").arg(k)));

        QVERIFY(!reported.empty());
        QVERIFY(std::is_sorted(reported.begin(), reported.end()));
        QCOMPARE(reported.back(), 1.0);
    }

    void cancelStopsBetweenFiles()
    {
        QTemporaryDir dir;
        const std::filesystem::path out(dir.path().toStdString());
        CorpusParams p;
        p.files = 3;
        p.secondsPerFile = 5;
        int reports = 0;
        Progress progress{[&](double, std::string_view) { ++reports; }, [&] { return reports >= 2; }};
        QVERIFY_THROWS_EXCEPTION(Cancelled, writeDemoCorpus(out, p, progress));
        QVERIFY(std::filesystem::exists(out / "rec_000.flac"));
        QVERIFY(!std::filesystem::exists(out / "rec_002.flac"));
        QVERIFY(!std::filesystem::exists(out / "ground_truth.csv"));
    }

    void readGroundTruthAcceptsCsvVariants()
    {
        QTemporaryDir dir;
        const QString path = dir.filePath("gt.csv");
        writeText(path, "\xEF\xBB\xBF" "file,start,end,low_hz,high_hz,call_type,individual\r\n"
                        "a.flac,1.5,2,400,4000,caw,\"crow, the loud one\"\r\n"
                        "\r\n"
                        "\"b,c.wav\",3,3.25,2000,8000,whistle,\r\n");
        const std::vector<GroundTruthCall> calls = readGroundTruth(path.toStdString());
        QCOMPARE(calls.size(), std::size_t(2));
        QVERIFY((calls[0] == GroundTruthCall{"a.flac", 1.5, 2.0, 400.0, 4000.0, "caw", "crow, the loud one"}));
        QVERIFY((calls[1] == GroundTruthCall{"b,c.wav", 3.0, 3.25, 2000.0, 8000.0, "whistle", ""}));
        QVERIFY(readGroundTruth(writeAndPath(dir, "empty.csv", "file,start,end,low_hz,high_hz,call_type,individual\n")).empty());
    }

    void readGroundTruthRejectsMalformedRows_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected"); // part of the message
        const QString h = "file,start,end,low_hz,high_hz,call_type,individual\n";
        const QString ok = "a.flac,1,2,400,4000,caw,crow1\n";
        QTest::newRow("empty file") << "" << "line 1";
        QTest::newRow("wrong header") << "file,start,end,low,high,type,individual\n" + ok << "line 1";
        QTest::newRow("six fields") << h + ok + "a.flac,1,2,400,4000,caw\n" << "line 3: expected 7 fields";
        QTest::newRow("eight fields") << h + ok + ok + "a.flac,1,2,400,4000,caw,crow1,x\n" << "line 4: expected 7 fields";
        QTest::newRow("start not a number") << h + "a.flac,one,2,400,4000,caw,crow1\n" << "line 2: start is not a number";
        QTest::newRow("trailing junk") << h + "a.flac,1,2s,400,4000,caw,crow1\n" << "line 2: end is not a number";
        QTest::newRow("negative low") << h + "a.flac,1,2,-400,4000,caw,crow1\n" << "line 2: low_hz is negative";
        QTest::newRow("end before start") << h + "a.flac,2,1,400,4000,caw,crow1\n" << "line 2: end";
        QTest::newRow("high below low") << h + "a.flac,1,2,4000,400,caw,crow1\n" << "line 2: high_hz";
        QTest::newRow("empty call type") << h + "a.flac,1,2,400,4000,,crow1\n" << "line 2: empty call_type";
        QTest::newRow("empty file name") << h + ",1,2,400,4000,caw,crow1\n" << "line 2: empty file name";
        QTest::newRow("nan") << h + "a.flac,nan,2,400,4000,caw,crow1\n" << "line 2: start is not a number";
    }
    void readGroundTruthRejectsMalformedRows()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const std::filesystem::path path = writeAndPath(dir, "bad_truth.csv", text.toStdString());
        try {
            readGroundTruth(path);
            QFAIL("no exception");
        } catch (const UsageError& e) {
            const QString msg = QString::fromUtf8(e.what());
            QVERIFY2(msg.contains("bad_truth.csv") && msg.contains(expected), qPrintable(msg));
        }
    }

    void readGroundTruthMissingOrBrokenFile()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(Error, readGroundTruth(dir.filePath("missing.csv").toStdString()));
        const auto path = writeAndPath(dir, "quote.csv", "file,start,end,low_hz,high_hz,call_type,individual\n\"a.flac,1,2,400,4000,caw,\n");
        try {
            readGroundTruth(path);
            QFAIL("no exception");
        } catch (const Error& e) {
            QVERIFY2(QString(e.what()).contains("quote.csv"), e.what());
        }
    }

    void invalidParamsThrow()
    {
        const auto bad = [](auto change) {
            CorpusParams p;
            p.secondsPerFile = 5;
            change(p);
            return p;
        };
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeRecording(bad([](CorpusParams& p) { p.files = -1; }), 0));
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeRecording(bad([](CorpusParams& p) { p.secondsPerFile = 0; }), 0));
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeRecording(bad([](CorpusParams& p) { p.sampleRate = 8000; }), 0));
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeRecording(bad([](CorpusParams& p) { p.callsPerMinute = -1; }), 0));
        QVERIFY_THROWS_EXCEPTION(UsageError, synthesizeRecording(bad([](CorpusParams&) {}), -1));
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(UsageError,
                                 writeDemoCorpus(dir.path().toStdString(), bad([](CorpusParams& p) { p.sampleRate = 1000; })));
    }

private:
    static std::filesystem::path writeAndPath(const QTemporaryDir& dir, const QString& name, const std::string& text)
    {
        writeText(dir.filePath(name), text);
        return dir.filePath(name).toStdString();
    }
};

QTEST_GUILESS_MAIN(TestDemoCorpus)
#include "tst_democorpus.moc"
