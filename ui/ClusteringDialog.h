#pragma once
// Asks how to cluster the embeddings: HDBSCAN (minimum cluster size, minimum samples; noise stays
// unassigned) or k-means (k, seed), and the metric. Starts from the parameters of the current
// clustering.
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

    QComboBox* methodBox() const { return method_; }
    QSpinBox* kBox() const { return k_; }
    QSpinBox* minClusterSizeBox() const { return minClusterSize_; }

private:
    void updateEnabled();

    QComboBox* method_;
    QSpinBox* minClusterSize_;
    QSpinBox* minSamples_;
    QSpinBox* k_;
    QComboBox* metric_;
    QSpinBox* seed_;
    QLabel* clips_;
};

} // namespace crowlingo::ui
