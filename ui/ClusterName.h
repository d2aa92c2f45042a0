#pragma once
// How the workbench names a clip's cluster (ArchiveView::clusterOf) wherever it shows one: the map's
// legend and tooltip, the inspector, the neighbour list.
//
//   label->setText(clusterName(view.clusterOf(clip)));   // "cluster 3", "noise", "not clustered yet"
#include <QString>

namespace crowlingo::ui {

QString clusterName(int cluster);

} // namespace crowlingo::ui
