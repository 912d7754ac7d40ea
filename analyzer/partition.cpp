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
#include <memory>
#include <stdexcept>
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

// Partition refinement of the workloads: every workload starts in one part,
// and each set splits every part it cuts. The cost is the sets' sizes, with
// no per-workload signature to build.
class Refinement {
public:
  explicit Refinement(std::size_t n) : m_part(n, 0), m_size(n + 1, 0), m_hits(n + 1, 0), m_split_to(n + 1, 0) {
    m_parts = n > 0 ? 1 : 0;
    m_size[0] = static_cast<std::uint32_t>(n);
  }

  void refine(const std::vector<std::uint32_t>& members) {
    m_touched.clear();
    for (std::uint32_t w : members) {
      if (m_hits[m_part[w]]++ == 0) {
        m_touched.push_back(m_part[w]);
      }
    }
    for (std::uint32_t from : m_touched) {
      // A part wholly in the set stays as it is; another splits in two.
      if (m_hits[from] == m_size[from]) {
        m_split_to[from] = from;
      } else {
        m_split_to[from] = m_parts;
        m_size[m_parts++] = m_hits[from];
        m_size[from] -= m_hits[from];
      }
      m_hits[from] = 0;
    }
    for (std::uint32_t w : members) {
      m_part[w] = m_split_to[m_part[w]];
    }
  }

  std::uint32_t part(std::size_t w) const { return m_part[w]; }
  std::size_t part_count() const { return m_parts; }

private:
  std::vector<std::uint32_t> m_part;     // per workload
  std::vector<std::uint32_t> m_size;     // per part: its workloads
  std::vector<std::uint32_t> m_hits;     // per part: its workloads in the set
  std::vector<std::uint32_t> m_split_to; // per part: where those go
  std::vector<std::uint32_t> m_touched;
  std::uint32_t m_parts = 0;
};

// The subject selections of all policies, ascending.
std::vector<SelectionId> subject_selections(const Program& program) {
  std::vector<SelectionId> subjects;
  for (const CompiledPolicy& policy : program.policies()) {
    subjects.push_back(policy.subject);
  }
  std::sort(subjects.begin(), subjects.end());
  subjects.erase(std::unique(subjects.begin(), subjects.end()), subjects.end());
  return subjects;
}

// Refines by every set the classes come from: subject selections, and each
// peer set's members through selectors and through addresses per family.
// With found_in, only by the sets it looked for among every workload.
void refine_by_members(Refinement& refinement, const Program& program, const Membership& members,
                       const std::vector<SelectionId>& subjects, const MembershipScope* found_in = nullptr) {
  for (SelectionId s : subjects) {
    if (found_in == nullptr || found_in->selections[s] == nullptr) {
      refinement.refine(members.selections[s]);
    }
  }
  for (PeerSetId p = 0; p < program.peer_set_count(); ++p) {
    if (program.peer_set(p).everything || (found_in != nullptr && found_in->peer_sets[p] != nullptr)) {
      continue;
    }
    refinement.refine(members.peer_selectors[p]);
    for (const std::vector<std::uint32_t>& list : members.peer_addresses[p]) {
      refinement.refine(list);
    }
  }
}

} // namespace

bool PartitionScope::everything() const {
  return std::any_of(blocks.begin(), blocks.end(),
                     [](const PairBlock& block) { return !block.sources && !block.destinations; });
}

Partition::Partition(const Program& program, const PartitionScope& scope)
    : m_program(program), m_scoped(scoped_membership(scope)) {
  classify_workloads();
  classify_addresses();
  split_ports();
}

std::optional<Membership> Partition::scoped_membership(const PartitionScope& scope) const {
  if (scope.everything()) {
    return std::nullopt;
  }
  const Program& program = m_program;
  const std::size_t n = program.inventory().workloads.size();
  // Base sets: bit 2b is block b's sources, bit 2b + 1 its destinations.
  using Mask = std::uint32_t;
  const std::size_t bases = 2 * scope.blocks.size();
  if (bases > 32) {
    throw std::invalid_argument("a partition scope holds at most 16 blocks");
  }
  auto base = [&](std::size_t bit) -> const std::optional<std::vector<std::uint32_t>>& {
    const PairBlock& block = scope.blocks[bit / 2];
    return bit % 2 == 0 ? block.sources : block.destinations;
  };
  Mask source_bits = 0;
  Mask destination_bits = 0;
  for (std::size_t bit = 0; bit < bases; ++bit) {
    (bit % 2 == 0 ? source_bits : destination_bits) |= Mask{1} << bit;
  }

  // Per base set, the policies that select one of its workloads in the
  // direction it plays (sources: egress; destinations: ingress). A policy
  // that selects none of them has no rule that decides a pair in scope.
  const std::size_t policies = program.policies().size();
  std::vector<std::vector<bool>> selects_some(bases);
  for (std::size_t bit = 0; bit < bases; ++bit) {
    const std::optional<std::vector<std::uint32_t>>& set = base(bit);
    std::vector<bool>& hit = selects_some[bit];
    hit.assign(policies, !set.has_value());
    if (!set) {
      continue;
    }
    const Direction direction = bit % 2 == 0 ? Direction::egress : Direction::ingress;
    for (TierKind tier : k_tiers) {
      // An ordered tier's policies are tested against every workload of the
      // set; past this many tests they all count as selecting some (a
      // larger scope is still exact, only slower).
      constexpr std::size_t k_test_budget = std::size_t{1} << 22;
      if (tier != TierKind::network_policy &&
          set->size() * program.tier(tier, direction).size() > k_test_budget) {
        for (PolicyId p : program.tier(tier, direction)) {
          hit[p] = true;
        }
        continue;
      }
      for (std::uint32_t w : *set) {
        for (PolicyId p : program.selecting(w, direction, tier)) {
          hit[p] = true;
        }
      }
    }
  }

  // Which base sets each selection and peer set must be exact on: a subject
  // on the workloads at its end of the pairs; the peers of a rule on the
  // other end of the pairs whose subject end the policy selects.
  std::vector<Mask> selection_mask(program.selection_count(), 0);
  std::vector<Mask> peer_mask(program.peer_set_count(), 0);
  for (PolicyId p = 0; p < policies; ++p) {
    const CompiledPolicy& policy = program.policy(p);
    for (Direction direction : k_directions) {
      const std::size_t d = index_of(direction);
      if (!policy.isolates[d] && policy.rules[d].empty()) {
        continue;
      }
      const bool egress = direction == Direction::egress;
      selection_mask[policy.subject] |= egress ? source_bits : destination_bits;
      Mask peers = 0;
      for (std::size_t bit = egress ? 0 : 1; bit < bases; bit += 2) {
        if (selects_some[bit][p]) {
          peers |= Mask{1} << (egress ? bit + 1 : bit - 1);
        }
      }
      for (RuleId r : policy.rules[d]) {
        peer_mask[program.rule(r).peers] |= peers;
      }
    }
  }
  if (scope.whole_source_classes) {
    // Sources are told apart by everything, as in the whole partition.
    for (Mask& mask : selection_mask) {
      mask |= source_bits;
    }
    for (Mask& mask : peer_mask) {
      mask |= source_bits;
    }
  }
  for (PeerSetId p = 0; p < program.peer_set_count(); ++p) {
    for (SelectionId s : program.peer_set(p).selections) {
      selection_mask[s] |= peer_mask[p];
    }
  }

  // One candidate list per distinct mask (nullptr: every workload).
  std::map<Mask, std::unique_ptr<std::vector<std::uint32_t>>> lists;
  auto candidates = [&](Mask mask) -> const std::vector<std::uint32_t>* {
    auto [it, inserted] = lists.try_emplace(mask);
    if (inserted) {
      std::vector<bool> marked(n, false);
      bool everywhere = false;
      for (std::size_t bit = 0; bit < bases; ++bit) {
        if ((mask >> bit) & 1u) {
          if (!base(bit)) {
            everywhere = true;
            break;
          }
          for (std::uint32_t w : *base(bit)) {
            marked[w] = true;
          }
        }
      }
      if (!everywhere) {
        auto list = std::make_unique<std::vector<std::uint32_t>>();
        for (std::uint32_t w = 0; w < n; ++w) {
          if (marked[w]) {
            list->push_back(w);
          }
        }
        if (list->size() < n) { // else every workload after all
          it->second = std::move(list);
        }
      }
    }
    return it->second.get();
  };
  MembershipScope membership_scope;
  for (Mask mask : selection_mask) {
    membership_scope.selections.push_back(candidates(mask));
  }
  for (Mask mask : peer_mask) {
    membership_scope.peer_sets.push_back(candidates(mask));
  }
  Membership result = program.membership(membership_scope);
  if (!scope.whole_source_classes) {
    return result;
  }

  // A workload outside the sources may still share a source's class in the
  // whole partition, unless a set matched against every workload tells them
  // apart. Those it does not are matched against every other set too.
  std::vector<bool> is_source(n, false);
  for (std::size_t bit = 0; bit < bases; bit += 2) {
    if (!base(bit)) {
      return result; // every workload is a source: every set was matched everywhere
    }
    for (std::uint32_t w : *base(bit)) {
      is_source[w] = true;
    }
  }
  Refinement everywhere(n);
  refine_by_members(everywhere, program, result, subject_selections(program), &membership_scope);
  std::vector<bool> part_has_source(everywhere.part_count(), false);
  for (std::size_t w = 0; w < n; ++w) {
    part_has_source[everywhere.part(w)] = part_has_source[everywhere.part(w)] || is_source[w];
  }
  std::vector<std::uint32_t> suspects;
  for (std::uint32_t w = 0; w < n; ++w) {
    if (!is_source[w] && part_has_source[everywhere.part(w)]) {
      suspects.push_back(w);
    }
  }
  if (suspects.empty()) {
    return result;
  }
  // The restricted sets again, among their candidates and the suspects; the
  // others keep what they have (an empty list: nothing to find again).
  std::map<const std::vector<std::uint32_t>*, std::vector<std::uint32_t>> widened;
  const std::vector<std::uint32_t> nothing;
  auto widen = [&](const std::vector<std::uint32_t>*& list) {
    if (list == nullptr) {
      list = &nothing;
      return;
    }
    auto [it, inserted] = widened.try_emplace(list);
    if (inserted) {
      std::set_union(list->begin(), list->end(), suspects.begin(), suspects.end(), std::back_inserter(it->second));
    }
    list = &it->second;
  };
  MembershipScope again = membership_scope;
  for (const std::vector<std::uint32_t>*& list : again.selections) {
    widen(list);
  }
  for (const std::vector<std::uint32_t>*& list : again.peer_sets) {
    widen(list);
  }
  Membership more = program.membership(again);
  for (PeerSetId p = 0; p < program.peer_set_count(); ++p) {
    if (membership_scope.peer_sets[p] == nullptr) {
      more.peer_selectors[p] = std::move(result.peer_selectors[p]);
      more.peer_addresses[p] = std::move(result.peer_addresses[p]);
      continue;
    }
    // Its selections found everywhere were not found again: their members
    // among its candidates join it here.
    std::vector<std::uint32_t>& members = more.peer_selectors[p];
    const std::vector<std::uint32_t>& wanted = *again.peer_sets[p];
    for (SelectionId s : program.peer_set(p).selections) {
      if (membership_scope.selections[s] == nullptr) {
        const std::size_t before = members.size();
        std::set_intersection(result.selections[s].begin(), result.selections[s].end(), wanted.begin(),
                              wanted.end(), std::back_inserter(members));
        std::inplace_merge(members.begin(), members.begin() + static_cast<std::ptrdiff_t>(before), members.end());
      }
    }
    members.erase(std::unique(members.begin(), members.end()), members.end());
  }
  for (SelectionId s = 0; s < program.selection_count(); ++s) {
    if (membership_scope.selections[s] == nullptr) {
      more.selections[s] = std::move(result.selections[s]);
    }
  }
  return more;
}

void Partition::classify_workloads() {
  const Program& program = m_program;
  const std::vector<model::Workload>& workloads = program.inventory().workloads;
  const std::size_t n = workloads.size();

  const std::vector<SelectionId> subjects = subject_selections(program);
  const Membership& membership = members();
  Refinement refinement(n);
  refine_by_members(refinement, program, membership, subjects);

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

    signature.assign(1, refinement.part(w));
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
      for (std::uint32_t w : membership.peer_selectors[p]) {
        if (first[w]) {
          add(w, 0);
        }
      }
      for (std::size_t f = 0; f < 2; ++f) {
        for (std::uint32_t w : membership.peer_addresses[p][f]) {
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
    for (std::uint32_t w : membership.selections[s]) {
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
  for (std::uint32_t w : members().peer_selectors[peers]) {
    result.push_back(m_workload_class[w]);
  }
  for (model::IpFamily f : {model::IpFamily::v4, model::IpFamily::v6}) {
    if (!family || *family == f) {
      for (std::uint32_t w : members().peer_addresses[peers][f == model::IpFamily::v4 ? 0 : 1]) {
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
