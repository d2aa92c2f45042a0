#include "ui/PlaybackToolBar.h"

#include "ui/ListeningController.h"

#include "core/archive/ArchiveSettings.h"

#include <QCheckBox>
#include <QDoubleSpinBox>

namespace crowlingo::ui {

PlaybackToolBar::PlaybackToolBar(ListeningController* listening, const QList<QAction*>& actions, QWidget* parent)
    : QToolBar(tr("Playback"), parent)
{
    setObjectName(QStringLiteral("playbackToolBar"));
    setMovable(false);
    setIconSize(QSize(18, 18));
    setToolButtonStyle(Qt::ToolButtonIconOnly);
    for (QAction* a : actions) {
        if (a) addAction(a);
        else addSeparator();
    }
    addSeparator();

    auto* speed = new QDoubleSpinBox(this);
    speed->setObjectName(QStringLiteral("speedSpinBox"));
    speed->setRange(0.1, 2.0);
    speed->setSingleStep(0.1);
    speed->setDecimals(2);
    speed->setValue(1.0);
    speed->setSuffix(QStringLiteral(" ×"));
    speed->setPrefix(tr("speed "));
    speed->setToolTip(tr("Playback speed (0.1–2×); slower also lowers the pitch, like tape"));
    connect(speed, &QDoubleSpinBox::valueChanged, listening, &ListeningController::setSpeed);
    addWidget(speed);

    timeExpansion_ = new QDoubleSpinBox(this);
    timeExpansion_->setObjectName(QStringLiteral("timeExpansionSpinBox"));
    timeExpansion_->setRange(ArchiveSettings::minTimeExpansion, 100.0);
    timeExpansion_->setDecimals(2);
    timeExpansion_->setValue(1.0);
    timeExpansion_->setPrefix(tr("time expansion ×"));
    timeExpansion_->setToolTip(tr("Play recordings slowed by this factor: 10 brings bat calls into hearing, 0.1 speeds "
                                  "whale infrasound up into it; set from the archive when it is opened"));
    connect(timeExpansion_, &QDoubleSpinBox::valueChanged, listening, &ListeningController::setTimeExpansion);
    addWidget(timeExpansion_);

    auto* context = new QCheckBox(tr("context ±0.5 s"), this);
    context->setToolTip(tr("Also play half a second before and after each clip"));
    connect(context, &QCheckBox::toggled, listening, &ListeningController::setContext);
    addWidget(context);
}

void PlaybackToolBar::setTimeExpansion(double factor) { timeExpansion_->setValue(factor); }

} // namespace crowlingo::ui
