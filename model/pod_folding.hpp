// SPDX-License-Identifier: Apache-2.0
#pragma once

// Live snapshots hold the same pods several times: a Deployment, its
// ReplicaSets and their Pods. Private to the model layer; pod_folding.cpp
// states the rules.

#include <npcheck/model/inventory.hpp>
#include <npcheck/model/load.hpp>

namespace npcheck::model::detail {

// Leaves out the objects of inv.workloads (sorted, without duplicates) that
// stand for the same pods as another one (templates whose pods are in the
// input too) and folds the Pods of each controller into one workload (unless
// options.fold_pods is false); keeps
// inv.workloads sorted and records what it did in inv.folded_kinds,
// inv.replaced_kinds and inv.infos.
void fold_workloads(Inventory& inv, const LoadOptions& options);

} // namespace npcheck::model::detail
