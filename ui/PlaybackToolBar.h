#pragma once
// The playback toolbar: the play actions it is given, then playback speed, time expansion and
// ±0.5 s of context, each handed to the ListeningController as it changes.
//
//   auto* bar = new PlaybackToolBar(listening, {openAction, nullptr, playAction, stopAction}, this);
//   addToolBar(bar);
//   bar->setTimeExpansion(10);   // an archive of bat calls recorded at ×10
//
// Threading: GUI thread only.
#include <QList>
#include <QToolBar>

class QDoubleSpinBox;

namespace crowlingo::ui {

class ListeningController;

class PlaybackToolBar : public QToolBar {
    Q_OBJECT
public:
    // A null action in `actions` is a separator.
    PlaybackToolBar(ListeningController* listening, const QList<QAction*>& actions, QWidget* parent = nullptr);

    void setTimeExpansion(double factor); // shown and used for what plays next

private:
    QDoubleSpinBox* timeExpansion_;
};

} // namespace crowlingo::ui
