#include "ui/ClusterName.h"

#include "core/archive/ArchiveView.h"

#include <QCoreApplication>

namespace crowlingo::ui {

QString clusterName(int cluster)
{
    if (cluster == ArchiveView::kNotClustered) return QCoreApplication::translate("Cluster", "not clustered yet");
    if (cluster < 0) return QCoreApplication::translate("Cluster", "noise");
    return QCoreApplication::translate("Cluster", "cluster %1").arg(cluster);
}

} // namespace crowlingo::ui
