// SPDX-License-Identifier: Apache-2.0
//
// Compiling policies into the program (program.hpp). A NetworkPolicy
// (networking.k8s.io/v1) becomes one policy of the NetworkPolicy tier: its
// subject is the pods spec.podSelector picks in its namespace (hostNetwork
// pods never), it isolates the directions of its effective spec.policyTypes,
// and each rule of such a direction becomes an allow rule whose peer set is
// its from/to list (absent or empty: everything; a podSelector alone: pods of
// the policy's namespace; a namespaceSelector alone: every pod of the
// matching namespaces; both in one element: the matching pods of the
// matching namespaces; an ipBlock: cidr minus except, addresses and the pods
// whose IP lies inside) and whose port filter is its ports list (absent or
// empty: every port of every protocol; a port without number: the whole
// protocol; number..endPort; a named port resolved on the destination pod).
// Rules of a direction the policy does not isolate are inert and dropped.
//
// Selectors are interned by their canonical text and matched on interned
// labels (key and value ids), so that a selector used by a thousand policies
// is matched once per pod at most, and bulk consumers get each selection's
// members computed once, from posting lists (key=value -> pods) where a
// selector names a label, by scanning the namespaces' pods otherwise.

#include <npcheck/analyzer/program.hpp>

#include <npcheck/model/inventory.hpp>
#include <npcheck/model/label_selector.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <cassert>
#include <iterator>
#include <map>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>

namespace npcheck::analyzer {

const char* to_string(TierKind tier) {
  switch (tier) {
  case TierKind::admin:
    return "admin";
  case TierKind::network_policy:
    return "NetworkPolicy";
  case TierKind::baseline:
    return "baseline";
  }
  return "?";
}

const char* to_string(Action action) {
  switch (action) {
  case Action::allow:
    return "allow";
  case Action::deny:
    return "deny";
  case Action::pass:
    return "pass";
  }
  return "?";
}

// Named, not anonymous: Program::Selectors, a type of the header, holds
// these (GCC's -Wsubobject-linkage outside the main file of a unity build).
namespace compiled_selectors {

constexpr std::uint32_t k_no_id = 0xffffffffu;

using LabelIds = std::vector<std::pair<std::uint32_t, std::uint32_t>>; // (key, value), by key

// A label selector on interned labels.
struct CompiledSelector {
  struct Requirement {
    model::Operator op = model::Operator::exists;
    std::uint32_t key = k_no_id;       // k_no_id: no object carries the key
    std::vector<std::uint32_t> values; // known values only, sorted
  };
  std::vector<Requirement> requirements;

  bool matches(const LabelIds& labels) const {
    for (const Requirement& r : requirements) {
      std::uint32_t value = k_no_id;
      if (r.key != k_no_id) {
        const auto it = std::lower_bound(
            labels.begin(), labels.end(), r.key,
            [](const std::pair<std::uint32_t, std::uint32_t>& e, std::uint32_t k) { return e.first < k; });
        if (it != labels.end() && it->first == r.key) {
          value = it->second;
        }
      }
      const bool present = value != k_no_id;
      const bool listed = present && std::binary_search(r.values.begin(), r.values.end(), value);
      switch (r.op) {
      case model::Operator::in:
        if (!listed) {
          return false;
        }
        break;
      case model::Operator::not_in:
        if (listed) {
          return false;
        }
        break;
      case model::Operator::exists:
        if (!present) {
          return false;
        }
        break;
      case model::Operator::does_not_exist:
        if (present) {
          return false;
        }
        break;
      }
    }
    return true;
  }
};

} // namespace compiled_selectors

using compiled_selectors::CompiledSelector;
using compiled_selectors::k_no_id;
using compiled_selectors::LabelIds;

// Interned labels, selectors and selections.
struct Program::Selectors {
  std::unordered_map<std::string, std::uint32_t> keys;
  std::unordered_map<std::string, std::uint32_t> values;
  std::vector<LabelIds> workload_labels;  // per workload
  std::vector<LabelIds> namespace_labels; // per EndpointIndex namespace
  std::vector<std::uint32_t> workload_namespace; // per workload: EndpointIndex namespace

  std::unordered_map<std::string, std::uint32_t> selector_ids;
  std::vector<CompiledSelector> selectors;

  struct Entry {
    Selection selection;
    std::uint32_t namespace_index = k_no_id; // one namespace: its index (k_no_id: not in the inputs)
    bool one_namespace = false;
    std::uint32_t namespace_selector = k_no_id; // k_no_id: every namespace
    std::uint32_t pod_selector = k_no_id;       // k_no_id: every pod
  };
  std::unordered_map<std::string, SelectionId> selection_ids;
  std::vector<Entry> selections;

  std::uint32_t intern(std::unordered_map<std::string, std::uint32_t>& table, const std::string& text) {
    return table.emplace(text, static_cast<std::uint32_t>(table.size())).first->second;
  }
  static std::uint32_t find(const std::unordered_map<std::string, std::uint32_t>& table,
                            const std::string& text) {
    const auto it = table.find(text);
    return it == table.end() ? k_no_id : it->second;
  }

  LabelIds label_ids(const model::Labels& labels) {
    LabelIds ids;
    ids.reserve(labels.size());
    for (const auto& [key, value] : labels.entries()) {
      ids.emplace_back(intern(keys, key), intern(values, value));
    }
    std::sort(ids.begin(), ids.end());
    return ids;
  }

  // The id of a non-empty selector (empty selectors match everything and
  // are represented by k_no_id).
  std::uint32_t selector(const model::LabelSelector* selector) {
    if (selector == nullptr || selector->empty()) {
      return k_no_id;
    }
    const auto [it, inserted] =
        selector_ids.emplace(selector->to_string(), static_cast<std::uint32_t>(selectors.size()));
    if (!inserted) {
      return it->second;
    }
    CompiledSelector compiled;
    for (const auto& [key, value] : selector->match_labels.entries()) {
      CompiledSelector::Requirement r;
      r.op = model::Operator::in;
      r.key = find(keys, key);
      if (const std::uint32_t v = find(values, value); v != k_no_id) {
        r.values.push_back(v);
      }
      compiled.requirements.push_back(std::move(r));
    }
    for (const model::Requirement& requirement : selector->match_expressions) {
      CompiledSelector::Requirement r;
      r.op = requirement.op;
      r.key = find(keys, requirement.key);
      for (const std::string& value : requirement.values) {
        if (const std::uint32_t v = find(values, value); v != k_no_id) {
          r.values.push_back(v);
        }
      }
      std::sort(r.values.begin(), r.values.end());
      r.values.erase(std::unique(r.values.begin(), r.values.end()), r.values.end());
      compiled.requirements.push_back(std::move(r));
    }
    selectors.push_back(std::move(compiled));
    return it->second;
  }

  bool namespace_matches(const Entry& entry, std::uint32_t ns) const {
    if (entry.one_namespace) {
      return entry.namespace_index == ns;
    }
    return entry.namespace_selector == k_no_id ||
           selectors[entry.namespace_selector].matches(namespace_labels[ns]);
  }

  bool pod_matches(const Entry& entry, std::size_t workload) const {
    return entry.pod_selector == k_no_id ||
           selectors[entry.pod_selector].matches(workload_labels[workload]);
  }
};

// Turns the Inventory's policies into compiled policies, rules, peer sets
// and port filters.
struct Program::Compiler {
  Program& program;
  std::unordered_map<std::string, PeerSetId> peer_set_ids;
  std::unordered_map<std::string, PortFilterId> port_filter_ids;

  SelectionId selection(std::optional<std::string> namespace_name,
                        const model::LabelSelector* namespace_selector,
                        const model::LabelSelector* pod_selector) {
    Selectors& s = *program.m_selectors;
    Selectors::Entry entry;
    entry.one_namespace = namespace_name.has_value();
    if (entry.one_namespace) {
      const EndpointIndex::NamespaceEntry* ns = program.m_index.find_namespace(*namespace_name);
      entry.namespace_index = ns == nullptr
                                  ? k_no_id
                                  : static_cast<std::uint32_t>(ns - program.m_index.namespaces().data());
    } else {
      entry.namespace_selector = s.selector(namespace_selector);
    }
    entry.pod_selector = s.selector(pod_selector);
    const std::string key = (entry.one_namespace ? "ns " + *namespace_name
                                                 : "sel " + std::to_string(entry.namespace_selector)) +
                            "\npods " + std::to_string(entry.pod_selector);
    const auto [it, inserted] =
        s.selection_ids.emplace(key, static_cast<SelectionId>(s.selections.size()));
    if (inserted) {
      entry.selection.namespace_name = std::move(namespace_name);
      entry.selection.namespace_selector =
          entry.namespace_selector == k_no_id ? nullptr : namespace_selector;
      entry.selection.pod_selector = entry.pod_selector == k_no_id ? nullptr : pod_selector;
      s.selections.push_back(std::move(entry));
    }
    return it->second;
  }

  PeerSetId peer_set(PeerSet set) {
    std::sort(set.selections.begin(), set.selections.end());
    set.selections.erase(std::unique(set.selections.begin(), set.selections.end()),
                         set.selections.end());
    std::string key = set.everything ? "*" : "";
    for (SelectionId id : set.selections) {
      key += ' ' + std::to_string(id);
    }
    key += set.addresses_always_match_pods ? " |p" : " |";
    key += set.matches_unaddressed_pods ? "u" : "";
    for (const AddressRange& range : set.addresses.ranges()) {
      key += ' ' + range.first.to_string() + '-' + range.last.to_string();
    }
    const auto [it, inserted] =
        peer_set_ids.emplace(key, static_cast<PeerSetId>(program.m_peer_sets.size()));
    if (inserted) {
      program.m_peer_sets.push_back(std::move(set));
    }
    return it->second;
  }

  PortFilterId port_filter(PortFilter filter) {
    std::sort(filter.named.begin(), filter.named.end(), [](const NamedPort& a, const NamedPort& b) {
      return std::tie(a.name, a.protocol) < std::tie(b.name, b.protocol);
    });
    filter.named.erase(std::unique(filter.named.begin(), filter.named.end()), filter.named.end());
    std::string key = filter.all ? "all" : filter.numeric.to_string();
    for (const NamedPort& named : filter.named) {
      key += ' ' + named.name + '/' +
             (named.protocol ? model::to_string(*named.protocol) : std::string("any"));
    }
    const auto [it, inserted] =
        port_filter_ids.emplace(key, static_cast<PortFilterId>(program.m_port_filters.size()));
    if (inserted) {
      program.m_port_filters.push_back(std::move(filter));
    }
    return it->second;
  }

  // A compiled rule, appended to its policy's rules of its direction.
  void add_rule(CompiledPolicy& policy, CompiledRule rule) {
    policy.rules[index_of(rule.direction)].push_back(static_cast<RuleId>(program.m_rules.size()));
    program.m_rules.push_back(std::move(rule));
  }

  // ---- NetworkPolicy ----

  PeerSetId network_policy_peers(const model::NetworkPolicy& policy, const model::Rule& rule) {
    PeerSet set;
    set.everything = rule.peers.empty();
    for (const model::Peer& peer : rule.peers) {
      if (peer.ip_block) {
        set.addresses.unite(AddressSet::from_ip_block(*peer.ip_block));
      } else if (peer.namespace_selector) {
        set.selections.push_back(selection(std::nullopt, &*peer.namespace_selector,
                                           peer.pod_selector ? &*peer.pod_selector : nullptr));
      } else if (peer.pod_selector) {
        set.selections.push_back(selection(policy.namespace_name, nullptr, &*peer.pod_selector));
      }
      // A peer with neither is rejected by validation; it matches nothing.
    }
    return peer_set(std::move(set));
  }

  PortFilterId network_policy_ports(const model::Rule& rule) {
    PortFilter filter;
    filter.all = rule.ports.empty();
    for (const model::PolicyPort& port : rule.ports) {
      if (!port.port) {
        filter.numeric.add(port.protocol, PortSet::all());
      } else if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) {
        filter.numeric.add(port.protocol, PortSet::range(*number, port.end_port.value_or(*number)));
      } else {
        filter.named.push_back(NamedPort{std::get<std::string>(*port.port), port.protocol});
      }
    }
    return port_filter(std::move(filter));
  }

  void network_policies() {
    const std::vector<model::NetworkPolicy>& policies = program.m_inventory.policies;
    for (std::size_t p = 0; p < policies.size(); ++p) {
      const model::NetworkPolicy& source = policies[p];
      const PolicyId id = static_cast<PolicyId>(program.m_policies.size());
      CompiledPolicy policy;
      policy.origin = PolicyOrigin{PolicyKind::network_policy, p};
      policy.tier = TierKind::network_policy;
      policy.subject = selection(source.namespace_name, nullptr, &source.pod_selector);
      policy.isolates = {source.affects_ingress, source.affects_egress};
      policy.name = source.display_name();
      policy.namespace_name = source.namespace_name;
      policy.where = source.where;
      for (Direction direction : k_directions) {
        const std::size_t d = index_of(direction);
        if (!policy.isolates[d]) {
          continue; // rules of a direction the policy does not isolate are inert
        }
        const std::vector<model::Rule>& rules =
            direction == Direction::ingress ? source.ingress : source.egress;
        for (std::size_t r = 0; r < rules.size(); ++r) {
          add_rule(policy, CompiledRule{id, direction, static_cast<std::uint32_t>(r), Action::allow,
                                        network_policy_peers(source, rules[r]),
                                        network_policy_ports(rules[r]), rules[r].where});
        }
        program.m_tiers[d][static_cast<std::size_t>(TierKind::network_policy)].push_back(id);
      }
      const EndpointIndex::NamespaceEntry* ns = program.m_index.find_namespace(source.namespace_name);
      assert(ns != nullptr && "the index holds every policy's namespace");
      program.m_policies_by_namespace[static_cast<std::size_t>(ns - program.m_index.namespaces().data())]
          .push_back(id);
      program.m_policies.push_back(std::move(policy));
    }
  }

  // ---- AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy
  // (shared/spec/admin-policies.md). One compiler for both versions: an ANP
  // is an Admin-tier policy, the BANP a Baseline-tier one of priority 0
  // (§9); subjects and pods/namespaces peers are selections over every
  // namespace (a cluster-scoped policy has no namespace of its own; an
  // omitted namespaceSelector is every namespace, §3); nodes peers are the
  // addresses of the matching Node objects and networks peers their CIDRs,
  // both matching pods by address too (§4); domainNames peers match no
  // address; a peer of a field npcheck does not know fails closed (an allow
  // rule never matches it, a deny or pass rule always does).

  SelectionId admin_selection(const model::AdminPods& pods) {
    return selection(std::nullopt, &pods.namespace_selector,
                     pods.pod_selector ? &*pods.pod_selector : nullptr);
  }

  PeerSetId admin_peers(const model::AdminRule& rule) {
    PeerSet set;
    set.addresses_always_match_pods = true;
    AddressSet networks; // of the networks peers only
    for (const model::AdminPeer& peer : rule.peers) {
      switch (peer.type) {
      case model::AdminPeer::Type::pods:
        set.selections.push_back(admin_selection(peer.pods));
        break;
      case model::AdminPeer::Type::nodes:
        for (const model::Node& node : program.m_inventory.nodes) {
          if (matches(peer.node_selector, node.labels)) {
            for (const model::IpAddress& ip : node.addresses) {
              set.addresses.unite(AddressSet::single(ip));
            }
          }
        }
        break;
      case model::AdminPeer::Type::networks:
        for (const model::Cidr& cidr : peer.networks) {
          set.addresses.unite(AddressSet::of(cidr));
          networks.unite(AddressSet::of(cidr));
        }
        break;
      case model::AdminPeer::Type::domain_names:
        break;
      case model::AdminPeer::Type::unknown:
        set.everything = set.everything || rule.action != model::AdminAction::allow;
        break;
      }
    }
    // A pod's address of some family lies in a CIDR that covers the whole
    // family, even when the inputs do not say which address it is.
    set.matches_unaddressed_pods =
        (AddressSet::of(model::Cidr{model::IpAddress::from_v4(0), 0}) - networks).empty() ||
        (AddressSet::of(model::Cidr{model::IpAddress::from_v6(0, 0), 0}) - networks).empty();
    if (set.everything) {
      set.selections.clear();
      set.addresses = AddressSet();
      set.matches_unaddressed_pods = false;
    }
    return peer_set(std::move(set));
  }

  PortFilterId admin_ports(const model::AdminRule& rule) {
    PortFilter filter;
    filter.all = !rule.ports.has_value();
    for (const model::AdminPort& port : rule.ports.value_or(std::vector<model::AdminPort>{})) {
      if (port.matches_nothing) {
        continue;
      }
      if (port.named) {
        // The protocol comes from the destination's container port.
        filter.named.push_back(NamedPort{*port.named, std::nullopt});
      } else {
        filter.numeric.add(port.protocol, PortSet::range(port.first, port.last));
      }
    }
    return port_filter(std::move(filter));
  }

  static Action action_of(model::AdminAction action) {
    switch (action) {
    case model::AdminAction::allow:
      return Action::allow;
    case model::AdminAction::deny:
      return Action::deny;
    case model::AdminAction::pass:
      return Action::pass;
    }
    return Action::deny;
  }

  void admin_policies() {
    const std::vector<model::AdminPolicy>& policies = program.m_inventory.admin_policies;
    for (std::size_t a = 0; a < policies.size(); ++a) {
      const model::AdminPolicy& source = policies[a];
      const PolicyId id = static_cast<PolicyId>(program.m_policies.size());
      CompiledPolicy policy;
      policy.origin = PolicyOrigin{PolicyKind::admin_policy, a};
      policy.tier = source.tier == model::AdminTier::admin ? TierKind::admin : TierKind::baseline;
      policy.priority = source.priority;
      policy.subject = admin_selection(source.subject);
      policy.name = source.display_name();
      policy.where = source.where;
      for (Direction direction : k_directions) {
        const std::size_t d = index_of(direction);
        const std::vector<model::AdminRule>& rules =
            direction == Direction::ingress ? source.ingress : source.egress;
        for (std::size_t r = 0; r < rules.size(); ++r) {
          add_rule(policy, CompiledRule{id, direction, static_cast<std::uint32_t>(r),
                                        action_of(rules[r].action), admin_peers(rules[r]),
                                        admin_ports(rules[r]), rules[r].where});
        }
        // A policy without rules in a direction has no effect on it (A1:85,97).
        if (!rules.empty()) {
          program.m_tiers[d][static_cast<std::size_t>(policy.tier)].push_back(id);
        }
      }
      program.m_policies.push_back(std::move(policy));
    }
    // Evaluation order: priority, lower first; at equal priority (which the
    // API leaves undefined, and evaluate() reports as a tie) v1alpha1 before
    // v1alpha2, then by name, so that answers are deterministic.
    for (auto& tiers : program.m_tiers) {
      for (TierKind tier : {TierKind::admin, TierKind::baseline}) {
        std::vector<PolicyId>& order = tiers[static_cast<std::size_t>(tier)];
        std::stable_sort(order.begin(), order.end(), [&](PolicyId x, PolicyId y) {
          const CompiledPolicy& a = program.m_policies[x];
          const CompiledPolicy& b = program.m_policies[y];
          const model::AdminPolicy& sa = policies[a.origin.index];
          const model::AdminPolicy& sb = policies[b.origin.index];
          return std::make_tuple(a.priority, !sa.v1alpha1(), sa.name) <
                 std::make_tuple(b.priority, !sb.v1alpha1(), sb.name);
        });
      }
    }
  }
};

Program::Program(const model::Inventory& inventory, ProgramOptions options)
    : m_inventory(inventory), m_options(options), m_addresses(inventory), m_index(inventory),
      m_selectors(std::make_unique<Selectors>()) {
  Selectors& s = *m_selectors;
  const std::vector<model::Workload>& workloads = m_inventory.workloads;
  s.workload_labels.reserve(workloads.size());
  s.workload_namespace.reserve(workloads.size());
  for (const model::Workload& workload : workloads) {
    s.workload_labels.push_back(s.label_ids(workload.labels));
    const EndpointIndex::NamespaceEntry* ns = m_index.find_namespace(workload.namespace_name);
    s.workload_namespace.push_back(static_cast<std::uint32_t>(ns - m_index.namespaces().data()));
  }
  for (const EndpointIndex::NamespaceEntry& ns : m_index.namespaces()) {
    s.namespace_labels.push_back(s.label_ids(ns.labels));
  }
  m_policies_by_namespace.resize(m_index.namespaces().size());

  Compiler compiler{*this, {}, {}};
  compiler.network_policies();
  compiler.admin_policies();
}

Program::~Program() = default;

std::size_t Program::selection_count() const {
  return m_selectors->selections.size();
}

const Selection& Program::selection(SelectionId id) const {
  return m_selectors->selections[id].selection;
}

std::span<const PolicyId> Program::tier(TierKind tier, Direction direction) const {
  return m_tiers[index_of(direction)][static_cast<std::size_t>(tier)];
}

bool Program::has_ordered_tiers() const {
  for (const auto& tiers : m_tiers) {
    if (!tiers[static_cast<std::size_t>(TierKind::admin)].empty() ||
        !tiers[static_cast<std::size_t>(TierKind::baseline)].empty()) {
      return true;
    }
  }
  return false;
}

bool Program::selects(SelectionId selection, std::size_t workload) const {
  const Selectors& s = *m_selectors;
  if (m_inventory.workloads[workload].host_network) {
    return false;
  }
  const Selectors::Entry& entry = s.selections[selection];
  return s.namespace_matches(entry, s.workload_namespace[workload]) && s.pod_matches(entry, workload);
}

std::vector<PolicyId> Program::selecting(std::size_t workload, Direction direction,
                                         TierKind tier) const {
  std::vector<PolicyId> result;
  const std::size_t d = index_of(direction);
  if (tier == TierKind::network_policy) {
    for (PolicyId p : m_policies_by_namespace[m_selectors->workload_namespace[workload]]) {
      if (m_policies[p].isolates[d] && selects(m_policies[p].subject, workload)) {
        result.push_back(p);
      }
    }
    return result;
  }
  for (PolicyId p : m_tiers[d][static_cast<std::size_t>(tier)]) {
    if (selects(m_policies[p].subject, workload)) {
      result.push_back(p);
    }
  }
  return result;
}

namespace {

// The addresses an ipBlock can match a workload by: its pod IPs, and the
// hostIP of a hostNetwork pod.
template <typename Visit>
void for_each_address(const model::Workload& workload, Visit visit) {
  for (const model::IpAddress& ip : workload.pod_ips) {
    visit(ip);
  }
  if (workload.host_network && workload.host_ip) {
    visit(*workload.host_ip);
  }
}

// Whether some address of the workload is known (for_each_address visits one).
bool has_known_address(const model::Workload& workload) {
  return !workload.pod_ips.empty() || (workload.host_network && workload.host_ip);
}

} // namespace

bool Program::peer_matches(PeerSetId peers, const FlowEndpoint& endpoint,
                           std::optional<model::IpFamily> family) const {
  const PeerSet& set = m_peer_sets[peers];
  if (set.everything) {
    return true;
  }
  if (endpoint.kind != EndpointKind::workload) {
    return set.addresses.contains(endpoint.ip);
  }
  for (SelectionId selection : set.selections) {
    if (selects(selection, endpoint.workload)) {
      return true;
    }
  }
  if (set.matches_unaddressed_pods && !has_known_address(m_inventory.workloads[endpoint.workload])) {
    return true;
  }
  if ((!m_options.ipblock_matches_pods && !set.addresses_always_match_pods) || !family ||
      set.addresses.empty()) {
    return false;
  }
  bool found = false;
  for_each_address(m_inventory.workloads[endpoint.workload], [&](const model::IpAddress& ip) {
    found = found || (ip.family == *family && set.addresses.contains(ip));
  });
  return found;
}

ConnectionSet Program::admitted(PortFilterId ports, const FlowEndpoint& destination) const {
  const PortFilter& filter = m_port_filters[ports];
  if (filter.all) {
    return ConnectionSet::all();
  }
  ConnectionSet result = filter.numeric;
  if (destination.kind != EndpointKind::workload || filter.named.empty()) {
    return result;
  }
  for (const model::ContainerPort& port : m_inventory.workloads[destination.workload].ports) {
    for (const NamedPort& named : filter.named) {
      if (!port.name.empty() && named.name == port.name &&
          (!named.protocol || *named.protocol == port.protocol)) {
        result.add(port.protocol, PortSet::single(port.port));
      }
    }
  }
  return result;
}

// ---- materialization ------------------------------------------------------

const Membership& Program::membership() const {
  std::call_once(m_materialize_once,
                 [this] { m_membership = std::make_unique<Membership>(find_members(nullptr)); });
  return *m_membership;
}

Membership Program::membership(const MembershipScope& scope) const {
  assert(scope.selections.size() == selection_count() && scope.peer_sets.size() == m_peer_sets.size());
  return find_members(&scope);
}

Membership Program::find_members(const MembershipScope* scope) const {
  const Selectors& s = *m_selectors;
  const std::vector<model::Workload>& workloads = m_inventory.workloads;
  const std::size_t namespace_count = m_index.namespaces().size();
  Membership result;
  auto selection_candidates = [&](SelectionId id) {
    return scope == nullptr ? nullptr : scope->selections[id];
  };

  // Posting lists: (key, value) -> selectable workloads, ascending; built
  // when a selection is first looked for among every workload.
  std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> postings;
  std::unordered_map<std::uint32_t, std::vector<std::uint32_t>> key_postings;
  bool posted = false;
  auto post = [&] {
    if (posted) {
      return;
    }
    posted = true;
    for (std::size_t w = 0; w < workloads.size(); ++w) {
      if (workloads[w].host_network) {
        continue;
      }
      for (const auto& [key, value] : s.workload_labels[w]) {
        postings[(std::uint64_t{key} << 32) | value].push_back(static_cast<std::uint32_t>(w));
        key_postings[key].push_back(static_cast<std::uint32_t>(w));
      }
    }
  };
  // The namespaces each namespace selector matches and their selectable
  // workloads, computed once.
  struct NamespaceSet {
    std::vector<bool> matched;
    std::size_t workloads = 0;
  };
  std::unordered_map<std::uint32_t, NamespaceSet> namespace_sets;
  auto namespace_set = [&](std::uint32_t selector) -> const NamespaceSet& {
    auto [it, inserted] = namespace_sets.try_emplace(selector);
    if (inserted) {
      it->second.matched.assign(namespace_count, false);
      for (std::size_t ns = 0; ns < namespace_count; ++ns) {
        if (s.selectors[selector].matches(s.namespace_labels[ns])) {
          it->second.matched[ns] = true;
          it->second.workloads += m_index.namespaces()[ns].workloads.size();
        }
      }
    }
    return it->second;
  };
  std::size_t selectable = 0;
  for (const EndpointIndex::NamespaceEntry& ns : m_index.namespaces()) {
    selectable += ns.workloads.size();
  }

  result.selections.resize(s.selections.size());
  for (std::size_t id = 0; id < s.selections.size(); ++id) {
    const Selectors::Entry& entry = s.selections[id];
    std::vector<std::uint32_t>& members = result.selections[id];
    const NamespaceSet* chosen =
        !entry.one_namespace && entry.namespace_selector != k_no_id
            ? &namespace_set(entry.namespace_selector)
            : nullptr;
    auto in_namespace = [&](std::size_t ns) {
      if (entry.one_namespace) {
        return ns == entry.namespace_index;
      }
      return chosen == nullptr || chosen->matched[ns];
    };
    std::size_t scan_cost = selectable;
    if (entry.one_namespace) {
      scan_cost = entry.namespace_index == k_no_id
                      ? 0
                      : m_index.namespaces()[entry.namespace_index].workloads.size();
    } else if (chosen != nullptr) {
      scan_cost = chosen->workloads;
    }
    // Among the candidates when they are fewer than the workloads a scan
    // reads; otherwise every member (more than asked for, and exact).
    const std::vector<std::uint32_t>* wanted = selection_candidates(static_cast<SelectionId>(id));
    if (wanted != nullptr && wanted->size() < scan_cost) {
      for (std::uint32_t w : *wanted) {
        if (!workloads[w].host_network && in_namespace(s.workload_namespace[w]) && s.pod_matches(entry, w)) {
          members.push_back(w);
        }
      }
      continue;
    }
    // The shortest posting list of a requirement every member satisfies.
    const std::vector<std::uint32_t>* candidates = nullptr;
    if (entry.pod_selector != k_no_id && scan_cost > 0) {
      post();
      for (const CompiledSelector::Requirement& r : s.selectors[entry.pod_selector].requirements) {
        const std::vector<std::uint32_t>* list = nullptr;
        static const std::vector<std::uint32_t> k_empty;
        if (r.op == model::Operator::in) {
          if (r.values.size() != 1) {
            if (r.values.empty() || r.key == k_no_id) {
              list = &k_empty;
            }
          } else {
            const auto it = postings.find((std::uint64_t{r.key} << 32) | r.values.front());
            list = it == postings.end() ? &k_empty : &it->second;
          }
        } else if (r.op == model::Operator::exists) {
          const auto it = r.key == k_no_id ? key_postings.end() : key_postings.find(r.key);
          list = it == key_postings.end() ? &k_empty : &it->second;
        }
        if (list != nullptr && (candidates == nullptr || list->size() < candidates->size())) {
          candidates = list;
        }
      }
    }
    if (candidates != nullptr && candidates->size() < scan_cost) {
      for (std::uint32_t w : *candidates) {
        if (in_namespace(s.workload_namespace[w]) && s.pod_matches(entry, w)) {
          members.push_back(w);
        }
      }
    } else {
      const bool nowhere = entry.one_namespace && entry.namespace_index == k_no_id;
      const std::size_t first = entry.one_namespace ? entry.namespace_index : 0;
      const std::size_t last = nowhere ? first : entry.one_namespace ? first + 1 : namespace_count;
      for (std::size_t ns = first; ns < last; ++ns) {
        if (!in_namespace(ns)) {
          continue;
        }
        for (std::size_t w : m_index.namespaces()[ns].workloads) {
          if (s.pod_matches(entry, w)) {
            members.push_back(static_cast<std::uint32_t>(w));
          }
        }
      }
      // Namespaces mostly hold runs of workloads in order: then no sort.
      if (!std::is_sorted(members.begin(), members.end())) {
        std::sort(members.begin(), members.end());
      }
    }
  }

  // The candidates of each peer set, marked (one bitmap per distinct list).
  std::unordered_map<const std::vector<std::uint32_t>*, std::vector<bool>> marks;
  auto peer_candidates = [&](PeerSetId p) -> std::pair<const std::vector<std::uint32_t>*, const std::vector<bool>*> {
    const std::vector<std::uint32_t>* list = scope == nullptr ? nullptr : scope->peer_sets[p];
    if (list == nullptr) {
      return {nullptr, nullptr};
    }
    auto [it, inserted] = marks.try_emplace(list);
    if (inserted) {
      it->second.assign(workloads.size(), false);
      for (std::uint32_t w : *list) {
        it->second[w] = true;
      }
    }
    return {list, &it->second};
  };

  // Every workload's addresses, per family, sorted, for address members
  // among every workload.
  std::array<std::vector<std::pair<model::IpAddress, std::uint32_t>>, 2> addresses;
  const bool any_peers_everywhere =
      scope == nullptr || std::find(scope->peer_sets.begin(), scope->peer_sets.end(), nullptr) !=
                              scope->peer_sets.end();
  for (std::size_t w = 0; any_peers_everywhere && w < workloads.size(); ++w) {
    for_each_address(workloads[w], [&](const model::IpAddress& ip) {
      addresses[ip.family == model::IpFamily::v4 ? 0 : 1].emplace_back(ip, static_cast<std::uint32_t>(w));
    });
  }
  for (auto& list : addresses) {
    std::sort(list.begin(), list.end());
  }
  result.peer_selectors.resize(m_peer_sets.size());
  result.peer_addresses.resize(m_peer_sets.size());
  for (PeerSetId p = 0; p < m_peer_sets.size(); ++p) {
    const PeerSet& set = m_peer_sets[p];
    const auto [candidates, marked] = peer_candidates(p);
    std::vector<std::uint32_t>& members = result.peer_selectors[p];
    if (set.everything) {
      if (candidates != nullptr) {
        members = *candidates;
      } else {
        members.resize(workloads.size());
        for (std::size_t w = 0; w < workloads.size(); ++w) {
          members[w] = static_cast<std::uint32_t>(w);
        }
      }
      continue;
    }
    for (SelectionId selection : set.selections) {
      // Each selection's members are ascending: merge them in.
      const std::vector<std::uint32_t>& more = result.selections[selection];
      const std::size_t before = members.size();
      if (marked == nullptr) {
        members.insert(members.end(), more.begin(), more.end());
      } else {
        std::copy_if(more.begin(), more.end(), std::back_inserter(members),
                     [&](std::uint32_t w) { return (*marked)[w]; });
      }
      std::inplace_merge(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(before), members.end());
    }
    members.erase(std::unique(members.begin(), members.end()), members.end());
    std::array<std::vector<std::uint32_t>, 2>& by_address = result.peer_addresses[p];
    if (set.matches_unaddressed_pods) {
      auto add_unaddressed = [&](std::size_t w) {
        if (!has_known_address(workloads[w])) {
          by_address[0].push_back(static_cast<std::uint32_t>(w));
          by_address[1].push_back(static_cast<std::uint32_t>(w));
        }
      };
      if (candidates != nullptr) {
        std::for_each(candidates->begin(), candidates->end(), add_unaddressed);
      } else {
        for (std::size_t w = 0; w < workloads.size(); ++w) {
          add_unaddressed(w);
        }
      }
    }
    if ((!m_options.ipblock_matches_pods && !set.addresses_always_match_pods) || set.addresses.empty()) {
      continue;
    }
    if (candidates != nullptr) {
      for (std::uint32_t w : *candidates) {
        for_each_address(workloads[w], [&](const model::IpAddress& ip) {
          if (set.addresses.contains(ip)) {
            by_address[ip.family == model::IpFamily::v4 ? 0 : 1].push_back(w);
          }
        });
      }
    } else {
      for (const AddressRange& range : set.addresses.ranges()) {
        const std::size_t f = range.first.family == model::IpFamily::v4 ? 0 : 1;
        const auto& list = addresses[f];
        auto it = std::lower_bound(list.begin(), list.end(), range.first,
                                   [](const std::pair<model::IpAddress, std::uint32_t>& e,
                                      const model::IpAddress& ip) { return e.first < ip; });
        for (; it != list.end() && it->first <= range.last; ++it) {
          by_address[f].push_back(it->second);
        }
      }
    }
    for (std::vector<std::uint32_t>& list : by_address) {
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
    }
  }
  return result;
}

const std::vector<std::uint32_t>& Program::members(SelectionId selection) const {
  return membership().selections[selection];
}

const std::vector<std::uint32_t>& Program::selector_members(PeerSetId peers) const {
  return membership().peer_selectors[peers];
}

const std::vector<std::uint32_t>& Program::address_members(PeerSetId peers,
                                                           model::IpFamily family) const {
  return membership().peer_addresses[peers][family == model::IpFamily::v4 ? 0 : 1];
}

} // namespace npcheck::analyzer
