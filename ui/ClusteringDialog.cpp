#include "ui/ClusteringDialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>

namespace crowlingo::ui {

ClusteringDialog::ClusteringDialog(QWidget* parent)
    : QDialog(parent)
{
    setWindowTitle(tr("Cluster the Clips"));
    method_ = new QComboBox(this);
    method_->addItem(tr("HDBSCAN — finds the number of clusters, leaves outliers as noise"), int(ClusterMethod::Hdbscan));
    method_->addItem(tr("k-means — exactly k clusters, every clip assigned"), int(ClusterMethod::Kmeans));
    space_ = new QComboBox(this);
    space_->addItem(QString(), int(ClusterSpace::Automatic)); // text set by setAutomaticSpace
    space_->addItem(tr("The embeddings — the model's vectors"), int(ClusterSpace::Embeddings));
    space_->addItem(tr("The map — its 2-D coordinates: clusters are the islands you see"), int(ClusterSpace::Map));
    space_->setToolTip(tr("On a UMAP map, clusters agree far better with the labels of the labelled test sets and "
                          "leave no clip as noise; a PCA map squeezes different calls together"));
    minClusterSize_ = new QSpinBox(this);
    minClusterSize_->setRange(2, 100000);
    minClusterSize_->setToolTip(tr("The smallest group of clips that counts as a cluster"));
    minSamples_ = new QSpinBox(this);
    minSamples_->setRange(0, 100000);
    minSamples_->setSpecialValueText(tr("same as the cluster size"));
    minSamples_->setToolTip(tr("How conservative the clustering is: larger values declare more clips noise"));
    k_ = new QSpinBox(this);
    k_->setRange(2, 100000);
    metric_ = new QComboBox(this);
    metric_->addItem(tr("Cosine"), int(Metric::Cosine));
    metric_->addItem(tr("Euclidean"), int(Metric::Euclidean));
    seed_ = new QSpinBox(this);
    seed_->setRange(0, INT_MAX);
    seed_->setToolTip(tr("k-means starts from seeded centres: the same seed gives the same clusters"));
    clips_ = new QLabel(this);

    auto* form = new QFormLayout;
    form->addRow(tr("&Method:"), method_);
    form->addRow(tr("Find clusters &in:"), space_);
    form->addRow(tr("Minimum cluster &size:"), minClusterSize_);
    form->addRow(tr("Minimum s&amples:"), minSamples_);
    form->addRow(tr("&k (clusters):"), k_);
    form->addRow(tr("M&etric:"), metric_);
    form->addRow(tr("S&eed:"), seed_);
    form->addRow(QString(), clips_);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    buttons->button(QDialogButtonBox::Ok)->setText(tr("Cluster"));
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(buttons);

    connect(method_, &QComboBox::currentIndexChanged, this, &ClusteringDialog::updateEnabled);
    connect(space_, &QComboBox::currentIndexChanged, this, &ClusteringDialog::updateEnabled);
    setAutomaticSpace(ClusterSpace::Embeddings);
    setParams({});
}

void ClusteringDialog::setParams(const ClusterParams& p)
{
    method_->setCurrentIndex(method_->findData(int(p.method)));
    space_->setCurrentIndex(space_->findData(int(p.space)));
    minClusterSize_->setValue(p.minClusterSize);
    minSamples_->setValue(p.minSamples);
    k_->setValue(p.k);
    metric_->setCurrentIndex(metric_->findData(int(p.metric)));
    seed_->setValue(int(std::min<std::uint64_t>(p.seed, INT_MAX)));
    updateEnabled();
}

ClusterParams ClusteringDialog::params() const
{
    ClusterParams p;
    p.method = ClusterMethod(method_->currentData().toInt());
    p.space = ClusterSpace(space_->currentData().toInt());
    p.minClusterSize = minClusterSize_->value();
    p.minSamples = minSamples_->value();
    p.k = k_->value();
    p.metric = Metric(metric_->currentData().toInt());
    p.seed = std::uint64_t(seed_->value());
    return p;
}

void ClusteringDialog::setClipCount(int clips)
{
    // More clusters than clips, or clusters larger than the archive, cannot exist.
    const int cap = std::max(2, clips);
    k_->setMaximum(cap);
    minClusterSize_->setMaximum(cap);
    minSamples_->setMaximum(cap);
    clips_->setText(tr("%n clip(s) to cluster", nullptr, clips));
}

void ClusteringDialog::setAutomaticSpace(ClusterSpace resolved)
{
    automatic_ = resolved;
    space_->setItemText(0, resolved == ClusterSpace::Map ? tr("Automatic — the map, as it is a UMAP")
                                                         : tr("Automatic — the embeddings, as there is no UMAP map"));
    updateEnabled();
}

void ClusteringDialog::updateEnabled()
{
    // On the map distances are positions (Euclidean); the metric is for the embeddings.
    ClusterSpace space = ClusterSpace(space_->currentData().toInt());
    if (space == ClusterSpace::Automatic) space = automatic_;
    metric_->setEnabled(space == ClusterSpace::Embeddings);
    const bool hdbscan = ClusterMethod(method_->currentData().toInt()) == ClusterMethod::Hdbscan;
    minClusterSize_->setEnabled(hdbscan);
    minSamples_->setEnabled(hdbscan);
    k_->setEnabled(!hdbscan);
    seed_->setEnabled(!hdbscan);
}

} // namespace crowlingo::ui
