// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/analyzer/address_set.hpp>

#include <npcheck/model/label_selector.hpp>
#include <npcheck/model/labels.hpp>

#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace npcheck::model {
struct Peer;
struct Inventory;
} // namespace npcheck::model

namespace npcheck::analyzer {

// Whether labels satisfy selector: matchLabels AND every matchExpressions
// entry; {} matches everything.
bool matches(const model::LabelSelector& selector, const model::Labels& labels);

// Selectable endpoints of an Inventory grouped per namespace, built once, so
// that a selector is only tried on the pods of the namespaces it can reach.
class EndpointIndex {
public:
  // One namespace: defined by a manifest or only referenced by a workload or
  // policy (then labelled kubernetes.io/metadata.name=<name> only).
  struct NamespaceEntry {
    std::string name;
    model::Labels labels;
    // Indices into Inventory::workloads that NetworkPolicy can select
    // (hostNetwork pods excluded), ascending.
    std::vector<std::size_t> workloads;
  };

  explicit EndpointIndex(const model::Inventory& inventory);

  const std::vector<NamespaceEntry>& namespaces() const { return m_namespaces; }
  // The entry of namespace name, or nullptr.
  const NamespaceEntry* find_namespace(std::string_view name) const;
  // Labels of namespace name (defined or implied).
  model::Labels namespace_labels(std::string_view name) const;
  // Entries whose namespace labels match selector, in name order.
  std::vector<const NamespaceEntry*> select_namespaces(const model::LabelSelector& selector) const;
  // Selectable workloads of namespace name whose labels match selector, ascending.
  std::vector<std::size_t> select_workloads(std::string_view namespace_name,
                                            const model::LabelSelector& selector) const;
  // Whether select_workloads(namespace_name, selector) is not empty, stopping
  // at the first match.
  bool any_workload(std::string_view namespace_name, const model::LabelSelector& selector) const;
  // Workloads whose known IP lies in addresses (pod IPs; the hostIP of
  // hostNetwork pods), ascending, without duplicates.
  std::vector<std::size_t> workloads_at(const AddressSet& addresses) const;
  // Workloads that one from/to element of a policy in namespace
  // policy_namespace matches: for selectors, the matching pods of the policy's
  // namespace or of the namespaces the namespaceSelector matches; for an
  // ipBlock, workloads_at(cidr minus except). Ascending, without duplicates.
  std::vector<std::size_t> select_peer(std::string_view policy_namespace,
                                       const model::Peer& peer) const;
  // Whether select_peer(policy_namespace, peer) is not empty, stopping at the
  // first match.
  bool peer_selects_any(std::string_view policy_namespace, const model::Peer& peer) const;

private:
  // When a selector names namespaces by kubernetes.io/metadata.name
  // (matchLabels, or an In requirement): the only ones it can match, in name
  // order (every namespace carries that label). nullopt: any namespace.
  std::optional<std::vector<const NamespaceEntry*>> named_namespaces(const model::LabelSelector& selector) const;

  const model::Inventory& m_inventory;
  std::vector<NamespaceEntry> m_namespaces; // sorted by name
  std::map<std::string, std::size_t, std::less<>> m_by_name;
  // Every (address, workload) an ipBlock can match, sorted.
  std::vector<std::pair<model::IpAddress, std::size_t>> m_workload_addresses;
};

// The labels a namespace carries implicitly: kubernetes.io/metadata.name=<name>.
model::Labels implied_namespace_labels(std::string_view name);

} // namespace npcheck::analyzer
