#pragma once
// Asks how to compute the 2-D map: PCA or UMAP and UMAP's parameters (neighbours, minimum
// distance, spread, metric, epochs), and the seed. Starts from the parameters that made the
// current map, so a tweak is one change away.
//
//   ProjectionDialog dialog(this);
//   dialog.setParams(ProjectionParams::fromJson(snapshot.projectionParams));
//   if (dialog.exec() == QDialog::Accepted) computeProjection(dialog.params());
//
// Threading: GUI thread only.
#include "core/analysis/Projection.h"

#include <QDialog>

class QComboBox;
class QDoubleSpinBox;
class QSpinBox;

namespace crowlingo::ui {

class ProjectionDialog : public QDialog {
    Q_OBJECT
public:
    explicit ProjectionDialog(QWidget* parent = nullptr);

    void setParams(const ProjectionParams& params);
    ProjectionParams params() const;

    // For tests and the window: the widgets by role.
    QComboBox* methodBox() const { return method_; }
    QSpinBox* neighboursBox() const { return neighbours_; }
    QDoubleSpinBox* minDistBox() const { return minDist_; }

private:
    void updateEnabled();

    QComboBox* method_;
    QSpinBox* neighbours_;
    QDoubleSpinBox* minDist_;
    QDoubleSpinBox* spread_;
    QComboBox* metric_;
    QSpinBox* epochs_;
    QSpinBox* seed_;
};

} // namespace crowlingo::ui
