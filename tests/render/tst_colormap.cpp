// Colormaps: matplotlib's published end and middle colours, ordering by lightness, NaN, clamping, names.
#include "core/render/Colormap.h"

#include <QtTest>

#include <cmath>

using namespace crowlingo;

namespace {

using Rgb = std::array<std::uint8_t, 3>;

Rgb hex(std::uint32_t v) { return {std::uint8_t(v >> 16), std::uint8_t(v >> 8), std::uint8_t(v)}; }

int maxChannelDiff(Rgb a, Rgb b)
{
    int d = 0;
    for (int i = 0; i < 3; ++i)
        d = std::max(d, std::abs(int(a[i]) - int(b[i])));
    return d;
}

double relativeLuminance(Rgb c)
{
    auto lin = [](int v) {
        const double s = v / 255.0;
        return s <= 0.04045 ? s / 12.92 : std::pow((s + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
}

} // namespace

Q_DECLARE_METATYPE(crowlingo::Colormap)

class TestColormap : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void publishedColours_data();
    void publishedColours();
    void lightnessIncreases_data();
    void lightnessIncreases();
    void nanIsMaskedGrey();
    void clampsAndPacks();
    void names();
};

void TestColormap::publishedColours_data()
{
    QTest::addColumn<Colormap>("map");
    QTest::addColumn<float>("t");
    QTest::addColumn<uint>("expected");
    // matplotlib's first, middle (entry 128) and last entries.
    QTest::newRow("viridis(0)") << Colormap::Viridis << 0.0f << 0x440154u;
    QTest::newRow("viridis(0.5)") << Colormap::Viridis << 0.5f << 0x21918cu;
    QTest::newRow("viridis(1)") << Colormap::Viridis << 1.0f << 0xfde725u;
    QTest::newRow("magma(0)") << Colormap::Magma << 0.0f << 0x000004u;
    QTest::newRow("magma(0.5)") << Colormap::Magma << 0.5f << 0xb73779u;
    QTest::newRow("magma(1)") << Colormap::Magma << 1.0f << 0xfcfdbfu;
}

void TestColormap::publishedColours()
{
    QFETCH(Colormap, map);
    QFETCH(float, t);
    QFETCH(uint, expected);
    // The tables are a polynomial fit to matplotlib's (see Colormap.cpp): within 5/255 per channel.
    const int diff = maxChannelDiff(colormapRgb(map, t), hex(expected));
    QVERIFY2(diff <= 5, qPrintable(QString("channel differs by %1").arg(diff)));
}

void TestColormap::lightnessIncreases_data()
{
    QTest::addColumn<Colormap>("map");
    QTest::newRow("magma") << Colormap::Magma;
    QTest::newRow("viridis") << Colormap::Viridis;
}

void TestColormap::lightnessIncreases()
{
    QFETCH(Colormap, map);
    const auto& table = colormapTable(map);
    for (int i = 8; i < 256; i += 8)
        QVERIFY2(relativeLuminance(table[i]) > relativeLuminance(table[i - 8]), qPrintable(QString("entry %1").arg(i)));
}

void TestColormap::nanIsMaskedGrey()
{
    QCOMPARE(colormapRgb(Colormap::Magma, std::nanf("")), kMaskedRgb);
    QCOMPARE(colormapRgb32(Colormap::Viridis, std::nanf("")), 0xffd0d0d0u);
    QCOMPARE(kMaskedRgb[0], kMaskedRgb[1]);
    QCOMPARE(kMaskedRgb[1], kMaskedRgb[2]);
    // Masked patches must not be mistaken for data: the grey is far from every colormap entry.
    for (Colormap map : {Colormap::Magma, Colormap::Viridis})
        for (const Rgb& c : colormapTable(map))
            QVERIFY(maxChannelDiff(c, kMaskedRgb) > 30);
}

void TestColormap::clampsAndPacks()
{
    QCOMPARE(colormapRgb(Colormap::Viridis, -3.0f), colormapTable(Colormap::Viridis)[0]);
    QCOMPARE(colormapRgb(Colormap::Viridis, 7.0f), colormapTable(Colormap::Viridis)[255]);
    QCOMPARE(colormapRgb(Colormap::Magma, 100.0f / 255.0f), colormapTable(Colormap::Magma)[100]);
    const Rgb c = colormapTable(Colormap::Magma)[200];
    QCOMPARE(colormapRgb32(Colormap::Magma, 200.0f / 255.0f),
             0xff000000u | uint(c[0]) << 16 | uint(c[1]) << 8 | uint(c[2]));
}

void TestColormap::names()
{
    for (Colormap map : {Colormap::Magma, Colormap::Viridis})
        QCOMPARE(colormapFromName(colormapName(map)), std::optional<Colormap>(map));
    QCOMPARE(colormapName(Colormap::Viridis), std::string_view("viridis"));
    QVERIFY(!colormapFromName("jet").has_value());
}

QTEST_GUILESS_MAIN(TestColormap)
#include "tst_colormap.moc"
