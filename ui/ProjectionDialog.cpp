#include "ui/ProjectionDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace crowlingo::ui {

ProjectionDialog::ProjectionDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Compute the Map"));
    method_ = new QComboBox(this);
    method_->addItem(tr("UMAP — keeps neighbourhoods (slower)"), int(ProjectionMethod::Umap));
    method_->addItem(tr("PCA — linear, seconds"), int(ProjectionMethod::Pca));
    neighbours_ = new QSpinBox(this);
    neighbours_->setRange(2, 200);
    neighbours_->setToolTip(tr("How many neighbours define a clip's neighbourhood: small values show fine local "
                               "structure, large values the global layout (umap-learn's n_neighbors)"));
    minDist_ = new QDoubleSpinBox(this);
    minDist_->setRange(0.0, 0.99);
    minDist_->setSingleStep(0.05);
    minDist_->setDecimals(2);
    minDist_->setToolTip(tr("How tightly similar clips may pack: 0 gives dense clumps, larger values spread them"));
    spread_ = new QDoubleSpinBox(this);
    spread_->setRange(0.1, 10.0);
    spread_->setSingleStep(0.1);
    spread_->setDecimals(2);
    metric_ = new QComboBox(this);
    metric_->addItem(tr("Cosine"), int(Metric::Cosine));
    metric_->addItem(tr("Euclidean"), int(Metric::Euclidean));
    epochs_ = new QSpinBox(this);
    epochs_->setRange(0, 5000);
    epochs_->setSpecialValueText(tr("automatic (500 below 10,000 clips, else 200)"));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, INT_MAX);
    seed_->setToolTip(tr("The same seed and data give the same map"));

    auto* form = new QFormLayout;
    form->addRow(tr("&Method:"), method_);
    form->addRow(tr("&Neighbours:"), neighbours_);
    form->addRow(tr("Minimum &distance:"), minDist_);
    form->addRow(tr("S&pread:"), spread_);
    form->addRow(tr("M&etric:"), metric_);
    form->addRow(tr("E&pochs:"), epochs_);
    form->addRow(tr("&Seed:"), seed_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Compute"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(method_, &QComboBox::currentIndexChanged, this, &ProjectionDialog::updateEnabled);
    setParams({});
}

void ProjectionDialog::setParams(const ProjectionParams& p)
{
    method_->setCurrentIndex(method_->findData(int(p.method)));
    neighbours_->setValue(p.nNeighbors);
    minDist_->setValue(p.minDist);
    spread_->setValue(p.spread);
    metric_->setCurrentIndex(metric_->findData(int(p.metric)));
    epochs_->setValue(p.epochs);
    seed_->setValue(int(std::min<std::uint64_t>(p.seed, INT_MAX)));
    updateEnabled();
}

ProjectionParams ProjectionDialog::params() const
{
    ProjectionParams p;
    p.method = ProjectionMethod(method_->currentData().toInt());
    p.nNeighbors = neighbours_->value();
    p.minDist = minDist_->value();
    p.spread = spread_->value();
    p.metric = Metric(metric_->currentData().toInt());
    p.epochs = epochs_->value();
    p.seed = std::uint64_t(seed_->value());
    return p;
}

void ProjectionDialog::updateEnabled()
{
    // PCA has no neighbourhood, distance or epochs: those fields only mean something for UMAP.
    const bool umap = ProjectionMethod(method_->currentData().toInt()) == ProjectionMethod::Umap;
    for (QWidget* w : {static_cast<QWidget*>(neighbours_), static_cast<QWidget*>(minDist_),
                       static_cast<QWidget*>(spread_), static_cast<QWidget*>(epochs_)})
        w->setEnabled(umap);
}

} // namespace crowlingo::ui
