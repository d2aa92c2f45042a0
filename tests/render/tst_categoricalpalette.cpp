// Category colours: the first ten are matplotlib's Tableau colours; every colour up to 60 stays
// far (CIE76) from all the others, readable on white and apart from the grey kept for noise;
// the same index gives the same colour whatever was asked for before.
#include "core/render/CategoricalPalette.h"

#include <QtTest>

#include <cstdio>

using namespace crowlingo;

class TestCategoricalPalette : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void reference()
    {
        // Independent reference values: sRGB white is L* 100, black 0; pure red is
        // L* 53.24, a* 80.09, b* 67.20 (Lindbloom's calculator), so its chroma is 104.55.
        QCOMPARE(std::round(cieLightness(0xffffff) * 100) / 100, 100.0);
        QCOMPARE(cieLightness(0x000000), 0.0);
        QVERIFY(std::abs(cieLightness(0xff0000) - 53.24) < 0.05);
        QVERIFY(std::abs(cieChroma(0xff0000) - 104.55) < 0.1);
        QVERIFY(cieChroma(0x808080) < 0.01);
        QVERIFY(std::abs(cie76Distance(0x000000, 0xffffff) - 100.0) < 0.01);
    }

    void startsWithTableau()
    {
        QCOMPARE(categoricalColour(0), 0x1f77b4u);
        QCOMPARE(categoricalColour(1), 0xff7f0eu);
        QCOMPARE(categoricalColour(9), 0x393b79u);
    }

    void staysDistinguishableBeyondTwenty()
    {
        constexpr int n = 60;
        double closest = 1e9;
        int ci = -1, cj = -1;
        for (int i = 0; i < n; ++i) {
            const std::uint32_t c = categoricalColour(i);
            if (i >= 10) { // the added ones; the Tableau ten are what they are
                QVERIFY2(cieLightness(c) >= 34.9 && cieLightness(c) <= 85.1, qPrintable(QString::number(c, 16)));
                QVERIFY2(cieChroma(c) >= 24.9, qPrintable(QString::number(c, 16)));
            }
            for (int j = 0; j < i; ++j)
                if (const double d = cie76Distance(c, categoricalColour(j)); d < closest) {
                    closest = d;
                    ci = i;
                    cj = j;
                }
        }
        std::printf("closest pair among %d colours: %d and %d, dE76 %.1f\n", n, cj, ci, closest);
        // Matplotlib's tab20 (the palette this replaces) has two of its 20 only 16.6 apart
        // (#aec7e8 and #c5b0d5, computed with the same formula).
        QVERIFY2(closest > 20.0, qPrintable(QString("colours %1 and %2 only %3 apart").arg(cj).arg(ci).arg(closest)));
        // The first 30 (a typical labelled set: 29 syllable types) are farther apart still.
        double closest30 = 1e9;
        for (int i = 0; i < 30; ++i)
            for (int j = 0; j < i; ++j) closest30 = std::min(closest30, cie76Distance(categoricalColour(i), categoricalColour(j)));
        std::printf("closest pair among 30: dE76 %.1f\n", closest30);
        QVERIFY2(closest30 > 25.0, qPrintable(QString::number(closest30)));
    }

    void sameIndexSameColour()
    {
        const std::uint32_t at40 = categoricalColour(40);
        (void)categoricalColour(200);
        QCOMPARE(categoricalColour(40), at40);
    }
};

QTEST_GUILESS_MAIN(TestCategoricalPalette)
#include "tst_categoricalpalette.moc"
