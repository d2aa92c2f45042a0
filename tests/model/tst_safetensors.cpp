// SafeTensors + Sha256: round trip, deterministic bytes, every malformed layout rejected with a
// ModelError that names the file; SHA-256 against published vectors and Qt's independent hash.
#include "core/common/Error.h"
#include "core/model/SafeTensors.h"
#include "core/model/Sha256.h"

#include <QCryptographicHash>
#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>

using namespace crowlingo;
namespace fs = std::filesystem;

namespace {

std::vector<std::byte> withHeader(const std::string& header, std::size_t dataBytes, std::uint64_t claimedLength = 0)
{
    const std::uint64_t n = claimedLength ? claimedLength : header.size();
    std::vector<std::byte> out(8 + header.size() + dataBytes);
    for (int i = 0; i < 8; ++i)
        out[std::size_t(i)] = std::byte((n >> (8 * i)) & 0xff);
    std::memcpy(out.data() + 8, header.data(), header.size());
    for (std::size_t i = 0; i < dataBytes; ++i)
        out[8 + header.size() + i] = std::byte(i * 7 & 0xff);
    return out;
}

void writeBytes(const fs::path& file, const std::vector<std::byte>& bytes)
{
    std::ofstream out(file, std::ios::binary);
    out.write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
}

std::vector<std::byte> readBytes(const fs::path& file)
{
    std::ifstream in(file, std::ios::binary);
    std::vector<char> c((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::vector<std::byte> b(c.size());
    std::memcpy(b.data(), c.data(), c.size());
    return b;
}

template <class F>
std::string modelErrorOf(F&& f)
{
    try {
        f();
    } catch (const ModelError& e) {
        return e.what();
    } catch (const std::exception& e) {
        return std::string("wrong exception type: ") + e.what();
    }
    return {};
}

SafeTensors sample()
{
    SafeTensors st;
    st.tensors["b.weight"] = {{2, 3}, {1, 2, 3, 4, 5, 6}};
    st.tensors["a.bias"] = {{4}, {-1.5f, 0.0f, 3.25f, 1e-30f}};
    st.tensors["empty"] = {{0, 5}, {}};
    st.tensors["scalar"] = {{}, {42.0f}};
    st.metadata["format"] = "test";
    st.metadata["note"] = "äöü \"quoted\"";
    return st;
}

} // namespace

class TestSafeTensors : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void sha256KnownVectors()
    {
        // FIPS 180-2 examples.
        QCOMPARE(Sha256::hex("abc"), std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
        QCOMPARE(Sha256::hex(""), std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(Sha256::hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                 std::string("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"));
    }

    void sha256MatchesQt()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        std::uint32_t state = 7;
        for (std::size_t n : {std::size_t(0), std::size_t(1), std::size_t(55), std::size_t(64), std::size_t(1000),
                              std::size_t(3 << 20) + 5}) {
            std::vector<std::byte> bytes(n);
            for (auto& b : bytes) {
                state = state * 1664525u + 1013904223u;
                b = std::byte(state >> 24);
            }
            const QByteArray qt = QCryptographicHash::hash(
                QByteArrayView(reinterpret_cast<const char*>(bytes.data()), qsizetype(n)), QCryptographicHash::Sha256);
            QCOMPARE(QString::fromStdString(Sha256::hex(bytes)), QString::fromLatin1(qt.toHex()));
            const fs::path file = fs::path(dir.path().toStdString()) / ("bytes-" + std::to_string(n));
            writeBytes(file, bytes);
            QCOMPARE(QString::fromStdString(Sha256::fileHex(file)), QString::fromLatin1(qt.toHex()));
        }
        QVERIFY(modelErrorOf([&] { Sha256::fileHex(fs::path(dir.path().toStdString()) / "missing.bin"); })
                    .find("missing.bin") != std::string::npos);
    }

    void roundTrip()
    {
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "round.safetensors";
        const SafeTensors st = sample();
        st.write(file);
        QVERIFY(!fs::exists(fs::path(file.string() + ".tmp")));
        const std::vector<std::byte> bytes = readBytes(file);
        QVERIFY(bytes == st.serialize()); // what is hashed is what is written
        // Header length is little-endian and the data start is 8-byte aligned (reference layout).
        std::uint64_t n = 0;
        for (int i = 7; i >= 0; --i)
            n = (n << 8) | std::to_integer<unsigned>(bytes[std::size_t(i)]);
        QCOMPARE(n % 8, std::uint64_t(0));
        QVERIFY(8 + n <= bytes.size());

        const SafeTensors back = SafeTensors::read(file);
        QCOMPARE(back.tensors.size(), st.tensors.size());
        for (const auto& [name, t] : st.tensors) {
            QVERIFY(back.tensors.count(name));
            QVERIFY(back.tensors.at(name).shape == t.shape);
            QVERIFY(back.tensors.at(name).values == t.values);
        }
        QVERIFY(back.metadata == st.metadata);
        QVERIFY(back.serialize() == bytes);
    }

    void rejectsMalformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        auto row = [](const char* name, const std::vector<std::byte>& b, const char* expected) {
            QTest::newRow(name) << QByteArray(reinterpret_cast<const char*>(b.data()), qsizetype(b.size()))
                                << QString(expected);
        };
        const std::vector<std::byte> good = sample().serialize();
        const std::string okEntry = R"("a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]})";

        row("empty file", {}, "truncated");
        row("truncated length field", std::vector<std::byte>(good.begin(), good.begin() + 5), "truncated");
        row("truncated header", std::vector<std::byte>(good.begin(), good.begin() + 20), "truncated");
        row("truncated data", std::vector<std::byte>(good.begin(), good.end() - 4), "out of range");
        row("header length larger than file", withHeader("{" + okEntry + "}", 24, 5000), "truncated");
        row("absurd header length", withHeader("{" + okEntry + "}", 24, std::uint64_t(1) << 60), "limit");
        row("bad JSON", withHeader(R"({"a":{"dtype":"F32",)", 24), "not valid JSON");
        row("header not an object", withHeader("[1,2,3]", 0), "not a JSON object");
        row("offsets out of range", withHeader(R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,2400]}})", 24),
            "out of range");
        row("offsets reversed", withHeader(R"({"a":{"dtype":"F32","shape":[0],"data_offsets":[8,0]}})", 8),
            "out of range");
        row("overlapping offsets",
            withHeader(R"({"a":{"dtype":"F32","shape":[6],"data_offsets":[0,24]},)"
                       R"("b":{"dtype":"F32","shape":[4],"data_offsets":[16,32]}})",
                       32),
            "overlap");
        row("hole between tensors",
            withHeader(R"({"a":{"dtype":"F32","shape":[6],"data_offsets":[0,24]},)"
                       R"("b":{"dtype":"F32","shape":[4],"data_offsets":[28,44]}})",
                       44),
            "contiguous");
        row("trailing bytes", withHeader("{" + okEntry + "}", 28), "trailing");
        row("unsupported dtype", withHeader(R"({"a":{"dtype":"F16","shape":[2,3],"data_offsets":[0,12]}})", 12),
            "unsupported dtype");
        row("missing dtype", withHeader(R"({"a":{"shape":[2,3],"data_offsets":[0,24]}})", 24), "dtype");
        row("shape and byte count disagree", withHeader(R"({"a":{"dtype":"F32","shape":[2,3],"data_offsets":[0,20]}})", 20),
            "needs 24 bytes");
        row("negative dimension", withHeader(R"({"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", 4),
            "non-negative");
        row("fractional dimension", withHeader(R"({"a":{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}})", 4),
            "non-negative");
        row("absurd shape",
            withHeader(R"({"a":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}})", 4), "absurd");
        row("offsets not a pair", withHeader(R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0]}})", 4),
            "data_offsets");
        row("entry not an object", withHeader(R"({"a":[1,2]})", 0), "not a JSON object");
        row("metadata not strings", withHeader(R"({"__metadata__":{"k":1}})", 0), "not a string");
    }

    void rejectsMalformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        QTemporaryDir dir;
        const fs::path file = fs::path(dir.path().toStdString()) / "weights-under-test.safetensors";
        std::vector<std::byte> b(std::size_t(bytes.size()));
        if (!b.empty()) std::memcpy(b.data(), bytes.constData(), b.size()); // memcpy from null is UB, even for 0 bytes
        writeBytes(file, b);
        const std::string message = modelErrorOf([&] { SafeTensors::read(file); });
        QVERIFY2(message.find(file.string()) != std::string::npos, message.c_str());
        QVERIFY2(message.find(expected.toStdString()) != std::string::npos, message.c_str());
        // The in-memory parser gives the same verdict.
        QVERIFY(!modelErrorOf([&] { SafeTensors::parse(b, file); }).empty());
    }

    void missingFileNamed()
    {
        const std::string message = modelErrorOf([] { SafeTensors::read("/nonexistent/dir/x.safetensors"); });
        QVERIFY2(message.find("/nonexistent/dir/x.safetensors") != std::string::npos, message.c_str());
    }
};

QTEST_GUILESS_MAIN(TestSafeTensors)
#include "tst_safetensors.moc"
