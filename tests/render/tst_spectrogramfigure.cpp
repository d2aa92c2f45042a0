// PNG figures: size, masked (NaN) patches in grey, colours from the panel's colormap, time axes
// aligned across panels, text drawn, errors. The PNG is read back with cairo.
#include "core/common/Error.h"
#include "core/dsp/MelSpectrogram.h"
#include "core/render/SpectrogramFigure.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cairo.h>

#include <cmath>
#include <numbers>

using namespace crowlingo;

namespace {

// A 2 s frequency sweep with harmonics, as a log-mel spectrogram starting at `start`.
Spectrogram sweep(double start, double seconds)
{
    const int rate = 22050;
    std::vector<float> x(std::size_t(rate * seconds));
    double phase = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        const double t = double(i) / rate;
        phase += 2 * std::numbers::pi * (1500 + 1000 * std::sin(2 * std::numbers::pi * 2 * t)) / rate;
        x[i] = float(0.3 * std::sin(phase) + 0.1 * std::sin(2 * phase) + 0.001 * std::sin(7.0 * i));
    }
    return MelSpectrogram(MelParams{.sampleRate = rate}).compute(x, start);
}

struct Png {
    cairo_surface_t* surface = nullptr;
    explicit Png(const QString& path) : surface(cairo_image_surface_create_from_png(path.toLocal8Bit().constData())) {}
    ~Png() { cairo_surface_destroy(surface); }
    bool ok() const { return cairo_surface_status(surface) == CAIRO_STATUS_SUCCESS; }
    int width() const { return cairo_image_surface_get_width(surface); }
    int height() const { return cairo_image_surface_get_height(surface); }
    std::uint32_t rgb(int x, int y) const // 0xRRGGBB
    {
        const auto* row = cairo_image_surface_get_data(surface) + std::ptrdiff_t(y) * cairo_image_surface_get_stride(surface);
        return reinterpret_cast<const std::uint32_t*>(row)[x] & 0xffffffu;
    }
};

bool inTable(Colormap map, std::uint32_t rgb)
{
    for (const auto& c : colormapTable(map))
        if ((std::uint32_t(c[0]) << 16 | std::uint32_t(c[1]) << 8 | c[2]) == rgb)
            return true;
    return false;
}

} // namespace

class TestSpectrogramFigure : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void writesReadablePng();
    void errors();

private:
    QTemporaryDir dir;
};

void TestSpectrogramFigure::writesReadablePng()
{
    // Panel 0: 0..2 s, first half masked (NaN), second half one value above vmax (-> last colour).
    Spectrogram masked = sweep(0.0, 2.0);
    for (int t = 0; t < masked.frames; ++t)
        for (int b = 0; b < masked.bins; ++b)
            masked.at(t, b) = t < masked.frames / 2 ? std::nanf("") : 50.0f;
    // Panel 1: starts at 1 s, so its image must cover only the right half of the shared time axis.
    const Spectrogram late = sweep(1.0, 1.0); // its frames end where panel 0's do
    QVERIFY(std::abs((late.startSeconds + late.frames * late.hopSeconds) - masked.frames * masked.hopSeconds) < 0.02);

    const std::vector<FigurePanel> panels{
        {.title = "masked", .image = masked, .vmin = -60, .vmax = 0},
        {.title = "late start", .image = late, .colormap = Colormap::Viridis, .valueLabel = "dB re 1"},
    };
    const FigureOptions opts{.width = 800, .panelHeight = 260, .scale = 1.5};
    const QString path = dir.filePath("figure.png");
    writeSpectrogramFigure(path.toStdString(), panels, opts);

    Png png(path);
    QVERIFY(png.ok());
    QCOMPARE(png.width(), 1200);
    QCOMPARE(png.height(), 780);

    // Rows through the middle of each panel's image; columns at 1/4 and 3/4 of the width fall in
    // the left and right halves of the plot for any sensible margins.
    const int mid0 = int(0.5 * 260 * 1.5), mid1 = int(1.5 * 260 * 1.5);
    const int left = 1200 / 4, right = 1200 * 3 / 4;
    QCOMPARE(png.rgb(left, mid0), 0xd0d0d0u);  // masked: kMaskedRgb
    QCOMPARE(png.rgb(right, mid0), colormapRgb32(Colormap::Magma, 1.0f) & 0xffffffu);
    QCOMPARE(png.rgb(left, mid1), 0xffffffu);  // no data yet: background
    QVERIFY(inTable(Colormap::Viridis, png.rgb(right, mid1)));

    // The masked half is one grey block: count grey pixels along the middle row of panel 0.
    int grey = 0;
    for (int x = 0; x < png.width(); ++x)
        grey += png.rgb(x, mid0) == 0xd0d0d0u;
    QVERIFY2(grey > png.width() / 4 && grey < png.width() / 2, qPrintable(QString::number(grey)));

    // Text (titles, ticks) is drawn: dark pixels in the title band of each panel.
    for (int panel = 0; panel < 2; ++panel) {
        int ink = 0;
        for (int y = int(panel * 260 * 1.5); y < int((panel * 260 + 24) * 1.5); ++y)
            for (int x = 0; x < png.width(); ++x)
                ink += (png.rgb(x, y) & 0xff) < 100;
        QVERIFY2(ink > 50, qPrintable(QString("panel %1: %2 dark pixels").arg(panel).arg(ink)));
    }
}

void TestSpectrogramFigure::errors()
{
    QVERIFY_THROWS_EXCEPTION(UsageError, writeSpectrogramFigure(dir.filePath("none.png").toStdString(), {}));
    const std::string bad = dir.filePath("no-such-folder/figure.png").toStdString();
    try {
        writeSpectrogramFigure(bad, {FigurePanel{.title = "x", .image = sweep(0, 0.5)}});
        QFAIL("expected an Error");
    } catch (const Error& e) {
        QVERIFY2(std::string(e.what()).find(bad) != std::string::npos, e.what());
    }
}

QTEST_GUILESS_MAIN(TestSpectrogramFigure)
#include "tst_spectrogramfigure.moc"
