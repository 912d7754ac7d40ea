// SPDX-License-Identifier: Apache-2.0
#include "invariants.hpp"

#include "check.hpp"
#include "reference_syntax.hpp"

#include <algorithm>
#include <set>
#include <string>
#include <variant>

namespace npcheck::fuzz {

namespace {

void require(bool condition, std::string_view what, std::string_view detail = {}) {
  if (!condition) {
    fail(std::string(what) + (detail.empty() ? "" : ": ") + std::string(detail));
  }
}

void check_labels(const model::Labels& labels, std::string_view what) {
  for (const auto& [key, value] : labels.entries()) {
    require(reference::label_key(key), what, "invalid label key '" + key + "' accepted");
    require(reference::label_value(value), what, "invalid label value '" + value + "' accepted");
  }
  const auto& entries = labels.entries();
  require(std::adjacent_find(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
            return a.first >= b.first;
          }) == entries.end(),
          what, "labels not sorted and unique");
}

void check_port(const model::PolicyPort& port, std::string_view what) {
  if (!port.port) {
    require(!port.end_port, what, "endPort without port");
    return;
  }
  if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) {
    require(*number >= 1, what, "port 0 accepted");
    require(!port.end_port || *port.end_port >= *number, what, "endPort below port accepted");
    return;
  }
  const std::string& name = std::get<std::string>(*port.port);
  require(reference::port_name(name), what, "invalid port name '" + name + "' accepted");
  require(!port.end_port, what, "endPort with a named port accepted");
}

void check_peer(const model::Peer& peer, std::string_view what) {
  const bool selectors = peer.pod_selector || peer.namespace_selector;
  require(selectors != peer.ip_block.has_value(), what, "peer with both or neither of selectors and ipBlock");
  if (peer.pod_selector) {
    check_selector(*peer.pod_selector, what);
  }
  if (peer.namespace_selector) {
    check_selector(*peer.namespace_selector, what);
  }
  if (peer.ip_block) {
    const model::Cidr& cidr = peer.ip_block->cidr;
    require(cidr.prefix >= 0 && cidr.prefix <= (cidr.address.family == model::IpFamily::v4 ? 32 : 128),
            what, "prefix out of range");
    for (const model::Cidr& except : peer.ip_block->except) {
      require(except.address.family == cidr.address.family, what, "except of another family accepted");
      require(except.prefix > cidr.prefix && cidr.contains(except.address), what,
              "except '" + except.to_string() + "' not strictly inside '" + cidr.to_string() + "'");
    }
  }
}

void check_rules(const std::vector<model::Rule>& rules, std::string_view what) {
  for (const model::Rule& rule : rules) {
    for (const model::Peer& peer : rule.peers) {
      check_peer(peer, what);
    }
    for (const model::PolicyPort& port : rule.ports) {
      check_port(port, what);
    }
  }
}

template <typename T, typename Key>
void check_sorted_unique(const std::vector<T>& items, Key key, std::string_view what) {
  for (std::size_t i = 1; i < items.size(); ++i) {
    require(key(items[i - 1]) < key(items[i]), what, "not sorted or not unique");
  }
}

} // namespace

void check_selector(const model::LabelSelector& selector, std::string_view what) {
  check_labels(selector.match_labels, what);
  for (const model::Requirement& requirement : selector.match_expressions) {
    require(reference::label_key(requirement.key), what,
            "invalid selector key '" + requirement.key + "' accepted");
    const bool needs_values =
        requirement.op == model::Operator::in || requirement.op == model::Operator::not_in;
    require(needs_values != requirement.values.empty(), what, "operator and values disagree");
    for (const std::string& value : requirement.values) {
      require(reference::label_value(value), what, "invalid selector value '" + value + "' accepted");
    }
  }
}

void check_diagnostics(const model::Inventory& inventory, std::string_view text,
                       std::string_view file_name) {
  const auto lines = static_cast<int>(std::count(text.begin(), text.end(), '\n')) + 1;
  auto check = [&](const model::Diagnostic& d) {
    const std::string shown = d.to_string();
    require(!d.message.empty() && !shown.empty(), "diagnostic without a message", shown);
    require(std::none_of(shown.begin(), shown.end(),
                         [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }),
            "diagnostic text with a control character", shown);
    require(d.where.file == nullptr || d.where.file_name() == file_name, "diagnostic names another file",
            shown);
    require(d.where.line >= 0 && d.where.line <= lines && d.where.column >= 0,
            "diagnostic points outside the input", shown);
    require(d.where.line > 0 || d.where.column == 0, "column without a line", shown);
  };
  for (const model::Diagnostic& d : inventory.errors) {
    require(d.severity == model::Severity::error, "error with another severity", d.to_string());
    check(d);
  }
  for (const model::Diagnostic& d : inventory.warnings) {
    require(d.severity == model::Severity::warning, "warning with another severity", d.to_string());
    check(d);
  }
}

void check_valid_inventory(const model::Inventory& inventory) {
  std::set<std::string> namespaces;
  for (const model::Namespace& ns : inventory.namespaces) {
    const std::string what = "Namespace " + ns.name;
    require(reference::dns_label(ns.name), what, "invalid name accepted");
    check_labels(ns.labels, what);
    const std::string* name_label = ns.labels.find("kubernetes.io/metadata.name");
    require(name_label != nullptr && *name_label == ns.name, what, "kubernetes.io/metadata.name missing");
    namespaces.insert(ns.name);
  }
  check_sorted_unique(inventory.namespaces, [](const model::Namespace& n) { return n.name; }, "namespaces");
  for (const model::Node& node : inventory.nodes) {
    require(reference::dns_subdomain(node.name), "Node " + node.name, "invalid name accepted");
    check_sorted_unique(node.addresses, [](const model::IpAddress& ip) { return ip; }, "node addresses");
  }
  check_sorted_unique(inventory.nodes, [](const model::Node& n) { return n.name; }, "nodes");
  for (const model::Workload& w : inventory.workloads) {
    const std::string what = w.display_name();
    require(reference::dns_label(w.namespace_name), what, "invalid namespace accepted");
    if (w.generated_name) {
      // "<generateName>*": the prefix is checked as the API server does,
      // with a trailing '-' allowed.
      require(!w.name.empty() && w.name.back() == '*', what, "a generated name without its '*'");
      std::string prefix = w.name.substr(0, w.name.size() - 1);
      if (!prefix.empty() && prefix.back() == '-') {
        prefix.back() = 'a';
      }
      require(reference::dns_subdomain(prefix), what, "invalid generateName accepted");
    } else {
      require(reference::dns_subdomain(w.name), what, "invalid name accepted");
    }
    require((w.kind == model::WorkloadKind::custom) == !w.custom_kind.empty(), what,
            "custom_kind set for a known kind or missing for a custom one");
    require(namespaces.count(w.namespace_name) == 1, what, "namespace missing from the inventory");
    check_labels(w.labels, what);
    std::set<std::string> port_names;
    for (const model::ContainerPort& port : w.ports) {
      require(port.port >= 1, what, "containerPort 0 accepted");
      if (!port.name.empty()) {
        require(reference::port_name(port.name), what, "invalid port name '" + port.name + "' accepted");
        require(port_names.insert(port.name).second, what, "duplicate port name accepted");
      }
    }
    check_sorted_unique(w.pod_ips, [](const model::IpAddress& ip) { return ip; }, what + " pod IPs");
    if (w.kind == model::WorkloadKind::pod) {
      require(w.pods.empty(), what, "a Pod with folded pods");
    } else if (w.pods.empty()) {
      require(w.pod_ips.empty() && !w.host_ip, what, "a workload template with pod IPs");
    } else {
      // Folded pods: their addresses, nodes only when shared, sorted names.
      std::vector<model::IpAddress> ips;
      for (const model::PodMember& pod : w.pods) {
        require(reference::dns_subdomain(pod.name), what, "a folded pod with an invalid name");
        ips.insert(ips.end(), pod.pod_ips.begin(), pod.pod_ips.end());
        require(w.node_name.empty() || pod.node_name == w.node_name, what, "a node its pods do not share");
        require(!w.host_ip || pod.host_ip == w.host_ip, what, "a host IP its pods do not share");
      }
      std::sort(ips.begin(), ips.end());
      ips.erase(std::unique(ips.begin(), ips.end()), ips.end());
      require(ips == w.pod_ips, what, "pod IPs that are not its pods' addresses");
      check_sorted_unique(w.pods, [](const model::PodMember& pod) { return pod.name; }, what + " pods");
    }
  }
  check_sorted_unique(
      inventory.workloads,
      [](const model::Workload& w) {
        return std::make_tuple(w.namespace_name, w.name, w.kind, w.custom_kind,
                               w.generated_name ? w.where.to_string() : std::string());
      },
      "workloads");
  for (const model::NetworkPolicy& policy : inventory.policies) {
    const std::string what = policy.display_name();
    require(reference::dns_label(policy.namespace_name), what, "invalid namespace accepted");
    require(reference::dns_subdomain(policy.name), what, "invalid name accepted");
    require(namespaces.count(policy.namespace_name) == 1, what, "namespace missing from the inventory");
    require(policy.affects_ingress || policy.affects_egress, what, "affects no direction");
    check_selector(policy.pod_selector, what);
    check_rules(policy.ingress, what);
    check_rules(policy.egress, what);
  }
  check_sorted_unique(
      inventory.policies,
      [](const model::NetworkPolicy& p) { return std::make_pair(p.namespace_name, p.name); }, "policies");
}

} // namespace npcheck::fuzz
