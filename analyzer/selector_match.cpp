// SPDX-License-Identifier: Apache-2.0
//
// Label selector matching (metav1.LabelSelector). A selector is the AND of
// its matchLabels (each key present with exactly that value) and of every
// matchExpressions requirement: In (key present, value among values),
// NotIn (key absent, or value not among values), Exists (key present) and
// DoesNotExist (key absent). An empty selector {} matches every object. A
// namespace always carries kubernetes.io/metadata.name=<name>, also when no
// manifest defines it. NetworkPolicy never selects hostNetwork pods, so the
// index leaves them out: a policy's spec.podSelector and a peer's podSelector
// or namespaceSelector can only ever yield the pods listed here.

#include <npcheck/analyzer/selector_match.hpp>

#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <cassert>

namespace npcheck::analyzer {

namespace {

constexpr std::string_view k_name_label = "kubernetes.io/metadata.name";

bool contains_value(const std::vector<std::string>& values, const std::string& value) {
  return std::find(values.begin(), values.end(), value) != values.end();
}

bool satisfies(const model::Requirement& requirement, const model::Labels& labels) {
  const std::string* value = labels.find(requirement.key);
  switch (requirement.op) {
  case model::Operator::in:
    return value != nullptr && contains_value(requirement.values, *value);
  case model::Operator::not_in:
    return value == nullptr || !contains_value(requirement.values, *value);
  case model::Operator::exists:
    return value != nullptr;
  case model::Operator::does_not_exist:
    return value == nullptr;
  }
  assert(false && "unknown selector operator");
  return false;
}

} // namespace

bool matches(const model::LabelSelector& selector, const model::Labels& labels) {
  for (const auto& [key, value] : selector.match_labels.entries()) {
    const std::string* actual = labels.find(key);
    if (actual == nullptr || *actual != value) {
      return false;
    }
  }
  for (const model::Requirement& requirement : selector.match_expressions) {
    if (!satisfies(requirement, labels)) {
      return false;
    }
  }
  return true;
}

model::Labels implied_namespace_labels(std::string_view name) {
  model::Labels labels;
  labels.set(std::string(k_name_label), std::string(name));
  return labels;
}

EndpointIndex::EndpointIndex(const model::Inventory& inventory) : m_inventory(inventory) {
  std::map<std::string, NamespaceEntry, std::less<>> entries;
  for (const model::Namespace& ns : m_inventory.namespaces) {
    NamespaceEntry& entry = entries[ns.name];
    entry.name = ns.name;
    entry.labels = ns.labels;
    // The API server always adds the name label; tolerate inventories built
    // without it (the loader adds it too).
    if (entry.labels.find(k_name_label) == nullptr) {
      entry.labels.set(std::string(k_name_label), ns.name);
    }
  }
  auto entry_for = [&entries](const std::string& name) -> NamespaceEntry& {
    auto it = entries.find(name);
    if (it == entries.end()) {
      it = entries.emplace(name, NamespaceEntry{name, implied_namespace_labels(name), {}}).first;
    }
    return it->second;
  };
  for (std::size_t i = 0; i < m_inventory.workloads.size(); ++i) {
    const model::Workload& workload = m_inventory.workloads[i];
    NamespaceEntry& entry = entry_for(workload.namespace_name);
    if (!workload.host_network) {
      entry.workloads.push_back(i);
    }
    for (const model::IpAddress& ip : workload.pod_ips) {
      m_workload_addresses.emplace_back(ip, i);
    }
    if (workload.host_network && workload.host_ip) {
      m_workload_addresses.emplace_back(*workload.host_ip, i);
    }
  }
  std::sort(m_workload_addresses.begin(), m_workload_addresses.end());
  m_workload_addresses.erase(std::unique(m_workload_addresses.begin(), m_workload_addresses.end()),
                             m_workload_addresses.end());
  for (const model::NetworkPolicy& policy : m_inventory.policies) {
    entry_for(policy.namespace_name);
  }
  m_namespaces.reserve(entries.size());
  for (auto& [name, entry] : entries) {
    m_by_name.emplace(name, m_namespaces.size());
    m_namespaces.push_back(std::move(entry));
  }
}

const EndpointIndex::NamespaceEntry* EndpointIndex::find_namespace(std::string_view name) const {
  const auto it = m_by_name.find(name);
  return it == m_by_name.end() ? nullptr : &m_namespaces[it->second];
}

model::Labels EndpointIndex::namespace_labels(std::string_view name) const {
  const NamespaceEntry* entry = find_namespace(name);
  return entry != nullptr ? entry->labels : implied_namespace_labels(name);
}

std::optional<std::vector<const EndpointIndex::NamespaceEntry*>>
EndpointIndex::named_namespaces(const model::LabelSelector& selector) const {
  static constexpr std::string_view k_name_label = "kubernetes.io/metadata.name";
  std::vector<const NamespaceEntry*> result;
  if (const std::string* name = selector.match_labels.find(k_name_label)) {
    if (const NamespaceEntry* entry = find_namespace(*name)) {
      result.push_back(entry);
    }
    return result;
  }
  for (const model::Requirement& r : selector.match_expressions) {
    if (r.key == k_name_label && r.op == model::Operator::in) {
      for (const std::string& value : r.values) {
        if (const NamespaceEntry* entry = find_namespace(value)) {
          result.push_back(entry);
        }
      }
      // In name order, as m_namespaces is sorted by name.
      std::sort(result.begin(), result.end());
      result.erase(std::unique(result.begin(), result.end()), result.end());
      return result;
    }
  }
  return std::nullopt;
}

std::vector<const EndpointIndex::NamespaceEntry*>
EndpointIndex::select_namespaces(const model::LabelSelector& selector) const {
  std::vector<const NamespaceEntry*> result;
  if (std::optional<std::vector<const NamespaceEntry*>> named = named_namespaces(selector)) {
    for (const NamespaceEntry* entry : *named) {
      if (matches(selector, entry->labels)) {
        result.push_back(entry);
      }
    }
    return result;
  }
  for (const NamespaceEntry& entry : m_namespaces) {
    if (matches(selector, entry.labels)) {
      result.push_back(&entry);
    }
  }
  return result;
}

std::vector<std::size_t> EndpointIndex::select_workloads(std::string_view namespace_name,
                                                         const model::LabelSelector& selector) const {
  std::vector<std::size_t> result;
  const NamespaceEntry* entry = find_namespace(namespace_name);
  if (entry == nullptr) {
    return result;
  }
  for (std::size_t index : entry->workloads) {
    if (matches(selector, m_inventory.workloads[index].labels)) {
      result.push_back(index);
    }
  }
  return result;
}

bool EndpointIndex::any_workload(std::string_view namespace_name, const model::LabelSelector& selector) const {
  const NamespaceEntry* entry = find_namespace(namespace_name);
  return entry != nullptr && std::any_of(entry->workloads.begin(), entry->workloads.end(), [&](std::size_t index) {
           return matches(selector, m_inventory.workloads[index].labels);
         });
}

std::vector<std::size_t> EndpointIndex::workloads_at(const AddressSet& addresses) const {
  std::vector<std::size_t> found;
  for (const AddressRange& range : addresses.ranges()) {
    auto it = std::lower_bound(m_workload_addresses.begin(), m_workload_addresses.end(), range.first,
                               [](const std::pair<model::IpAddress, std::size_t>& entry,
                                  const model::IpAddress& ip) { return entry.first < ip; });
    for (; it != m_workload_addresses.end() && it->first <= range.last; ++it) {
      found.push_back(it->second);
    }
  }
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  return found;
}

std::vector<std::size_t> EndpointIndex::select_peer(std::string_view policy_namespace,
                                                    const model::Peer& peer) const {
  if (peer.ip_block) {
    return workloads_at(AddressSet::from_ip_block(*peer.ip_block));
  }
  if (!peer.pod_selector && !peer.namespace_selector) {
    return {}; // validation rejects such a peer; it matches nothing
  }
  const model::LabelSelector everything;
  const model::LabelSelector& pods = peer.pod_selector ? *peer.pod_selector : everything;
  if (!peer.namespace_selector) {
    return select_workloads(policy_namespace, pods);
  }
  std::vector<std::size_t> found;
  for (const NamespaceEntry* entry : select_namespaces(*peer.namespace_selector)) {
    std::vector<std::size_t> more = select_workloads(entry->name, pods);
    found.insert(found.end(), more.begin(), more.end());
  }
  std::sort(found.begin(), found.end());
  return found;
}

bool EndpointIndex::peer_selects_any(std::string_view policy_namespace, const model::Peer& peer) const {
  if (peer.ip_block || (!peer.pod_selector && !peer.namespace_selector)) {
    return !select_peer(policy_namespace, peer).empty();
  }
  const model::LabelSelector everything;
  const model::LabelSelector& pods = peer.pod_selector ? *peer.pod_selector : everything;
  if (!peer.namespace_selector) {
    return any_workload(policy_namespace, pods);
  }
  auto reaches_a_pod = [&](const NamespaceEntry& entry) {
    return !entry.workloads.empty() && matches(*peer.namespace_selector, entry.labels) &&
           any_workload(entry.name, pods);
  };
  if (std::optional<std::vector<const NamespaceEntry*>> named = named_namespaces(*peer.namespace_selector)) {
    return std::any_of(named->begin(), named->end(), [&](const NamespaceEntry* entry) { return reaches_a_pod(*entry); });
  }
  return std::any_of(m_namespaces.begin(), m_namespaces.end(), reaches_a_pod);
}

} // namespace npcheck::analyzer
