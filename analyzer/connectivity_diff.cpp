// SPDX-License-Identifier: Apache-2.0
//
// Connectivity diff. Both versions are computed in bulk (Matrix), then:
//  1. Endpoints are matched across versions: workloads by (namespace, kind,
//     name); outside addresses by cutting the two versions' external ranges
//     to common pieces (a sweep over both sorted range lists), so that every
//     piece lies inside one external endpoint of each version.
//  2. Every endpoint gets a joint class: its class in the base matrix and
//     its class in the head matrix (or "absent"). Two pairs of endpoints
//     whose members have the same joint classes get the same answer in both
//     versions, so each pair of joint classes is compared once, through the
//     dense class rows of both matrices; only when the answers differ are the
//     member pairs listed. An endpoint paired with itself (two pods of one
//     workload) is compared on its own.
#include <npcheck/analyzer/connectivity_diff.hpp>

#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <map>
#include <tuple>

namespace npcheck::analyzer {

namespace {

constexpr std::uint32_t k_no_class = 0xffffffffu;

struct TaggedRange {
  AddressRange range;
  std::size_t endpoint = 0;
};

std::vector<TaggedRange> external_ranges(const Matrix& matrix) {
  std::vector<TaggedRange> ranges;
  for (std::size_t e = 0; e < matrix.endpoints().size(); ++e) {
    const MatrixEndpoint& endpoint = matrix.endpoints()[e];
    if (endpoint.kind != MatrixEndpointKind::external) {
      continue;
    }
    for (const AddressRange& range : endpoint.ranges) {
      ranges.push_back(TaggedRange{range, e});
    }
  }
  std::sort(ranges.begin(), ranges.end(),
            [](const TaggedRange& a, const TaggedRange& b) { return a.range.first < b.range.first; });
  return ranges;
}

// Every matrix row of a class spread into a dense vector: connection id per
// destination class.
class DenseRow {
public:
  explicit DenseRow(const Matrix& matrix) : m_matrix(matrix), m_ids(matrix.class_count(), 0) {}

  void load(std::uint32_t cls) {
    for (std::uint32_t c : m_touched) {
      m_ids[c] = 0;
    }
    m_touched.clear();
    if (cls == k_no_class) {
      return;
    }
    for (const MatrixEntry& entry : m_matrix.row(cls)) {
      m_ids[entry.to] = entry.connection;
      m_touched.push_back(entry.to);
    }
  }
  std::uint32_t to(std::uint32_t cls) const { return cls == k_no_class ? 0 : m_ids[cls]; }

private:
  const Matrix& m_matrix;
  std::vector<std::uint32_t> m_ids;
  std::vector<std::uint32_t> m_touched;
};

} // namespace

std::size_t ConnectivityDiff::count(ChangeKind kind) const {
  return static_cast<std::size_t>(std::count_if(
      changes.begin(), changes.end(), [kind](const ConnectionChange& c) { return c.kind == kind; }));
}

ConnectivityDiff diff_connectivity(const model::Inventory& base_inventory, const Matrix& base,
                                   const model::Inventory& head_inventory, const Matrix& head) {
  ConnectivityDiff diff;

  // ---- 1. endpoints -------------------------------------------------------
  using Key = std::tuple<std::string, std::string, std::string>; // namespace, name, kind
  std::map<Key, DiffEndpoint> workloads;
  auto add_workloads = [&workloads](const model::Inventory& inventory, const Matrix& matrix, bool is_base) {
    for (std::size_t e = 0; e < matrix.endpoints().size(); ++e) {
      const MatrixEndpoint& endpoint = matrix.endpoints()[e];
      if (endpoint.kind != MatrixEndpointKind::workload) {
        continue;
      }
      const model::Workload& w = inventory.workloads[endpoint.workload];
      DiffEndpoint& d = workloads[Key{w.namespace_name, w.name, w.kind_name()}];
      d.kind = MatrixEndpointKind::workload;
      d.id = w.display_name();
      d.namespace_name = w.namespace_name;
      d.name = w.name;
      d.kind_name = w.kind_name();
      (is_base ? d.base : d.head) = e;
    }
  };
  add_workloads(base_inventory, base, true);
  add_workloads(head_inventory, head, false);
  for (auto& [key, endpoint] : workloads) {
    diff.endpoints.push_back(std::move(endpoint));
  }

  std::vector<TaggedRange> base_ranges = external_ranges(base);
  std::vector<TaggedRange> head_ranges = external_ranges(head);
  std::map<std::pair<std::size_t, std::size_t>, std::size_t> pieces; // (base, head) -> endpoint
  for (std::size_t i = 0, j = 0; i < base_ranges.size() && j < head_ranges.size();) {
    const AddressRange& a = base_ranges[i].range;
    const AddressRange& b = head_ranges[j].range;
    const model::IpAddress first = std::max(a.first, b.first);
    const model::IpAddress last = std::min(a.last, b.last);
    if (!(last < first)) {
      const auto key = std::pair(base_ranges[i].endpoint, head_ranges[j].endpoint);
      auto [it, inserted] = pieces.emplace(key, diff.endpoints.size());
      if (inserted) {
        DiffEndpoint d;
        d.kind = MatrixEndpointKind::external;
        d.base = key.first;
        d.head = key.second;
        diff.endpoints.push_back(std::move(d));
      }
      diff.endpoints[it->second].ranges.push_back(AddressRange{first, last});
    }
    if (a.last < b.last) {
      ++i;
    } else {
      ++j;
    }
  }

  for (std::size_t e = 0; e < diff.endpoints.size(); ++e) {
    const DiffEndpoint& d = diff.endpoints[e];
    if (d.head == DiffEndpoint::k_absent) {
      diff.removed_endpoints.push_back(e);
    } else if (d.base == DiffEndpoint::k_absent) {
      diff.added_endpoints.push_back(e);
    }
  }

  // ---- 2. connections -----------------------------------------------------
  std::map<std::pair<std::uint32_t, std::uint32_t>, std::vector<std::size_t>> joint;
  for (std::size_t e = 0; e < diff.endpoints.size(); ++e) {
    const DiffEndpoint& d = diff.endpoints[e];
    const std::uint32_t bc = d.base == DiffEndpoint::k_absent ? k_no_class : base.class_of(d.base);
    const std::uint32_t hc = d.head == DiffEndpoint::k_absent ? k_no_class : head.class_of(d.head);
    joint[{bc, hc}].push_back(e);
  }
  auto record = [&diff](std::size_t from, std::size_t to, const ConnectionSet& before,
                        const ConnectionSet& after) {
    ChangeKind kind = before.empty() ? ChangeKind::added
                                     : (after.empty() ? ChangeKind::removed : ChangeKind::changed);
    diff.changes.push_back(ConnectionChange{kind, from, to, before, after});
  };

  std::map<std::pair<std::uint32_t, std::uint32_t>, bool> same; // (base id, head id)
  DenseRow base_row(base);
  DenseRow head_row(head);
  for (const auto& [source, members] : joint) {
    base_row.load(source.first);
    head_row.load(source.second);
    for (const auto& [target, targets] : joint) {
      const std::uint32_t before = base_row.to(target.first);
      const std::uint32_t after = head_row.to(target.second);
      auto [it, inserted] = same.emplace(std::pair(before, after), false);
      if (inserted) {
        it->second = base.connection(before) == head.connection(after);
      }
      if (it->second) {
        continue;
      }
      for (std::size_t from : members) {
        for (std::size_t to : targets) {
          // NetworkPolicy does not govern traffic between outside addresses.
          const bool outside = diff.endpoints[from].kind == MatrixEndpointKind::external &&
                               diff.endpoints[to].kind == MatrixEndpointKind::external;
          if (from != to && !outside) {
            record(from, to, base.connection(before), head.connection(after));
          }
        }
      }
    }
  }
  for (std::size_t e = 0; e < diff.endpoints.size(); ++e) {
    const DiffEndpoint& d = diff.endpoints[e];
    if (d.kind != MatrixEndpointKind::workload) {
      continue;
    }
    const ConnectionSet none;
    const ConnectionSet& before = d.base == DiffEndpoint::k_absent ? none : base.allowed(d.base, d.base);
    const ConnectionSet& after = d.head == DiffEndpoint::k_absent ? none : head.allowed(d.head, d.head);
    if (!(before == after)) {
      record(e, e, before, after);
    }
  }
  std::sort(diff.changes.begin(), diff.changes.end(), [](const ConnectionChange& a, const ConnectionChange& b) {
    return std::pair(a.from, a.to) < std::pair(b.from, b.to);
  });
  return diff;
}

} // namespace npcheck::analyzer
