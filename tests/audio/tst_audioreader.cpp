// AudioReader: every container and bit depth decodes to the written samples; channels; resampling
// keeps level and frequency; time expansion; ranged reads equal a full decode; errors name the file.
#include "audio/AudioTestSignals.h"
#include "core/audio/AudioReader.h"
#include "core/audio/TimeExpansionAdvice.h"
#include "core/common/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <sndfile.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>

using namespace crowlingo;
using namespace crowlingo::test;
namespace fs = std::filesystem;

namespace {

// Two tones plus deterministic noise, peak below 0.6: exercises every bit of the sample word.
std::vector<float> mixture(int rate, std::size_t n)
{
    std::vector<float> x(n);
    std::uint32_t state = 12345;
    for (std::size_t i = 0; i < n; ++i) {
        state = state * 1664525u + 1013904223u;
        const double noise = double(state >> 8) / double(1u << 24) * 2 - 1;
        const double t = double(i) / rate;
        x[i] = float(0.3 * std::sin(2 * std::numbers::pi * 440 * t) + 0.2 * std::sin(2 * std::numbers::pi * 3000 * t + 1) +
                     0.1 * noise);
    }
    return x;
}

// Runs f, which must throw AudioError; returns its message (empty if it did not throw).
template<class F>
std::string audioErrorOf(F&& f)
{
    try {
        f();
    } catch (const AudioError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("wrong exception type: ") + e.what();
    }
    return {};
}

void truncateFile(const fs::path& path, std::uintmax_t size)
{
    fs::resize_file(path, size);
}

} // namespace

class TestAudioReader : public QObject {
    Q_OBJECT

private:
    QTemporaryDir dir;
    fs::path file(const std::string& name) const { return fs::path(dir.path().toStdString()) / name; }

private Q_SLOTS:
    void initTestCase() { QVERIFY(dir.isValid()); }

    void decodesFormats_data();
    void decodesFormats();
    void probeReportsHeader();
    void mixesAndSelectsChannels();
    void eightChannels();
    void resamplingKeepsLevelAndFrequency();
    void timeExpansion();
    void rangedReadsEqualFullDecode_data();
    void rangedReadsEqualFullDecode();
    void nonFiniteSamplesBecomeZero();
    void errorsNameTheFile_data();
    void errorsNameTheFile();
    void unreadableFile();
    void truncatedDataReturnsWhatWasRead_data();
    void truncatedDataReturnsWhatWasRead();
    void audioExtensions();
    void timeExpansionAdviceFollowsTheRates();
};

void TestAudioReader::decodesFormats_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<int>("rate");
    QTest::addColumn<QString>("name");
    QTest::addColumn<double>("tolerance"); // max |error| for PCM; < 0: lossy codec
    QTest::addColumn<QString>("formatName");

    // Integer PCM: written as float * (2^(b-1) - 1), read back / 2^(b-1): half a step of rounding
    // plus the gain difference, both under 2^-(b-2) at the amplitudes used here.
    const auto pcm = [](int bits) { return std::ldexp(1.0, -(bits - 2)); };
    QTest::newRow("wav-u8") << (SF_FORMAT_WAV | SF_FORMAT_PCM_U8) << 8000 << "8000-1-u8.wav" << pcm(8) << "WAV";
    QTest::newRow("wav-16") << (SF_FORMAT_WAV | SF_FORMAT_PCM_16) << 44100 << "44100-1-16.wav" << pcm(16) << "WAV";
    QTest::newRow("wav-24") << (SF_FORMAT_WAV | SF_FORMAT_PCM_24) << 48000 << "48000-1-24.wav" << pcm(24) << "WAV";
    QTest::newRow("wav-32") << (SF_FORMAT_WAV | SF_FORMAT_PCM_32) << 96000 << "96000-1-32.wav" << 1e-6 << "WAV";
    QTest::newRow("wav-float") << (SF_FORMAT_WAV | SF_FORMAT_FLOAT) << 22050 << "22050-1-float.wav" << 0.0 << "WAV";
    QTest::newRow("wav-double") << (SF_FORMAT_WAV | SF_FORMAT_DOUBLE) << 16000 << "16000-1-double.wav" << 0.0 << "WAV";
    QTest::newRow("w64-16") << (SF_FORMAT_W64 | SF_FORMAT_PCM_16) << 44100 << "44100-1-16.w64" << pcm(16) << "W64";
    QTest::newRow("rf64-24") << (SF_FORMAT_RF64 | SF_FORMAT_PCM_24) << 44100 << "44100-1-24.rf64" << pcm(24) << "RF64";
    QTest::newRow("flac-16") << (SF_FORMAT_FLAC | SF_FORMAT_PCM_16) << 44100 << "44100-1-16.flac" << pcm(16) << "FLAC";
    QTest::newRow("flac-24") << (SF_FORMAT_FLAC | SF_FORMAT_PCM_24) << 96000 << "96000-1-24.flac" << pcm(24) << "FLAC";
    QTest::newRow("aiff-16") << (SF_FORMAT_AIFF | SF_FORMAT_PCM_16) << 44100 << "44100-1-16.aiff" << pcm(16) << "AIFF";
    QTest::newRow("aiff-24") << (SF_FORMAT_AIFF | SF_FORMAT_PCM_24) << 32000 << "32000-1-24.aif" << pcm(24) << "AIFF";
    QTest::newRow("caf-16") << (SF_FORMAT_CAF | SF_FORMAT_PCM_16) << 44100 << "44100-1-16.caf" << pcm(16) << "CAF";
    QTest::newRow("ogg-vorbis") << (SF_FORMAT_OGG | SF_FORMAT_VORBIS) << 44100 << "44100-1-vorbis.ogg" << -1.0 << "OGG";
    QTest::newRow("opus") << (SF_FORMAT_OGG | SF_FORMAT_OPUS) << 48000 << "48000-1-opus.opus" << -1.0 << "OGG";
    QTest::newRow("mp3") << (SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III) << 44100 << "44100-1-layer3.mp3" << -1.0 << "MP3";
}

void TestAudioReader::decodesFormats()
{
    QFETCH(int, format);
    QFETCH(int, rate);
    QFETCH(QString, name);
    QFETCH(double, tolerance);
    QFETCH(QString, formatName);
    const fs::path path = file(name.toStdString());
    const bool lossy = tolerance < 0;

    // PCM: a quarter second of a busy signal; lossy codecs: one second of a 1 kHz tone.
    const std::vector<float> written = lossy ? tone(1000, rate, std::size_t(rate), 0.5) : mixture(rate, std::size_t(rate / 4));
    const std::string error = writeSound(path, format, rate, 1, written);
    if (error.rfind("libsndfile cannot write", 0) == 0)
        QSKIP(qPrintable(QString::fromStdString("this libsndfile cannot write " + name.toStdString())));
    QVERIFY2(error.empty(), error.c_str());

    AudioReader reader(path);
    QCOMPARE(reader.info().format, formatName.toStdString());
    QCOMPARE(reader.outputRate(), rate);
    const std::vector<float> decoded = reader.read(0, reader.duration());
    QCOMPARE(reader.nonFiniteSamples(), SampleCount(0));

    if (!lossy) {
        QCOMPARE(decoded.size(), written.size());
        double worst = 0;
        for (std::size_t i = 0; i < written.size(); ++i)
            worst = std::max(worst, double(std::fabs(decoded[i] - written[i])));
        QVERIFY2(worst <= tolerance, qPrintable(QString("max error %1 > %2").arg(worst).arg(tolerance)));
        return;
    }

    // Codecs may add or drop a few hundred samples of priming; judge the tone in the middle.
    QVERIFY2(std::abs(double(decoded.size()) - double(written.size())) < 0.05 * rate,
             qPrintable(QString("decoded %1 samples, wrote %2").arg(decoded.size()).arg(written.size())));
    const std::size_t from = decoded.size() / 4, to = 3 * decoded.size() / 4;
    const SineFit fit = fitSine(decoded, rate, 1000, from, to);
    QVERIFY2(std::fabs(dB(fit.amplitude / 0.5)) < 1.0, qPrintable(QString("level off by %1 dB").arg(dB(fit.amplitude / 0.5))));
    // Residual 26 dB below the tone: the decoded signal correlates with a 1 kHz sinusoid at > 0.99.
    QVERIFY2(fit.residualRms < 0.05 * fit.amplitude / std::sqrt(2.0),
             qPrintable(QString("residual %1 for amplitude %2").arg(fit.residualRms).arg(fit.amplitude)));
    QVERIFY(std::fabs(zeroCrossingFrequency(decoded, rate, from, to) - 1000) < 1.0);
}

void TestAudioReader::probeReportsHeader()
{
    const fs::path path = file("probe-48000-2-24.flac");
    std::vector<float> stereo(2 * 4800, 0.25f);
    QVERIFY(writeSound(path, SF_FORMAT_FLAC | SF_FORMAT_PCM_24, 48000, 2, stereo).empty());
    const AudioInfo info = probeAudio(path);
    QCOMPARE(info.path, path);
    QCOMPARE(info.format, std::string("FLAC"));
    QVERIFY2(info.encoding.find("24") != std::string::npos, info.encoding.c_str());
    QCOMPARE(info.sampleRate, 48000);
    QCOMPARE(info.channels, 2);
    QCOMPARE(info.frames, FrameIndex(4800));
    QCOMPARE(info.duration(), 0.1);

    const fs::path vorbis = file("probe-vorbis.ogg");
    QVERIFY(writeSound(vorbis, SF_FORMAT_OGG | SF_FORMAT_VORBIS, 44100, 1, tone(440, 44100, 44100)).empty());
    QCOMPARE(probeAudio(vorbis).encoding, std::string("Vorbis"));
}

void TestAudioReader::mixesAndSelectsChannels()
{
    const int rate = 44100;
    const std::size_t n = 4410;
    const std::vector<float> left = tone(440, rate, n, 0.4), right = tone(1000, rate, n, 0.3, 0.5);
    std::vector<float> interleaved(2 * n);
    for (std::size_t i = 0; i < n; ++i) {
        interleaved[2 * i] = left[i];
        interleaved[2 * i + 1] = right[i];
    }
    const fs::path path = file("44100-2-float.wav");
    QVERIFY(writeSound(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, rate, 2, interleaved).empty());

    const std::vector<float> mono = readAudio(path);
    const std::vector<float> ch0 = readAudio(path, {.channel = 0});
    const std::vector<float> ch1 = readAudio(path, {.channel = 1});
    QCOMPARE(mono.size(), n);
    QCOMPARE(ch0, left);
    QCOMPARE(ch1, right);
    for (std::size_t i = 0; i < n; ++i)
        QVERIFY(std::fabs(mono[i] - 0.5f * (left[i] + right[i])) < 1e-7f);

    // A channel the file does not have is an error naming the file.
    const std::string message = audioErrorOf([&] { AudioReader r(path, {.channel = 2}); });
    QVERIFY2(message.find(path.string()) != std::string::npos, message.c_str());
    QVERIFY2(message.find("channel 2") != std::string::npos, message.c_str());
    QVERIFY(!audioErrorOf([&] { AudioReader r(path, {.channel = -2}); }).empty());
}

void TestAudioReader::eightChannels()
{
    const int rate = 16000, channels = 8;
    const std::size_t n = 1600;
    std::vector<float> interleaved(channels * n);
    std::vector<std::vector<float>> ch(channels);
    for (int c = 0; c < channels; ++c) {
        ch[c] = tone(200.0 + 150 * c, rate, n, 0.05 + 0.05 * c);
        for (std::size_t i = 0; i < n; ++i)
            interleaved[i * channels + c] = ch[c][i];
    }
    const fs::path path = file("16000-8-24.wav");
    QVERIFY(writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_24, rate, channels, interleaved).empty());
    QCOMPARE(probeAudio(path).channels, 8);

    const std::vector<float> mono = readAudio(path);
    QCOMPARE(mono.size(), n);
    for (std::size_t i = 0; i < n; ++i) {
        double mean = 0;
        for (int c = 0; c < channels; ++c)
            mean += ch[c][i];
        QVERIFY(std::fabs(mono[i] - mean / channels) < 1e-6);
    }
    for (int c = 0; c < channels; ++c) {
        const std::vector<float> one = readAudio(path, {.channel = c});
        QCOMPARE(one.size(), n);
        // Each channel's own tone at its own level: picking is not mixing.
        const SineFit fit = fitSine(one, rate, 200.0 + 150 * c, 0, n);
        QVERIFY(std::fabs(fit.amplitude - (0.05 + 0.05 * c)) < 1e-5);
        QVERIFY(fit.residualRms < 1e-5);
    }
}

void TestAudioReader::resamplingKeepsLevelAndFrequency()
{
    const fs::path path = file("44100-1-float-1khz.wav");
    const std::vector<float> x = tone(1000, 44100, 44100, 0.5);
    QVERIFY(writeSound(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 44100, 1, x).empty());

    AudioReader reader(path, {.targetRate = 22050});
    QCOMPARE(reader.outputRate(), 22050);
    const std::vector<float> y = reader.read(0, reader.duration());
    QVERIFY(std::abs(int(y.size()) - 22050) <= 1);
    const std::size_t from = 1000, to = y.size() - 1000; // away from the file's edges
    const double levelChange = dB(rms(y, from, to) / rms(x, 2 * from, 2 * to));
    QVERIFY2(std::fabs(levelChange) < 0.1, qPrintable(QString("level changed by %1 dB").arg(levelChange)));
    const double f = zeroCrossingFrequency(y, 22050, from, to);
    QVERIFY2(std::fabs(f - 1000) < 0.1, qPrintable(QString("frequency %1 Hz").arg(f)));
    QVERIFY(fitSine(y, 22050, 1000, from, to).residualRms < 1e-4);
}

void TestAudioReader::timeExpansion()
{
    // A 40 kHz bat-like tone at 384 kHz; with F = 10 it becomes 4 kHz, and the recording's
    // half second becomes five seconds of output at the target rate.
    const int rate = 384000;
    const fs::path path = file("384000-1-16-40khz.wav");
    QVERIFY(writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, rate, 1, tone(40000, rate, rate / 2, 0.5)).empty());

    AudioReader reader(path, {.targetRate = 22050, .timeExpansion = 10});
    QCOMPARE(reader.outputRate(), 22050);
    QCOMPARE(reader.duration(), 0.5);
    const std::vector<float> y = reader.read(0, reader.duration());
    QVERIFY2(std::abs(double(y.size()) - 0.5 * 10 * 22050) <= 2, qPrintable(QString::number(y.size())));
    const std::size_t from = 2000, to = y.size() - 2000;
    const double f = zeroCrossingFrequency(y, 22050, from, to);
    QVERIFY2(std::fabs(f - 4000) < 0.5, qPrintable(QString("frequency %1 Hz").arg(f)));
    const SineFit fit = fitSine(y, 22050, 4000, from, to);
    QVERIFY(std::fabs(dB(fit.amplitude / 0.5)) < 0.1);
    // Times stay in the recording's seconds: 0.1 s of recording is 1 s of expanded output.
    QCOMPARE(reader.read(0.1, 0.2).size(), std::size_t(22050));

    // Without a target rate the file's samples come through untouched at rate / F.
    AudioReader native(path, {.timeExpansion = 10});
    QCOMPARE(native.outputRate(), 38400);
    QCOMPARE(native.read(0, native.duration()), readAudio(path));
}

void TestAudioReader::rangedReadsEqualFullDecode_data()
{
    QTest::addColumn<int>("fileRate");
    QTest::addColumn<int>("targetRate");
    QTest::addColumn<double>("timeExpansion");
    QTest::addColumn<double>("tolerance");
    // Native rate: the very same samples. Resampled: the same up to float rounding in soxr.
    QTest::newRow("44100-native") << 44100 << 0 << 1.0 << 0.0;
    QTest::newRow("44100-to-16000") << 44100 << 16000 << 1.0 << 1e-5;
    QTest::newRow("48000-to-22050") << 48000 << 22050 << 1.0 << 1e-5;
    QTest::newRow("8000-to-22050") << 8000 << 22050 << 1.0 << 1e-5;
    QTest::newRow("384000-x10-to-22050") << 384000 << 22050 << 10.0 << 1e-5;
    // No small fraction: the reader starts where the two output grids (nearly) coincide.
    QTest::newRow("96000-xpi-to-16000") << 96000 << 16000 << std::numbers::pi << 1e-5;
}

void TestAudioReader::rangedReadsEqualFullDecode()
{
    QFETCH(int, fileRate);
    QFETCH(int, targetRate);
    QFETCH(double, timeExpansion);
    QFETCH(double, tolerance);
    const fs::path path = file("ranged-" + std::to_string(fileRate) + "-1-16.wav");
    const std::size_t frames = std::size_t(fileRate) * 3 / 2 + 17;
    QVERIFY(writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, fileRate, 1, mixture(fileRate, frames)).empty());

    const ReadOptions options{.targetRate = targetRate, .timeExpansion = timeExpansion};
    const std::vector<float> full = readAudio(path, options);
    AudioReader reader(path, options);
    const double outPerSecond = timeExpansion * reader.outputRate();
    const double d = reader.duration();
    QVERIFY(std::abs(double(full.size()) - d * outPerSecond) <= 1);

    const std::pair<double, double> ranges[] = {{0, 0.1}, {0.0123, 0.5}, {0.25, 0.2501}, {0.7, 1.234}, {1.3, d}, {1.0, 99}};
    for (auto [a, b] : ranges) {
        const std::vector<float> part = reader.read(a, b);
        const std::size_t n0 = std::size_t(std::llround(a * outPerSecond));
        const std::size_t n1 = std::min(full.size(), std::size_t(std::llround(std::min(b, d) * outPerSecond)));
        QCOMPARE(part.size(), n1 - n0);
        double worst = 0;
        for (std::size_t i = 0; i < part.size(); ++i)
            worst = std::max(worst, double(std::fabs(part[i] - full[n0 + i])));
        QVERIFY2(worst <= tolerance, qPrintable(QString("[%1, %2): max difference %3").arg(a).arg(b).arg(worst)));
    }
    QVERIFY(reader.read(0.5, 0.5).empty());
    QVERIFY(reader.read(5, 6).empty()); // beyond the end: clamped, nothing
}

void TestAudioReader::nonFiniteSamplesBecomeZero()
{
    const fs::path path = file("8000-1-float-nan.wav");
    std::vector<float> x = tone(300, 8000, 8000, 0.5);
    const std::size_t bad[] = {10, 4000, 7999};
    x[bad[0]] = std::numeric_limits<float>::quiet_NaN();
    x[bad[1]] = std::numeric_limits<float>::infinity();
    x[bad[2]] = -std::numeric_limits<float>::infinity();
    QVERIFY(writeSound(path, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 8000, 1, x).empty());

    AudioReader reader(path);
    const std::vector<float> y = reader.read(0, reader.duration());
    QCOMPARE(reader.nonFiniteSamples(), SampleCount(3));
    QCOMPARE(y.size(), x.size());
    for (std::size_t i = 0; i < x.size(); ++i) {
        if (std::find(std::begin(bad), std::end(bad), i) != std::end(bad))
            QCOMPARE(y[i], 0.0f);
        else
            QCOMPARE(y[i], x[i]);
    }

    // Through the resampler too: nothing non-finite comes out.
    AudioReader resampled(path, {.targetRate = 16000});
    const std::vector<float> z = resampled.read(0, resampled.duration());
    QCOMPARE(resampled.nonFiniteSamples(), SampleCount(3));
    QVERIFY(std::all_of(z.begin(), z.end(), [](float v) { return std::isfinite(v); }));

    // Only samples of the range read are counted, not those decoded for the resampler's margin.
    AudioReader ranged(path, {.targetRate = 16000});
    ranged.read(0.1, 0.49); // the inf at 0.5 s lies in the margin
    QCOMPARE(ranged.nonFiniteSamples(), SampleCount(0));
    ranged.read(0.49, 0.51);
    QCOMPARE(ranged.nonFiniteSamples(), SampleCount(1));

    // Per channel: a picked channel counts and zeroes its own; mixing zeroes each bad one before the mean.
    const fs::path stereoPath = file("8000-2-float-nan.wav");
    const std::vector<float> left = tone(300, 8000, 800, 0.5), right = tone(700, 8000, 800, 0.25);
    std::vector<float> stereo(2 * 800);
    for (std::size_t i = 0; i < 800; ++i) {
        stereo[2 * i] = left[i];
        stereo[2 * i + 1] = right[i];
    }
    stereo[2 * 100 + 1] = std::numeric_limits<float>::quiet_NaN(); // right, frame 100
    stereo[2 * 200] = std::numeric_limits<float>::infinity();       // left, frame 200
    QVERIFY(writeSound(stereoPath, SF_FORMAT_WAV | SF_FORMAT_FLOAT, 8000, 2, stereo).empty());
    AudioReader leftOnly(stereoPath, {.channel = 0});
    const std::vector<float> l = leftOnly.read(0, leftOnly.duration());
    QCOMPARE(leftOnly.nonFiniteSamples(), SampleCount(1));
    QCOMPARE(l[100], left[100]);
    QCOMPARE(l[200], 0.0f);
    AudioReader rightOnly(stereoPath, {.channel = 1});
    const std::vector<float> r = rightOnly.read(0, rightOnly.duration());
    QCOMPARE(rightOnly.nonFiniteSamples(), SampleCount(1));
    QCOMPARE(r[100], 0.0f);
    QCOMPARE(r[200], right[200]);
    AudioReader mixed(stereoPath);
    const std::vector<float> m = mixed.read(0, mixed.duration());
    QCOMPARE(mixed.nonFiniteSamples(), SampleCount(2));
    QCOMPARE(m[100], 0.5f * left[100]);
    QCOMPARE(m[200], 0.5f * right[200]);
}

void TestAudioReader::errorsNameTheFile_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("kind");
    QTest::addColumn<QString>("expected"); // what the message must say is wrong
    QTest::newRow("missing") << "missing.wav" << "missing" << "does not exist";
    QTest::newRow("empty") << "empty.wav" << "empty" << "empty";
    QTest::newRow("truncated-wav-header") << "cut-header.wav" << "cut-wav" << "";
    QTest::newRow("truncated-flac-header") << "cut-header.flac" << "cut-flac" << "";
    QTest::newRow("text-named-wav") << "notes.wav" << "text" << "not a recognised audio file";
    QTest::newRow("directory-named-wav") << "folder.wav" << "directory" << "directory";
}

void TestAudioReader::errorsNameTheFile()
{
    QFETCH(QString, name);
    QFETCH(QString, kind);
    QFETCH(QString, expected);
    const fs::path path = file("errors-" + name.toStdString());
    if (kind == "empty") {
        std::ofstream(path).close();
    } else if (kind == "cut-wav" || kind == "cut-flac") {
        const int format = kind == "cut-wav" ? (SF_FORMAT_WAV | SF_FORMAT_PCM_16) : (SF_FORMAT_FLAC | SF_FORMAT_PCM_16);
        QVERIFY(writeSound(path, format, 44100, 1, tone(440, 44100, 4410)).empty());
        truncateFile(path, 20); // inside the header
    } else if (kind == "text") {
        std::ofstream(path) << "site,time,species\n3,12.5,crow\nthis is not audio at all\n";
    } else if (kind == "directory") {
        fs::create_directory(path);
    }

    const auto check = [&](const std::string& message, const char* call) {
        QVERIFY2(!message.empty(), qPrintable(QString("%1 did not throw AudioError").arg(call)));
        QVERIFY2(message.find("\"" + path.string() + "\"") != std::string::npos, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
    };
    check(audioErrorOf([&] { probeAudio(path); }), "probeAudio");
    check(audioErrorOf([&] { AudioReader r(path); }), "AudioReader");
    check(audioErrorOf([&] { readAudio(path, {.targetRate = 16000}); }), "readAudio");
}

void TestAudioReader::unreadableFile()
{
    if (geteuid() == 0)
        QSKIP("running as root: permissions do not stop root from reading");
    const fs::path path = file("locked-44100-1-16.wav");
    QVERIFY(writeSound(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 44100, 1, tone(440, 44100, 441)).empty());
    fs::permissions(path, fs::perms::none);
    const std::string message = audioErrorOf([&] { AudioReader r(path); });
    fs::permissions(path, fs::perms::owner_read | fs::perms::owner_write);
    QVERIFY2(message.find(path.string()) != std::string::npos, message.c_str());
    QVERIFY2(message.find("ermission") != std::string::npos, message.c_str());
}

void TestAudioReader::truncatedDataReturnsWhatWasRead_data()
{
    QTest::addColumn<int>("format");
    QTest::addColumn<QString>("name");
    QTest::newRow("wav") << (SF_FORMAT_WAV | SF_FORMAT_PCM_16) << "cut-data-16000-1-16.wav";
    QTest::newRow("flac") << (SF_FORMAT_FLAC | SF_FORMAT_PCM_16) << "cut-data-16000-1-16.flac";
}

void TestAudioReader::truncatedDataReturnsWhatWasRead()
{
    // The header promises a second; the file ends after about half of it. The reader must return
    // what is there (and not hang or throw), whether libsndfile notices the lie at open or not.
    QFETCH(int, format);
    QFETCH(QString, name);
    const fs::path path = file(name.toStdString());
    const std::vector<float> x = mixture(16000, 16000);
    QVERIFY(writeSound(path, format, 16000, 1, x).empty());
    truncateFile(path, fs::file_size(path) / 2);

    AudioReader reader(path);
    QVERIFY(reader.info().frames <= FrameIndex(x.size()));
    const std::vector<float> y = reader.read(0, 1.0);
    QVERIFY2(y.size() > x.size() / 4 && y.size() < x.size(), qPrintable(QString::number(y.size())));
    for (std::size_t i = 0; i < y.size(); ++i)
        QVERIFY2(std::fabs(y[i] - x[i]) < 1e-4, qPrintable(QString("sample %1").arg(i)));

    // Reading across the real end, resampled and streamed, also stops at the data.
    const std::vector<float> tail = reader.read(0.4, 1.0);
    QVERIFY(tail.size() < std::size_t(0.6 * 16000));
    std::size_t streamed = 0;
    AudioReader resampled(path, {.targetRate = 8000});
    resampled.stream(0, 1.0, 0.05, [&](std::span<const float> block, Seconds) {
        streamed += block.size();
        return true;
    });
    QVERIFY2(streamed > 0 && streamed < 8000, qPrintable(QString::number(streamed)));
}

void TestAudioReader::audioExtensions()
{
    for (const char* name : {"a.wav", "B.WAV", "c.W64", "d.rf64", "e.Flac", "f.ogg", "g.oga", "h.opus", "i.MP3", "j.aif",
                             "k.aiff", "l.AIFC", "m.caf", "dir/site3/0412.flac"})
        QVERIFY2(hasAudioExtension(name), name);
    for (const char* name : {"a.txt", "wav", "b.wav.bak", "c.mp4", "d", ".wav"})
        QVERIFY2(!hasAudioExtension(name), name);
}

void TestAudioReader::timeExpansionAdviceFollowsTheRates()
{
    // A bat folder read at 1 is told to try 10, a hydrophone folder at 1-4 kHz to try 0.1, with the
    // bands each would reach; birds at 44.1-96 kHz, mixed folders where most are ordinary, and any
    // factor already chosen are left alone.
    const auto advise = [](std::vector<SampleRate> rates, double factor) { return timeExpansionAdvice(rates, factor, 22050, 50.0); };
    const auto bats = advise({384000, 375000, 500000}, 1.0);
    QVERIFY(bats && bats->find("time expansion 10") != std::string::npos && bats->find("384 kHz") != std::string::npos
            && bats->find("110 kHz") != std::string::npos);
    const auto whales = advise({2000, 2000, 4000}, 1.0);
    QVERIFY(whales && whales->find("time expansion 0.1") != std::string::npos && whales->find("5 Hz") != std::string::npos);
    QVERIFY(!advise({44100, 48000, 96000}, 1.0));
    QVERIFY(!advise({384000, 44100, 44100}, 1.0));
    QVERIFY(!advise({384000, 384000}, 10.0));
    QVERIFY(!advise({2000}, 0.1));
    QVERIFY(!advise({}, 1.0));
}

QTEST_GUILESS_MAIN(TestAudioReader)
#include "tst_audioreader.moc"
