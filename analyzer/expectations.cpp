// SPDX-License-Identifier: Apache-2.0
//
// Checking expectations. Each side of an expectation is resolved to concrete
// endpoints, then every (source, destination) pair is checked:
//  - allow holds iff every listed (protocol, port) is in what the pair
//    allows, for every pair;
//  - deny holds iff no listed (protocol, port) is allowed, for any pair.
// Pod sides match workloads by namespace (its name, or a label selector over
// the namespace's labels, which always include kubernetes.io/metadata.name),
// name, kind and pod labels; unlike a NetworkPolicy peer, hostNetwork pods
// are included, since they send and receive traffic too.
// A cidr side must be exact for every address in it, without trying them
// one by one. An address outside the cluster is treated by a policy only
// through the address blocks that contain it, so the cidr is cut into the
// program's address atoms (partition.hpp), and atoms of one external class
// are one endpoint (answered once, through its first address). Addresses that
// are a pod's or a node's are taken out of the pieces and stand for that pod
// (a flow to a pod IP is a flow to the pod) or that node.
// Few pairs are asked of the scalar evaluator one by one. Many (an
// `all -> all` on a big cluster) are answered from the bulk Matrix: each
// source's pairs are counted per destination class from its class's sparse
// row, and only the pairs to report are looked at one by one (with the
// explanation of the scalar evaluator).
#include <npcheck/analyzer/expectations.hpp>

#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/analyzer/selector_match.hpp>
#include <npcheck/analyzer/service.hpp>
#include <npcheck/model/expectations.hpp>
#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

namespace npcheck::analyzer {

namespace {

bool workload_matches(const model::EndpointSpec& spec, const model::Workload& workload,
                      const EndpointIndex& index) {
  if (spec.all) {
    return true;
  }
  if (spec.namespace_name && workload.namespace_name != *spec.namespace_name) {
    return false;
  }
  if (spec.namespace_selector &&
      !matches(*spec.namespace_selector, index.namespace_labels(workload.namespace_name))) {
    return false;
  }
  if (spec.name && workload.name != *spec.name) {
    return false;
  }
  if (spec.kind && workload.kind != *spec.kind) {
    return false;
  }
  return !spec.pod_selector || matches(*spec.pod_selector, workload.labels);
}

// Pairs of an endpoint with itself are only meaningful between two pods of
// one workload; a Pod to itself, or an address to itself, says nothing.
bool same_single_endpoint(const CheckEndpoint& a, const CheckEndpoint& b,
                          const model::Inventory& inventory) {
  if (a.endpoint.kind != b.endpoint.kind) {
    return false;
  }
  if (a.endpoint.kind == EndpointKind::workload) {
    return a.endpoint.workload == b.endpoint.workload &&
           inventory.workloads[a.endpoint.workload].kind == model::WorkloadKind::pod;
  }
  return a.endpoint.ip == b.endpoint.ip;
}

} // namespace

ConnectionSet to_connection_set(const std::vector<model::PortSpec>& ports) {
  if (ports.empty()) {
    return ConnectionSet::all();
  }
  ConnectionSet set;
  for (const model::PortSpec& port : ports) {
    PortSet range = PortSet::range(port.first, port.last);
    if (port.protocol) {
      set.add(*port.protocol, range);
    } else {
      for (model::Protocol protocol : model::k_all_protocols) {
        set.add(protocol, range);
      }
    }
  }
  return set;
}

std::vector<std::size_t> service_ports_listed(const model::Service& service,
                                              const std::vector<model::PortSpec>& ports) {
  std::vector<std::size_t> listed;
  for (std::size_t i = 0; i < service.ports.size(); ++i) {
    const model::ServicePort& sp = service.ports[i];
    if (ports.empty() || std::any_of(ports.begin(), ports.end(), [&](const model::PortSpec& p) {
          return (!p.protocol || *p.protocol == sp.protocol) && p.first <= sp.port && sp.port <= p.last;
        })) {
      listed.push_back(i);
    }
  }
  return listed;
}

ConnectionSet service_connections(const model::Service& service, const std::vector<model::PortSpec>& ports,
                                  const model::Workload& workload) {
  ConnectionSet set;
  for (std::size_t i : service_ports_listed(service, ports)) {
    if (std::optional<ServiceTarget> target = service_target(service.ports[i], workload)) {
      set.add(target->protocol, PortSet::range(target->port, target->port));
    }
  }
  return set;
}

ExpectationChecker::ExpectationChecker(const Program& program) : m_program(program) {}

std::vector<CheckEndpoint> ExpectationChecker::resolve(const model::EndpointSpec& spec) const {
  if (spec.cidr) {
    return resolve_cidr(spec);
  }
  std::vector<CheckEndpoint> endpoints;
  const model::Inventory& inventory = m_program.inventory();
  if (spec.service) {
    if (const model::Service* service = inventory.find_service(spec.namespace_name.value_or(""), *spec.service)) {
      for (std::size_t w : service_workloads(*service, inventory)) {
        endpoints.push_back(CheckEndpoint{FlowEndpoint::of_workload(w), {}});
      }
    }
    return endpoints;
  }
  for (std::size_t w = 0; w < inventory.workloads.size(); ++w) {
    if (workload_matches(spec, inventory.workloads[w], m_program.index())) {
      endpoints.push_back(CheckEndpoint{FlowEndpoint::of_workload(w), {}});
    }
  }
  return endpoints;
}

std::vector<CheckEndpoint> ExpectationChecker::resolve_cidr(const model::EndpointSpec& spec) const {
  const model::Inventory& inventory = m_program.inventory();
  const AddressSet wanted = AddressSet::from_ip_block(*spec.cidr);

  // Pods and nodes with an address inside.
  std::set<model::IpAddress> special;
  for (const model::Workload& workload : inventory.workloads) {
    special.insert(workload.pod_ips.begin(), workload.pod_ips.end());
    if (workload.host_ip) {
      special.insert(*workload.host_ip);
    }
  }
  for (const model::Node& node : inventory.nodes) {
    special.insert(node.addresses.begin(), node.addresses.end());
  }
  std::vector<std::size_t> workloads;
  std::map<model::IpAddress, std::string> nodes;
  AddressSet taken;
  for (const model::IpAddress& ip : special) {
    if (!wanted.contains(ip)) {
      continue;
    }
    FlowEndpoint endpoint = m_program.addresses().resolve(ip);
    if (endpoint.kind == EndpointKind::workload) {
      workloads.push_back(endpoint.workload);
    } else if (endpoint.kind == EndpointKind::node) {
      nodes.emplace(ip, endpoint.node_name);
    } else {
      continue;
    }
    taken.add(ip);
  }
  std::sort(workloads.begin(), workloads.end());
  workloads.erase(std::unique(workloads.begin(), workloads.end()), workloads.end());

  // Split the rest into the pieces of the atoms of each external class.
  const AddressSet rest = wanted - taken;
  std::map<ClassId, AddressSet> by_class;
  const auto& atoms = partition().atoms();
  for (const AddressRange& range : rest.ranges()) {
    auto it = std::upper_bound(atoms.begin(), atoms.end(), range.first,
                               [](const model::IpAddress& ip, const auto& atom) {
                                 return ip < atom.first.first;
                               });
    for (it = it == atoms.begin() ? it : std::prev(it); it != atoms.end() && !(range.last < it->first.first);
         ++it) {
      const model::IpAddress first = std::max(range.first, it->first.first);
      const model::IpAddress last = std::min(range.last, it->first.last);
      if (!(last < first)) {
        by_class[it->second].unite(to_address_set({AddressRange{first, last}}));
      }
    }
  }
  std::vector<AddressSet> pieces;
  for (auto& [cls, piece] : by_class) {
    pieces.push_back(std::move(piece));
  }

  std::vector<CheckEndpoint> endpoints;
  for (std::size_t w : workloads) {
    endpoints.push_back(CheckEndpoint{FlowEndpoint::of_workload(w), {}});
  }
  for (const auto& [ip, name] : nodes) {
    endpoints.push_back(CheckEndpoint{FlowEndpoint::node_ip(ip, name), {}});
  }
  std::vector<CheckEndpoint> outside;
  for (const AddressSet& piece : pieces) {
    std::vector<AddressRange> ranges = piece.ranges();
    if (ranges.empty()) {
      continue;
    }
    outside.push_back(CheckEndpoint{FlowEndpoint::external_ip(ranges.front().first), std::move(ranges)});
  }
  std::sort(outside.begin(), outside.end(), [](const CheckEndpoint& a, const CheckEndpoint& b) {
    return a.endpoint.ip < b.endpoint.ip;
  });
  endpoints.insert(endpoints.end(), outside.begin(), outside.end());
  return endpoints;
}

const Partition& ExpectationChecker::partition() const {
  if (!m_partition) {
    m_partition.emplace(m_program);
  }
  return *m_partition;
}

const Matrix& ExpectationChecker::matrix() const {
  if (!m_matrix) {
    m_matrix = Matrix::compute(partition());
  }
  return *m_matrix;
}

std::optional<std::size_t> ExpectationChecker::matrix_endpoint(const CheckEndpoint& endpoint) const {
  if (endpoint.endpoint.kind == EndpointKind::workload) {
    return endpoint.endpoint.workload; // workloads come first, in Inventory order
  }
  if (endpoint.endpoint.kind != EndpointKind::external) {
    return std::nullopt; // nodes are not matrix endpoints
  }
  // External endpoints follow the workloads, one per external class in class
  // order; the Matrix answers for the class exactly as the scalar evaluator
  // does for any address of it.
  const Partition& p = partition();
  const ClassId cls = p.class_of_address(endpoint.endpoint.ip);
  return m_program.inventory().workloads.size() + (cls - p.workload_class_count());
}

namespace {

// What an expectation finds wrong with an allowed connection set.
ConnectionSet offending_part(bool allow, const ConnectionSet& ports, const ConnectionSet& allowed) {
  return allow ? ports - allowed : ports & allowed;
}

// Counting pairs through the Matrix. A source's pairs with the destinations
// that are matrix endpoints other than its own are counted per destination
// class from the sparse row of its class (a class absent from the row allows
// nothing), so a source costs its row, not every destination.
class BulkTally {
public:
  BulkTally(const Matrix& matrix, const ConnectionSet& ports, bool allow,
            const std::vector<std::optional<std::size_t>>& destinations)
      : m_matrix(matrix), m_ports(ports), m_allow(allow), m_in_class(matrix.class_count(), 0),
        m_at_endpoint(matrix.endpoints().size(), 0), m_class_failed(matrix.class_count(), k_unknown),
        m_connection_fails(matrix.connection_count(), k_unknown) {
    for (const std::optional<std::size_t>& e : destinations) {
      if (e) {
        ++m_in_class[matrix.class_of(*e)];
        ++m_at_endpoint[*e];
        ++m_destinations;
      }
    }
  }

  bool fails(const ConnectionSet& allowed) const {
    return !offending_part(m_allow, m_ports, allowed).empty();
  }

  // {pairs, failing pairs} of matrix endpoint e as a source with every
  // destination that is a matrix endpoint other than e.
  std::pair<std::size_t, std::size_t> tally(std::size_t e) {
    const std::uint32_t cls = m_matrix.class_of(e);
    const std::size_t same = m_at_endpoint[e];
    std::size_t failed = class_failed(cls);
    if (same > 0 && connection_fails(m_matrix.connection_between(cls, cls))) {
      failed -= same; // class_failed counted them as other members of cls
    }
    return {m_destinations - same, failed};
  }

  // Adds, per destination class, how many failing pairs weight sources of
  // class cls have with one destination of that class (the pairs of a
  // source with its own endpoint included, as class_failed counts them):
  // every class gets base, and by_class[k] the difference for class k.
  void add_failing_columns(std::uint32_t cls, std::size_t weight, std::size_t& base,
                           std::vector<long long>& by_class) {
    const bool absent_fails = connection_fails(0);
    if (absent_fails) {
      base += weight;
    }
    for (const MatrixEntry& entry : m_matrix.row(cls)) {
      const bool entry_fails = connection_fails(entry.connection);
      if (entry_fails != absent_fails) {
        by_class[entry.to] += entry_fails ? static_cast<long long>(weight) : -static_cast<long long>(weight);
      }
    }
  }

  // Whether a pair of two members of cls (distinct endpoints) fails.
  bool within_class_fails(std::uint32_t cls) { return connection_fails(m_matrix.connection_between(cls, cls)); }

private:
  static constexpr std::size_t k_unknown = static_cast<std::size_t>(-1);

  bool connection_fails(std::uint32_t id) {
    std::size_t& known = m_connection_fails[id];
    if (known == k_unknown) {
      known = fails(m_matrix.connection(id)) ? 1 : 0;
    }
    return known == 1;
  }

  // Failing pairs of a member of class cls with every destination that is a
  // matrix endpoint, each taken as another member.
  std::size_t class_failed(std::uint32_t cls) {
    std::size_t& known = m_class_failed[cls];
    if (known != k_unknown) {
      return known;
    }
    std::size_t in_row = 0;
    std::size_t failed = 0;
    for (const MatrixEntry& entry : m_matrix.row(cls)) {
      const std::size_t count = m_in_class[entry.to];
      in_row += count;
      if (count > 0 && connection_fails(entry.connection)) {
        failed += count;
      }
    }
    if (connection_fails(0)) {
      failed += m_destinations - in_row; // classes absent from the row allow nothing
    }
    known = failed;
    return known;
  }

  const Matrix& m_matrix;
  const ConnectionSet& m_ports;
  bool m_allow;
  std::size_t m_destinations = 0;
  std::vector<std::size_t> m_in_class;
  std::vector<std::size_t> m_at_endpoint;
  std::vector<std::size_t> m_class_failed;
  std::vector<std::size_t> m_connection_fails;
};

} // namespace

ExpectationResult ExpectationChecker::check(const model::Expectation& expectation,
                                            const CheckOptions& options) const {
  ExpectationResult result;
  result.ports = to_connection_set(expectation.ports);
  result.sources = resolve(expectation.from);
  result.destinations = resolve(expectation.to);
  if (result.sources.empty()) {
    result.status = ExpectationStatus::from_empty;
    return result;
  }
  if (result.destinations.empty()) {
    result.status = ExpectationStatus::to_empty;
    return result;
  }
  const model::Inventory& inventory = m_program.inventory();
  const bool allow = expectation.expect == model::Verdict::allow;
  // A destination Service: the listed service ports become, per destination
  // workload, the connections they lead to (none when it is no endpoint of
  // them: its pairs are then not checked). Few pairs: no Matrix.
  const model::Service* service =
      expectation.to.service ? inventory.find_service(expectation.to.namespace_name.value_or(""),
                                                      *expectation.to.service)
                             : nullptr;
  std::vector<ConnectionSet> destination_ports;
  if (service) {
    for (const CheckEndpoint& d : result.destinations) {
      destination_ports.push_back(
          service_connections(*service, expectation.ports, inventory.workloads[d.endpoint.workload]));
    }
  }
  auto ports_of = [&](std::size_t d) -> const ConnectionSet& {
    return service ? destination_ports[d] : result.ports;
  };

  // Many pairs: answer those between matrix endpoints from the Matrix.
  std::vector<std::optional<std::size_t>> from_matrix(result.sources.size());
  std::vector<std::optional<std::size_t>> to_matrix(result.destinations.size());
  std::optional<BulkTally> bulk;
  std::optional<BulkTally> bulk_from_outside;
  std::vector<std::size_t> external_destinations;
  if (!service && result.sources.size() * result.destinations.size() >= options.matrix_from_pairs) {
    for (std::size_t s = 0; s < result.sources.size(); ++s) {
      from_matrix[s] = matrix_endpoint(result.sources[s]);
    }
    for (std::size_t d = 0; d < result.destinations.size(); ++d) {
      to_matrix[d] = matrix_endpoint(result.destinations[d]);
    }
    bulk.emplace(matrix(), result.ports, allow, to_matrix);
    // Between two outside addresses the Matrix does not answer (an external
    // class may hold ranges of both families, and no policy governs such a
    // pair): an external source is tallied against workloads only, its
    // external destinations are answered one by one.
    const auto external = [](const CheckEndpoint& e) { return e.endpoint.kind == EndpointKind::external; };
    if (std::any_of(result.sources.begin(), result.sources.end(), external)) {
      std::vector<std::optional<std::size_t>> to_workloads = to_matrix;
      for (std::size_t d = 0; d < result.destinations.size(); ++d) {
        if (external(result.destinations[d])) {
          to_workloads[d].reset();
          external_destinations.push_back(d);
        }
      }
      bulk_from_outside.emplace(matrix(), result.ports, allow, to_workloads);
    }
  }

  std::vector<std::size_t> failed_from(result.sources.size(), 0);
  std::vector<std::size_t> failed_to(result.destinations.size(), 0);
  // Bulk sources per matrix class (inside and outside the cluster), and per
  // destination the pairs that the class sums count but the engine answers.
  std::vector<std::size_t> sources_in_class(bulk ? matrix().class_count() : 0, 0);
  std::vector<std::size_t> outside_sources_in_class(bulk ? matrix().class_count() : 0, 0);
  std::vector<std::size_t> counted_twice(result.destinations.size(), 0);

  // Records a failing pair, if there is room to report it.
  auto report = [&](std::size_t s, std::size_t d, const ConnectionSet& allowed) {
    ConnectionSet offending = offending_part(allow, ports_of(d), allowed);
    if (offending.empty()) {
      return false;
    }
    if (result.violations.size() < options.max_violations) {
      result.violations.push_back(Violation{s, d, std::move(offending),
                                            m_program.evaluate(result.sources[s].endpoint,
                                                              result.destinations[d].endpoint)});
    }
    return true;
  };

  // The destinations the engine answers one by one in the bulk path: those
  // that are no matrix endpoint (nodes), and, per matrix endpoint, those
  // that map to it (paired with a source on the same endpoint).
  std::vector<std::size_t> outside_matrix;
  std::multimap<std::size_t, std::size_t> at_endpoint;
  if (bulk) {
    for (std::size_t d = 0; d < result.destinations.size(); ++d) {
      if (to_matrix[d]) {
        at_endpoint.emplace(*to_matrix[d], d);
      } else {
        outside_matrix.push_back(d);
      }
    }
  }

  for (std::size_t s = 0; s < result.sources.size(); ++s) {
    const CheckEndpoint& src = result.sources[s];
    auto by_engine = [&](std::size_t d) {
      const CheckEndpoint& dst = result.destinations[d];
      return same_single_endpoint(src, dst, inventory) || (service && destination_ports[d].empty())
                 ? std::optional<ConnectionSet>()
                 : std::optional<ConnectionSet>(m_program.allowed(src.endpoint, dst.endpoint));
    };
    const std::optional<std::size_t> e = from_matrix[s];
    if (!bulk || !e) {
      for (std::size_t d = 0; d < result.destinations.size(); ++d) {
        if (std::optional<ConnectionSet> allowed = by_engine(d)) {
          ++result.pairs;
          if (report(s, d, *allowed)) {
            ++result.failed_pairs;
            ++failed_from[s];
            ++failed_to[d];
          }
        }
      }
      continue;
    }
    // A pair is answered by the Matrix when both ends are matrix endpoints,
    // distinct ones and not both outside the cluster; the others by the
    // engine.
    const bool outside = src.endpoint.kind == EndpointKind::external;
    auto [pairs, failed] = outside ? bulk_from_outside->tally(*e) : bulk->tally(*e);
    std::vector<std::size_t> singles = outside_matrix;
    if (outside) {
      singles.insert(singles.end(), external_destinations.begin(), external_destinations.end());
    } else {
      for (auto [it, end] = at_endpoint.equal_range(*e); it != end; ++it) {
        singles.push_back(it->second);
      }
    }
    for (std::size_t d : singles) {
      if (std::optional<ConnectionSet> allowed = by_engine(d)) {
        ++pairs;
        if (bulk->fails(*allowed)) {
          ++failed;
          ++failed_to[d];
        }
      }
    }
    result.pairs += pairs;
    result.failed_pairs += failed;
    failed_from[s] += failed;
    // The Matrix's failing pairs per destination, added up per class below.
    const std::uint32_t cls = matrix().class_of(*e);
    ++(outside ? outside_sources_in_class : sources_in_class)[cls];
    if (!outside && bulk->within_class_fails(cls)) {
      // Counted per class, but answered by the engine (the singles above).
      for (auto [it, end] = at_endpoint.equal_range(*e); it != end; ++it) {
        ++counted_twice[it->second];
      }
    }
    // Find the failing pairs to report, in destination order.
    std::size_t found = 0;
    for (std::size_t d = 0; d < result.destinations.size() && found < failed &&
                            result.violations.size() < options.max_violations;
         ++d) {
      const bool by_matrix = to_matrix[d] && *to_matrix[d] != *e &&
                             !(outside && result.destinations[d].endpoint.kind == EndpointKind::external);
      if (by_matrix) {
        found += report(s, d, matrix().allowed(*e, *to_matrix[d])) ? 1 : 0;
      } else if (std::optional<ConnectionSet> allowed = by_engine(d)) {
        found += report(s, d, *allowed) ? 1 : 0;
      }
    }
  }
  if (bulk && result.failed_pairs > 0) {
    // Per destination, the failing pairs the Matrix answered, from its rows
    // per source class (sources of one class share their row).
    std::size_t base = 0;
    std::size_t outside_base = 0;
    std::vector<long long> by_class(matrix().class_count(), 0);
    std::vector<long long> outside_by_class(matrix().class_count(), 0);
    for (std::uint32_t c = 0; c < matrix().class_count(); ++c) {
      if (sources_in_class[c] > 0) {
        bulk->add_failing_columns(c, sources_in_class[c], base, by_class);
      }
      if (outside_sources_in_class[c] > 0) {
        bulk_from_outside->add_failing_columns(c, outside_sources_in_class[c], outside_base, outside_by_class);
      }
    }
    for (std::size_t d = 0; d < result.destinations.size(); ++d) {
      if (!to_matrix[d]) {
        continue;
      }
      const std::uint32_t k = matrix().class_of(*to_matrix[d]);
      long long count = static_cast<long long>(base) + by_class[k] - static_cast<long long>(counted_twice[d]);
      if (result.destinations[d].endpoint.kind != EndpointKind::external) {
        count += static_cast<long long>(outside_base) + outside_by_class[k];
      }
      failed_to[d] += static_cast<std::size_t>(count);
    }
  }
  if (result.pairs == 0) {
    result.status = ExpectationStatus::no_pairs;
  } else if (result.failed_pairs > 0) {
    result.status = ExpectationStatus::failed;
    result.failed_from = std::move(failed_from);
    result.failed_to = std::move(failed_to);
    if (result.failed_pairs > result.violations.size()) {
      // What a pair allows, answered as above; nullopt: not a pair.
      auto answer = [&](std::size_t s, std::size_t d) -> std::optional<ConnectionSet> {
        const CheckEndpoint& src = result.sources[s];
        const CheckEndpoint& dst = result.destinations[d];
        if (same_single_endpoint(src, dst, inventory) || (service && destination_ports[d].empty())) {
          return std::nullopt;
        }
        if (from_matrix[s] && to_matrix[d] && *from_matrix[s] != *to_matrix[d] &&
            !(src.endpoint.kind == EndpointKind::external && dst.endpoint.kind == EndpointKind::external)) {
          return matrix().allowed(*from_matrix[s], *to_matrix[d]);
        }
        return m_program.allowed(src.endpoint, dst.endpoint);
      };
      std::vector<FailureCause> candidates;
      // An endpoint in a tenth of the failing pairs at least, and at least two.
      auto worth = [&](std::size_t pairs) { return pairs >= 2 && pairs * 10 >= result.failed_pairs; };
      if (result.sources.size() > 1) {
        for (std::size_t s = 0; s < result.sources.size(); ++s) {
          if (worth(result.failed_from[s])) {
            candidates.push_back(FailureCause{true, s, result.failed_from[s], {}});
          }
        }
      }
      if (result.destinations.size() > 1) {
        for (std::size_t d = 0; d < result.destinations.size(); ++d) {
          if (worth(result.failed_to[d])) {
            candidates.push_back(FailureCause{false, d, result.failed_to[d], {}});
          }
        }
      }
      std::stable_sort(candidates.begin(), candidates.end(),
                       [](const FailureCause& a, const FailureCause& b) { return a.pairs > b.pairs; });
      if (candidates.size() > options.max_causes) {
        candidates.resize(options.max_causes);
      }
      for (FailureCause& cause : candidates) {
        const std::size_t others = cause.source ? result.destinations.size() : result.sources.size();
        for (std::size_t o = 0; o < others; ++o) {
          const std::size_t s = cause.source ? cause.index : o;
          const std::size_t d = cause.source ? o : cause.index;
          const std::optional<ConnectionSet> allowed = answer(s, d);
          if (!allowed) {
            continue;
          }
          ConnectionSet offending = offending_part(allow, ports_of(d), *allowed);
          if (!offending.empty()) {
            cause.example = Violation{s, d, std::move(offending),
                                      m_program.evaluate(result.sources[s].endpoint, result.destinations[d].endpoint)};
            result.causes.push_back(std::move(cause));
            break;
          }
        }
      }

      // The deciding rules, from the explanations of the first failing
      // pairs, by (side, isolation, rule, isolating policies).
      using Key = std::tuple<Direction, bool, RuleId, std::vector<PolicyId>>;
      std::map<Key, RuleCause> by_key;
      std::size_t scanned = 0;
      // Only pairs of endpoints that fail somewhere (the counts are exact),
      // so that rare failures among many pairs are found too.
      for (std::size_t s = 0; s < result.sources.size() && result.sampled_pairs < options.max_sampled_pairs &&
                              scanned < options.max_scanned_pairs;
           ++s) {
        if (result.failed_from[s] == 0) {
          continue;
        }
        for (std::size_t d = 0; d < result.destinations.size() && result.sampled_pairs < options.max_sampled_pairs &&
                                scanned < options.max_scanned_pairs;
             ++d) {
          if (result.failed_to[d] == 0) {
            continue;
          }
          ++scanned;
          const std::optional<ConnectionSet> allowed = answer(s, d);
          if (!allowed) {
            continue;
          }
          ConnectionSet offending = offending_part(allow, ports_of(d), *allowed);
          if (offending.empty()) {
            continue;
          }
          ++result.sampled_pairs;
          FlowResult flow = m_program.evaluate(result.sources[s].endpoint, result.destinations[d].endpoint);
          if (flow.always != AlwaysAllowed::no || flow.no_common_family) {
            continue; // no policy decides it
          }
          std::set<Key> keys;
          // Both families of a dual-stack pair whose families differ.
          std::vector<const FlowResult*> families{&flow};
          for (const FlowResult& family : flow.by_family) {
            families.push_back(&family);
          }
          for (std::size_t n = 0; n < 2 * families.size(); ++n) {
            const Direction direction = n % 2 == 0 ? Direction::egress : Direction::ingress;
            const FlowResult* f = families[n / 2];
            const SideResult* side = direction == Direction::egress ? &f->egress : &f->ingress;
            for (const Decision& decision : side->decisions) {
              if ((decision.connections & offending).empty()) {
                continue;
              }
              // A broken deny: what lets it through; a broken allow: what refuses.
              const bool lets_through = decision.action == Action::allow;
              if (lets_through == allow || decision.by == Decision::By::default_allow) {
                continue;
              }
              if (decision.by == Decision::By::rule && decision.action == Action::pass) {
                continue;
              }
              const bool isolation = decision.by == Decision::By::isolation;
              keys.emplace(direction, isolation, isolation ? 0 : decision.rule,
                           isolation ? side->isolating : std::vector<PolicyId>{});
            }
          }
          for (const Key& key : keys) {
            RuleCause& cause = by_key[key];
            if (cause.pairs++ == 0) {
              std::tie(cause.side, cause.isolation, cause.rule, cause.isolating) = key;
              cause.example = Violation{s, d, offending, flow};
            }
          }
        }
      }
      for (auto& [key, cause] : by_key) {
        if (cause.pairs >= 2 && cause.pairs * 10 >= result.sampled_pairs) {
          result.rule_causes.push_back(std::move(cause));
        }
      }
      std::stable_sort(result.rule_causes.begin(), result.rule_causes.end(),
                       [](const RuleCause& a, const RuleCause& b) { return a.pairs > b.pairs; });
      if (result.rule_causes.size() > options.max_causes) {
        result.rule_causes.resize(options.max_causes);
      }
    }
  }
  return result;
}

} // namespace npcheck::analyzer
