// SPDX-License-Identifier: Apache-2.0
//
// Lint: mistakes in valid NetworkPolicies (networking.k8s.io/v1). Every check
// has a precise condition, stated beside its code and in the man page, chosen
// so that the standard idioms (a namespace's default-deny, a DNS allowance
// per namespace, "0.0.0.0/0 except the cluster ranges") stay quiet. The
// inputs are taken as the whole truth about the cluster, but where an input
// set is visibly partial (a namespace without any workload, a namespace that
// is only named in a selector) a check lowers its finding to info or skips.
//
// The policies are compiled the way the reachability engine does it (which
// pods spec.podSelector selects; per rule the workloads its peers match, the
// external addresses its ipBlocks admit, its numeric ports and its named
// ports resolved on the destination: the selected pod for ingress, the peer
// pod for egress). Redundancy is decided exactly on that form: a rule R of
// policy P is redundant iff, for every pod s that P selects, what R admits
// for s (per peer workload the ports it opens, per external address the
// ports it opens) is contained in the union of what the other rules of the
// same direction of every policy selecting s admit. The check runs over the
// policies from last to first and removes each redundant rule before looking
// at the next one, so removing every reported rule together changes nothing
// (two identical rules: only the later one is reported). A policy is reported
// as a whole when all of its rules are redundant and every pod it selects is
// also isolated in each of its directions by another policy.

#include <npcheck/analyzer/lint.hpp>

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/port_set.hpp>
#include <npcheck/analyzer/reachability.hpp>
#include <npcheck/analyzer/selector_match.hpp>
#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>
#include <variant>

namespace npcheck::analyzer {

namespace {

constexpr LintCheck k_checks[] = {
    {"NP000", "invalid-manifest", LintSeverity::error,
     "the manifest fails validation (as npcheck validate reports it)"},
    {"NP001", "manifest-warning", LintSeverity::warning,
     "a validation warning: unknown field or kind, undefined namespace, skipped chart"},
    {"NP101", "policy-selects-nothing", LintSeverity::warning,
     "spec.podSelector selects no pod of the policy's namespace"},
    {"NP102", "peer-selects-nothing", LintSeverity::warning,
     "a from/to peer's selectors match no namespace or no pod"},
    {"NP103", "unknown-label", LintSeverity::warning,
     "a selector uses a label key or value that no pod (namespace) carries"},
    {"NP201", "named-port-unresolved", LintSeverity::warning,
     "no destination pod declares the named port with that protocol"},
    {"NP202", "named-port-to-ipblock", LintSeverity::warning,
     "an egress rule names a port for ipBlock peers, which have no named ports"},
    {"NP301", "redundant-rule", LintSeverity::warning,
     "everything the rule allows is already allowed by other rules for the same pods"},
    {"NP302", "redundant-policy", LintSeverity::warning,
     "the policy changes nothing: other policies isolate its pods and allow all it allows"},
    {"NP401", "direction-blocked", LintSeverity::warning,
     "the policy isolates a direction without rules, and some pods get nothing in it"},
    {"NP402", "egress-without-dns", LintSeverity::warning,
     "egress-isolated pods may not reach DNS (UDP/TCP 53 in kube-system)"},
    {"NP403", "rules-ignored", LintSeverity::warning,
     "rules of a direction that spec.policyTypes leaves out are ignored"},
    {"NP501", "ipblock-covers-cluster", LintSeverity::warning,
     "an ipBlock covers known pod or node IPs (CNI-dependent behaviour)"},
    {"NP502", "ipblock-allow-all", LintSeverity::warning,
     "an ipBlock 0.0.0.0/0 or ::/0 without except admits every address"},
    {"NP503", "cidr-host-bits", LintSeverity::warning,
     "a CIDR has host bits set (10.0.0.1/24 means 10.0.0.0/24)"},
    {"NP601", "unselected-workload", LintSeverity::warning,
     "no policy selects the workload, but other workloads of its namespace are isolated"},
    {"NP602", "namespace-without-policy", LintSeverity::info,
     "a namespace with workloads has no NetworkPolicy"},
    {"NP701", "namespace-selector-all", LintSeverity::warning,
     "namespaceSelector: {} with a podSelector that matches pods of the own namespace only"},
    {"NP702", "split-peer", LintSeverity::warning,
     "a namespaceSelector and a podSelector in two peers (OR) look meant as one (AND)"},
};

constexpr std::string_view k_name_label = "kubernetes.io/metadata.name";
constexpr std::size_t k_listed = 3; // names listed in a message before "and N more"

const LintCheck& check(std::string_view id) {
  for (const LintCheck& c : k_checks) {
    if (c.id == id) {
      return c;
    }
  }
  assert(false && "unknown lint check id");
  return k_checks[0];
}

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return result;
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// "a, b, c and 2 more"
std::string list(const std::vector<std::string>& items, std::size_t shown = k_listed) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < shown; ++i) {
    text += (i == 0 ? "" : ", ") + items[i];
  }
  if (items.size() > shown) {
    text += " and " + std::to_string(items.size() - shown) + " more";
  }
  return text;
}

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + ' ' + word + (n == 1 ? "" : "s");
}

// Levenshtein distance with adjacent transpositions ("wbe" is 1 from "web").
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) {
    d[i][0] = i;
  }
  for (std::size_t j = 0; j <= b.size(); ++j) {
    d[0][j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

// "did you mean 'app'?" when a known word is close, else the known words
// (what names them in the plural, e.g. "values of tier").
std::string suggestion(std::string_view word, const std::set<std::string>& known,
                       const std::string& what) {
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const std::string& candidate : known) {
    const std::size_t d = edit_distance(word, candidate);
    if (best == nullptr || d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  if (best == nullptr) {
    return "there are no " + what;
  }
  if (best_distance <= std::max<std::size_t>(2, word.size() / 3)) {
    return "did you mean " + quoted(*best) + "?";
  }
  std::vector<std::string> names;
  for (const std::string& k : known) {
    names.push_back(quoted(k));
  }
  return "known " + what + ": " + list(names, 5);
}

std::string direction_field(Direction direction) {
  return direction == Direction::ingress ? "ingress" : "egress";
}

std::string rule_path(Direction direction, std::size_t rule) {
  return "spec." + direction_field(direction) + '[' + std::to_string(rule) + ']';
}

std::string peer_path(Direction direction, std::size_t rule, std::size_t peer) {
  return rule_path(direction, rule) + (direction == Direction::ingress ? ".from[" : ".to[") +
         std::to_string(peer) + ']';
}

std::string workload_object(const model::Workload& w) {
  return w.kind_name() + ' ' + w.namespace_name + '/' + w.name;
}

bool location_less(const model::SourceLocation& a, const model::SourceLocation& b) {
  return std::make_tuple(a.file_name(), a.line, a.column) <
         std::make_tuple(b.file_name(), b.line, b.column);
}

// One rule of a direction its policy affects, compiled as the engine does.
struct RuleInfo {
  std::size_t policy = 0;
  Direction direction = Direction::ingress;
  std::size_t index = 0; // into NetworkPolicy::ingress or ::egress
  bool all_peers = false;
  std::vector<bool> peer_workloads; // by workload index; all true for all_peers
  AddressSet addresses;             // external addresses the peers admit
  bool has_ip_block = false;
  bool all_ports = false;
  ConnectionSet numeric;
  std::vector<std::pair<std::string, model::Protocol>> named;
  bool active = true; // false once reported redundant
};

// The kind of objects a selector is matched against.
enum class Target { pods, namespaces };

class Linter {
public:
  Linter(const model::Inventory& inventory, const LintOptions& options)
      : m_inventory(inventory), m_options(options), m_index(inventory) {}

  std::vector<Finding> run() {
    prepare();
    copy_diagnostics();
    check_unknown_labels();
    check_split_peers();
    check_selections();
    check_named_ports();
    check_ignored_rules();
    check_redundancy();
    check_blocked_directions();
    check_dns();
    check_ip_blocks();
    check_coverage();
    check_namespace_selector_all();
    std::sort(m_findings.begin(), m_findings.end(), [](const Finding& a, const Finding& b) {
      return std::make_tuple(a.where.file_name(), a.where.line, a.where.column, a.check->id,
                             std::cref(a.message)) <
             std::make_tuple(b.where.file_name(), b.where.line, b.where.column, b.check->id,
                             std::cref(b.message));
    });
    return std::move(m_findings);
  }

private:
  bool enabled(std::string_view id) const {
    return std::find(m_options.disabled.begin(), m_options.disabled.end(), id) ==
           m_options.disabled.end();
  }

  void add(std::string_view id, LintSeverity severity, model::SourceLocation where,
           std::string object, std::string message, std::string hint) {
    if (!enabled(id)) {
      return;
    }
    m_findings.push_back(Finding{&check(id), severity, std::move(where), std::move(object),
                                 std::move(message), std::move(hint)});
  }

  const std::vector<model::Workload>& workloads() const { return m_inventory.workloads; }
  const model::NetworkPolicy& policy(std::size_t p) const { return m_inventory.policies[p]; }
  const model::Rule& rule_of(const RuleInfo& info) const {
    const model::NetworkPolicy& pol = policy(info.policy);
    return info.direction == Direction::ingress ? pol.ingress[info.index] : pol.egress[info.index];
  }
  std::string rule_name(const RuleInfo& info) const {
    return policy(info.policy).display_name() + ' ' + rule_path(info.direction, info.index) +
           " (" + rule_of(info).where.to_string() + ')';
  }
  const std::vector<std::size_t>& selecting(std::size_t w, Direction direction) const {
    return direction == Direction::ingress ? m_ingress_of[w] : m_egress_of[w];
  }
  static bool affects(const model::NetworkPolicy& pol, Direction direction) {
    return direction == Direction::ingress ? pol.affects_ingress : pol.affects_egress;
  }
  static const std::vector<model::Rule>& rules(const model::NetworkPolicy& pol,
                                               Direction direction) {
    return direction == Direction::ingress ? pol.ingress : pol.egress;
  }
  std::vector<std::string> workload_names(const std::vector<std::size_t>& indices) const {
    std::vector<std::string> names;
    for (std::size_t w : indices) {
      names.push_back(workloads()[w].display_name());
    }
    return names;
  }

  // ---- compilation ---------------------------------------------------------

  void prepare() {
    const std::size_t n = workloads().size();
    for (std::size_t i = 0; i < n; ++i) {
      const model::Workload& w = workloads()[i];
      for (const model::IpAddress& ip : w.pod_ips) {
        if (!w.host_network) {
          m_pod_addresses.add(ip);
        }
      }
    }

    m_ingress_of.resize(n);
    m_egress_of.resize(n);
    m_policy_rules.resize(m_inventory.policies.size());
    m_policy_active.assign(m_inventory.policies.size(), true);
    for (std::size_t p = 0; p < m_inventory.policies.size(); ++p) {
      const model::NetworkPolicy& pol = policy(p);
      m_selected.push_back(m_index.select_workloads(pol.namespace_name, pol.pod_selector));
      for (std::size_t w : m_selected.back()) {
        if (pol.affects_ingress) {
          m_ingress_of[w].push_back(p);
        }
        if (pol.affects_egress) {
          m_egress_of[w].push_back(p);
        }
      }
      for (Direction direction : {Direction::ingress, Direction::egress}) {
        if (!affects(pol, direction)) {
          continue;
        }
        const std::vector<model::Rule>& list = rules(pol, direction);
        for (std::size_t r = 0; r < list.size(); ++r) {
          m_policy_rules[p].push_back(m_rules.size());
          m_rules.push_back(compile(p, direction, r));
        }
      }
    }
  }

  // The workloads a selector peer matches (namespaceSelector absent: own namespace).
  std::vector<std::size_t> peer_workloads(const model::NetworkPolicy& pol,
                                          const model::Peer& peer) const {
    return m_index.select_peer(pol.namespace_name, peer);
  }

  RuleInfo compile(std::size_t p, Direction direction, std::size_t r) const {
    const model::NetworkPolicy& pol = policy(p);
    const model::Rule& rule = rules(pol, direction)[r];
    RuleInfo info;
    info.policy = p;
    info.direction = direction;
    info.index = r;
    info.all_peers = rule.peers.empty();
    info.peer_workloads.assign(workloads().size(), info.all_peers);
    if (info.all_peers) {
      info.addresses = AddressSet::all();
    }
    for (const model::Peer& peer : rule.peers) {
      if (peer.ip_block) {
        info.has_ip_block = true;
        info.addresses.unite(AddressSet::from_ip_block(*peer.ip_block));
      }
      for (std::size_t w : m_index.select_peer(pol.namespace_name, peer)) {
        info.peer_workloads[w] = true;
      }
    }
    // A pod IP stands for its pod, never for an external address.
    info.addresses.subtract(m_pod_addresses);
    info.all_ports = rule.ports.empty();
    for (const model::PolicyPort& port : rule.ports) {
      if (!port.port) {
        info.numeric.add(port.protocol, PortSet::all());
      } else if (const auto* number = std::get_if<std::uint16_t>(&*port.port)) {
        info.numeric.add(port.protocol, PortSet::range(*number, port.end_port.value_or(*number)));
      } else {
        info.named.emplace_back(std::get<std::string>(*port.port), port.protocol);
      }
    }
    return info;
  }

  // What the rule opens towards destination workload dest.
  ConnectionSet ports_to(const RuleInfo& info, std::size_t dest) const {
    if (info.all_ports) {
      return ConnectionSet::all();
    }
    ConnectionSet ports = info.numeric;
    for (const auto& [name, protocol] : info.named) {
      for (const model::ContainerPort& cp : workloads()[dest].ports) {
        if (cp.name == name && cp.protocol == protocol) {
          ports.add(protocol, PortSet::single(cp.port));
        }
      }
    }
    return ports;
  }

  static ConnectionSet address_ports(const RuleInfo& info) {
    return info.all_ports ? ConnectionSet::all() : info.numeric;
  }

  // ---- NP000, NP001 --------------------------------------------------------

  void copy_diagnostics() {
    for (const model::Diagnostic& d : m_inventory.errors) {
      add("NP000", LintSeverity::error, d.where, d.object, d.message,
          "the API server rejects this object; npcheck lints the others without it");
    }
    for (const model::Diagnostic& d : m_inventory.warnings) {
      add("NP001", LintSeverity::warning, d.where, d.object, d.message,
          "fix the manifest, or pass --disable NP001");
    }
  }

  // ---- selectors: NP101, NP102, NP103 --------------------------------------

  template <typename Visit>
  void for_each_selector(Visit visit) const {
    for (std::size_t p = 0; p < m_inventory.policies.size(); ++p) {
      const model::NetworkPolicy& pol = policy(p);
      visit(pol, pol.pod_selector, Target::pods, std::string("spec.podSelector"), nullptr);
      for (Direction direction : {Direction::ingress, Direction::egress}) {
        const std::vector<model::Rule>& list = rules(pol, direction);
        for (std::size_t r = 0; r < list.size(); ++r) {
          for (std::size_t i = 0; i < list[r].peers.size(); ++i) {
            const model::Peer& peer = list[r].peers[i];
            const std::string path = peer_path(direction, r, i);
            if (peer.namespace_selector) {
              visit(pol, *peer.namespace_selector, Target::namespaces, path + ".namespaceSelector",
                    &peer);
            }
            if (peer.pod_selector) {
              visit(pol, *peer.pod_selector, Target::pods, path + ".podSelector", &peer);
            }
          }
        }
      }
    }
  }

  // NP103: a key that no object of the target kind carries, or a value (in
  // matchLabels or an In list) that no such object has for that key. Not
  // checked: NotIn values (excluding future values is deliberate), pod
  // selectors when the inputs hold no workload at all, a peer's podSelector
  // when its namespaceSelector matches no namespace, and a namespace name
  // (kubernetes.io/metadata.name) that is absent but not within edit
  // distance 2 of a namespace of the inputs (it is taken to exist elsewhere).
  void check_unknown_labels() {
    std::map<std::string, std::set<std::string>> pod_labels;
    for (const model::Workload& w : workloads()) {
      for (const auto& [key, value] : w.labels.entries()) {
        pod_labels[key].insert(value);
      }
    }
    std::map<std::string, std::set<std::string>> namespace_labels;
    for (const EndpointIndex::NamespaceEntry& entry : m_index.namespaces()) {
      for (const auto& [key, value] : entry.labels.entries()) {
        namespace_labels[key].insert(value);
      }
    }
    std::set<std::string> pod_keys;
    for (const auto& [key, values] : pod_labels) {
      pod_keys.insert(key);
    }
    std::set<std::string> namespace_keys;
    for (const auto& [key, values] : namespace_labels) {
      namespace_keys.insert(key);
    }

    for_each_selector([&](const model::NetworkPolicy& pol, const model::LabelSelector& selector,
                          Target target, const std::string& path, const model::Peer* peer) {
      if (target == Target::pods && workloads().empty()) {
        return;
      }
      // Pods of namespaces outside the inputs (kube-dns in kube-system) are unknown.
      if (target == Target::pods && peer != nullptr && peer->namespace_selector &&
          m_index.select_namespaces(*peer->namespace_selector).empty()) {
        return;
      }
      const auto& labels = target == Target::pods ? pod_labels : namespace_labels;
      const auto& keys = target == Target::pods ? pod_keys : namespace_keys;
      const std::string noun = target == Target::pods ? "pod" : "namespace";
      auto check_key = [&](const std::string& key) {
        if (labels.count(key) != 0) {
          return true;
        }
        if (enabled("NP103")) {
          m_unknown_labels.insert(&selector);
        }
        add("NP103", LintSeverity::warning, selector.where, pol.display_name(),
            path + ": label key " + quoted(key) + " is on no " + noun,
            suggestion(key, keys, noun + " label keys"));
        return false;
      };
      auto check_value = [&](const std::string& key, const std::string& value) {
        const std::set<std::string>& values = labels.at(key);
        if (values.count(value) != 0) {
          return;
        }
        // A namespace named but absent is taken to exist outside the inputs,
        // unless its name is a near miss of one that is there.
        if (target == Target::namespaces && key == k_name_label &&
            std::none_of(values.begin(), values.end(), [&](const std::string& known) {
              return edit_distance(value, known) <= 2;
            })) {
          return;
        }
        if (enabled("NP103")) {
          m_unknown_labels.insert(&selector);
        }
        add("NP103", LintSeverity::warning, selector.where, pol.display_name(),
            path + ": no " + noun + " has label " + key + '=' + value,
            suggestion(value, values, "values of " + key));
      };
      for (const auto& [key, value] : selector.match_labels.entries()) {
        if (check_key(key)) {
          check_value(key, value);
        }
      }
      for (const model::Requirement& requirement : selector.match_expressions) {
        if (check_key(requirement.key) && requirement.op == model::Operator::in) {
          for (const std::string& value : requirement.values) {
            check_value(requirement.key, value);
          }
        }
      }
    });
  }

  // The namespace names a selector spells out with kubernetes.io/metadata.name.
  static std::vector<std::string> named_namespaces(const model::LabelSelector& selector) {
    std::vector<std::string> names;
    if (const std::string* name = selector.match_labels.find(k_name_label)) {
      names.push_back(*name);
    }
    for (const model::Requirement& requirement : selector.match_expressions) {
      if (requirement.key == k_name_label && requirement.op == model::Operator::in) {
        names.insert(names.end(), requirement.values.begin(), requirement.values.end());
      }
    }
    return names;
  }

  bool namespace_has_workloads(std::string_view name) const {
    const EndpointIndex::NamespaceEntry* entry = m_index.find_namespace(name);
    return entry != nullptr && !entry->workloads.empty();
  }

  // NP101: spec.podSelector selects nothing; info when the namespace has no
  // workload in the inputs; skipped when NP103 explains it.
  // NP102: a selector peer matches nothing: its namespaceSelector no namespace
  // (skipped when it names, by kubernetes.io/metadata.name, only namespaces
  // absent from the inputs), or its podSelector no pod of those namespaces
  // (info when they hold no workload in the inputs); skipped when NP103 or an
  // NP702 warning explains it.
  void check_selections() {
    for (std::size_t p = 0; p < m_inventory.policies.size(); ++p) {
      const model::NetworkPolicy& pol = policy(p);
      if (m_selected[p].empty() && m_unknown_labels.count(&pol.pod_selector) == 0) {
        if (!namespace_has_workloads(pol.namespace_name)) {
          add("NP101", LintSeverity::info, pol.pod_selector.where, pol.display_name(),
              "spec.podSelector: namespace " + pol.namespace_name +
                  " has no workload in the inputs, so nothing can be checked",
              "lint the manifests of the namespace's workloads together with its policies");
        } else {
          add("NP101", LintSeverity::warning, pol.pod_selector.where, pol.display_name(),
              "spec.podSelector " + pol.pod_selector.to_string() + " selects no pod of namespace " +
                  pol.namespace_name + ": the policy has no effect",
              "match the labels of a pod template in " + pol.namespace_name);
        }
      }
      for (Direction direction : {Direction::ingress, Direction::egress}) {
        const std::vector<model::Rule>& list = rules(pol, direction);
        for (std::size_t r = 0; r < list.size(); ++r) {
          for (std::size_t i = 0; i < list[r].peers.size(); ++i) {
            check_peer(pol, list[r].peers[i], peer_path(direction, r, i));
          }
        }
      }
    }
  }

  void check_peer(const model::NetworkPolicy& pol, const model::Peer& peer,
                  const std::string& path) {
    if (peer.ip_block || m_split_peers.count(&peer) != 0) {
      return;
    }
    std::vector<std::string> namespaces;
    if (peer.namespace_selector) {
      const model::LabelSelector& selector = *peer.namespace_selector;
      for (const EndpointIndex::NamespaceEntry* entry : m_index.select_namespaces(selector)) {
        namespaces.push_back(entry->name);
      }
      if (namespaces.empty()) {
        // Namespaces named by kubernetes.io/metadata.name but absent from the
        // inputs (kube-system, typically) are taken to exist elsewhere.
        std::vector<std::string> named = named_namespaces(selector);
        const bool absent = !named.empty() && std::none_of(named.begin(), named.end(),
                                                           [this](const std::string& name) {
                                                             return m_index.find_namespace(name) != nullptr;
                                                           });
        if (!absent && m_unknown_labels.count(&selector) == 0) {
          add("NP102", LintSeverity::warning, selector.where, pol.display_name(),
              path + ".namespaceSelector " + selector.to_string() +
                  " matches no namespace: the peer matches nothing",
              "match the labels of a Namespace (every namespace has kubernetes.io/metadata.name)");
        }
        return;
      }
    } else {
      namespaces.push_back(pol.namespace_name);
    }
    if (!peer_workloads(pol, peer).empty() ||
        (peer.pod_selector && m_unknown_labels.count(&*peer.pod_selector) != 0)) {
      return;
    }
    const model::SourceLocation where = peer.pod_selector ? peer.pod_selector->where : peer.where;
    const std::string selector = peer.pod_selector ? peer.pod_selector->to_string() : "{}";
    const bool any_workloads = std::any_of(namespaces.begin(), namespaces.end(),
                                           [this](const std::string& name) {
                                             return namespace_has_workloads(name);
                                           });
    if (!any_workloads) {
      add("NP102", LintSeverity::info, where, pol.display_name(),
          path + ": namespace " + list(namespaces) +
              " has no workload in the inputs, so the peer cannot be checked",
          "lint the manifests of those workloads together with this policy");
      return;
    }
    std::string hint = "match the labels of a pod template in those namespaces";
    if (!peer.namespace_selector && peer.pod_selector) {
      const std::set<std::string> elsewhere = namespaces_with_pods(*peer.pod_selector);
      if (!elsewhere.empty()) {
        hint = "such pods exist in namespace " +
               list(std::vector<std::string>(elsewhere.begin(), elsewhere.end())) +
               ": add a namespaceSelector (kubernetes.io/metadata.name) to this peer";
      }
    }
    add("NP102", LintSeverity::warning, where, pol.display_name(),
        path + ".podSelector " + selector + " matches no pod in namespace " + list(namespaces) +
            ": the peer matches nothing",
        std::move(hint));
  }

  // ---- NP701, NP702 --------------------------------------------------------

  // The namespaces in which selector matches at least one pod.
  std::set<std::string> namespaces_with_pods(const model::LabelSelector& selector) const {
    std::set<std::string> result;
    for (const EndpointIndex::NamespaceEntry& entry : m_index.namespaces()) {
      if (!m_index.select_workloads(entry.name, selector).empty()) {
        result.insert(entry.name);
      }
    }
    return result;
  }

  // NP701: a peer with namespaceSelector: {} and a non-empty podSelector that
  // matches pods of the policy's own namespace and of no other namespace: the
  // author probably meant the own namespace, which is what leaving the
  // namespaceSelector out says; {} lets any namespace gain matching pods.
  void check_namespace_selector_all() {
    for (const model::NetworkPolicy& pol : m_inventory.policies) {
      for (Direction direction : {Direction::ingress, Direction::egress}) {
        const std::vector<model::Rule>& list = rules(pol, direction);
        for (std::size_t r = 0; r < list.size(); ++r) {
          for (std::size_t i = 0; i < list[r].peers.size(); ++i) {
            const model::Peer& peer = list[r].peers[i];
            if (!peer.namespace_selector || !peer.namespace_selector->empty() ||
                !peer.pod_selector || peer.pod_selector->empty()) {
              continue;
            }
            const std::set<std::string> found = namespaces_with_pods(*peer.pod_selector);
            if (found != std::set<std::string>{pol.namespace_name}) {
              continue;
            }
            add("NP701", LintSeverity::warning, peer.namespace_selector->where, pol.display_name(),
                peer_path(direction, r, i) + ": namespaceSelector: {} admits pods " +
                    peer.pod_selector->to_string() + " of every namespace, but only namespace " +
                    pol.namespace_name + " has such pods",
                "to mean the policy's own namespace, remove namespaceSelector: {}");
          }
        }
      }
    }
  }

  // NP702 (the alice/client pitfall): two adjacent peers of one from/to list,
  // one with only a non-empty namespaceSelector and one with only a non-empty
  // podSelector. They are ORed; one peer with both selectors would AND them.
  // Warning when the podSelector matches no pod of the policy's namespace but
  // does match pods in the namespaces of the namespaceSelector (the OR half is
  // dead, the AND reading is alive); info when both readings select pods;
  // nothing when the AND reading selects no pod (the union is then meant).
  void check_split_peers() {
    for (const model::NetworkPolicy& pol : m_inventory.policies) {
      for (Direction direction : {Direction::ingress, Direction::egress}) {
        const std::vector<model::Rule>& list = rules(pol, direction);
        for (std::size_t r = 0; r < list.size(); ++r) {
          const std::vector<model::Peer>& peers = list[r].peers;
          for (std::size_t i = 0; i + 1 < peers.size(); ++i) {
            check_split_pair(pol, direction, r, i);
          }
        }
      }
    }
  }

  void check_split_pair(const model::NetworkPolicy& pol, Direction direction, std::size_t r,
                        std::size_t i) {
    const std::vector<model::Peer>& peers = rules(pol, direction)[r].peers;
    auto namespace_only = [](const model::Peer& p) {
      return p.namespace_selector && !p.pod_selector && !p.namespace_selector->empty();
    };
    auto pod_only = [](const model::Peer& p) {
      return p.pod_selector && !p.namespace_selector && !p.pod_selector->empty();
    };
    const model::Peer& first = peers[i];
    const model::Peer& second = peers[i + 1];
    const model::Peer* ns_peer = nullptr;
    const model::Peer* pod_peer = nullptr;
    if (namespace_only(first) && pod_only(second)) {
      ns_peer = &first;
      pod_peer = &second;
    } else if (pod_only(first) && namespace_only(second)) {
      pod_peer = &first;
      ns_peer = &second;
    } else {
      return;
    }
    model::Peer combined;
    combined.namespace_selector = ns_peer->namespace_selector;
    combined.pod_selector = pod_peer->pod_selector;
    if (peer_workloads(pol, combined).empty()) {
      return;
    }
    const bool local_dead = peer_workloads(pol, *pod_peer).empty();
    if (local_dead && enabled("NP702")) {
      m_split_peers.insert(pod_peer);
    }
    const std::string ns_text = ns_peer->namespace_selector->to_string();
    const std::string pod_text = pod_peer->pod_selector->to_string();
    const std::string list_name = direction == Direction::ingress ? "from" : "to";
    add("NP702", local_dead ? LintSeverity::warning : LintSeverity::info, second.where,
        pol.display_name(),
        peer_path(direction, r, i) + " and " + list_name + '[' + std::to_string(i + 1) +
            "] are two peers (OR): all pods of namespaces " + ns_text + ", or pods " + pod_text +
            " of namespace " + pol.namespace_name +
            (local_dead ? " (there are none)" : std::string()) +
            "; one peer with both selectors would mean pods " + pod_text + " in namespaces " +
            ns_text,
        "if both must hold, put namespaceSelector and podSelector in one element (drop the '-' "
        "before the second)");
  }

  // ---- NP201, NP202 --------------------------------------------------------

  // NP201: a named port of a rule that no destination declares with that
  // protocol: for ingress the pods the policy selects, for egress the pods the
  // rule's peers match (skipped when there are none: NP101/NP102 say so).
  // NP202: a named port in an egress rule that has ipBlock peers: the name is
  // resolved on destination pods, so it never matches those addresses.
  void check_named_ports() {
    for (const RuleInfo& info : m_rules) {
      const model::NetworkPolicy& pol = policy(info.policy);
      const model::Rule& rule = rule_of(info);
      std::vector<std::size_t> destinations;
      if (info.direction == Direction::ingress) {
        destinations = m_selected[info.policy];
      } else {
        for (std::size_t w = 0; w < workloads().size(); ++w) {
          if (info.peer_workloads[w]) {
            destinations.push_back(w);
          }
        }
      }
      for (std::size_t k = 0; k < rule.ports.size(); ++k) {
        const model::PolicyPort& port = rule.ports[k];
        const auto* name = port.port ? std::get_if<std::string>(&*port.port) : nullptr;
        if (name == nullptr) {
          continue;
        }
        const std::string path = rule_path(info.direction, info.index) + ".ports[" +
                                 std::to_string(k) + ']';
        if (info.direction == Direction::egress && info.has_ip_block) {
          add("NP202", LintSeverity::warning, port.where, pol.display_name(),
              path + ": named port " + quoted(*name) +
                  " never matches the rule's ipBlock peers: named ports are resolved on "
                  "destination pods, and an address has none",
              "give the port number for ipBlock destinations (in a separate rule if needed)");
        }
        check_named_port(info, port, *name, destinations, path);
      }
    }
  }

  void check_named_port(const RuleInfo& info, const model::PolicyPort& port,
                        const std::string& name, const std::vector<std::size_t>& destinations,
                        const std::string& path) {
    if (destinations.empty()) {
      return;
    }
    std::vector<std::string> other_protocol;
    for (std::size_t w : destinations) {
      for (const model::ContainerPort& cp : workloads()[w].ports) {
        if (cp.name != name) {
          continue;
        }
        if (cp.protocol == port.protocol) {
          return;
        }
        other_protocol.push_back(workloads()[w].display_name() + " declares it as " +
                                 model::to_string(cp.protocol));
      }
    }
    std::string hint = other_protocol.empty()
                           ? "declare the port in the pod template's containers[].ports, or give "
                             "the port number"
                           : "set the protocol: " + list(other_protocol, 1);
    add("NP201", LintSeverity::warning, port.where, policy(info.policy).display_name(),
        path + ": named port " + quoted(name) + " (" + model::to_string(port.protocol) +
            ") matches nothing: no destination pod declares it (destinations: " +
            list(workload_names(destinations)) + ")",
        hint);
  }

  // ---- NP403 ---------------------------------------------------------------

  // NP403: spec.policyTypes is given and leaves out a direction that has rules.
  void check_ignored_rules() {
    for (const model::NetworkPolicy& pol : m_inventory.policies) {
      for (Direction direction : {Direction::ingress, Direction::egress}) {
        const std::vector<model::Rule>& list = rules(pol, direction);
        if (affects(pol, direction) || list.empty()) {
          continue;
        }
        const std::string type = direction == Direction::ingress ? "Ingress" : "Egress";
        add("NP403", LintSeverity::warning, list.front().where, pol.display_name(),
            "spec." + direction_field(direction) + ": " + plural(list.size(), "rule") +
                " ignored because spec.policyTypes does not list " + type,
            "add " + type + " to spec.policyTypes, or delete spec." + direction_field(direction));
      }
    }
  }

  // ---- NP301, NP302 --------------------------------------------------------

  // The active rules of direction that apply to pod s, without those of
  // policy skip_policy and without rule skip_rule.
  std::vector<std::size_t> others(std::size_t s, Direction direction, std::size_t skip_policy,
                                  std::size_t skip_rule) const {
    std::vector<std::size_t> result;
    for (std::size_t q : selecting(s, direction)) {
      if (q == skip_policy || !m_policy_active[q]) {
        continue;
      }
      for (std::size_t r : m_policy_rules[q]) {
        if (r != skip_rule && m_rules[r].active && m_rules[r].direction == direction) {
          result.push_back(r);
        }
      }
    }
    return result;
  }

  // Whether everything rule admits for pod s is admitted by the rules in
  // others; collects the rules that admit a part of it in contributors.
  bool covered(const RuleInfo& rule, std::size_t s, const std::vector<std::size_t>& other_rules,
               std::set<std::size_t>& contributors, bool& admits) const {
    const bool ingress = rule.direction == Direction::ingress;
    for (std::size_t w = 0; w < workloads().size(); ++w) {
      if (!rule.peer_workloads[w]) {
        continue;
      }
      ConnectionSet need = ports_to(rule, ingress ? s : w);
      if (need.empty()) {
        continue;
      }
      admits = true;
      for (std::size_t o : other_rules) {
        const RuleInfo& other = m_rules[o];
        if (!other.peer_workloads[w]) {
          continue;
        }
        const ConnectionSet got = ports_to(other, ingress ? s : w);
        if ((need & got).empty()) {
          continue;
        }
        contributors.insert(o);
        need.subtract(got);
        if (need.empty()) {
          break;
        }
      }
      if (!need.empty()) {
        return false;
      }
    }
    // For ingress the destination is the pod s, so named ports resolve on it
    // for address peers too; for egress an address has no named ports.
    auto ports_to_addresses = [&](const RuleInfo& r) {
      return ingress ? ports_to(r, s) : address_ports(r);
    };
    const ConnectionSet ports = ports_to_addresses(rule);
    if (rule.addresses.empty() || ports.empty()) {
      return true;
    }
    admits = true;
    // The external addresses still to cover, as pieces each with the ports
    // still needed there; pieces needing the same ports are merged.
    std::vector<std::pair<AddressSet, ConnectionSet>> pieces{{rule.addresses, ports}};
    for (std::size_t o : other_rules) {
      const RuleInfo& other = m_rules[o];
      const ConnectionSet got = ports_to_addresses(other);
      if (other.addresses.empty() || got.empty()) {
        continue;
      }
      std::vector<std::pair<AddressSet, ConnectionSet>> next;
      auto put = [&next](AddressSet addresses, ConnectionSet need) {
        if (addresses.empty() || need.empty()) {
          return;
        }
        for (auto& [piece, piece_need] : next) {
          if (piece_need == need) {
            piece.unite(addresses);
            return;
          }
        }
        next.emplace_back(std::move(addresses), std::move(need));
      };
      for (auto& [piece, need] : pieces) {
        AddressSet inside = piece & other.addresses;
        if (!inside.empty() && !(need & got).empty()) {
          contributors.insert(o);
        }
        put(std::move(inside), need - got);
        put(piece - other.addresses, need);
      }
      pieces = std::move(next);
      if (pieces.empty()) {
        break;
      }
    }
    return pieces.empty();
  }

  std::string contributor_list(const std::set<std::size_t>& contributors) const {
    std::vector<std::size_t> sorted(contributors.begin(), contributors.end());
    std::sort(sorted.begin(), sorted.end(), [this](std::size_t a, std::size_t b) {
      return location_less(rule_of(m_rules[a]).where, rule_of(m_rules[b]).where);
    });
    std::vector<std::string> names;
    for (std::size_t r : sorted) {
      names.push_back(rule_name(m_rules[r]));
    }
    return list(names);
  }

  bool policy_redundant(std::size_t p, std::set<std::size_t>& contributors) const {
    const model::NetworkPolicy& pol = policy(p);
    for (Direction direction : {Direction::ingress, Direction::egress}) {
      if (!affects(pol, direction)) {
        continue;
      }
      for (std::size_t s : m_selected[p]) {
        const std::vector<std::size_t>& by = selecting(s, direction);
        const bool isolated_elsewhere = std::any_of(by.begin(), by.end(), [&](std::size_t q) {
          return q != p && m_policy_active[q];
        });
        if (!isolated_elsewhere) {
          return false;
        }
      }
    }
    bool admits = false;
    for (std::size_t r : m_policy_rules[p]) {
      const RuleInfo& info = m_rules[r];
      for (std::size_t s : m_selected[p]) {
        if (!covered(info, s, others(s, info.direction, p, r), contributors, admits)) {
          return false;
        }
      }
    }
    return admits;
  }

  bool rule_redundant(std::size_t r, std::set<std::size_t>& contributors) const {
    const RuleInfo& info = m_rules[r];
    bool admits = false;
    for (std::size_t s : m_selected[info.policy]) {
      if (!covered(info, s, others(s, info.direction, m_inventory.policies.size(), r),
                   contributors, admits)) {
        return false;
      }
    }
    return admits;
  }

  // NP302 and NP301, exact (see the top of the file); policies that select
  // no pod and policies without rules are never reported.
  void check_redundancy() {
    for (std::size_t p = m_inventory.policies.size(); p-- > 0;) {
      const model::NetworkPolicy& pol = policy(p);
      if (m_selected[p].empty() || m_policy_rules[p].empty()) {
        continue;
      }
      std::set<std::size_t> contributors;
      if (policy_redundant(p, contributors)) {
        m_policy_active[p] = false;
        for (std::size_t r : m_policy_rules[p]) {
          m_rules[r].active = false;
        }
        add("NP302", LintSeverity::warning, pol.where, pol.display_name(),
            "the policy changes nothing: every pod it selects is isolated by other policies too, "
            "and all its rules allow is also allowed by " + contributor_list(contributors),
            "delete the policy, or narrow the rules that cover it");
        continue;
      }
      for (auto it = m_policy_rules[p].rbegin(); it != m_policy_rules[p].rend(); ++it) {
        contributors.clear();
        if (!rule_redundant(*it, contributors)) {
          continue;
        }
        RuleInfo& info = m_rules[*it];
        info.active = false;
        add("NP301", LintSeverity::warning, rule_of(info).where, pol.display_name(),
            rule_path(info.direction, info.index) +
                ": redundant: everything it allows for the selected pods is also allowed by " +
                contributor_list(contributors),
            "delete the rule, or make it differ from the rules that cover it");
      }
    }
  }

  // ---- NP401, NP402 --------------------------------------------------------

  bool has_rules(std::size_t w, Direction direction) const {
    const std::vector<std::size_t>& by = selecting(w, direction);
    return std::any_of(by.begin(), by.end(),
                       [&](std::size_t q) { return !rules(policy(q), direction).empty(); });
  }

  // NP401: the policy isolates a direction in which it has no rule, and some
  // pod it selects gets no rule of that direction from any policy (so all its
  // traffic that way is blocked). Info instead of warning for a deliberate
  // deny: spec.policyTypes lists the direction and the podSelector is {} or
  // the name contains "deny". Nothing when every selected pod is allowed
  // something by another policy (the usual default-deny plus allow rules).
  void check_blocked_directions() {
    for (std::size_t p = 0; p < m_inventory.policies.size(); ++p) {
      const model::NetworkPolicy& pol = policy(p);
      for (Direction direction : {Direction::ingress, Direction::egress}) {
        if (!affects(pol, direction) || !rules(pol, direction).empty()) {
          continue;
        }
        std::vector<std::size_t> blocked;
        for (std::size_t s : m_selected[p]) {
          if (!has_rules(s, direction)) {
            blocked.push_back(s);
          }
        }
        if (blocked.empty()) {
          continue;
        }
        const bool deliberate = pol.policy_types_given &&
                                (pol.pod_selector.empty() ||
                                 lower(pol.name).find("deny") != std::string::npos);
        const bool ingress = direction == Direction::ingress;
        std::string message = std::string("isolates ") + (ingress ? "ingress" : "egress") +
                              " without " + (ingress ? "ingress" : "egress") + " rules, and no " +
                              "other policy allows any for " + list(workload_names(blocked)) +
                              ": all " + (blocked.size() == 1 ? "its " : "their ") +
                              (ingress ? "incoming" : "outgoing") +
                              " traffic is blocked";
        if (!ingress) {
          message += ", DNS included";
        }
        std::string hint =
            deliberate ? "fine for a deliberate deny; add policies that allow what is needed"
                       : std::string("add ") + (ingress ? "ingress" : "egress") +
                             " rules, or list only the intended directions in spec.policyTypes";
        add("NP401", deliberate ? LintSeverity::info : LintSeverity::warning, pol.where,
            pol.display_name(), std::move(message), std::move(hint));
      }
    }
  }

  // The pods that serve cluster DNS: kube-system pods labelled
  // k8s-app=kube-dns, else every kube-system pod.
  std::vector<std::size_t> dns_servers() const {
    const model::LabelSelector kube_dns = [] {
      model::LabelSelector selector;
      selector.match_labels.set("k8s-app", "kube-dns");
      return selector;
    }();
    std::vector<std::size_t> servers = m_index.select_workloads("kube-system", kube_dns);
    if (servers.empty()) {
      servers = m_index.select_workloads("kube-system", model::LabelSelector{});
    }
    return servers;
  }

  static bool dns_ports(const ConnectionSet& ports) {
    return ports.allows(model::Protocol::udp, 53) || ports.allows(model::Protocol::tcp, 53);
  }

  // Whether rule opens UDP or TCP 53 towards DNS: to a DNS server pod of the
  // inputs; when the inputs have none, to a peer in kube-system (a port
  // number 53, or a named port whose name contains "dns"); or to an ipBlock
  // (a node-local cache or an outside resolver).
  bool allows_dns(const RuleInfo& info, const std::vector<std::size_t>& servers) const {
    if (info.has_ip_block && dns_ports(address_ports(info))) {
      return true;
    }
    if (!servers.empty()) {
      return std::any_of(servers.begin(), servers.end(), [&](std::size_t t) {
        return info.peer_workloads[t] && dns_ports(ports_to(info, t));
      });
    }
    bool ports_ok = info.all_ports || dns_ports(info.numeric);
    for (const auto& [name, protocol] : info.named) {
      ports_ok = ports_ok || (lower(name).find("dns") != std::string::npos &&
                              protocol != model::Protocol::sctp);
    }
    if (!ports_ok) {
      return false;
    }
    if (info.all_peers) {
      return true;
    }
    const model::Labels kube_system = m_index.namespace_labels("kube-system");
    const model::Rule& rule = rule_of(info);
    return std::any_of(rule.peers.begin(), rule.peers.end(), [&](const model::Peer& peer) {
      return peer.namespace_selector ? matches(*peer.namespace_selector, kube_system)
                                     : policy(info.policy).namespace_name == "kube-system" &&
                                           peer.pod_selector;
    });
  }

  // NP402: per namespace, the egress-isolated pods that have some egress rule
  // (pods without any are NP401's) but none that allows DNS (allows_dns);
  // DNS server pods themselves are exempt. Reported once per namespace at the
  // first (by file and line) policy that isolates one of them.
  void check_dns() {
    const std::vector<std::size_t> servers = dns_servers();
    std::map<std::string, std::vector<std::size_t>> by_namespace;
    for (std::size_t w = 0; w < workloads().size(); ++w) {
      if (m_egress_of[w].empty() || !has_rules(w, Direction::egress) ||
          std::find(servers.begin(), servers.end(), w) != servers.end()) {
        continue;
      }
      bool dns = false;
      for (std::size_t q : m_egress_of[w]) {
        for (std::size_t r : m_policy_rules[q]) {
          dns = dns || (m_rules[r].direction == Direction::egress && allows_dns(m_rules[r], servers));
        }
      }
      if (!dns) {
        by_namespace[workloads()[w].namespace_name].push_back(w);
      }
    }
    for (const auto& [name, pods] : by_namespace) {
      std::optional<std::size_t> first;
      for (std::size_t w : pods) {
        for (std::size_t q : m_egress_of[w]) {
          if (!first || location_less(policy(q).where, policy(*first).where)) {
            first = q;
          }
        }
      }
      assert(first);
      const model::NetworkPolicy& pol = policy(*first);
      add("NP402", LintSeverity::warning, pol.where, pol.display_name(),
          "egress-isolated " + list(workload_names(pods)) +
              " may not reach DNS: no egress rule allows UDP or TCP 53 to kube-system",
          "add an egress rule to namespaceSelector kubernetes.io/metadata.name: kube-system, "
          "podSelector k8s-app: kube-dns, on UDP and TCP 53");
    }
  }

  // ---- NP501, NP502, NP503 -------------------------------------------------

  // Every known pod and node address with what it is, for NP501.
  std::vector<std::pair<model::IpAddress, std::string>> cluster_addresses() const {
    std::vector<std::pair<model::IpAddress, std::string>> result;
    for (const model::Workload& w : workloads()) {
      for (const model::IpAddress& ip : w.pod_ips) {
        result.emplace_back(ip, (w.host_network ? "node IP " : "pod IP ") + ip.to_string() +
                                    " (" + w.display_name() + ')');
      }
      if (w.host_ip) {
        result.emplace_back(*w.host_ip, "node IP " + w.host_ip->to_string() + " (hostIP of " +
                                            w.display_name() + ')');
      }
    }
    for (const model::Node& node : m_inventory.nodes) {
      for (const model::IpAddress& ip : node.addresses) {
        result.emplace_back(ip, "node IP " + ip.to_string() + " (Node " + node.name + ')');
      }
    }
    std::sort(result.begin(), result.end());
    result.erase(std::unique(result.begin(), result.end(),
                             [](const auto& a, const auto& b) { return a.first == b.first; }),
                 result.end());
    return result;
  }

  // NP501: an ipBlock whose cidr-minus-except contains a known pod or node IP
  // (not for the allow-alls of NP502). NP502: cidr with prefix 0 and no
  // except. NP503: a cidr or except with host bits set.
  void check_ip_blocks() {
    const auto known = cluster_addresses();
    for (const model::NetworkPolicy& pol : m_inventory.policies) {
      for (Direction direction : {Direction::ingress, Direction::egress}) {
        const std::vector<model::Rule>& list = rules(pol, direction);
        for (std::size_t r = 0; r < list.size(); ++r) {
          for (std::size_t i = 0; i < list[r].peers.size(); ++i) {
            if (list[r].peers[i].ip_block) {
              check_ip_block(pol, *list[r].peers[i].ip_block,
                             peer_path(direction, r, i) + ".ipBlock", known);
            }
          }
        }
      }
    }
  }

  void check_ip_block(const model::NetworkPolicy& pol, const model::IpBlock& block,
                      const std::string& path,
                      const std::vector<std::pair<model::IpAddress, std::string>>& known) {
    const bool allow_all = block.cidr.prefix == 0 && block.except.empty();
    if (allow_all) {
      add("NP502", LintSeverity::warning, block.where, pol.display_name(),
          path + ".cidr " + block.cidr.to_string() + " admits every " +
              (block.cidr.address.family == model::IpFamily::v4 ? "IPv4" : "IPv6") +
              " address, and pod and node IPs too on CNIs that match them",
          "for destinations outside the cluster add except with the pod and node CIDRs; "
          "for everything, leave out from/to");
    } else {
      const AddressSet addresses = AddressSet::from_ip_block(block);
      std::vector<std::string> covered;
      for (const auto& [ip, what] : known) {
        if (addresses.contains(ip)) {
          covered.push_back(what);
        }
      }
      if (!covered.empty()) {
        add("NP501", LintSeverity::warning, block.where, pol.display_name(),
            path + " " + block.cidr.to_string() + " covers " + list(covered) +
                ": whether an ipBlock matches pod or node traffic depends on the CNI",
            "select pods with podSelector/namespaceSelector, and except the pod and node "
            "ranges from the block");
      }
    }
    auto host_bits = [&](const model::Cidr& cidr, const std::string& field) {
      if (!cidr.has_host_bits()) {
        return;
      }
      const std::string network = cidr.first().to_string() + '/' + std::to_string(cidr.prefix);
      const int full = cidr.address.family == model::IpFamily::v4 ? 32 : 128;
      add("NP503", LintSeverity::warning, block.where, pol.display_name(),
          path + '.' + field + ": " + quoted(cidr.to_string()) +
              " has host bits set; it means " + network,
          "write " + network + ", or " + cidr.address.to_string() + '/' + std::to_string(full) +
              " for the single address");
    };
    host_bits(block.cidr, "cidr");
    for (std::size_t e = 0; e < block.except.size(); ++e) {
      host_bits(block.except[e], "except[" + std::to_string(e) + ']');
    }
  }

  // ---- NP601, NP602 --------------------------------------------------------

  // NP601: a selectable workload that no policy selects (in either direction)
  // in a namespace where some workload is isolated. NP602 (info): a namespace
  // with selectable workloads in the inputs and no NetworkPolicy.
  void check_coverage() {
    std::set<std::string> with_policy;
    for (const model::NetworkPolicy& pol : m_inventory.policies) {
      with_policy.insert(pol.namespace_name);
    }
    for (const EndpointIndex::NamespaceEntry& entry : m_index.namespaces()) {
      if (entry.workloads.empty()) {
        continue;
      }
      if (with_policy.count(entry.name) == 0) {
        const model::Namespace* ns = m_inventory.find_namespace(entry.name);
        const model::SourceLocation where =
            ns != nullptr ? ns->where : workloads()[entry.workloads.front()].where;
        add("NP602", LintSeverity::info, where, "Namespace " + entry.name,
            "namespace " + entry.name + " has no NetworkPolicy: its " +
                plural(entry.workloads.size(), "workload") +
                (entry.workloads.size() == 1 ? " accepts and sends" : " accept and send") +
                " all traffic",
            "add a default-deny policy (podSelector: {}) if the namespace should be isolated");
        continue;
      }
      std::vector<std::size_t> isolated;
      std::vector<std::size_t> open;
      for (std::size_t w : entry.workloads) {
        (m_ingress_of[w].empty() && m_egress_of[w].empty() ? open : isolated).push_back(w);
      }
      if (isolated.empty()) {
        continue;
      }
      for (std::size_t w : open) {
        add("NP601", LintSeverity::warning, workloads()[w].where, workload_object(workloads()[w]),
            "no NetworkPolicy selects this workload, while " +
                plural(isolated.size(), "other workload") + " of namespace " + entry.name +
                " (" + list(workload_names(isolated)) + ") " +
                (isolated.size() == 1 ? "is" : "are") +
                " isolated: it accepts and sends all traffic",
            "add its labels to a policy's podSelector, or add a default-deny policy "
            "(podSelector: {}) to namespace " + entry.name);
      }
    }
  }

  const model::Inventory& m_inventory;
  const LintOptions& m_options;
  EndpointIndex m_index;
  AddressSet m_pod_addresses; // IPs of non-hostNetwork pods
  std::vector<std::vector<std::size_t>> m_selected; // per policy
  std::vector<std::vector<std::size_t>> m_ingress_of; // per workload: policies
  std::vector<std::vector<std::size_t>> m_egress_of;
  std::vector<RuleInfo> m_rules;
  std::vector<std::vector<std::size_t>> m_policy_rules; // per policy: into m_rules
  std::vector<bool> m_policy_active;
  std::set<const model::LabelSelector*> m_unknown_labels; // selectors with an NP103
  std::set<const model::Peer*> m_split_peers;              // pod peers with an NP702 warning
  std::vector<Finding> m_findings;
};

} // namespace

const char* to_string(LintSeverity severity) {
  switch (severity) {
  case LintSeverity::info:
    return "info";
  case LintSeverity::warning:
    return "warning";
  case LintSeverity::error:
    return "error";
  }
  return "error";
}

std::span<const LintCheck> lint_checks() {
  return k_checks;
}

const LintCheck* find_lint_check(std::string_view text) {
  for (const LintCheck& c : k_checks) {
    if (lower(c.id) == lower(text) || c.name == text) {
      return &c;
    }
  }
  return nullptr;
}

std::vector<Finding> lint(const model::Inventory& inventory, const LintOptions& options) {
  return Linter(inventory, options).run();
}

} // namespace npcheck::analyzer
