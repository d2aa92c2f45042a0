#pragma once
// A folder of bad and odd inputs, each next to good recordings, for the reliability tests: what a
// field archive really holds (truncated copies, text files with audio names, dead channels,
// clipped recorders, ultrasound rates, unreadable files, link loops). Every entry names the kind
// it stands for and what must become of it.
#include <sndfile.h>
#include <sys/stat.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <numbers>
#include <random>
#include <string>
#include <vector>

namespace crowlingo::testkit {

enum class Expect {
    Embedded,       // decodes: clips with finite vectors
    EmbeddedWithNote, // decodes, and the report says what is odd about it
    Failed,         // a per-file error saying what is wrong
    NotAFile,       // not listed as a recording at all (a folder, a link loop)
};

struct BadInput {
    std::string kind;
    std::filesystem::path path;   // relative to the corpus root
    Expect expect;
    std::vector<std::string> mentions; // what the per-file message must say (any of, case-insensitive)
};

// Chirps and clicks with some structure, so the good files have something to embed.
inline std::vector<float> birdish(int rate, double seconds, int channels = 1, double amplitude = 0.4, unsigned seed = 1)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> noise(0.f, 0.01f);
    const std::size_t n = std::size_t(rate * seconds);
    std::vector<float> x(n * std::size_t(channels));
    double phase = 0;
    for (std::size_t i = 0; i < n; ++i) {
        const double t = double(i) / rate;
        const double local = std::fmod(t, 0.5);
        const double f = 2000 + 3000 * local;
        phase += 2 * std::numbers::pi * f / rate;
        const double env = local < 0.2 ? std::sin(std::numbers::pi * local / 0.2) : 0.0;
        const float v = float(amplitude * env * std::sin(phase)) + noise(rng);
        for (int c = 0; c < channels; ++c) x[i * std::size_t(channels) + std::size_t(c)] = v;
    }
    return x;
}

inline bool writeFrames(const std::filesystem::path& path, int format, int rate, int channels, const std::vector<float>& x)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) return false;
    const sf_count_t frames = sf_count_t(x.size()) / channels;
    const bool ok = sf_writef_float(f, x.data(), frames) == frames;
    sf_close(f);
    return ok;
}

inline bool writeDoubles(const std::filesystem::path& path, int rate, const std::vector<double>& x)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = 1;
    info.format = SF_FORMAT_WAV | SF_FORMAT_DOUBLE;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    if (!f) return false;
    const bool ok = sf_writef_double(f, x.data(), sf_count_t(x.size())) == sf_count_t(x.size());
    sf_close(f);
    return ok;
}

inline void truncateTo(const std::filesystem::path& path, double fraction)
{
    std::filesystem::resize_file(path, std::uintmax_t(double(std::filesystem::file_size(path)) * fraction));
}

// Writes the corpus under root and returns what each entry is. Needs no privileges; the
// unreadable file is only unreadable to a process without CAP_DAC_OVERRIDE (see the test).
inline std::vector<BadInput> writeBadInputCorpus(const std::filesystem::path& root)
{
    namespace fs = std::filesystem;
    fs::create_directories(root);
    std::vector<BadInput> list;
    const auto add = [&](std::string kind, fs::path p, Expect e, std::vector<std::string> mentions = {}) {
        list.push_back({std::move(kind), std::move(p), e, std::move(mentions)});
    };
    const int sr = 22050;
    const std::vector<float> good = birdish(sr, 3.0);
    const int wav16 = SF_FORMAT_WAV | SF_FORMAT_PCM_16;

    // Good files of every compressed kind: their truncated copies are made from them.
    writeFrames(root / "good.wav", wav16, sr, 1, good);
    add("good 16-bit WAV", "good.wav", Expect::Embedded);
    writeFrames(root / "good.flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, sr, 1, good);
    add("good FLAC", "good.flac", Expect::Embedded);
    writeFrames(root / "good.ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, sr, 1, good);
    add("good Ogg Vorbis", "good.ogg", Expect::Embedded);
    writeFrames(root / "good.mp3", SF_FORMAT_MPEG | SF_FORMAT_MPEG_LAYER_III, sr, 1, good);
    add("good MP3", "good.mp3", Expect::Embedded);

    std::ofstream(root / "empty.wav");
    add("empty file", "empty.wav", Expect::Failed, {"empty"});
    for (const char* ext : {"wav", "flac", "mp3", "ogg"}) {
        const fs::path p = std::string("truncated.") + ext;
        fs::copy_file(root / (std::string("good.") + ext), root / p);
        truncateTo(root / p, 0.5);
        // Half a file still holds audio: decode what is there, or say the file is damaged.
        add(std::string("truncated ") + ext, p, Expect::EmbeddedWithNote, {"truncated", "shorter", "damaged", "corrupt"});
    }
    fs::copy_file(root / "good.flac", root / "header-only.flac");
    truncateTo(root / "header-only.flac", 0.02);
    add("FLAC cut inside its header", "header-only.flac", Expect::Failed, {"truncated", "no samples", "not", "corrupt", "damaged"});
    std::ofstream(root / "notes.wav") << "field notes: site 3, rain from 05:10, recorder battery low\n";
    add("text file named .wav", "notes.wav", Expect::Failed, {"not an audio", "not a", "format", "recognised"});
    fs::create_directories(root / "folder.wav");
    writeFrames(root / "folder.wav" / "inside.wav", wav16, sr, 1, good);
    add("directory named .wav (its content is searched)", "folder.wav/inside.wav", Expect::Embedded);

    writeFrames(root / "pcm8.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_U8, sr, 1, good);
    add("8-bit WAV", "pcm8.wav", Expect::Embedded);
    writeFrames(root / "pcm24.wav", SF_FORMAT_WAV | SF_FORMAT_PCM_24, sr, 1, good);
    add("24-bit WAV", "pcm24.wav", Expect::Embedded);
    writeFrames(root / "float32.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, sr, 1, good);
    add("32-bit float WAV", "float32.wav", Expect::Embedded);
    writeDoubles(root / "float64.wav", sr, std::vector<double>(good.begin(), good.end()));
    add("64-bit float WAV", "float64.wav", Expect::Embedded);

    std::vector<float> withNan = good;
    for (std::size_t i = 100; i < withNan.size(); i += 997) withNan[i] = std::nanf("");
    writeFrames(root / "nan.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, sr, 1, withNan);
    add("float WAV with NaN", "nan.wav", Expect::EmbeddedWithNote, {"nan"});
    std::vector<float> withInf = good;
    for (std::size_t i = 50; i < withInf.size(); i += 1500) withInf[i] = (i % 2 ? 1 : -1) * INFINITY;
    writeFrames(root / "inf.wav", SF_FORMAT_WAV | SF_FORMAT_FLOAT, sr, 1, withInf);
    add("float WAV with infinity", "inf.wav", Expect::EmbeddedWithNote, {"infinite"});
    std::vector<double> huge(good.begin(), good.end());
    for (double& v : huge) v *= 1e300;
    writeDoubles(root / "huge.wav", sr, huge);
    // Beyond float range: libsndfile hands them over as infinities.
    add("64-bit float WAV with absurd values (1e300)", "huge.wav", Expect::EmbeddedWithNote, {"absurd", "large", "infinite"});

    writeFrames(root / "silence.wav", wav16, sr, 1, std::vector<float>(good.size(), 0.f));
    add("digital silence", "silence.wav", Expect::EmbeddedWithNote, {"silence"});
    writeFrames(root / "dc.wav", wav16, sr, 1, std::vector<float>(good.size(), 0.25f));
    add("constant DC", "dc.wav", Expect::EmbeddedWithNote, {"constant", "dc"});
    std::vector<float> clipped = good;
    for (float& v : clipped) v = std::clamp(v * 20.f, -1.f, 1.f);
    writeFrames(root / "clipped.wav", wav16, sr, 1, clipped);
    add("heavy clipping", "clipped.wav", Expect::EmbeddedWithNote, {"clipp"});
    writeFrames(root / "one-sample.wav", wav16, sr, 1, {0.5f});
    add("1 sample long", "one-sample.wav", Expect::Failed, {"too short"});

    writeFrames(root / "rate8k.wav", wav16, 8000, 1, birdish(8000, 3.0));
    add("8 kHz", "rate8k.wav", Expect::Embedded);
    writeFrames(root / "rate384k.wav", wav16, 384000, 1, birdish(384000, 1.0));
    add("384 kHz", "rate384k.wav", Expect::Embedded);
    writeFrames(root / "eight-channels.wav", wav16, sr, 8, birdish(sr, 2.0, 8));
    add("8 channels", "eight-channels.wav", Expect::Embedded);
    writeFrames(root / "rf64.wav", SF_FORMAT_RF64 | SF_FORMAT_PCM_16, sr, 1, good);
    add("RF64", "rf64.wav", Expect::Embedded);

    // A header that promises ten times the data there is (a recorder that died mid-file).
    fs::copy_file(root / "good.wav", root / "lying-header.wav");
    {
        std::fstream f(root / "lying-header.wav", std::ios::in | std::ios::out | std::ios::binary);
        const std::uint32_t riff = std::uint32_t(fs::file_size(root / "good.wav")) * 10, data = riff - 36;
        f.seekp(4);
        f.write(reinterpret_cast<const char*>(&riff), 4); // little-endian machine
        f.seekp(40);
        f.write(reinterpret_cast<const char*>(&data), 4);
    }
    add("WAV header lying about its length", "lying-header.wav", Expect::EmbeddedWithNote, {"truncated", "header"});

    const std::string latin1 = std::string("caf\xe9-") + "\xff\xfe.wav"; // not UTF-8
    writeFrames(root / latin1, wav16, sr, 1, good);
    add("non-UTF-8 file name", latin1, Expect::Embedded);
    const std::string longName = std::string(240, 'n') + ".wav";
    writeFrames(root / longName, wav16, sr, 1, good);
    add("very long file name", longName, Expect::Embedded);

    writeFrames(root / "unreadable.wav", wav16, sr, 1, good);
    fs::permissions(root / "unreadable.wav", fs::perms::none);
    add("file without read permission", "unreadable.wav", Expect::Failed, {"permission"});

    fs::create_directories(root / "loop");
    fs::create_directory_symlink("..", root / "loop" / "up");     // a folder loop
    fs::create_symlink("self-b.wav", root / "self-a.wav");         // a file link loop
    fs::create_symlink("self-a.wav", root / "self-b.wav");
    add("symlink loop (folder)", "loop/up", Expect::NotAFile);
    add("symlink loop (file)", "self-a.wav", Expect::Failed, {"link loop"});
    fs::create_symlink("nowhere.wav", root / "dangling.wav");
    add("dangling symlink", "dangling.wav", Expect::Failed, {"broken symbolic link"});

    ::mkfifo((root / "pipe.wav").c_str(), 0644); // opening it for reading would wait forever
    add("named pipe (FIFO) named .wav", "pipe.wav", Expect::Failed, {"not a regular file"});

    // Changed after the scan (the test deletes and rewrites them at the scan's report).
    writeFrames(root / "zz-deleted-after-scan.wav", wav16, sr, 1, good);
    add("file deleted between scan and decode", "zz-deleted-after-scan.wav", Expect::Failed, {"no such", "missing", "exist", "deleted"});
    writeFrames(root / "zz-rewritten-after-scan.wav", wav16, sr, 1, good);
    add("file rewritten (as text) between scan and decode", "zz-rewritten-after-scan.wav", Expect::Failed,
        {"not an audio", "not a", "format", "recognised", "changed"});
    return list;
}

} // namespace crowlingo::testkit
