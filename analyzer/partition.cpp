// SPDX-License-Identifier: Apache-2.0
//
// The partition (partition.hpp). Two workloads get the same class when they
// are members of the same subject selections, of the same peer sets (through
// selectors, and through their addresses per family), use the same address
// families, resolve every named port of every filter to the same ports, and,
// when hostNetwork pods exist, share node and hostNetwork-ness (which decide
// node-local traffic). Nothing the evaluators read can then tell them apart.
// Address atoms are the pieces between consecutive edges of every peer set's
// address blocks; atoms of one family inside the same peer sets form one
// external class. Port atoms are the pieces between consecutive edges of the
// numeric filters and the resolved named ports; atoms that every filter
// admits alike (and that are the value of the same named ports) form one
// port class.

#include <npcheck/analyzer/partition.hpp>
#include <npcheck/analyzer/vector_hash.hpp>

#include <npcheck/model/inventory.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <cassert>
#include <map>
#include <unordered_map>

namespace npcheck::analyzer {

namespace {

__extension__ using U128 = unsigned __int128;

// Ends each part of a class signature (subject selections, peer sets per
// family, named-port resolutions, ...), so that two signatures are equal only
// when every part is; no selection, peer set or port id reaches this value.
constexpr std::uint32_t k_signature_part_end = 0xffffffffu;


using Interner = std::unordered_map<std::vector<std::uint32_t>, std::uint32_t, VectorHash<std::uint32_t>>;

std::uint32_t intern(Interner& table, const std::vector<std::uint32_t>& key) {
  return table.emplace(key, static_cast<std::uint32_t>(table.size())).first->second;
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

} // namespace

Partition::Partition(const Program& program) : m_program(program) {
  classify_workloads();
  classify_addresses();
  split_ports();
}

void Partition::classify_workloads() {
  const Program& program = m_program;
  const std::vector<model::Workload>& workloads = program.inventory().workloads;
  const std::size_t n = workloads.size();

  // The subject selections of all policies.
  std::vector<SelectionId> subjects;
  for (const CompiledPolicy& policy : program.policies()) {
    subjects.push_back(policy.subject);
  }
  std::sort(subjects.begin(), subjects.end());
  subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());

  // Partition refinement: every workload starts in one part, and each set
  // (a subject selection; a peer set's members through selectors, and
  // through addresses per family) splits every part it cuts. The cost is the
  // sets' sizes, with no per-workload signature to build.
  std::vector<std::uint32_t> part(n, 0);
  std::vector<std::uint32_t> size(n + 1, 0);        // per part: its workloads
  std::vector<std::uint32_t> hits(n + 1, 0);        // per part: its workloads in the set
  std::vector<std::uint32_t> split_to(n + 1, 0);    // per part: where those go
  std::vector<std::uint32_t> touched;
  std::uint32_t parts = n > 0 ? 1 : 0;
  size[0] = static_cast<std::uint32_t>(n);
  auto refine = [&](const std::vector<std::uint32_t>& members) {
    touched.clear();
    for (std::uint32_t w : members) {
      if (hits[part[w]]++ == 0) {
        touched.push_back(part[w]);
      }
    }
    for (std::uint32_t from : touched) {
      // A part wholly in the set stays as it is; another splits in two.
      if (hits[from] == size[from]) {
        split_to[from] = from;
      } else {
        split_to[from] = parts;
        size[parts++] = hits[from];
        size[from] -= hits[from];
      }
      hits[from] = 0;
    }
    for (std::uint32_t w : members) {
      part[w] = split_to[part[w]];
    }
  };
  for (SelectionId s : subjects) {
    refine(program.members(s));
  }
  for (PeerSetId p = 0; p < program.peer_set_count(); ++p) {
    if (program.peer_set(p).everything) {
      continue;
    }
    refine(program.selector_members(p));
    for (model::IpFamily family : {model::IpFamily::v4, model::IpFamily::v6}) {
      refine(program.address_members(p, family));
    }
  }

  // Named ports: every distinct one of every filter.
  std::map<std::pair<std::string, std::optional<model::Protocol>>, std::uint32_t> named_ids;
  m_filter_named.resize(program.port_filter_count());
  for (PortFilterId f = 0; f < program.port_filter_count(); ++f) {
    for (const NamedPort& named : program.port_filter(f).named) {
      const auto [it, inserted] = named_ids.emplace(std::make_pair(named.name, named.protocol),
                                                    static_cast<std::uint32_t>(m_named_ports.size()));
      if (inserted) {
        m_named_ports.push_back(named);
      }
      m_filter_named[f].push_back(it->second);
    }
    std::sort(m_filter_named[f].begin(), m_filter_named[f].end());
  }
  std::unordered_map<std::string, std::vector<std::uint32_t>> named_by_name;
  for (std::uint32_t id = 0; id < m_named_ports.size(); ++id) {
    named_by_name[m_named_ports[id].name].push_back(id);
  }
  bool any_host_network = false;
  for (const model::Workload& workload : workloads) {
    any_host_network = any_host_network || workload.host_network;
  }

  // The rest of what tells workloads apart, per workload: the part, what the
  // named ports resolve to, the families, and (when hostNetwork pods exist)
  // what decides node-local traffic. Classes are numbered in workload order.
  std::map<std::string, std::uint32_t> strings;
  auto string_id = [&strings](const std::string& text) {
    return strings.emplace(text, static_cast<std::uint32_t>(strings.size())).first->second;
  };
  Interner classes;
  std::vector<std::uint32_t> signature;
  std::vector<std::pair<std::uint32_t, std::pair<model::Protocol, std::uint16_t>>> named;
  m_workload_class.resize(n);
  for (std::size_t w = 0; w < n; ++w) {
    const model::Workload& workload = workloads[w];
    named.clear();
    for (const model::ContainerPort& port : workload.ports) {
      const auto it = port.name.empty() ? named_by_name.end() : named_by_name.find(port.name);
      if (it == named_by_name.end()) {
        continue;
      }
      for (std::uint32_t id : it->second) {
        const NamedPort& np = m_named_ports[id];
        if (!np.protocol || *np.protocol == port.protocol) {
          named.emplace_back(id, std::make_pair(port.protocol, port.port));
        }
      }
    }
    std::sort(named.begin(), named.end());
    named.erase(std::unique(named.begin(), named.end()), named.end());
    const Families families = program.addresses().families(FlowEndpoint::of_workload(w));
    m_dual_stack = m_dual_stack || (families.v4 && families.v6);

    signature.assign(1, part[w]);
    for (const auto& [id, value] : named) {
      signature.push_back(id);
      signature.push_back(static_cast<std::uint32_t>(value.first));
      signature.push_back(value.second);
    }
    signature.push_back(k_signature_part_end);
    signature.push_back(families.code());
    if (any_host_network) {
      signature.push_back(workload.host_network ? 1u : 0u);
      signature.push_back(string_id(workload.node_name));
      signature.push_back(string_id(workload.host_ip ? workload.host_ip->to_string() : ""));
    }
    const ClassId cls = intern(classes, signature);
    m_workload_class[w] = cls;
    if (cls == m_class_workloads.size()) {
      m_class_workloads.emplace_back();
      m_class_families.push_back(families);
      m_class_named_values.push_back(named);
    }
    m_class_workloads[cls].push_back(static_cast<std::uint32_t>(w));
  }
  m_workload_classes = m_class_workloads.size();

  // Per class, the peer sets containing it (read off its first workload).
  std::vector<bool> first(n, false);
  for (const std::vector<std::uint32_t>& members : m_class_workloads) {
    first[members.front()] = true;
  }
  // Two passes over the members, each calling emit(slot, p) once per slot
  // and peer set: one counts the lists' lengths, the other fills them.
  const std::size_t slots = 3 * m_workload_classes;
  std::vector<PeerSetId> last(slots, static_cast<PeerSetId>(-1));
  auto each_entry = [&](auto&& emit) {
    std::fill(last.begin(), last.end(), static_cast<PeerSetId>(-1));
    for (PeerSetId p = 0; p < program.peer_set_count(); ++p) {
      if (program.peer_set(p).everything) {
        continue;
      }
      auto add = [&](std::uint32_t w, std::size_t list) {
        const std::size_t slot = 3 * m_workload_class[w] + list;
        if (last[slot] != p) {
          last[slot] = p;
          emit(slot, p);
        }
      };
      // Selector members once, address members in their family's list.
      for (std::uint32_t w : program.selector_members(p)) {
        if (first[w]) {
          add(w, 0);
        }
      }
      for (std::size_t f = 0; f < 2; ++f) {
        for (std::uint32_t w : program.address_members(p, f == 0 ? model::IpFamily::v4 : model::IpFamily::v6)) {
          if (first[w]) {
            add(w, 1 + f);
          }
        }
      }
    }
  };
  m_peer_set_starts.assign(slots + 1, 0);
  each_entry([&](std::size_t slot, PeerSetId) { ++m_peer_set_starts[slot + 1]; });
  for (std::size_t slot = 0; slot < slots; ++slot) {
    m_peer_set_starts[slot + 1] += m_peer_set_starts[slot];
  }
  m_class_peer_sets.resize(m_peer_set_starts[slots]);
  std::vector<std::size_t> next(m_peer_set_starts.begin(), m_peer_set_starts.end() - 1);
  each_entry([&](std::size_t slot, PeerSetId p) { m_class_peer_sets[next[slot]++] = p; });

  m_selection_classes.resize(program.selection_count());
  for (SelectionId s : subjects) {
    std::vector<ClassId>& list = m_selection_classes[s];
    for (std::uint32_t w : program.members(s)) {
      list.push_back(m_workload_class[w]);
    }
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
}

void Partition::classify_addresses() {
  const Program& program = m_program;
  std::vector<Point> edges{{0, 0}, {1, 0}};
  for (PeerSetId p = 0; p < program.peer_set_count(); ++p) {
    for (const AddressRange& range : program.peer_set(p).addresses.ranges()) {
      const Point last = point_of(range.last);
      edges.push_back(point_of(range.first));
      if (last.value != family_max(last.family)) {
        edges.push_back({last.family, last.value + 1});
      }
    }
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  // When some workload has known addresses, a flow's family decides whether
  // it can reach an address at all, so an external class holds one family.
  // Otherwise every pair is family-agnostic and the families may share one.
  bool known_families = false;
  for (ClassId c = 0; c < m_workload_classes; ++c) {
    known_families = known_families || m_class_families[c].known();
  }
  std::vector<std::vector<std::uint32_t>> signatures(edges.size());
  for (std::size_t a = 0; a < edges.size(); ++a) {
    signatures[a].push_back(known_families ? static_cast<std::uint32_t>(edges[a].family) : 0u);
  }
  for (PeerSetId p = 0; p < program.peer_set_count(); ++p) {
    if (program.peer_set(p).everything) {
      continue;
    }
    for (const AddressRange& range : program.peer_set(p).addresses.ranges()) {
      const Point last = point_of(range.last);
      auto at = std::lower_bound(edges.begin(), edges.end(), point_of(range.first));
      for (; at != edges.end() && !(last < *at); ++at) {
        signatures[static_cast<std::size_t>(at - edges.begin())].push_back(p);
      }
    }
  }
  Interner classes;
  for (std::size_t a = 0; a < edges.size(); ++a) {
    const ClassId local = intern(classes, signatures[a]);
    const ClassId cls = static_cast<ClassId>(m_workload_classes + local);
    const bool last_of_family = a + 1 == edges.size() || edges[a + 1].family != edges[a].family;
    const Point end = last_of_family ? Point{edges[a].family, family_max(edges[a].family)}
                                     : Point{edges[a].family, edges[a + 1].value - 1};
    const AddressRange range{address_of(edges[a]), address_of(end)};
    m_atoms.emplace_back(range, cls);
    if (local == m_external_ranges.size()) {
      m_external_ranges.push_back({range});
      m_class_families.emplace_back();
      std::vector<PeerSetId> peers(signatures[a].begin() + 1, signatures[a].end());
      m_class_peer_sets.insert(m_class_peer_sets.end(), peers.begin(), peers.end());
      m_peer_set_starts.push_back(m_class_peer_sets.size());
      m_peer_set_starts.push_back(m_class_peer_sets.size()); // no address lists
      m_peer_set_starts.push_back(m_class_peer_sets.size());
      m_class_workloads.emplace_back();
      m_class_named_values.emplace_back();
    } else {
      m_external_ranges[local].push_back(range);
    }
    (edges[a].family == 0 ? m_class_families[cls].v4 : m_class_families[cls].v6) = true;
  }
}

void Partition::split_ports() {
  const Program& program = m_program;
  std::array<std::vector<std::uint32_t>, 3> edges;
  for (auto& list : edges) {
    list = {1, 65536};
  }
  for (PortFilterId f = 0; f < program.port_filter_count(); ++f) {
    for (model::Protocol protocol : model::k_all_protocols) {
      for (const PortRange& range : program.port_filter(f).numeric.ports(protocol).ranges()) {
        edges[static_cast<std::size_t>(protocol)].push_back(range.first);
        edges[static_cast<std::size_t>(protocol)].push_back(range.last + 1u);
      }
    }
  }
  // Which (protocol, port) values some named port resolves to.
  std::vector<std::pair<model::Protocol, std::uint32_t>> named_values;
  for (const auto& values : m_class_named_values) {
    for (const auto& [id, value] : values) {
      named_values.emplace_back(value.first, value.second);
      edges[static_cast<std::size_t>(value.first)].push_back(value.second);
      edges[static_cast<std::size_t>(value.first)].push_back(value.second + 1u);
    }
  }
  std::sort(named_values.begin(), named_values.end());
  named_values.erase(std::unique(named_values.begin(), named_values.end()), named_values.end());

  // The atoms per protocol, and per atom the filters whose numeric part
  // covers it: each filter's ranges mark the atoms inside them.
  struct PortAtom {
    model::Protocol protocol;
    std::uint32_t first;
    std::uint32_t last;
    std::vector<std::uint32_t> signature; // covering filters, ascending
  };
  std::vector<PortAtom> atoms;
  std::array<std::size_t, 3> atoms_begin{};
  for (model::Protocol protocol : model::k_all_protocols) {
    auto& list = edges[static_cast<std::size_t>(protocol)];
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
    atoms_begin[static_cast<std::size_t>(protocol)] = atoms.size();
    for (std::size_t i = 0; i + 1 < list.size(); ++i) {
      atoms.push_back(PortAtom{protocol, list[i], list[i + 1] - 1, {}});
    }
  }
  for (PortFilterId f = 0; f < program.port_filter_count(); ++f) {
    for (model::Protocol protocol : model::k_all_protocols) {
      const std::size_t p = static_cast<std::size_t>(protocol);
      const auto begin = atoms.begin() + static_cast<std::ptrdiff_t>(atoms_begin[p]);
      const auto end = begin + static_cast<std::ptrdiff_t>(edges[p].size() - 1);
      for (const PortRange& range : program.port_filter(f).numeric.ports(protocol).ranges()) {
        // Atoms never straddle a filter's edge: those inside start in the range.
        auto at = std::lower_bound(begin, end, std::uint32_t{range.first},
                                   [](const PortAtom& atom, std::uint32_t port) { return atom.first < port; });
        for (; at != end && at->first <= range.last; ++at) {
          at->signature.push_back(f);
        }
      }
    }
  }
  Interner classes;
  std::map<std::pair<model::Protocol, std::uint32_t>, PortClassId> class_of_value;
  std::vector<PortClassId> atom_class(atoms.size());
  for (std::size_t a = 0; a < atoms.size(); ++a) {
    PortAtom& atom = atoms[a];
    const bool named_value =
        atom.first == atom.last &&
        std::binary_search(named_values.begin(), named_values.end(), std::make_pair(atom.protocol, atom.first));
    if (named_value) {
      atom.signature.push_back(k_signature_part_end);
      atom.signature.push_back(static_cast<std::uint32_t>(atom.protocol));
      atom.signature.push_back(atom.first);
    }
    const PortClassId k = intern(classes, atom.signature);
    atom_class[a] = k;
    if (k == m_port_classes.size()) {
      m_port_classes.emplace_back();
    }
    m_port_classes[k].add(atom.protocol, PortSet::range(static_cast<std::uint16_t>(atom.first),
                                                        static_cast<std::uint16_t>(atom.last)));
    if (named_value) {
      class_of_value[{atom.protocol, atom.first}] = k;
    }
  }
  const std::size_t K = m_port_classes.size();
  m_filter_covers_class.assign(program.port_filter_count() * K, false);
  for (PortFilterId f = 0; f < program.port_filter_count(); ++f) {
    if (program.port_filter(f).all) {
      std::fill_n(m_filter_covers_class.begin() + static_cast<std::ptrdiff_t>(f * K), K, true);
    }
  }
  for (std::size_t a = 0; a < atoms.size(); ++a) {
    for (std::uint32_t f : atoms[a].signature) {
      if (f == k_signature_part_end) {
        break;
      }
      m_filter_covers_class[f * K + atom_class[a]] = true;
    }
  }
  m_filter_classes.assign(program.port_filter_count(), {});
  for (PortFilterId f = 0; f < program.port_filter_count(); ++f) {
    if (program.port_filter(f).all) {
      m_filter_classes[f].resize(K);
      for (PortClassId k = 0; k < K; ++k) {
        m_filter_classes[f][k] = k;
      }
    }
  }
  for (std::size_t a = 0; a < atoms.size(); ++a) {
    for (std::uint32_t f : atoms[a].signature) {
      if (f == k_signature_part_end) {
        break;
      }
      if (!program.port_filter(f).all) {
        m_filter_classes[f].push_back(atom_class[a]);
      }
    }
  }
  for (std::vector<PortClassId>& list : m_filter_classes) {
    std::sort(list.begin(), list.end());
    list.erase(std::unique(list.begin(), list.end()), list.end());
  }
  m_class_named.resize(class_count());
  m_named_classes.assign(m_named_ports.size() * K, {});
  for (ClassId c = 0; c < m_class_named_values.size(); ++c) {
    for (const auto& [id, value] : m_class_named_values[c]) {
      const PortClassId k = class_of_value.at({value.first, value.second});
      m_class_named[c].emplace_back(id, k);
      m_named_classes[id * K + k].push_back(c);
    }
    std::sort(m_class_named[c].begin(), m_class_named[c].end());
  }
}

ClassId Partition::class_of_address(const model::IpAddress& ip) const {
  const auto it = std::upper_bound(m_atoms.begin(), m_atoms.end(), ip,
                                   [](const model::IpAddress& a, const auto& atom) {
                                     return a < atom.first.first;
                                   });
  assert(it != m_atoms.begin());
  return std::prev(it)->second;
}

std::vector<ClassId> Partition::peer_classes(PeerSetId peers, std::optional<model::IpFamily> family) const {
  std::vector<ClassId> result;
  const PeerSet& set = m_program.peer_set(peers);
  if (set.everything) {
    result.resize(class_count());
    for (ClassId c = 0; c < class_count(); ++c) {
      result[c] = c;
    }
    return result;
  }
  for (std::uint32_t w : m_program.selector_members(peers)) {
    result.push_back(m_workload_class[w]);
  }
  for (model::IpFamily f : {model::IpFamily::v4, model::IpFamily::v6}) {
    if (!family || *family == f) {
      for (std::uint32_t w : m_program.address_members(peers, f)) {
        result.push_back(m_workload_class[w]);
      }
    }
  }
  for (const AddressRange& range : set.addresses.ranges()) {
    if (family && range.first.family != *family) {
      continue;
    }
    auto it = std::lower_bound(m_atoms.begin(), m_atoms.end(), range.first,
                               [](const auto& atom, const model::IpAddress& ip) {
                                 return atom.first.first < ip;
                               });
    for (; it != m_atoms.end() && it->first.last <= range.last; ++it) {
      result.push_back(it->second);
    }
  }
  // Members are many and classes repeat among them: when the list is long
  // next to the classes, marking each class and reading the marks in order
  // is cheaper than sorting the list.
  if (result.size() > class_count() / 8) {
    std::vector<bool> present(class_count());
    for (ClassId c : result) {
      present[c] = true;
    }
    result.clear();
    for (ClassId c = 0; c < class_count(); ++c) {
      if (present[c]) {
        result.push_back(c);
      }
    }
    return result;
  }
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

const std::vector<ClassId>& Partition::selection_classes(SelectionId selection) const {
  return m_selection_classes[selection];
}

std::span<const std::pair<std::uint32_t, PortClassId>> Partition::class_named(ClassId cls) const {
  return m_class_named[cls];
}

bool Partition::admits(PortFilterId filter, PortClassId k, ClassId cls) const {
  if (covers(filter, k)) {
    return true;
  }
  for (std::uint32_t id : m_filter_named[filter]) {
    for (const auto& [named, port_class] : m_class_named[cls]) {
      if (named == id && port_class == k) {
        return true;
      }
    }
  }
  return false;
}

} // namespace npcheck::analyzer
