// SPDX-License-Identifier: Apache-2.0
#pragma once

// The partition of a program's world into pieces that every policy treats
// alike, for the bulk consumers (matrix, check, lint, diff):
//  - endpoint classes: workloads that every subject, every peer set and every
//    named port treats alike form one class; the address space is cut at
//    every edge of every address block into atoms, and atoms contained in
//    the same peer sets form one external class (of one family when some
//    workload has known addresses, since a flow carries one family);
//  - port classes: each protocol's ports cut at every edge of every numeric
//    port filter and at every port a named port resolves to, and pieces that
//    every filter treats alike merged.
// Computed from the program's materialized selections; classes are numbered
// workload classes first (in order of their first workload), then external
// classes (in order of their first address, IPv4 first).

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/endpoint.hpp>
#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/analyzer/program.hpp>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <utility>
#include <vector>

namespace npcheck::analyzer {

using ClassId = std::uint32_t;
using PortClassId = std::uint32_t;

// The pairs of workloads a consumer of a partition reads: the union of its
// blocks, each the block's sources against its destinations (addresses
// outside the cluster are never restricted). The default is every pair.
struct PairBlock {
  // Workloads, ascending; nullopt: every workload.
  std::optional<std::vector<std::uint32_t>> sources;
  std::optional<std::vector<std::uint32_t>> destinations;
};
struct PartitionScope {
  std::vector<PairBlock> blocks{PairBlock{}};
  // Whether a class holding a source is a class of the whole partition (a
  // consumer that folds classes by their rows needs it): its members are
  // then alike everywhere, not only on the pairs of the scope.
  bool whole_source_classes = false;

  // Whether every pair is in scope.
  bool everything() const;
};

class Partition {
public:
  // The partition of every pair, or one that tells workloads apart only on
  // the pairs of a scope: members of a class are then alike as the sources
  // and destinations of those pairs, and the answers read off a class hold
  // for them only. Selections and peer sets are matched against the
  // workloads those pairs need, so the cost grows with the scope.
  explicit Partition(const Program& program, const PartitionScope& scope = {});

  const Program& program() const { return m_program; }

  std::size_t class_count() const { return m_class_families.size(); }
  std::size_t workload_class_count() const { return m_workload_classes; }
  bool is_external(ClassId cls) const { return cls >= m_workload_classes; }
  ClassId class_of_workload(std::size_t workload) const { return m_workload_class[workload]; }
  // The workloads of a workload class, ascending.
  const std::vector<std::uint32_t>& workloads(ClassId cls) const { return m_class_workloads[cls]; }
  // The maximal address ranges of an external class, IPv4 first, ascending.
  const std::vector<AddressRange>& ranges(ClassId cls) const {
    return m_external_ranges[cls - m_workload_classes];
  }
  // The families a class's endpoints use (none known: any).
  Families families(ClassId cls) const { return m_class_families[cls]; }
  // Whether some workload has addresses of both families.
  bool dual_stack() const { return m_dual_stack; }
  // The external class holding ip.
  ClassId class_of_address(const model::IpAddress& ip) const;
  // The address atoms (maximal ranges that every peer set treats alike,
  // before atoms are merged into classes), with their class, ascending.
  const std::vector<std::pair<AddressRange, ClassId>>& atoms() const { return m_atoms; }

  // Calls visit(p) for each peer set p containing a class, ascending and
  // once: by selector, or by an address of family (of either family when
  // family is nullopt); an external class by its addresses. "Everything"
  // peer sets are not visited.
  template <typename Visit>
  void for_each_peer_set(ClassId cls, std::optional<model::IpFamily> family, Visit visit) const {
    const std::size_t slot = 3 * static_cast<std::size_t>(cls);
    const std::span<const PeerSetId> none;
    visit_union(peer_list(slot),
                !family || *family == model::IpFamily::v4 ? peer_list(slot + 1) : none,
                !family || *family == model::IpFamily::v6 ? peer_list(slot + 2) : none, visit);
  }
  // The classes of a peer set's members for a flow of family (an external
  // class only for its own family; nullopt: a flow of either family),
  // ascending; every class for everything.
  std::vector<ClassId> peer_classes(PeerSetId peers, std::optional<model::IpFamily> family) const;
  // The workload classes of a selection's members, ascending.
  const std::vector<ClassId>& selection_classes(SelectionId selection) const;

  std::size_t port_class_count() const { return m_port_classes.size(); }
  const ConnectionSet& port_class(PortClassId k) const { return m_port_classes[k]; }
  // Whether a port filter admits port class k whatever the destination
  // (all ports, or its numeric part).
  bool covers(PortFilterId filter, PortClassId k) const {
    return m_filter_covers_class[filter * m_port_classes.size() + k];
  }
  // The port classes a filter admits whatever the destination, ascending
  // (every class for a filter of all ports): covers() as a list, without a
  // pass over every class.
  const std::vector<PortClassId>& covered_classes(PortFilterId filter) const {
    return m_filter_classes[filter];
  }
  // The distinct named ports of every filter ("named port ids").
  std::size_t named_port_count() const { return m_named_ports.size(); }
  const NamedPort& named_port(std::uint32_t id) const { return m_named_ports[id]; }
  // The named port ids of a filter, ascending.
  std::span<const std::uint32_t> filter_named(PortFilterId filter) const {
    return m_filter_named[filter];
  }
  // What the named ports resolve to on the pods of a workload class: (named
  // port id, port class), ascending.
  std::span<const std::pair<std::uint32_t, PortClassId>> class_named(ClassId cls) const;
  // The classes on whose pods named port id resolves into port class k.
  std::span<const ClassId> named_classes(std::uint32_t id, PortClassId k) const {
    return m_named_classes[id * m_port_classes.size() + k];
  }
  // Whether a filter admits port class k on the pods of class cls.
  bool admits(PortFilterId filter, PortClassId k, ClassId cls) const;

private:
  std::span<const PeerSetId> peer_list(std::size_t slot) const {
    return {m_class_peer_sets.data() + m_peer_set_starts[slot], m_class_peer_sets.data() + m_peer_set_starts[slot + 1]};
  }
  // The union of three ascending lists, each id visited once, ascending.
  template <typename Visit>
  static void visit_union(std::span<const PeerSetId> a, std::span<const PeerSetId> b, std::span<const PeerSetId> c,
                          Visit visit) {
    constexpr PeerSetId k_end = ~PeerSetId{0}; // no peer set has this id
    std::size_t i = 0;
    std::size_t j = 0;
    std::size_t k = 0;
    while (true) {
      const PeerSetId x = i < a.size() ? a[i] : k_end;
      const PeerSetId y = j < b.size() ? b[j] : k_end;
      const PeerSetId z = k < c.size() ? c[k] : k_end;
      const PeerSetId least = std::min({x, y, z});
      if (least == k_end) {
        return;
      }
      visit(least);
      i += x == least ? 1 : 0;
      j += y == least ? 1 : 0;
      k += z == least ? 1 : 0;
    }
  }

  // The members the partition is computed from: the program's own, or for
  // a scope, those it needs.
  const Membership& members() const { return m_scoped ? *m_scoped : m_program.membership(); }
  std::optional<Membership> scoped_membership(const PartitionScope& scope) const;

  void classify_workloads();
  void classify_addresses();
  void split_ports();

  const Program& m_program;
  std::optional<Membership> m_scoped;
  std::vector<ClassId> m_workload_class;
  std::vector<std::vector<std::uint32_t>> m_class_workloads;
  std::size_t m_workload_classes = 0;
  std::vector<std::vector<AddressRange>> m_external_ranges;
  std::vector<std::pair<AddressRange, ClassId>> m_atoms;
  std::vector<Families> m_class_families;
  bool m_dual_stack = false;
  // Per class, three ascending lists of the peer sets containing it: by
  // selector (of any family; an external class's by its addresses), by a v4
  // address, by a v6 address. Slot cls * 3 + list is m_class_peer_sets
  // [m_peer_set_starts[slot], m_peer_set_starts[slot + 1]). One array, not
  // a vector per slot, and selector members listed once, not per family:
  // the lists hold millions of entries on a big cluster.
  std::vector<PeerSetId> m_class_peer_sets;
  std::vector<std::size_t> m_peer_set_starts{0};
  std::vector<std::vector<ClassId>> m_selection_classes;
  // Distinct named ports of all filters, and per class what they resolve to.
  std::vector<NamedPort> m_named_ports;
  std::vector<std::vector<std::uint32_t>> m_filter_named; // per filter: named port ids
  // Per workload class: (named port id, resolved protocol and port), sorted.
  std::vector<std::vector<std::pair<std::uint32_t, std::pair<model::Protocol, std::uint16_t>>>>
      m_class_named_values;
  std::vector<std::vector<std::pair<std::uint32_t, PortClassId>>> m_class_named;
  std::vector<std::vector<ClassId>> m_named_classes; // [id * port classes + k]
  std::vector<ConnectionSet> m_port_classes;
  std::vector<bool> m_filter_covers_class; // [filter * port classes + k]
  std::vector<std::vector<PortClassId>> m_filter_classes; // per filter, ascending
};

} // namespace npcheck::analyzer
