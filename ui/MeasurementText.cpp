#include "ui/MeasurementText.h"

#include <QCoreApplication>
#include <QPainter>

#include <cmath>

namespace crowlingo::ui {

QString timeText(double s, double step)
{
    const int decimals = step >= 1.0 ? 0 : step >= 0.1 ? 1 : step >= 0.01 ? 2 : 3;
    const auto whole = qint64(std::floor(s));
    const double frac = s - double(whole);
    const QString secs = QString::number(double(whole % 60) + frac, 'f', decimals).rightJustified(decimals ? 3 + decimals : 2, '0');
    if (whole >= 3600)
        return QStringLiteral("%1:%2:%3").arg(whole / 3600).arg((whole / 60) % 60, 2, 10, QChar('0')).arg(secs);
    if (whole >= 60)
        return QStringLiteral("%1:%2").arg(whole / 60).arg(secs);
    return QString::number(s, 'f', decimals);
}

QString preciseTimeText(double seconds)
{
    return timeText(seconds, 0.001) + (seconds < 60.0 ? QStringLiteral(" s") : QString());
}

QString pointMeasurement(double seconds, double hz, std::optional<float> value, const QString& unit)
{
    QString text = preciseTimeText(seconds) + QStringLiteral("  ")
                   + (hz < 1000.0 ? QStringLiteral("%1 Hz").arg(hz, 0, 'f', 0)
                                  : QStringLiteral("%1 kHz").arg(hz / 1000.0, 0, 'f', 2));
    if (value)
        text += QStringLiteral("  %1 %2").arg(double(*value), 0, 'f', 1).arg(unit);
    return text;
}

QString rangeMeasurement(double start, double end, double lowHz, double highHz)
{
    const double length = end - start;
    const QString len = length < 1.0 ? QStringLiteral("%1 ms").arg(length * 1000.0, 0, 'f', 1)
                                     : QStringLiteral("%1 s").arg(length, 0, 'f', 3);
    QString text = QCoreApplication::translate("Measurement", "selection %1 – %2  (%3)")
                       .arg(preciseTimeText(start), preciseTimeText(end), len);
    if (highHz > lowHz)
        text += highHz < 1000.0 ? QStringLiteral("  %1 – %2 Hz").arg(lowHz, 0, 'f', 0).arg(highHz, 0, 'f', 0)
                                : QStringLiteral("  %1 – %2 kHz").arg(lowHz / 1000.0, 0, 'f', 2).arg(highHz / 1000.0, 0, 'f', 2);
    return text;
}

void drawMeasurement(QPainter& p, const QRect& plot, const QString& text)
{
    if (text.isEmpty())
        return;
    const QRect box = p.fontMetrics().boundingRect(text).adjusted(-5, -2, 5, 2);
    const QRect placed = box.translated(plot.topLeft() + QPoint(4, 4) - box.topLeft());
    p.fillRect(placed, QColor(0, 0, 0, 170));
    p.setPen(QColor(240, 240, 240));
    p.drawText(placed, Qt::AlignCenter, text);
}

} // namespace crowlingo::ui
