#pragma once
// A spectrogram with time (s) and frequency (Hz/kHz) axes, a colour bar, an optional marked
// range (the clip inside its context), a playhead, a title and a message line for "computing…"
// or an error. Colours come from core (renderSpectrogramRgb32), rendered at the widget's size.
//
//   view->setSpectrogram(spec);  view->setMarkedRange(clip.start, clip.end);  view->setPlayhead(t);
//   view->setAxesVisible(false);  // compact: the reconstruction panels
//
// Threading: GUI thread only; compute the Spectrogram on a worker.
#include "core/dsp/Spectrogram.h"
#include "core/render/Colormap.h"
#include "core/render/SpectrogramImage.h"

#include <QImage>
#include <QWidget>

#include <optional>

namespace crowlingo::ui {

class SpectrogramView : public QWidget {
    Q_OBJECT
public:
    explicit SpectrogramView(QWidget* parent = nullptr);

    // range: nullopt = automatic (1st..99.9th percentile, as core's figures).
    void setSpectrogram(Spectrogram s, std::optional<ValueRange> range = std::nullopt);
    void clear(const QString& message = {});
    const Spectrogram& spectrogram() const { return spec_; }
    bool hasSpectrogram() const { return spec_.frames > 0; }
    ValueRange valueRange() const { return range_; }

    void setColormap(Colormap map);
    void setTitle(const QString& title);
    void setMessage(const QString& message); // over the image; empty hides
    QString message() const { return message_; }
    void setValueLabel(const QString& label);
    void setAxesVisible(bool visible);
    void setColourBarVisible(bool visible);
    void setMarkedRange(double start, double end); // recording seconds; start >= end hides it
    void setPlayhead(double seconds);              // NaN hides it
    // With axes: the time, frequency and value under the mouse, drawn in the plot's corner
    // (MeasurementText.h); empty when the mouse is elsewhere.
    QString measurementText() const { return measurement_; }

    QSize sizeHint() const override { return axes_ ? QSize(640, 260) : QSize(220, 130); }
    QSize minimumSizeHint() const override { return axes_ ? QSize(260, 140) : QSize(100, 70); }

protected:
    void paintEvent(QPaintEvent*) override;
    void resizeEvent(QResizeEvent*) override { image_ = {}; }
    void mouseMoveEvent(QMouseEvent*) override;
    void leaveEvent(QEvent*) override;

private:
    QRect plotRect() const;
    double xOfTime(double t, const QRect& plot) const;
    double yOfFrequency(double hz, const QRect& plot) const;
    void measureAt(QPointF pos);                   // NaN: the mouse left
    void drawAxes(QPainter& p, const QRect& plot);
    void drawColourBar(QPainter& p, const QRect& plot);

    Spectrogram spec_;
    ValueRange range_;
    Colormap colormap_ = Colormap::Magma;
    QImage image_;                 // cache at the plot's size
    QString title_, message_, valueLabel_ = QStringLiteral("dB");
    bool axes_ = true;
    bool colourBar_ = true;
    double markStart_ = 0, markEnd_ = 0;
    double playhead_ = qQNaN();
    QString measurement_;
};

} // namespace crowlingo::ui
