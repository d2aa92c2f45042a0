// Spectrogram -> RGB32 pixels: orientation (low frequency at the bottom), NaN, peak-preserving
// downscaling, strides, automatic colour range.
#include "core/render/SpectrogramImage.h"

#include <QtTest>

#include <cmath>

using namespace crowlingo;

namespace {

Spectrogram make(int frames, int bins, std::vector<float> values)
{
    Spectrogram s;
    s.frames = frames;
    s.bins = bins;
    s.values = std::move(values);
    s.hopSeconds = 0.01;
    return s;
}

} // namespace

class TestSpectrogramImage : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void onePixelPerValueLowFrequencyAtBottom();
    void downscalingKeepsPeaks();
    void upscalingRepeatsPixels();
    void writesOnlyInsideStride();
    void autoRange();
};

void TestSpectrogramImage::onePixelPerValueLowFrequencyAtBottom()
{
    const float nan = std::nanf("");
    // frame-major: frame 0 = {bin0 0, bin1 1}, frame 1 = {NaN, 0.5}, frame 2 = {1, 0}
    const Spectrogram s = make(3, 2, {0.0f, 1.0f, nan, 0.5f, 1.0f, 0.0f});
    const auto px = renderSpectrogramRgb32(s, {0.0f, 1.0f}, Colormap::Viridis);
    QCOMPARE(px.size(), std::size_t(6));
    auto c = [](float t) { return colormapRgb32(Colormap::Viridis, t); };
    // Row 0 (top) is bin 1, row 1 (bottom) is bin 0.
    const std::vector<std::uint32_t> expected{c(1.0f), c(0.5f), c(0.0f), c(0.0f), c(nan), c(1.0f)};
    QCOMPARE(px, expected);
    for (std::uint32_t p : px)
        QCOMPARE(p >> 24, 0xffu);
}

void TestSpectrogramImage::downscalingKeepsPeaks()
{
    std::vector<float> v(100 * 4, -80.0f);
    v[73 * 4 + 2] = 0.0f; // one loud cell: frame 73, bin 2
    const Spectrogram s = make(100, 4, v);
    std::vector<std::uint32_t> px(10 * 2);
    renderSpectrogramRgb32(s, {-80.0f, 0.0f}, Colormap::Magma, px.data(), 10, 2, 10);
    const std::uint32_t loud = colormapRgb32(Colormap::Magma, 1.0f), quiet = colormapRgb32(Colormap::Magma, 0.0f);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 10; ++x)
            QCOMPARE(px[y * 10 + x], (y == 0 && x == 7) ? loud : quiet); // bins 2-3 are the top row
}

void TestSpectrogramImage::upscalingRepeatsPixels()
{
    const Spectrogram s = make(2, 1, {0.0f, 1.0f});
    std::vector<std::uint32_t> px(6 * 3);
    renderSpectrogramRgb32(s, {0.0f, 1.0f}, Colormap::Magma, px.data(), 6, 3, 6);
    for (int y = 0; y < 3; ++y)
        for (int x = 0; x < 6; ++x)
            QCOMPARE(px[y * 6 + x], colormapRgb32(Colormap::Magma, x < 3 ? 0.0f : 1.0f));
}

void TestSpectrogramImage::writesOnlyInsideStride()
{
    const Spectrogram s = make(3, 2, {0, 0, 0, 0, 0, 0});
    std::vector<std::uint32_t> px(5 * 2, 0x12345678u);
    renderSpectrogramRgb32(s, {0.0f, 1.0f}, Colormap::Magma, px.data(), 3, 2, 5);
    for (int y = 0; y < 2; ++y)
        for (int x = 0; x < 5; ++x)
            QCOMPARE(px[y * 5 + x], x < 3 ? colormapRgb32(Colormap::Magma, 0.0f) : 0x12345678u);
}

void TestSpectrogramImage::autoRange()
{
    std::vector<float> v;
    for (int i = 0; i <= 1000; ++i)
        v.push_back(float(i));
    v.push_back(std::nanf(""));
    v.push_back(-INFINITY);
    ValueRange r = autoValueRange(make(int(v.size()), 1, v), 1.0, 99.0);
    QCOMPARE(r.min, 10.0f);
    QCOMPARE(r.max, 990.0f);

    r = autoValueRange(make(3, 1, {-20.0f, -20.0f, -20.0f}));
    QCOMPARE(r.min, -21.0f);
    QCOMPARE(r.max, -19.0f);

    r = autoValueRange(make(2, 1, {std::nanf(""), std::nanf("")}));
    QVERIFY(r.max > r.min);
}

QTEST_GUILESS_MAIN(TestSpectrogramImage)
#include "tst_spectrogramimage.moc"
