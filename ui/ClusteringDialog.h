#pragma once
// Asks how to cluster the clips: HDBSCAN (minimum cluster size, minimum samples; noise stays
// unassigned) or k-means (k, seed), where (the embeddings, the map's coordinates, or automatic)
// and the metric. Starts from the parameters of the current clustering.
//
//   ClusteringDialog dialog(this);
//   dialog.setParams(ClusterParams::fromJson(snapshot.clusteringParams));
//   if (dialog.exec() == QDialog::Accepted) computeClustering(dialog.params());
//
// Threading: GUI thread only.
#include "core/analysis/Clustering.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QSpinBox;

namespace crowlingo::ui {

class ClusteringDialog : public QDialog {
    Q_OBJECT
public:
    explicit ClusteringDialog(QWidget* parent = nullptr);

    void setParams(const ClusterParams& params);
    ClusterParams params() const;
    // The number of clips to cluster: caps k and the cluster sizes, and is shown.
    void setClipCount(int clips);
    // Where Automatic would look now (Embeddings or Map), shown next to the choice.
    void setAutomaticSpace(ClusterSpace resolved);

    QComboBox* methodBox() const { return method_; }
    QSpinBox* kBox() const { return k_; }
    QSpinBox* minClusterSizeBox() const { return minClusterSize_; }
    QComboBox* spaceBox() const { return space_; }
    QComboBox* metricBox() const { return metric_; }

private:
    void updateEnabled();

    QComboBox* method_;
    QComboBox* space_;
    ClusterSpace automatic_ = ClusterSpace::Embeddings;
    QSpinBox* minClusterSize_;
    QSpinBox* minSamples_;
    QSpinBox* k_;
    QComboBox* metric_;
    QSpinBox* seed_;
    QLabel* clips_;
};

} // namespace crowlingo::ui
