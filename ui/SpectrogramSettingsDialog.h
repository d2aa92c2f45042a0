#pragma once
// View ▸ Spectrogram Settings…: the one set of spectrogram settings every view uses (recording
// view, clip inspector, neighbour thumbnails), applied as they are changed and remembered between
// sessions (QSettings, group "spectrogram").
//
//   auto* dialog = new SpectrogramSettingsDialog(loadSpectrogramSettings(), this);
//   connect(dialog, &SpectrogramSettingsDialog::settingsChanged, window, &Window::apply);
//
// Threading: GUI thread only.
#include "core/render/SpectrogramSettings.h"

#include <QDialog>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;

namespace crowlingo::ui {

// The settings remembered in QSettings (defaults where nothing valid is stored).
SpectrogramSettings loadSpectrogramSettings();
void saveSpectrogramSettings(const SpectrogramSettings& settings);

class SpectrogramSettingsDialog : public QDialog {
    Q_OBJECT
public:
    explicit SpectrogramSettingsDialog(const SpectrogramSettings& settings, QWidget* parent = nullptr);
    SpectrogramSettings settings() const { return settings_; }
    void setSettings(const SpectrogramSettings& settings); // fills the fields (no signal)

Q_SIGNALS:
    void settingsChanged(const crowlingo::SpectrogramSettings& settings);

private:
    void readFields();

    SpectrogramSettings settings_;
    QComboBox* fft_;
    QComboBox* overlap_;
    QComboBox* window_;
    QDoubleSpinBox* range_;
    QCheckBox* autoTop_;
    QDoubleSpinBox* top_;
    QComboBox* colormap_;
    QDoubleSpinBox* minHz_;
    QDoubleSpinBox* maxHz_;
    QLabel* resolution_;
    bool filling_ = false;
};

} // namespace crowlingo::ui
