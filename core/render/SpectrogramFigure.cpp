#include "core/render/SpectrogramFigure.h"

#include "core/common/Error.h"
#include "core/common/OutputFile.h"
#include "core/render/SpectrogramImage.h"

#include <cairo.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <numbers>
#include <string>

namespace crowlingo {

namespace {

// Layout, in points (pixels at scale 1). Each panel is one band of panelHeight points.
constexpr double kTitleHeight = 26;   // panel title above the image
constexpr double kBottomMargin = 44;  // time ticks, their labels and the axis title
constexpr double kLeftMargin = 70;    // frequency tick labels and axis title
constexpr double kRightMargin = 96;   // colour bar, its labels and value label
constexpr double kBarGap = 12, kBarWidth = 14;
constexpr double kTickLength = 4;
constexpr double kTickFont = 11, kAxisFont = 12, kTitleFont = 13;
constexpr double kMinLabelSpacing = 24; // frequency ticks closer than this are dropped
constexpr double kInk = 0.13, kFrameInk = 0.2;

using SurfacePtr = std::unique_ptr<cairo_surface_t, decltype(&cairo_surface_destroy)>;
using ContextPtr = std::unique_ptr<cairo_t, decltype(&cairo_destroy)>;

struct Tick {
    double value; // in axis units (seconds, Hz, dB, bin index)
    double pos;   // in points along the axis
    std::string label;
};

// Shortest fixed-point text for v with at most maxDecimals decimals ("0.5", "2", "10").
std::string formatNumber(double v, int maxDecimals = 3)
{
    int decimals = 0;
    while (decimals < maxDecimals && std::abs(v * std::pow(10.0, decimals) - std::round(v * std::pow(10.0, decimals))) > 1e-6)
        ++decimals;
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
    std::string s = buf;
    return s == "-0" ? "0" : s;
}

// Round step (1, 2 or 5 x 10^k) giving about `target` intervals over [lo, hi]; ticks inside.
std::vector<double> niceTicks(double lo, double hi, double target)
{
    std::vector<double> ticks;
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi))
        return ticks;
    const double raw = (hi - lo) / std::max(1.0, target);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = 10 * mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) {
            step = m * mag;
            break;
        }
    const double eps = step * 1e-9;
    for (double v = std::ceil((lo - eps) / step) * step; v <= hi + eps; v += step)
        ticks.push_back(std::abs(v) < eps ? 0.0 : v);
    return ticks;
}

// Frequency axis of one panel: maps Hz to a fractional bin coordinate u in [0, bins]
// (bin b covers [b, b + 1)), from the bin centres.
struct FrequencyAxis {
    std::vector<double> centres;
    bool valid = false;  // false: centres missing or not increasing; the axis shows bin indices
    bool linear = false; // equally spaced centres (STFT); otherwise e.g. mel-spaced

    explicit FrequencyAxis(const Spectrogram& s) : centres(s.binCentres.begin(), s.binCentres.end())
    {
        valid = s.bins > 0 && int(centres.size()) == s.bins;
        for (std::size_t i = 1; valid && i < centres.size(); ++i)
            valid = centres[i] > centres[i - 1];
        if (!valid)
            return;
        linear = true;
        if (centres.size() > 2) {
            const double step = (centres.back() - centres.front()) / double(centres.size() - 1);
            for (std::size_t i = 1; linear && i < centres.size(); ++i)
                linear = std::abs(centres[i] - centres[i - 1] - step) <= 1e-6 * step;
        }
    }

    // Fractional bin coordinate of frequency f; extrapolates from the end bins.
    double u(double f) const
    {
        const std::size_t n = centres.size();
        if (n == 1)
            return 0.5;
        std::size_t i = std::size_t(std::upper_bound(centres.begin(), centres.end(), f) - centres.begin());
        i = std::clamp<std::size_t>(i, 1, n - 1);
        const double a = centres[i - 1], b = centres[i];
        return double(i - 1) + (f - a) / (b - a) + 0.5;
    }
    double lowHz() const { return centres.size() > 1 ? centres.front() - 0.5 * (centres[1] - centres[0]) : 0; }
    double highHz() const
    {
        const std::size_t n = centres.size();
        return n > 1 ? centres[n - 1] + 0.5 * (centres[n - 1] - centres[n - 2]) : centres.back() + 1;
    }
};

class Painter {
public:
    Painter(cairo_t* cr, const FigureOptions& opts) : cr(cr), opts(opts) {}

    void font(double size, bool bold = false)
    {
        cairo_select_font_face(cr, opts.fontFamily.c_str(), CAIRO_FONT_SLANT_NORMAL,
                               bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
        cairo_set_font_size(cr, size);
    }
    // Text anchored at (x, y): ax 0/0.5/1 = left/centre/right, ay 0/0.5/1 = top/middle/baseline.
    void text(const std::string& s, double x, double y, double ax, double ay, double angle = 0)
    {
        cairo_text_extents_t e;
        cairo_text_extents(cr, s.c_str(), &e);
        cairo_font_extents_t fe;
        cairo_font_extents(cr, &fe);
        cairo_save(cr);
        cairo_translate(cr, x, y);
        cairo_rotate(cr, angle);
        const double capHeight = fe.ascent * 0.72; // digits and capitals sit in about this height
        const double dy = ay == 1 ? 0 : ay == 0 ? capHeight : capHeight / 2;
        cairo_move_to(cr, -ax * e.x_advance, dy);
        cairo_set_source_rgb(cr, kInk, kInk, kInk);
        cairo_show_text(cr, s.c_str());
        cairo_restore(cr);
    }
    void line(double x0, double y0, double x1, double y1, double width = 1.0)
    {
        cairo_set_source_rgb(cr, kFrameInk, kFrameInk, kFrameInk);
        cairo_set_line_width(cr, width);
        cairo_move_to(cr, x0, y0);
        cairo_line_to(cr, x1, y1);
        cairo_stroke(cr);
    }
    void frame(double x0, double y0, double x1, double y1)
    {
        cairo_set_source_rgb(cr, kFrameInk, kFrameInk, kFrameInk);
        cairo_set_line_width(cr, 1.0);
        cairo_rectangle(cr, x0, y0, x1 - x0, y1 - y0);
        cairo_stroke(cr);
    }

    cairo_t* cr;
    const FigureOptions& opts;
};

// Frequency ticks for a non-linear (mel) axis: round frequencies, coarsest first, each kept if
// it is far enough from those already kept. Gives e.g. 0.2 0.5 1 2 3 5 10 kHz on a mel axis.
std::vector<double> spacedFrequencyTicks(const FrequencyAxis& axis, double lo, double hi, double pointsPerBin)
{
    std::vector<double> kept;
    auto tryAdd = [&](double f) {
        if (f < lo || f > hi)
            return;
        const double p = axis.u(f) * pointsPerBin;
        for (double k : kept)
            if (std::abs(axis.u(k) * pointsPerBin - p) < kMinLabelSpacing)
                return;
        kept.push_back(f);
    };
    tryAdd(0.0);
    const int kMax = int(std::floor(std::log10(std::max(hi, 1.0))));
    for (int m : {1, 5, 2, 3, 4, 6, 8})
        for (int k = kMax; k >= std::max(0, kMax - 4); --k)
            tryAdd(m * std::pow(10.0, k));
    std::sort(kept.begin(), kept.end());
    return kept;
}

void drawPanel(Painter& p, const FigurePanel& panel, double top, double tMin, double tMax)
{
    cairo_t* cr = p.cr;
    const FigureOptions& opts = p.opts;
    const double scale = opts.scale;
    const double x0 = kLeftMargin, x1 = opts.width - kRightMargin;
    const double y0 = top + kTitleHeight, y1 = top + opts.panelHeight - kBottomMargin;
    const Spectrogram& s = panel.image;
    auto timeX = [&](double t) { return x0 + (t - tMin) / (tMax - tMin) * (x1 - x0); };

    // Colour range.
    ValueRange range = autoValueRange(s, opts.lowPercentile, opts.highPercentile);
    if (!std::isnan(panel.vmin))
        range.min = panel.vmin;
    if (!std::isnan(panel.vmax))
        range.max = panel.vmax;
    if (!(range.max > range.min))
        range.max = range.min + 1.0f;

    // Title.
    p.font(kTitleFont, true);
    p.text(panel.title, x0, top + 17, 0, 1);

    // Image, pixel for pixel in device space so bins stay crisp.
    const bool hasData = s.frames > 0 && s.bins > 0 && s.hopSeconds > 0
                         && s.values.size() >= std::size_t(s.frames) * std::size_t(s.bins);
    if (hasData) {
        const int dx0 = int(std::lround(timeX(s.startSeconds) * scale));
        const int dx1 = int(std::lround(timeX(s.startSeconds + s.frames * s.hopSeconds) * scale));
        const int dy0 = int(std::lround(y0 * scale)), dy1 = int(std::lround(y1 * scale));
        if (dx1 > dx0 && dy1 > dy0) {
            SurfacePtr img(cairo_image_surface_create(CAIRO_FORMAT_RGB24, dx1 - dx0, dy1 - dy0), cairo_surface_destroy);
            if (cairo_surface_status(img.get()) == CAIRO_STATUS_SUCCESS) {
                cairo_surface_flush(img.get());
                auto* data = reinterpret_cast<std::uint32_t*>(cairo_image_surface_get_data(img.get()));
                // CAIRO_FORMAT_RGB24 is a native-endian uint32 0x??RRGGBB, the layout rendered here.
                renderSpectrogramRgb32(s, range, panel.colormap, data, dx1 - dx0, dy1 - dy0,
                                       cairo_image_surface_get_stride(img.get()) / 4);
                cairo_surface_mark_dirty(img.get());
                cairo_save(cr);
                cairo_identity_matrix(cr);
                cairo_set_source_surface(cr, img.get(), dx0, dy0);
                cairo_pattern_set_filter(cairo_get_source(cr), CAIRO_FILTER_NEAREST);
                cairo_rectangle(cr, dx0, dy0, dx1 - dx0, dy1 - dy0);
                cairo_fill(cr);
                cairo_restore(cr);
            }
        }
    }
    p.frame(x0, y0, x1, y1);

    // Time axis.
    p.font(kTickFont);
    const std::vector<double> tTicks = niceTicks(tMin, tMax, (x1 - x0) / 90.0);
    const double tStep = tTicks.size() > 1 ? tTicks[1] - tTicks[0] : 1.0;
    const int tDecimals = std::max(0, int(std::ceil(-std::log10(tStep) - 1e-9)));
    for (double t : tTicks) {
        const double x = timeX(t);
        p.line(x, y1, x, y1 + kTickLength);
        p.text(formatNumber(t, tDecimals), x, y1 + kTickLength + 3, 0.5, 0);
    }
    p.font(kAxisFont);
    p.text("Time (s)", (x0 + x1) / 2, y1 + kBottomMargin - 8, 0.5, 1);

    // Frequency axis.
    const FrequencyAxis axis(s);
    const double plotH = y1 - y0;
    const int bins = std::max(s.bins, 1);
    std::vector<Tick> fTicks;
    std::string fTitle = "Frequency bin";
    if (axis.valid) {
        const double lo = axis.lowHz(), hi = axis.highHz();
        const bool kHz = axis.centres.back() >= 2000;
        fTitle = kHz ? "Frequency (kHz)" : "Frequency (Hz)";
        std::vector<double> freqs = axis.linear ? niceTicks(std::max(lo, 0.0), hi, plotH / 35.0)
                                                : spacedFrequencyTicks(axis, lo, hi, plotH / bins);
        for (double f : freqs) {
            const double u = axis.u(f);
            if (u < 0 || u > bins)
                continue;
            fTicks.push_back({f, y1 - u / bins * plotH, formatNumber(kHz ? f / 1000 : f)});
        }
    } else if (s.bins > 0) {
        for (double b : niceTicks(0, s.bins - 1, plotH / 35.0))
            fTicks.push_back({b, y1 - (b + 0.5) / bins * plotH, formatNumber(b, 0)});
    }
    p.font(kTickFont);
    for (const Tick& t : fTicks) {
        p.line(x0 - kTickLength, t.pos, x0, t.pos);
        p.text(t.label, x0 - kTickLength - 3, t.pos, 1, 0.5);
    }
    p.font(kAxisFont);
    p.text(fTitle, 18, (y0 + y1) / 2, 0.5, 1, -std::numbers::pi / 2);

    // Colour bar: one device row per colour step, top = range.max.
    const double bx0 = x1 + kBarGap, bx1 = bx0 + kBarWidth;
    {
        cairo_save(cr);
        cairo_identity_matrix(cr);
        const int dy0 = int(std::lround(y0 * scale)), dy1 = int(std::lround(y1 * scale));
        const double dbx0 = std::round(bx0 * scale), dbx1 = std::round(bx1 * scale);
        for (int y = dy0; y < dy1; ++y) {
            const float t = 1.0f - (float(y - dy0) + 0.5f) / float(dy1 - dy0);
            const auto c = colormapRgb(panel.colormap, t);
            cairo_set_source_rgb(cr, c[0] / 255.0, c[1] / 255.0, c[2] / 255.0);
            cairo_rectangle(cr, dbx0, y, dbx1 - dbx0, 1);
            cairo_fill(cr);
        }
        cairo_restore(cr);
    }
    p.frame(bx0, y0, bx1, y1);
    p.font(kTickFont);
    const std::vector<double> vTicks = niceTicks(range.min, range.max, plotH / 32.0);
    const double vStep = vTicks.size() > 1 ? vTicks[1] - vTicks[0] : 1.0;
    const int vDecimals = std::max(0, int(std::ceil(-std::log10(vStep) - 1e-9)));
    for (double v : vTicks) {
        const double y = y1 - (v - range.min) / (range.max - range.min) * plotH;
        p.line(bx1, y, bx1 + kTickLength, y);
        p.text(formatNumber(v, vDecimals), bx1 + kTickLength + 3, y, 0, 0.5);
    }
    p.font(kAxisFont);
    p.text(panel.valueLabel, opts.width - 12, (y0 + y1) / 2, 0.5, 1, -std::numbers::pi / 2);
}

// cairo's PNG stream callback into an OutputFile; the error is kept, since C cannot pass exceptions.
struct PngSink {
    OutputFile& out;
    std::string error;

    static cairo_status_t write(void* self, const unsigned char* data, unsigned int length)
    {
        auto* sink = static_cast<PngSink*>(self);
        try {
            sink->out.write(data, length);
            return CAIRO_STATUS_SUCCESS;
        } catch (const std::exception& e) {
            sink->error = e.what();
            return CAIRO_STATUS_WRITE_ERROR;
        }
    }
};

} // namespace

void writeSpectrogramFigure(const std::filesystem::path& png, const std::vector<FigurePanel>& panels,
                            const FigureOptions& opts, const OutputRules& rules)
{
    if (panels.empty())
        throw UsageError(fileError("write figure", png, "no panels to draw"));
    if (opts.width < 200 || opts.panelHeight < 120 || !(opts.scale > 0) || opts.scale > 16)
        throw UsageError(fileError("write figure", png, "size below 200 x 120 points per panel, or scale outside (0, 16]"));
    OutputFile out(png, rules); // refuses a bad target before any drawing

    // Shared time span: the union of all panels, so the axes line up.
    double tMin = std::numeric_limits<double>::infinity(), tMax = -tMin;
    for (const FigurePanel& p : panels) {
        if (p.image.frames <= 0 || !(p.image.hopSeconds > 0))
            continue;
        tMin = std::min(tMin, p.image.startSeconds);
        tMax = std::max(tMax, p.image.startSeconds + p.image.frames * p.image.hopSeconds);
    }
    if (!(tMax > tMin)) {
        tMin = 0;
        tMax = 1;
    }

    const int w = int(std::lround(opts.width * opts.scale));
    const int h = int(std::lround(double(panels.size()) * opts.panelHeight * opts.scale));
    SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, w, h), cairo_surface_destroy);
    if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS)
        throw Error(fileError("write figure", png, cairo_status_to_string(cairo_surface_status(surface.get()))));
    ContextPtr cr(cairo_create(surface.get()), cairo_destroy);
    cairo_scale(cr.get(), opts.scale, opts.scale);
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());

    Painter painter(cr.get(), opts);
    for (std::size_t i = 0; i < panels.size(); ++i)
        drawPanel(painter, panels[i], double(i) * opts.panelHeight, tMin, tMax);

    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS)
        throw Error(fileError("write figure", png, cairo_status_to_string(cairo_status(cr.get()))));
    cairo_surface_flush(surface.get());
    // Through OutputFile, not cairo_surface_write_to_png: a short write must fail, not leave half a PNG.
    PngSink sink{out, {}};
    const cairo_status_t st = cairo_surface_write_to_png_stream(surface.get(), &PngSink::write, &sink);
    if (!sink.error.empty()) throw Error(sink.error);
    if (st != CAIRO_STATUS_SUCCESS)
        throw Error(fileError("write figure", png, cairo_status_to_string(st)));
    out.commit();
}

} // namespace crowlingo
