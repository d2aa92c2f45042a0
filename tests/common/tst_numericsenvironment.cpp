// The OpenBLAS kernel the applications ask for (core/common/NumericsEnvironment.h): a kernel for
// wider vector instructions only when OpenBLAS chose one for narrower ones than the CPU has, never
// a narrower one, and nothing for names it does not know. The end-to-end check (the kernel a real
// run uses) is in tests/cli/tst_climodelprocess.
#include "core/common/NumericsEnvironment.h"

#include <QTest>

using crowlingo::VectorUnits;

class TestNumericsEnvironment : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void kernelAskedFor_data()
    {
        QTest::addColumn<QString>("chosen");
        QTest::addColumn<int>("cpu");
        QTest::addColumn<QString>("asked");
        // Debian 12's OpenBLAS on a CPU newer than itself (seen: Intel model 207, AVX-512).
        QTest::newRow("fallback on an AVX-512 CPU") << "Prescott" << int(VectorUnits::Avx512) << "SkylakeX";
        QTest::newRow("fallback on an AVX2 CPU") << "Prescott" << int(VectorUnits::Avx2) << "Haswell";
        QTest::newRow("fallback on an AVX CPU") << "Nehalem" << int(VectorUnits::Avx) << "Sandybridge";
        QTest::newRow("AVX2 kernel, AVX-512 CPU") << "Zen" << int(VectorUnits::Avx512) << "SkylakeX";
        QTest::newRow("case as the variable may hold it") << "haswell" << int(VectorUnits::Avx512) << "SkylakeX";
        QTest::newRow("already the widest") << "SkylakeX" << int(VectorUnits::Avx512) << "";
        QTest::newRow("a newer AVX-512 kernel is kept") << "SapphireRapids" << int(VectorUnits::Avx512) << "";
        QTest::newRow("matching AVX2") << "Haswell" << int(VectorUnits::Avx2) << "";
        QTest::newRow("never narrower") << "SkylakeX" << int(VectorUnits::Avx2) << "";
        QTest::newRow("SSE-only CPU") << "Prescott" << int(VectorUnits::Sse) << "";
        QTest::newRow("unknown name") << "POWER10" << int(VectorUnits::Avx512) << "";
        QTest::newRow("not OpenBLAS") << "" << int(VectorUnits::Avx512) << "";
    }
    void kernelAskedFor()
    {
        QFETCH(QString, chosen);
        QFETCH(int, cpu);
        QFETCH(QString, asked);
        QCOMPARE(QString::fromStdString(crowlingo::betterOpenBlasKernel(chosen.toStdString(), VectorUnits(cpu))), asked);
    }

    // malloc's huge pages are asked for beside what the user set, and never against their choice.
    void hugePagesAskedFor_data()
    {
        QTest::addColumn<QString>("tunables");
        QTest::addColumn<QString>("asked");
        QTest::newRow("unset") << "" << "glibc.malloc.hugetlb=1";
        QTest::newRow("others kept") << "glibc.malloc.arena_max=2" << "glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1";
        QTest::newRow("user chose none") << "glibc.malloc.hugetlb=0" << "";
        QTest::newRow("user chose hugetlbfs, among others") << "glibc.malloc.tcache_count=0:glibc.malloc.hugetlb=2" << "";
        QTest::newRow("a name that only begins alike") << "glibc.malloc.hugetlbx=3" << "glibc.malloc.hugetlbx=3:glibc.malloc.hugetlb=1";
    }
    void hugePagesAskedFor()
    {
        QFETCH(QString, tunables);
        QFETCH(QString, asked);
        QCOMPARE(QString::fromStdString(crowlingo::tunablesWithHugePages(tunables.toStdString())), asked);
    }

    // The environment set once asks for the settings, and a second time changes nothing (a
    // re-executed program does not re-execute again).
    void settingTheEnvironmentOnce()
    {
        qunsetenv("GLIBC_TUNABLES");
        qunsetenv("OMP_WAIT_POLICY");
        QVERIFY(crowlingo::setNumericsEnvironment());
        QCOMPARE(qEnvironmentVariable("GLIBC_TUNABLES"), QStringLiteral("glibc.malloc.hugetlb=1"));
        QCOMPARE(qEnvironmentVariable("OMP_WAIT_POLICY"), QStringLiteral("PASSIVE"));
        QVERIFY(!crowlingo::setNumericsEnvironment());
    }

    // Without a BLAS in the process there is no kernel to name.
    void noOpenBlasNoKernel() { QCOMPARE(QString::fromStdString(crowlingo::openBlasKernel()), QString()); }
};

QTEST_GUILESS_MAIN(TestNumericsEnvironment)
#include "tst_numericsenvironment.moc"
