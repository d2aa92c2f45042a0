#pragma once
// The read-outs the spectrogram views draw as the mouse moves over them, as Raven and Sonic
// Visualiser show them: the time (to the millisecond), frequency and level under the mouse, and a
// dragged range's start, end and length; and the recording view's time labels, which they share.
//
//   view text: pointMeasurement(3.5, 1230.0, -6.1f)  ->  "3.500 s  1.23 kHz  -6.1 dB"
//              rangeMeasurement(3.3, 3.7)             ->  "selection 3.300 s – 3.700 s  (400.0 ms)"
//
// Threading: pure functions.
#include <QString>

#include <optional>

class QPainter;
class QRect;

namespace crowlingo::ui {

// A time for an axis tick `step` apart: as many decimals as the step needs, m:ss or h:mm:ss from a
// minute on ("12.5", "1:02.5", "1:00:02").
QString timeText(double seconds, double step);
QString preciseTimeText(double seconds);   // "3.500 s", or h:mm:ss.sss from a minute on
QString pointMeasurement(double seconds, double hz, std::optional<float> value, const QString& unit = QStringLiteral("dB"));
// With a band (highHz > lowHz), its edges too: "... (400.0 ms)  1.20 – 4.50 kHz".
QString rangeMeasurement(double start, double end, double lowHz = 0, double highHz = 0);

// The read-out in the plot's top-left corner, on a dark band legible over any colour.
void drawMeasurement(QPainter& p, const QRect& plot, const QString& text);

} // namespace crowlingo::ui
