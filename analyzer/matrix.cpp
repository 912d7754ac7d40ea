// SPDX-License-Identifier: Apache-2.0
//
// The connectivity matrix (networking.k8s.io/v1 NetworkPolicy, the same rules
// as reachability.cpp): a flow from A to B on (protocol, port) is allowed iff
// A's egress allows it (A not isolated for egress, or some spec.egress rule of
// a policy selecting A has B among its `to` peers and the port among its
// `ports`) and B's ingress allows it (likewise with spec.ingress and `from`),
// or it is always allowed (a Pod to itself, a pod and a hostNetwork pod on its
// node).
//
// It never asks N² independent questions. The work is partitioned once:
//
//  1. Policies are reduced to distinct selection sets (namespace plus
//     spec.podSelector) and rules to distinct peer sets (the union of their
//     peers: selectors resolved to workloads, ipBlocks to addresses and to
//     the workloads whose pod IP lies inside) and distinct port specs.
//  2. Workloads with the same signature (the selection sets and peer sets
//     that contain them, the named ports that policies use and what they
//     resolve to, and their node when hostNetwork pods exist) behave
//     identically and form one class. The address space is split at every
//     ipBlock edge into atomic ranges; ranges contained in the same peer sets
//     form one external class (one endpoint).
//  3. Each protocol's port space is split at every numeric port edge and at
//     every resolved named port into atomic intervals, and intervals that
//     every port spec treats alike are merged into port classes.
//  4. Per source class and per port class, the egress row (the union of the
//     peer sets of the source's egress rules that admit that port class) and
//     the transposed ingress row (the destinations whose ingress rules admit
//     the source on that port class: a shared base of non-isolated and
//     all-peers destinations, plus the rules of every peer set containing the
//     source) are dense 64-bit-word bitsets over classes; allowed = egress AND
//     ingress-transposed. Rows are independent and split over threads.
//  5. The set of port classes allowed for a pair is interned into a
//     ConnectionSet, and the matrix is stored sparse per class row.

#include <npcheck/analyzer/matrix.hpp>

#include <npcheck/analyzer/selector_match.hpp>
#include <npcheck/model/inventory.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <map>
#include <thread>
#include <unordered_map>
#include <utility>
#include <variant>

namespace npcheck::analyzer {

namespace {

using Word = std::uint64_t;
using Bits = std::vector<Word>;
__extension__ using U128 = unsigned __int128;

constexpr std::uint32_t k_marker = 0xffffffffu;
constexpr std::uint32_t k_all_peers = 0; // peer set id of "every peer"

struct VectorHash {
  template <typename T>
  std::size_t operator()(const std::vector<T>& values) const {
    std::uint64_t hash = 0xcbf29ce484222325ull;
    for (const T& value : values) {
      hash ^= static_cast<std::uint64_t>(value);
      hash *= 0x100000001b3ull;
      hash ^= hash >> 29;
    }
    return static_cast<std::size_t>(hash);
  }
};

template <typename T>
using Interner = std::unordered_map<std::vector<T>, std::uint32_t, VectorHash>;

template <typename T>
std::uint32_t intern(Interner<T>& table, const std::vector<T>& key) {
  const auto [it, inserted] = table.emplace(key, static_cast<std::uint32_t>(table.size()));
  return it->second;
}

void set_bit(Bits& bits, std::size_t i) { bits[i / 64] |= Word{1} << (i % 64); }
bool test_bit(const Bits& bits, std::size_t i) { return (bits[i / 64] >> (i % 64)) & 1u; }
void or_into(Word* target, const Word* source, std::size_t words) {
  for (std::size_t i = 0; i < words; ++i) {
    target[i] |= source[i];
  }
}

// An address as (family, value), ordered IPv4 first.
struct Point {
  int family = 0; // 0: v4, 1: v6
  U128 value = 0;
  friend bool operator<(const Point& a, const Point& b) {
    return a.family != b.family ? a.family < b.family : a.value < b.value;
  }
  friend bool operator==(const Point&, const Point&) = default;
};

Point point_of(const model::IpAddress& ip) {
  if (ip.family == model::IpFamily::v4) {
    return {0, ip.v4()};
  }
  const auto [high, low] = ip.v6();
  return {1, (static_cast<U128>(high) << 64) | low};
}

model::IpAddress address_of(const Point& point) {
  if (point.family == 0) {
    return model::IpAddress::from_v4(static_cast<std::uint32_t>(point.value));
  }
  return model::IpAddress::from_v6(static_cast<std::uint64_t>(point.value >> 64),
                                   static_cast<std::uint64_t>(point.value));
}

U128 family_max(int family) {
  return family == 0 ? U128{0xffffffffu} : ~U128{0};
}

struct PortSpec {
  bool all = false;
  ConnectionSet numeric;
  std::vector<std::uint32_t> named; // named-port ids
};

struct RuleItem {
  std::uint32_t peers = 0; // peer set
  std::uint32_t ports = 0; // port spec
  friend auto operator<=>(const RuleItem&, const RuleItem&) = default;
};

struct SelectionSet {
  std::vector<std::size_t> workloads;
  bool ingress = false;
  bool egress = false;
  std::vector<RuleItem> ingress_items;
  std::vector<RuleItem> egress_items;
  std::vector<std::uint32_t> classes;
};

struct IngressItem {
  std::uint32_t selection = 0;
  std::uint32_t ports = 0;
};

struct PeerSet {
  std::vector<std::size_t> workloads; // sorted, unique
  AddressSet addresses;
  std::vector<std::uint32_t> classes; // sorted
  Bits dense;                         // over classes
  std::vector<IngressItem> ingress;   // ingress rules having these peers
  std::vector<Bits> ingress_masks;    // per port class, when precomputed
};

struct Atom {
  model::Protocol protocol = model::Protocol::tcp;
  std::uint32_t first = 0;
  std::uint32_t last = 0;
};

bool node_local(const model::Workload& pod, const model::Workload& peer) {
  if (!peer.host_network) {
    return false;
  }
  return (!pod.node_name.empty() && pod.node_name == peer.node_name) ||
         (pod.host_ip && peer.host_ip && *pod.host_ip == *peer.host_ip);
}

std::string range_text(const AddressRange& range) {
  return range.first.to_string() + "-" + range.last.to_string();
}

// Everything the row computation reads, built once.
class Builder {
public:
  Builder(const model::Inventory& inventory, unsigned threads)
      : m_inventory(inventory), m_index(inventory), m_threads(threads) {}

  void run(std::vector<MatrixEndpoint>& endpoints, std::vector<std::uint32_t>& class_of,
           std::vector<std::vector<std::uint32_t>>& class_members,
           std::vector<std::vector<MatrixEntry>>& rows, std::vector<ConnectionSet>& connections,
           std::size_t& port_classes, std::size_t& address_atoms) {
    compile_policies();
    classify_workloads();
    classify_addresses();
    address_atoms = m_atom_count;
    finish_classes();
    split_ports();
    port_classes = m_port_class_sets.size();
    prepare_rows();
    compute_rows(rows, connections);

    const std::vector<model::Workload>& workloads = m_inventory.workloads;
    endpoints.clear();
    class_of.assign(workloads.size() + m_external_ranges.size(), 0);
    class_members.assign(m_class_count, {});
    for (std::size_t w = 0; w < workloads.size(); ++w) {
      MatrixEndpoint endpoint;
      endpoint.kind = MatrixEndpointKind::workload;
      endpoint.workload = w;
      endpoint.id = workloads[w].display_name();
      endpoints.push_back(std::move(endpoint));
      class_of[w] = m_workload_class[w];
      class_members[m_workload_class[w]].push_back(static_cast<std::uint32_t>(w));
    }
    for (std::size_t e = 0; e < m_external_ranges.size(); ++e) {
      MatrixEndpoint endpoint;
      endpoint.kind = MatrixEndpointKind::external;
      endpoint.ranges = m_external_ranges[e];
      for (const AddressRange& range : endpoint.ranges) {
        endpoint.id += (endpoint.id.empty() ? "" : ",") + range_text(range);
      }
      const std::size_t index = endpoints.size();
      endpoints.push_back(std::move(endpoint));
      const std::uint32_t cls = static_cast<std::uint32_t>(m_workload_classes + e);
      class_of[index] = cls;
      class_members[cls].push_back(static_cast<std::uint32_t>(index));
    }
  }

private:
  // ---- 1. policies to selection sets, peer sets and port specs ----------

  void compile_policies() {
    const std::vector<model::Workload>& workloads = m_inventory.workloads;
    for (std::size_t w = 0; w < workloads.size(); ++w) {
      m_any_host_network = m_any_host_network || workloads[w].host_network;
    }

    m_peer_sets.emplace_back(); // k_all_peers
    m_peer_set_ids.emplace(std::vector<std::uint32_t>{k_marker}, k_all_peers);

    std::map<std::string, std::uint32_t> selection_ids;
    for (const model::NetworkPolicy& policy : m_inventory.policies) {
      const std::string key = policy.namespace_name + '\n' + policy.pod_selector.to_string();
      auto [it, inserted] =
          selection_ids.emplace(key, static_cast<std::uint32_t>(m_selections.size()));
      if (inserted) {
        m_selections.emplace_back();
        m_selections.back().workloads =
            m_index.select_workloads(policy.namespace_name, policy.pod_selector);
      }
      SelectionSet& selection = m_selections[it->second];
      if (policy.affects_ingress) {
        selection.ingress = true;
        for (const model::Rule& rule : policy.ingress) {
          selection.ingress_items.push_back({peer_set(policy, rule), port_spec(rule)});
        }
      }
      if (policy.affects_egress) {
        selection.egress = true;
        for (const model::Rule& rule : policy.egress) {
          selection.egress_items.push_back({peer_set(policy, rule), port_spec(rule)});
        }
      }
    }
    for (SelectionSet& selection : m_selections) {
      for (std::vector<RuleItem>* items : {&selection.ingress_items, &selection.egress_items}) {
        std::sort(items->begin(), items->end());
        items->erase(std::unique(items->begin(), items->end()), items->end());
      }
    }
  }

  std::uint32_t peer_definition(const model::NetworkPolicy& policy, const model::Peer& peer) {
    std::string key;
    if (peer.ip_block) {
      key = "ip " + peer.ip_block->cidr.to_string();
      for (const model::Cidr& except : peer.ip_block->except) {
        key += " " + except.to_string();
      }
    } else {
      key = peer.namespace_selector ? "ns " + peer.namespace_selector->to_string()
                                    : "own " + policy.namespace_name;
      key += "\npods " + (peer.pod_selector ? peer.pod_selector->to_string() : std::string("*"));
    }
    auto [it, inserted] =
        m_definition_ids.emplace(key, static_cast<std::uint32_t>(m_definitions.size()));
    if (!inserted) {
      return it->second;
    }
    std::pair<std::vector<std::size_t>, AddressSet> definition;
    if (peer.ip_block) {
      definition.second = AddressSet::from_ip_block(*peer.ip_block);
    }
    definition.first = m_index.select_peer(policy.namespace_name, peer);
    m_definitions.push_back(std::move(definition));
    return it->second;
  }

  std::uint32_t peer_set(const model::NetworkPolicy& policy, const model::Rule& rule) {
    if (rule.peers.empty()) {
      return k_all_peers;
    }
    std::vector<std::uint32_t> key;
    for (const model::Peer& peer : rule.peers) {
      key.push_back(peer_definition(policy, peer));
    }
    std::sort(key.begin(), key.end());
    key.erase(std::unique(key.begin(), key.end()), key.end());
    auto [it, inserted] =
        m_peer_set_ids.emplace(key, static_cast<std::uint32_t>(m_peer_sets.size()));
    if (inserted) {
      PeerSet set;
      for (std::uint32_t d : key) {
        set.workloads.insert(set.workloads.end(), m_definitions[d].first.begin(),
                             m_definitions[d].first.end());
        set.addresses.unite(m_definitions[d].second);
      }
      std::sort(set.workloads.begin(), set.workloads.end());
      set.workloads.erase(std::unique(set.workloads.begin(), set.workloads.end()),
                          set.workloads.end());
      m_peer_sets.push_back(std::move(set));
    }
    return it->second;
  }

  std::uint32_t port_spec(const model::Rule& rule) {
    PortSpec spec;
    spec.all = rule.ports.empty();
    for (const model::PolicyPort& port : rule.ports) {
      if (!port.port) {
        spec.numeric.add(port.protocol, PortSet::all());
      } else if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) {
        spec.numeric.add(port.protocol, PortSet::range(*number, port.end_port.value_or(*number)));
      } else {
        const auto key = std::make_pair(std::get<std::string>(*port.port), port.protocol);
        auto [it, inserted] =
            m_named_ids.emplace(key, static_cast<std::uint32_t>(m_named_protocols.size()));
        if (inserted) {
          m_named_protocols.push_back(port.protocol);
        }
        spec.named.push_back(it->second);
      }
    }
    std::sort(spec.named.begin(), spec.named.end());
    spec.named.erase(std::unique(spec.named.begin(), spec.named.end()), spec.named.end());
    // Specs are few; a linear search keeps PortSpec free of hashing.
    for (std::size_t i = 0; i < m_port_specs.size(); ++i) {
      const PortSpec& other = m_port_specs[i];
      if (other.all == spec.all && other.named == spec.named && other.numeric == spec.numeric) {
        return static_cast<std::uint32_t>(i);
      }
    }
    m_port_specs.push_back(std::move(spec));
    return static_cast<std::uint32_t>(m_port_specs.size() - 1);
  }

  // ---- 2. classes of workloads and of address ranges --------------------

  void classify_workloads() {
    const std::vector<model::Workload>& workloads = m_inventory.workloads;
    const std::size_t n = workloads.size();
    std::vector<std::vector<std::uint32_t>> selections(n);
    std::vector<std::vector<std::uint32_t>> peers(n);
    for (std::size_t s = 0; s < m_selections.size(); ++s) {
      for (std::size_t w : m_selections[s].workloads) {
        selections[w].push_back(static_cast<std::uint32_t>(s));
      }
    }
    for (std::size_t p = 1; p < m_peer_sets.size(); ++p) {
      for (std::size_t w : m_peer_sets[p].workloads) {
        peers[w].push_back(static_cast<std::uint32_t>(p));
      }
    }
    std::map<std::string, std::uint32_t> strings;
    auto string_id = [&strings](const std::string& text) {
      return strings.emplace(text, static_cast<std::uint32_t>(strings.size())).first->second;
    };
    Interner<std::uint32_t> classes;
    m_workload_class.resize(n);
    for (std::size_t w = 0; w < n; ++w) {
      const model::Workload& workload = workloads[w];
      std::vector<std::uint32_t> signature = selections[w];
      signature.push_back(k_marker);
      signature.insert(signature.end(), peers[w].begin(), peers[w].end());
      signature.push_back(k_marker);
      std::vector<std::pair<std::uint32_t, std::uint32_t>> named;
      for (const model::ContainerPort& port : workload.ports) {
        const auto it = m_named_ids.find(std::make_pair(port.name, port.protocol));
        if (!port.name.empty() && it != m_named_ids.end()) {
          named.emplace_back(it->second, port.port);
        }
      }
      std::sort(named.begin(), named.end());
      named.erase(std::unique(named.begin(), named.end()), named.end());
      for (const auto& [id, number] : named) {
        signature.push_back(id);
        signature.push_back(number);
      }
      if (m_any_host_network) {
        signature.push_back(k_marker);
        signature.push_back(workload.host_network ? 1u : 0u);
        signature.push_back(string_id(workload.node_name));
        signature.push_back(string_id(workload.host_ip ? workload.host_ip->to_string() : ""));
      }
      const std::uint32_t cls = intern(classes, signature);
      m_workload_class[w] = cls;
      if (cls == m_class_selections.size()) {
        m_representative.push_back(w);
        m_class_selections.push_back(std::move(selections[w]));
        m_class_peers.push_back(std::move(peers[w]));
        m_class_named.push_back(std::move(named));
      }
    }
    m_workload_classes = m_class_selections.size();
  }

  void classify_addresses() {
    std::vector<Point> edges{{0, 0}, {1, 0}};
    for (std::size_t p = 1; p < m_peer_sets.size(); ++p) {
      for (const AddressRange& range : m_peer_sets[p].addresses.ranges()) {
        const Point first = point_of(range.first);
        const Point last = point_of(range.last);
        edges.push_back(first);
        if (last.value != family_max(last.family)) {
          edges.push_back({last.family, last.value + 1});
        }
      }
    }
    std::sort(edges.begin(), edges.end());
    edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
    m_atom_count = edges.size();
    std::vector<std::vector<std::uint32_t>> signatures(edges.size());
    for (std::size_t p = 1; p < m_peer_sets.size(); ++p) {
      for (const AddressRange& range : m_peer_sets[p].addresses.ranges()) {
        const Point last = point_of(range.last);
        auto at = std::lower_bound(edges.begin(), edges.end(), point_of(range.first));
        for (; at != edges.end() && !(last < *at); ++at) {
          signatures[static_cast<std::size_t>(at - edges.begin())].push_back(
              static_cast<std::uint32_t>(p));
        }
      }
    }
    Interner<std::uint32_t> classes;
    for (std::size_t a = 0; a < edges.size(); ++a) {
      const std::uint32_t cls = intern(classes, signatures[a]);
      const bool last_of_family = a + 1 == edges.size() || edges[a + 1].family != edges[a].family;
      const Point end = last_of_family ? Point{edges[a].family, family_max(edges[a].family)}
                                       : Point{edges[a].family, edges[a + 1].value - 1};
      const AddressRange range{address_of(edges[a]), address_of(end)};
      if (cls == m_external_ranges.size()) {
        m_external_ranges.push_back({range});
        m_class_selections.emplace_back();
        m_class_peers.push_back(signatures[a]);
        m_class_named.emplace_back();
      } else {
        m_external_ranges[cls].push_back(range);
      }
    }
  }

  void finish_classes() {
    m_class_count = m_class_selections.size();
    m_words = (m_class_count + 63) / 64;
    m_class_ingress.assign(m_class_count, false);
    m_class_egress.assign(m_class_count, false);
    m_class_egress_items.resize(m_class_count);
    for (std::size_t c = 0; c < m_class_count; ++c) {
      for (std::uint32_t s : m_class_selections[c]) {
        SelectionSet& selection = m_selections[s];
        selection.classes.push_back(static_cast<std::uint32_t>(c));
        m_class_ingress[c] = m_class_ingress[c] || selection.ingress;
        m_class_egress[c] = m_class_egress[c] || selection.egress;
        m_class_egress_items[c].insert(m_class_egress_items[c].end(),
                                       selection.egress_items.begin(),
                                       selection.egress_items.end());
      }
      std::vector<RuleItem>& items = m_class_egress_items[c];
      std::sort(items.begin(), items.end());
      items.erase(std::unique(items.begin(), items.end()), items.end());
      for (std::uint32_t p : m_class_peers[c]) {
        m_peer_sets[p].classes.push_back(static_cast<std::uint32_t>(c));
      }
    }
    for (std::size_t s = 0; s < m_selections.size(); ++s) {
      for (const RuleItem& item : m_selections[s].ingress_items) {
        m_peer_sets[item.peers].ingress.push_back({static_cast<std::uint32_t>(s), item.ports});
      }
    }
    for (std::size_t p = 1; p < m_peer_sets.size(); ++p) {
      PeerSet& set = m_peer_sets[p];
      set.dense.assign(m_words, 0);
      for (std::uint32_t c : set.classes) {
        set_bit(set.dense, c);
      }
    }
    // Every class is a member of "all peers".
    PeerSet& all = m_peer_sets[k_all_peers];
    all.dense.assign(m_words, ~Word{0});
    trim(all.dense);
  }

  void trim(Bits& bits) const {
    if (m_class_count % 64 != 0) {
      bits.back() &= (Word{1} << (m_class_count % 64)) - 1;
    }
  }

  // ---- 3. port classes ---------------------------------------------------

  void split_ports() {
    std::array<std::vector<std::uint32_t>, 3> edges;
    for (auto& list : edges) {
      list = {1, 65536};
    }
    for (const PortSpec& spec : m_port_specs) {
      for (model::Protocol protocol : model::k_all_protocols) {
        for (const PortRange& range : spec.numeric.ports(protocol).ranges()) {
          edges[static_cast<std::size_t>(protocol)].push_back(range.first);
          edges[static_cast<std::size_t>(protocol)].push_back(range.last + 1u);
        }
      }
    }
    for (const auto& named : m_class_named) {
      for (const auto& [id, number] : named) {
        auto& list = edges[static_cast<std::size_t>(m_named_protocols[id])];
        list.push_back(number);
        list.push_back(number + 1);
      }
    }
    // Which (protocol, port) values are some class's named port.
    std::vector<std::pair<model::Protocol, std::uint32_t>> named_values;
    for (const auto& named : m_class_named) {
      for (const auto& [id, number] : named) {
        named_values.emplace_back(m_named_protocols[id], number);
      }
    }
    std::sort(named_values.begin(), named_values.end());
    named_values.erase(std::unique(named_values.begin(), named_values.end()), named_values.end());

    Interner<std::uint32_t> classes;
    for (model::Protocol protocol : model::k_all_protocols) {
      auto& list = edges[static_cast<std::size_t>(protocol)];
      std::sort(list.begin(), list.end());
      list.erase(std::unique(list.begin(), list.end()), list.end());
      for (std::size_t i = 0; i + 1 < list.size(); ++i) {
        const Atom atom{protocol, list[i], list[i + 1] - 1};
        std::vector<std::uint32_t> signature;
        for (std::size_t s = 0; s < m_port_specs.size(); ++s) {
          if (m_port_specs[s].numeric.allows(protocol, static_cast<std::uint16_t>(atom.first))) {
            signature.push_back(static_cast<std::uint32_t>(s));
          }
        }
        if (atom.first == atom.last &&
            std::binary_search(named_values.begin(), named_values.end(),
                               std::make_pair(protocol, atom.first))) {
          signature.push_back(k_marker);
          signature.push_back(static_cast<std::uint32_t>(protocol));
          signature.push_back(atom.first);
        }
        const std::uint32_t cls = intern(classes, signature);
        if (cls == m_port_class_sets.size()) {
          m_port_class_sets.emplace_back();
        }
        m_port_class_sets[cls].add(protocol, PortSet::range(static_cast<std::uint16_t>(atom.first),
                                                            static_cast<std::uint16_t>(atom.last)));
        if (atom.first == atom.last &&
            std::binary_search(named_values.begin(), named_values.end(),
                               std::make_pair(protocol, atom.first))) {
          m_named_value_class[{protocol, atom.first}] = cls;
        }
      }
    }
    m_port_class_count = m_port_class_sets.size();
    // covers[spec * K + k]: the spec's numeric part (or "all ports") admits k.
    m_covers.assign(m_port_specs.size() * m_port_class_count, false);
    for (std::size_t s = 0; s < m_port_specs.size(); ++s) {
      for (std::size_t k = 0; k < m_port_class_count; ++k) {
        const ConnectionSet& ports = m_port_class_sets[k];
        bool covered = m_port_specs[s].all;
        for (model::Protocol protocol : model::k_all_protocols) {
          const std::vector<PortRange> ranges = ports.ports(protocol).ranges();
          if (!ranges.empty()) {
            covered = covered || m_port_specs[s].numeric.allows(protocol, ranges.front().first);
          }
        }
        m_covers[s * m_port_class_count + k] = covered;
      }
    }
    // Per class, its named ports as (named id, port class).
    m_class_named_k.resize(m_class_count);
    m_named_k_classes.assign(m_named_protocols.size() * m_port_class_count, {});
    for (std::size_t c = 0; c < m_class_count; ++c) {
      for (const auto& [id, number] : m_class_named[c]) {
        const std::uint32_t k = m_named_value_class.at({m_named_protocols[id], number});
        m_class_named_k[c].emplace_back(id, k);
        m_named_k_classes[id * m_port_class_count + k].push_back(static_cast<std::uint32_t>(c));
      }
    }
  }

  // Whether port spec s admits port class k on destination class d.
  bool admits(std::uint32_t s, std::size_t k, std::uint32_t d) const {
    if (m_covers[s * m_port_class_count + k]) {
      return true;
    }
    for (std::uint32_t id : m_port_specs[s].named) {
      for (const auto& [named, port_class] : m_class_named_k[d]) {
        if (named == id && port_class == k) {
          return true;
        }
      }
    }
    return false;
  }

  // ORs into masks[k] (K rows of m_words) the destinations of an ingress item.
  void add_ingress(const IngressItem& item, Word* masks) const {
    for (std::uint32_t d : m_selections[item.selection].classes) {
      for (std::size_t k = 0; k < m_port_class_count; ++k) {
        if (admits(item.ports, k, d)) {
          masks[k * m_words + d / 64] |= Word{1} << (d % 64);
        }
      }
    }
  }

  // ---- 4. rows -------------------------------------------------------------

  void prepare_rows() {
    const std::size_t K = m_port_class_count;
    m_ingress_base.assign(K * m_words, 0);
    Bits open(m_words, 0);
    for (std::size_t c = 0; c < m_class_count; ++c) {
      if (!m_class_ingress[c]) {
        set_bit(open, c);
      }
    }
    for (std::size_t k = 0; k < K; ++k) {
      or_into(&m_ingress_base[k * m_words], open.data(), m_words);
    }
    for (const IngressItem& item : m_peer_sets[k_all_peers].ingress) {
      add_ingress(item, m_ingress_base.data());
    }
    // Peer sets shared by many classes get their ingress masks precomputed.
    std::size_t budget = std::size_t{1} << 30;
    for (std::size_t p = 1; p < m_peer_sets.size(); ++p) {
      PeerSet& set = m_peer_sets[p];
      const std::size_t bytes = K * m_words * sizeof(Word);
      std::size_t work = 0;
      for (const IngressItem& item : set.ingress) {
        work += m_selections[item.selection].classes.size();
      }
      if (set.classes.size() >= 8 && work * 4 > m_words && bytes <= budget) {
        budget -= bytes;
        set.ingress_masks.assign(1, Bits(K * m_words, 0));
        for (const IngressItem& item : set.ingress) {
          add_ingress(item, set.ingress_masks[0].data());
        }
      }
    }
    m_always.resize(m_class_count);
    if (m_any_host_network) {
      const std::vector<model::Workload>& workloads = m_inventory.workloads;
      std::vector<std::uint32_t> host_classes;
      for (std::size_t c = 0; c < m_workload_classes; ++c) {
        if (workloads[m_representative[c]].host_network) {
          host_classes.push_back(static_cast<std::uint32_t>(c));
        }
      }
      for (std::size_t c = 0; c < m_workload_classes; ++c) {
        const model::Workload& pod = workloads[m_representative[c]];
        for (std::uint32_t h : host_classes) {
          const model::Workload& host = workloads[m_representative[h]];
          if (node_local(pod, host) || node_local(host, pod)) {
            m_always[c].push_back(h);
            if (h != c) {
              m_always[h].push_back(static_cast<std::uint32_t>(c));
            }
          }
        }
      }
    }
  }

  struct ThreadState {
    Bits egress;
    Bits ingress;
    Bits any;
    std::vector<Word> key;
    Interner<Word> connections;
  };

  void compute_row(std::size_t s, ThreadState& state, std::vector<MatrixEntry>& out) const {
    const std::size_t K = m_port_class_count;
    const std::size_t W = m_words;
    Word* ingress = state.ingress.data();
    std::copy(m_ingress_base.begin(), m_ingress_base.end(), state.ingress.begin());
    for (std::uint32_t p : m_class_peers[s]) {
      const PeerSet& set = m_peer_sets[p];
      if (!set.ingress_masks.empty()) {
        or_into(ingress, set.ingress_masks[0].data(), K * W);
      } else {
        for (const IngressItem& item : set.ingress) {
          add_ingress(item, ingress);
        }
      }
    }
    Word* egress = state.egress.data();
    if (m_class_egress[s]) {
      std::fill(state.egress.begin(), state.egress.end(), 0);
      for (const RuleItem& item : m_class_egress_items[s]) {
        const PeerSet& set = m_peer_sets[item.peers];
        const PortSpec& spec = m_port_specs[item.ports];
        for (std::size_t k = 0; k < K; ++k) {
          Word* row = egress + k * W;
          if (m_covers[item.ports * K + k]) {
            if (set.classes.size() * 4 < W && item.peers != k_all_peers) {
              for (std::uint32_t d : set.classes) {
                row[d / 64] |= Word{1} << (d % 64);
              }
            } else {
              or_into(row, set.dense.data(), W);
            }
            continue;
          }
          for (std::uint32_t id : spec.named) {
            for (std::uint32_t d : m_named_k_classes[id * K + k]) {
              if (test_bit(set.dense, d)) {
                row[d / 64] |= Word{1} << (d % 64);
              }
            }
          }
        }
      }
      for (std::size_t i = 0; i < K * W; ++i) {
        ingress[i] &= egress[i];
      }
    }
    // ingress now holds the allowed rows per port class.
    for (std::uint32_t d : m_always[s]) {
      for (std::size_t k = 0; k < K; ++k) {
        ingress[k * W + d / 64] |= Word{1} << (d % 64);
      }
    }
    Word* any = state.any.data();
    std::fill(state.any.begin(), state.any.end(), 0);
    for (std::size_t k = 0; k < K; ++k) {
      or_into(any, ingress + k * W, W);
    }
    const std::size_t key_words = (K + 63) / 64;
    state.key.assign(key_words, 0);
    for (std::size_t i = 0; i < W; ++i) {
      Word bits = any[i];
      while (bits != 0) {
        const std::size_t d = i * 64 + static_cast<std::size_t>(std::countr_zero(bits));
        bits &= bits - 1;
        std::fill(state.key.begin(), state.key.end(), 0);
        for (std::size_t k = 0; k < K; ++k) {
          state.key[k / 64] |= ((ingress[k * W + i] >> (d % 64)) & 1u) << (k % 64);
        }
        out.push_back({static_cast<std::uint32_t>(d), intern(state.connections, state.key)});
      }
    }
  }

  void compute_rows(std::vector<std::vector<MatrixEntry>>& rows,
                    std::vector<ConnectionSet>& connections) const {
    rows.assign(m_class_count, {});
    unsigned threads = m_threads;
    if (threads == 0) {
      threads = std::max(1u, std::thread::hardware_concurrency());
      // Small matrices are not worth a thread.
      if (static_cast<double>(m_class_count) * static_cast<double>(m_class_count) *
              static_cast<double>(m_port_class_count) < 4e6) {
        threads = 1;
      }
    }
    threads = std::min(threads, 255u);
    std::vector<ThreadState> states(threads);
    std::vector<std::uint8_t> owner(m_class_count, 0);
    std::atomic<std::size_t> next{0};
    const std::size_t chunk = 16;
    auto work = [&](unsigned t) {
      ThreadState& state = states[t];
      state.egress.assign(m_port_class_count * m_words, 0);
      state.ingress.assign(m_port_class_count * m_words, 0);
      state.any.assign(m_words, 0);
      for (;;) {
        const std::size_t begin = next.fetch_add(chunk);
        if (begin >= m_class_count) {
          break;
        }
        const std::size_t end = std::min(begin + chunk, m_class_count);
        for (std::size_t s = begin; s < end; ++s) {
          compute_row(s, state, rows[s]);
          owner[s] = static_cast<std::uint8_t>(t);
        }
      }
    };
    if (threads == 1) {
      work(0);
    } else {
      std::vector<std::thread> pool;
      for (unsigned t = 0; t < threads; ++t) {
        pool.emplace_back(work, t);
      }
      for (std::thread& thread : pool) {
        thread.join();
      }
    }
    // Merge the per-thread connection tables; id 0 is "none".
    connections.assign(1, ConnectionSet::none());
    Interner<Word> global;
    global.emplace(std::vector<Word>((m_port_class_count + 63) / 64, 0), 0);
    std::vector<std::vector<std::uint32_t>> remap(threads);
    for (unsigned t = 0; t < threads; ++t) {
      remap[t].resize(states[t].connections.size());
      for (const auto& [key, local] : states[t].connections) {
        const auto [it, inserted] =
            global.emplace(key, static_cast<std::uint32_t>(connections.size()));
        if (inserted) {
          ConnectionSet set;
          for (std::size_t k = 0; k < m_port_class_count; ++k) {
            if ((key[k / 64] >> (k % 64)) & 1u) {
              set.unite(m_port_class_sets[k]);
            }
          }
          connections.push_back(std::move(set));
        }
        remap[t][local] = it->second;
      }
    }
    for (std::size_t s = 0; s < m_class_count; ++s) {
      for (MatrixEntry& entry : rows[s]) {
        entry.connection = remap[owner[s]][entry.connection];
      }
    }
  }

  const model::Inventory& m_inventory;
  EndpointIndex m_index;
  unsigned m_threads = 0;

  bool m_any_host_network = false;
  std::map<std::string, std::uint32_t> m_definition_ids;
  std::vector<std::pair<std::vector<std::size_t>, AddressSet>> m_definitions;
  Interner<std::uint32_t> m_peer_set_ids;
  std::vector<PeerSet> m_peer_sets;
  std::vector<SelectionSet> m_selections;
  std::vector<PortSpec> m_port_specs;
  std::map<std::pair<std::string, model::Protocol>, std::uint32_t> m_named_ids;
  std::vector<model::Protocol> m_named_protocols;

  std::vector<std::uint32_t> m_workload_class;
  std::vector<std::size_t> m_representative; // per workload class
  std::size_t m_workload_classes = 0;
  std::vector<std::vector<AddressRange>> m_external_ranges; // per external class
  std::size_t m_atom_count = 0;
  std::size_t m_class_count = 0;
  std::size_t m_words = 0;
  std::vector<std::vector<std::uint32_t>> m_class_selections;
  std::vector<std::vector<std::uint32_t>> m_class_peers;
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> m_class_named;
  std::vector<bool> m_class_ingress;
  std::vector<bool> m_class_egress;
  std::vector<std::vector<RuleItem>> m_class_egress_items;

  std::vector<ConnectionSet> m_port_class_sets;
  std::size_t m_port_class_count = 0;
  std::map<std::pair<model::Protocol, std::uint32_t>, std::uint32_t> m_named_value_class;
  std::vector<bool> m_covers;
  std::vector<std::vector<std::pair<std::uint32_t, std::uint32_t>>> m_class_named_k;
  std::vector<std::vector<std::uint32_t>> m_named_k_classes;

  Bits m_ingress_base;
  std::vector<std::vector<std::uint32_t>> m_always;
};

} // namespace

Matrix Matrix::compute(const model::Inventory& inventory, const MatrixOptions& options) {
  Matrix matrix;
  std::vector<std::vector<MatrixEntry>> rows;
  Builder builder(inventory, options.threads);
  builder.run(matrix.m_endpoints, matrix.m_class_of, matrix.m_class_members, rows,
              matrix.m_connections, matrix.m_port_classes, matrix.m_address_atoms);
  matrix.m_row_start.reserve(rows.size() + 1);
  matrix.m_row_start.push_back(0);
  std::size_t total = 0;
  for (const std::vector<MatrixEntry>& row : rows) {
    total += row.size();
  }
  matrix.m_entries.reserve(total);
  for (std::vector<MatrixEntry>& row : rows) {
    matrix.m_entries.insert(matrix.m_entries.end(), row.begin(), row.end());
    matrix.m_row_start.push_back(matrix.m_entries.size());
    std::vector<MatrixEntry>().swap(row);
  }
  matrix.m_self_all.assign(matrix.m_endpoints.size(), false);
  for (std::size_t e = 0; e < matrix.m_endpoints.size(); ++e) {
    const MatrixEndpoint& endpoint = matrix.m_endpoints[e];
    if (endpoint.kind == MatrixEndpointKind::workload) {
      const model::Workload& workload = inventory.workloads[endpoint.workload];
      matrix.m_self_all[e] = workload.kind == model::WorkloadKind::pod ||
                             node_local(workload, workload);
    }
  }
  matrix.m_all = ConnectionSet::all();
  return matrix;
}

std::span<const MatrixEntry> Matrix::row(std::size_t cls) const {
  assert(cls + 1 < m_row_start.size());
  return {m_entries.data() + m_row_start[cls], m_row_start[cls + 1] - m_row_start[cls]};
}

std::uint32_t Matrix::connection_between(std::uint32_t from, std::uint32_t to) const {
  const std::span<const MatrixEntry> entries = row(from);
  const auto it = std::lower_bound(
      entries.begin(), entries.end(), to,
      [](const MatrixEntry& entry, std::uint32_t cls) { return entry.to < cls; });
  return it != entries.end() && it->to == to ? it->connection : 0;
}

const ConnectionSet& Matrix::allowed(std::size_t from, std::size_t to) const {
  if (from == to && m_self_all[from]) {
    return m_all;
  }
  return m_connections[connection_between(m_class_of[from], m_class_of[to])];
}

} // namespace npcheck::analyzer
