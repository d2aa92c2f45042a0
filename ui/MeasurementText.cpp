#include "ui/MeasurementText.h"

#include <QCoreApplication>
#include <QPainter>

#include <cmath>

namespace crowlingo::ui {

QString preciseTimeText(double seconds)
{
    if (seconds < 60.0)
        return QStringLiteral("%1 s").arg(seconds, 0, 'f', 3);
    const auto whole = qint64(std::floor(seconds));
    const QString secs = QString::number(double(whole % 60) + (seconds - double(whole)), 'f', 3).rightJustified(6, QLatin1Char('0'));
    if (whole >= 3600)
        return QStringLiteral("%1:%2:%3").arg(whole / 3600).arg((whole / 60) % 60, 2, 10, QLatin1Char('0')).arg(secs);
    return QStringLiteral("%1:%2").arg(whole / 60).arg(secs);
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

QString rangeMeasurement(double start, double end)
{
    const double length = end - start;
    const QString len = length < 1.0 ? QStringLiteral("%1 ms").arg(length * 1000.0, 0, 'f', 1)
                                     : QStringLiteral("%1 s").arg(length, 0, 'f', 3);
    return QCoreApplication::translate("Measurement", "selection %1 – %2  (%3)")
        .arg(preciseTimeText(start), preciseTimeText(end), len);
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
