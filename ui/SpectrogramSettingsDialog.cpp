#include "ui/SpectrogramSettingsDialog.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>
#include <QSettings>
#include <QVBoxLayout>

namespace crowlingo::ui {

namespace {
const double kOverlaps[] = {0.0, 0.5, 0.75, 0.875, 0.9375};
}

SpectrogramSettings loadSpectrogramSettings()
{
    QSettings q;
    q.beginGroup(QStringLiteral("spectrogram"));
    SpectrogramSettings s;
    s.fftSize = q.value(QStringLiteral("fftSize"), s.fftSize).toInt();
    s.overlap = q.value(QStringLiteral("overlap"), s.overlap).toDouble();
    s.window = windowShapeFromName(q.value(QStringLiteral("window")).toString().toStdString()).value_or(s.window);
    s.dynamicRangeDb = q.value(QStringLiteral("dynamicRangeDb"), s.dynamicRangeDb).toFloat();
    if (q.contains(QStringLiteral("topDb"))) s.topDb = q.value(QStringLiteral("topDb")).toFloat();
    s.colormap = colormapFromName(q.value(QStringLiteral("colormap")).toString().toStdString()).value_or(s.colormap);
    s.minHz = q.value(QStringLiteral("minHz"), s.minHz).toDouble();
    s.maxHz = q.value(QStringLiteral("maxHz"), s.maxHz).toDouble();
    try {
        s.validate();
    } catch (const std::exception&) {
        return {}; // a hand-edited or older settings file: start from the defaults
    }
    return s;
}

void saveSpectrogramSettings(const SpectrogramSettings& s)
{
    QSettings q;
    q.beginGroup(QStringLiteral("spectrogram"));
    q.setValue(QStringLiteral("fftSize"), s.fftSize);
    q.setValue(QStringLiteral("overlap"), s.overlap);
    q.setValue(QStringLiteral("window"), QString::fromUtf8(windowShapeName(s.window).data()));
    q.setValue(QStringLiteral("dynamicRangeDb"), s.dynamicRangeDb);
    if (s.topDb) q.setValue(QStringLiteral("topDb"), *s.topDb);
    else q.remove(QStringLiteral("topDb"));
    q.setValue(QStringLiteral("colormap"), QString::fromUtf8(colormapName(s.colormap).data()));
    q.setValue(QStringLiteral("minHz"), s.minHz);
    q.setValue(QStringLiteral("maxHz"), s.maxHz);
}

SpectrogramSettingsDialog::SpectrogramSettingsDialog(const SpectrogramSettings& settings, QWidget* parent)
    : QDialog(parent), fft_(new QComboBox(this)), overlap_(new QComboBox(this)), window_(new QComboBox(this)),
      range_(new QDoubleSpinBox(this)), autoTop_(new QCheckBox(tr("automatic (the loudest sound in view)"), this)),
      top_(new QDoubleSpinBox(this)), colormap_(new QComboBox(this)), minHz_(new QDoubleSpinBox(this)),
      maxHz_(new QDoubleSpinBox(this)), resolution_(new QLabel(this))
{
    setWindowTitle(tr("Spectrogram Settings"));
    for (int n = 64; n <= 16384; n *= 2) fft_->addItem(QString::number(n), n);
    for (double o : kOverlaps) overlap_->addItem(QStringLiteral("%1 %").arg(o * 100.0, 0, 'g', 4), o);
    window_->addItem(tr("Hann"), int(WindowShape::Hann));
    window_->addItem(tr("Hamming"), int(WindowShape::Hamming));
    window_->addItem(tr("Blackman"), int(WindowShape::Blackman));
    range_->setRange(10, 200);
    range_->setSuffix(tr(" dB"));
    top_->setRange(-200, 100);
    top_->setSuffix(tr(" dBFS"));
    colormap_->addItem(tr("Magma"), int(Colormap::Magma));
    colormap_->addItem(tr("Viridis"), int(Colormap::Viridis));
    for (QDoubleSpinBox* f : {minHz_, maxHz_}) {
        f->setRange(0, 500000);
        f->setDecimals(0);
        f->setSingleStep(500);
        f->setSuffix(tr(" Hz"));
    }
    maxHz_->setSpecialValueText(tr("Nyquist"));
    resolution_->setWordWrap(true);
    resolution_->setStyleSheet(QStringLiteral("color: palette(mid)"));

    auto* form = new QFormLayout;
    form->addRow(tr("FFT size (samples):"), fft_);
    form->addRow(tr("Overlap:"), overlap_);
    form->addRow(QString(), resolution_);
    form->addRow(tr("Window:"), window_);
    form->addRow(tr("Dynamic range:"), range_);
    auto* top = new QHBoxLayout;
    top->addWidget(autoTop_);
    top->addWidget(top_);
    form->addRow(tr("Brightest level:"), top);
    form->addRow(tr("Colours:"), colormap_);
    form->addRow(tr("Lowest frequency:"), minHz_);
    form->addRow(tr("Highest frequency:"), maxHz_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Close | QDialogButtonBox::RestoreDefaults, this);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    connect(buttons->button(QDialogButtonBox::RestoreDefaults), &QPushButton::clicked, this, [this] {
        setSettings({});
        readFields();
    });
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    setSettings(settings);
    for (QComboBox* c : {fft_, overlap_, window_, colormap_})
        connect(c, &QComboBox::currentIndexChanged, this, &SpectrogramSettingsDialog::readFields);
    for (QDoubleSpinBox* d : {range_, top_, minHz_, maxHz_})
        connect(d, &QDoubleSpinBox::valueChanged, this, &SpectrogramSettingsDialog::readFields);
    connect(autoTop_, &QCheckBox::toggled, this, &SpectrogramSettingsDialog::readFields);
}

void SpectrogramSettingsDialog::setSettings(const SpectrogramSettings& s)
{
    filling_ = true;
    settings_ = s;
    fft_->setCurrentIndex(std::max(0, fft_->findData(s.fftSize)));
    int nearest = 0;
    for (int i = 0; i < overlap_->count(); ++i)
        if (std::abs(overlap_->itemData(i).toDouble() - s.overlap) < std::abs(overlap_->itemData(nearest).toDouble() - s.overlap))
            nearest = i;
    overlap_->setCurrentIndex(nearest);
    window_->setCurrentIndex(std::max(0, window_->findData(int(s.window))));
    range_->setValue(s.dynamicRangeDb);
    autoTop_->setChecked(!s.topDb);
    top_->setValue(s.topDb.value_or(0.0f));
    top_->setEnabled(bool(s.topDb));
    colormap_->setCurrentIndex(std::max(0, colormap_->findData(int(s.colormap))));
    minHz_->setValue(s.minHz);
    maxHz_->setValue(s.maxHz);
    resolution_->setText(tr("At 22.05 kHz: %1 ms windows every %2 ms, %3 Hz bins.")
                             .arg(1000.0 * s.fftSize / 22050.0, 0, 'f', 1)
                             .arg(1000.0 * s.hop() / 22050.0, 0, 'f', 2)
                             .arg(22050.0 / s.fftSize, 0, 'f', 1));
    filling_ = false;
}

void SpectrogramSettingsDialog::readFields()
{
    if (filling_) return;
    SpectrogramSettings s;
    s.fftSize = fft_->currentData().toInt();
    s.overlap = overlap_->currentData().toDouble();
    s.window = WindowShape(window_->currentData().toInt());
    s.dynamicRangeDb = float(range_->value());
    if (!autoTop_->isChecked()) s.topDb = float(top_->value());
    s.colormap = Colormap(colormap_->currentData().toInt());
    s.minHz = minHz_->value();
    s.maxHz = maxHz_->value();
    try {
        s.validate();
    } catch (const std::exception& e) {
        resolution_->setText(QString::fromUtf8(e.what())); // e.g. highest frequency below the lowest: not applied
        return;
    }
    setSettings(s);
    Q_EMIT settingsChanged(s);
}

} // namespace crowlingo::ui
