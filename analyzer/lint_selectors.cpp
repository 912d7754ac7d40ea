// SPDX-License-Identifier: Apache-2.0
//
// Lint checks of what rules refer to: selectors that match nothing or use a
// label no object carries (NP101, NP102, NP103), peers split in two where one
// was likely meant (NP702), namespaceSelector: {} meant as the own namespace
// (NP701), and named ports no destination declares (NP201, NP202).

#include "lint_context.hpp"

#include <npcheck/analyzer/selector_match.hpp>

#include <algorithm>
#include <map>
#include <set>
#include <variant>

namespace npcheck::analyzer::lint_detail {

namespace {

// The kind of objects a selector is matched against.
enum class Target { pods, namespaces };

template <typename Visit>
void for_each_selector(const Context& context, Visit visit) {
  for (std::size_t p = 0; p < context.policy_count(); ++p) {
    const model::NetworkPolicy& pol = context.policy(p);
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

// The namespace names a selector spells out with kubernetes.io/metadata.name.
std::vector<std::string> named_namespaces(const model::LabelSelector& selector) {
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

bool namespace_has_workloads(const Context& context, std::string_view name) {
  const EndpointIndex& index = context.program().index();
  const EndpointIndex::NamespaceEntry* entry = index.find_namespace(name);
  return entry != nullptr && !entry->workloads.empty();
}

// The hostNetwork workloads of namespace name that selector matches: pods
// that no NetworkPolicy selects and no pod selector of a peer matches.
std::vector<std::size_t> host_network_matches(const Context& context, std::string_view name,
                                              const model::LabelSelector& selector) {
  std::vector<std::size_t> found;
  for (std::size_t w = 0; w < context.workloads().size(); ++w) {
    const model::Workload& workload = context.workloads()[w];
    if (workload.host_network && workload.namespace_name == name && matches(selector, workload.labels)) {
      found.push_back(w);
    }
  }
  return found;
}

// The custom resources of the namespaces (an operator's pods may come from
// them), "Kind name" or "Kind ns/name" when there are several namespaces.
std::vector<std::string> custom_resources(const Context& context, const std::vector<std::string>& namespaces) {
  std::vector<std::string> found;
  const auto& all = context.inventory().custom_resources;
  for (const std::string& ns : namespaces) {
    if (const auto it = all.find(ns); it != all.end()) {
      for (const std::string& object : it->second) {
        if (namespaces.size() == 1) {
          found.push_back(object);
        } else {
          const std::size_t space = object.find(' ');
          found.push_back(object.substr(0, space + 1) + ns + '/' + object.substr(space + 1));
        }
      }
    }
  }
  return found;
}

// NP101/NP102 when a pod selector confined to known namespaces matches no
// selectable pod there, but hostNetwork pods or custom resources explain it:
// an info finding, and true; false when nothing explains it.
bool explain_no_pods(Context& context, std::string_view id, const model::NetworkPolicy& pol,
                     const model::LabelSelector& selector, const std::vector<std::string>& namespaces,
                     const std::string& path, bool subject) {
  std::vector<std::size_t> host;
  for (const std::string& ns : namespaces) {
    const std::vector<std::size_t> more = host_network_matches(context, ns, selector);
    host.insert(host.end(), more.begin(), more.end());
  }
  if (!host.empty()) {
    context.add(id, LintSeverity::info, selector.where, pol.display_name(),
        path + ' ' + selector.to_string() + " matches only host-network pods (" +
            list(context.workload_names(host)) + ")" +
            (subject ? ": no NetworkPolicy applies to pods with hostNetwork: true, so the policy "
                       "has no effect on them"
                     : ": their traffic is their node's, which pod selectors never match"),
        subject ? "restrict host-network pods with the node's firewall or the network plugin's "
                  "host policies"
                : "admit their nodes' addresses with an ipBlock");
    return true;
  }
  const std::vector<std::string> resources = custom_resources(context, namespaces);
  if (!resources.empty()) {
    context.add(id, LintSeverity::info, selector.where, pol.display_name(),
        path + ' ' + selector.to_string() + " matches no pod in the inputs; namespace " +
            list(namespaces) + " holds custom resources (" + list(resources) +
            ") from which an operator may make such pods",
        "lint the pods themselves (kubectl get pods -o yaml) to check this selector");
    return true;
  }
  return false;
}

// The namespaces in which selector matches at least one pod. Policies repeat
// the same pod selectors, so the answers are kept by the selector's text
// (which spells every term; label syntax leaves no ambiguity in it).
class NamespacesWithPods {
public:
  explicit NamespacesWithPods(const EndpointIndex& index) : m_index(index) {}

  const std::set<std::string>& operator()(const model::LabelSelector& selector) {
    auto [it, inserted] = m_known.try_emplace(selector.to_string());
    if (inserted) {
      for (const EndpointIndex::NamespaceEntry& entry : m_index.namespaces()) {
        if (m_index.any_workload(entry.name, selector)) {
          it->second.insert(entry.name);
        }
      }
    }
    return it->second;
  }

private:
  const EndpointIndex& m_index;
  std::map<std::string, std::set<std::string>> m_known;
};

void check_peer(Context& context, const UnknownLabels& unknown, const SplitPeers& split,
                NamespacesWithPods& namespaces_with_pods, const model::NetworkPolicy& pol,
                const model::Peer& peer, const std::string& path,
                std::set<std::vector<std::string>>& unchecked) {
  const EndpointIndex& index = context.program().index();
  if (peer.ip_block || split.peers.count(&peer) != 0) {
    return;
  }
  std::vector<std::string> namespaces;
  if (peer.namespace_selector) {
    const model::LabelSelector& selector = *peer.namespace_selector;
    for (const EndpointIndex::NamespaceEntry* entry : index.select_namespaces(selector)) {
      namespaces.push_back(entry->name);
    }
    if (namespaces.empty()) {
      // Namespaces named by kubernetes.io/metadata.name but absent from the
      // inputs (kube-system, typically) are taken to exist elsewhere; other
      // labels may be on namespaces outside the inputs: info.
      std::vector<std::string> named = named_namespaces(selector);
      const bool absent = !named.empty() && std::none_of(named.begin(), named.end(),
                                                         [&index](const std::string& name) {
                                                           return index.find_namespace(name) != nullptr;
                                                         });
      if (!absent && unknown.selectors.count(&selector) == 0) {
        context.add("NP102", LintSeverity::info, selector.where, pol.display_name(),
            path + ".namespaceSelector " + selector.to_string() +
                " matches no namespace of the inputs: the peer matches only namespaces outside them",
            "match the labels of a Namespace (every namespace has kubernetes.io/metadata.name)");
      }
      return;
    }
    // A selector that is not confined to namespaces named in the inputs may
    // match pods of namespaces outside them (the DNS peer): not checked.
    const std::vector<std::string> named = named_namespaces(selector);
    const bool confined = !named.empty() && std::all_of(named.begin(), named.end(),
                                                        [&index](const std::string& name) {
                                                          return index.find_namespace(name) != nullptr;
                                                        });
    if (!confined) {
      return;
    }
  } else {
    namespaces.push_back(pol.namespace_name);
  }
  if (index.peer_selects_any(pol.namespace_name, peer) ||
      (peer.pod_selector && unknown.selectors.count(&*peer.pod_selector) != 0)) {
    return;
  }
  const model::SourceLocation where = peer.pod_selector ? peer.pod_selector->where : peer.where;
  const std::string selector = peer.pod_selector ? peer.pod_selector->to_string() : "{}";
  if (peer.pod_selector &&
      explain_no_pods(context, "NP102", pol, *peer.pod_selector, namespaces, path + ".podSelector", false)) {
    return;
  }
  const bool any_workloads = std::any_of(namespaces.begin(), namespaces.end(),
                                         [&context](const std::string& name) {
                                           return namespace_has_workloads(context, name);
                                         });
  if (!any_workloads) {
    // Once per policy and namespaces: a policies-only input names them often.
    if (unchecked.insert(namespaces).second) {
      context.add("NP102", LintSeverity::info, where, pol.display_name(),
          path + ": namespace " + list(namespaces) +
              " has no workload in the inputs, so the peers of this policy there cannot be checked",
          "lint the manifests of those workloads together with this policy");
    }
    return;
  }
  std::string hint = "match the labels of a pod template in those namespaces";
  if (!peer.namespace_selector && peer.pod_selector) {
    const std::set<std::string>& elsewhere = namespaces_with_pods(*peer.pod_selector);
    if (!elsewhere.empty()) {
      hint = "such pods exist in namespace " +
             list(std::vector<std::string>(elsewhere.begin(), elsewhere.end())) +
             ": add a namespaceSelector (kubernetes.io/metadata.name) to this peer";
    }
  }
  context.add("NP102", LintSeverity::warning, where, pol.display_name(),
      path + ".podSelector " + selector + " matches no pod in namespace " + list(namespaces) +
          ": the peer matches nothing",
      std::move(hint));
}

// ---- NP701, NP702 --------------------------------------------------------


void check_split_pair(Context& context, SplitPeers& split, const model::NetworkPolicy& pol,
                      Direction direction, std::size_t r, std::size_t i) {
  const EndpointIndex& index = context.program().index();
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
  if (!index.peer_selects_any(pol.namespace_name, combined)) {
    return;
  }
  const bool local_dead = !index.peer_selects_any(pol.namespace_name, *pod_peer);
  if (local_dead && context.enabled("NP702")) {
    split.peers.insert(pod_peer);
  }
  const std::string ns_text = ns_peer->namespace_selector->to_string();
  const std::string pod_text = pod_peer->pod_selector->to_string();
  const std::string list_name = direction == Direction::ingress ? "from" : "to";
  context.add("NP702", local_dead ? LintSeverity::warning : LintSeverity::info, second.where,
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
// The workloads a rule's peers match (through selectors or addresses).
std::vector<std::size_t> peer_workloads(const Context& context, const CompiledRule& rule) {
  const Program& program = context.program();
  std::vector<std::size_t> result;
  if (program.peer_set(rule.peers).everything) {
    for (std::size_t w = 0; w < context.workloads().size(); ++w) {
      result.push_back(w);
    }
    return result;
  }
  for (const std::vector<std::uint32_t>* list :
       {&program.selector_members(rule.peers), &program.address_members(rule.peers, model::IpFamily::v4),
        &program.address_members(rule.peers, model::IpFamily::v6)}) {
    result.insert(result.end(), list->begin(), list->end());
  }
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end()), result.end());
  return result;
}

void check_named_port(Context& context, const model::NetworkPolicy& pol, const model::PolicyPort& port,
                      const std::string& name, const std::vector<std::size_t>& destinations,
                      const std::string& path) {
  if (destinations.empty()) {
    return;
  }
  std::vector<std::string> other_protocol;
  for (std::size_t w : destinations) {
    for (const model::ContainerPort& cp : context.workloads()[w].ports) {
      if (cp.name != name) {
        continue;
      }
      if (cp.protocol == port.protocol) {
        return;
      }
      other_protocol.push_back(context.workloads()[w].display_name() + " declares it as " +
                               model::to_string(cp.protocol));
    }
  }
  std::string hint = other_protocol.empty()
                         ? "declare the port in the pod template's containers[].ports, or give "
                           "the port number"
                         : "set the protocol: " + list(other_protocol, 1);
  context.add("NP201", LintSeverity::warning, port.where, pol.display_name(),
              path + ": named port " + quoted(name) + " (" + model::to_string(port.protocol) +
                  ") matches nothing: no destination pod declares it (destinations: " +
                  list(context.workload_names(destinations)) + ")",
              hint);
}


} // namespace


// NP103: a label key that no object of the target kind carries, or a value
// (in matchLabels or an In list) that no such object has for that key, when
// a known key or value is a near miss of it (a typo): a label the inputs do
// not hold at all is unknown, not wrong (the DNS peer's k8s-app=kube-dns of
// a kube-system outside the inputs, the labels of pods an operator makes
// from a custom resource). Not checked: NotIn values (excluding future
// values is deliberate), pod selectors when the inputs hold no workload at
// all or none in the namespace the selector is confined to, and a peer's
// podSelector when its namespaceSelector matches no namespace.
UnknownLabels check_unknown_labels(Context& context) {
  UnknownLabels unknown;
  const EndpointIndex& index = context.program().index();
  std::map<std::string, std::set<std::string>> pod_labels;
  for (const model::Workload& w : context.workloads()) {
    for (const auto& [key, value] : w.labels.entries()) {
      pod_labels[key].insert(value);
    }
  }
  std::map<std::string, std::set<std::string>> namespace_labels;
  for (const EndpointIndex::NamespaceEntry& entry : index.namespaces()) {
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
  const Suggester pod_key_suggester(pod_keys);
  const Suggester namespace_key_suggester(namespace_keys);

  for_each_selector(context, [&](const model::NetworkPolicy& pol, const model::LabelSelector& selector,
                        Target target, const std::string& path, const model::Peer* peer) {
    if (target == Target::pods && context.workloads().empty()) {
      return;
    }
    // Pods of namespaces outside the inputs (kube-dns in kube-system) are unknown.
    if (target == Target::pods && peer != nullptr && peer->namespace_selector &&
        index.select_namespaces(*peer->namespace_selector).empty()) {
      return;
    }
    // So are the pods of the own namespace when the inputs hold none of it,
    // or when an operator may make them from a custom resource there.
    if (target == Target::pods && (peer == nullptr || !peer->namespace_selector) &&
        (!context.has_pods(pol.namespace_name) ||
         context.inventory().custom_resources.count(pol.namespace_name) != 0)) {
      return;
    }
    const auto& labels = target == Target::pods ? pod_labels : namespace_labels;
    const Suggester& keys = target == Target::pods ? pod_key_suggester : namespace_key_suggester;
    const std::string noun = target == Target::pods ? "pod" : "namespace";
    auto report = [&](std::string message, const std::string& meant) {
      if (context.enabled("NP103")) {
        unknown.selectors.insert(&selector);
      }
      context.add("NP103", LintSeverity::warning, selector.where, pol.display_name(),
                  path + ": " + std::move(message), "did you mean " + quoted(meant) + "?");
    };
    // Whether the key is known (its values can be checked).
    auto check_key = [&](const std::string& key) {
      if (labels.count(key) != 0) {
        return true;
      }
      if (const std::string* meant = keys.near(key)) {
        report("label key " + quoted(key) + " is on no " + noun, *meant);
      }
      return false;
    };
    auto check_value = [&](const std::string& key, const std::string& value) {
      const std::set<std::string>& values = labels.at(key);
      if (values.count(value) != 0) {
        return;
      }
      if (const std::string* meant = near_miss(value, values)) {
        report("no " + noun + " has label " + key + '=' + value, *meant);
      }
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
  return unknown;
}

// NP101: spec.podSelector selects nothing; info when the namespace has no
// workload in the inputs; skipped when NP103 explains it.
// NP102: a selector peer matches nothing: its namespaceSelector no namespace
// (skipped when it names, by kubernetes.io/metadata.name, only namespaces
// absent from the inputs), or its podSelector no pod of those namespaces
// (info when they hold no workload in the inputs); skipped when NP103 or an
// NP702 warning explains it.
void check_selections(Context& context, const UnknownLabels& unknown, const SplitPeers& split) {
  NamespacesWithPods namespaces_with_pods(context.program().index());
  for (std::size_t p = 0; p < context.policy_count(); ++p) {
    const model::NetworkPolicy& pol = context.policy(p);
    if (context.selected(p).empty() && unknown.selectors.count(&pol.pod_selector) == 0 &&
        !explain_no_pods(context, "NP101", pol, pol.pod_selector, {pol.namespace_name},
                         "spec.podSelector", true)) {
      if (!namespace_has_workloads(context, pol.namespace_name)) {
        context.add("NP101", LintSeverity::info, pol.pod_selector.where, pol.display_name(),
            "spec.podSelector: namespace " + pol.namespace_name +
                " has no workload in the inputs, so nothing can be checked",
            "lint the manifests of the namespace's workloads together with its policies");
      } else {
        context.add("NP101", LintSeverity::warning, pol.pod_selector.where, pol.display_name(),
            "spec.podSelector " + pol.pod_selector.to_string() + " selects no pod of namespace " +
                pol.namespace_name + ": the policy has no effect",
            "match the labels of a pod template in " + pol.namespace_name);
      }
    }
    std::set<std::vector<std::string>> unchecked; // namespaces said to hold no workload
    for (Direction direction : {Direction::ingress, Direction::egress}) {
      const std::vector<model::Rule>& list = rules(pol, direction);
      for (std::size_t r = 0; r < list.size(); ++r) {
        for (std::size_t i = 0; i < list[r].peers.size(); ++i) {
          check_peer(context, unknown, split, namespaces_with_pods, pol, list[r].peers[i],
                     peer_path(direction, r, i), unchecked);
        }
      }
    }
  }
}

// NP701: a peer with namespaceSelector: {} and a non-empty podSelector that
// matches pods of the policy's own namespace and of no other namespace: the
// author probably meant the own namespace, which is what leaving the
// namespaceSelector out says; {} lets any namespace gain matching pods.
void check_namespace_selector_all(Context& context) {
  NamespacesWithPods namespaces_with_pods(context.program().index());
  for (const model::NetworkPolicy& pol : context.inventory().policies) {
    for (Direction direction : {Direction::ingress, Direction::egress}) {
      const std::vector<model::Rule>& list = rules(pol, direction);
      for (std::size_t r = 0; r < list.size(); ++r) {
        for (std::size_t i = 0; i < list[r].peers.size(); ++i) {
          const model::Peer& peer = list[r].peers[i];
          if (!peer.namespace_selector || !peer.namespace_selector->empty() ||
              !peer.pod_selector || peer.pod_selector->empty()) {
            continue;
          }
          const std::set<std::string>& found = namespaces_with_pods(*peer.pod_selector);
          if (found != std::set<std::string>{pol.namespace_name}) {
            continue;
          }
          context.add("NP701", LintSeverity::warning, peer.namespace_selector->where, pol.display_name(),
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
SplitPeers check_split_peers(Context& context) {
  SplitPeers split;
  for (const model::NetworkPolicy& pol : context.inventory().policies) {
    for (Direction direction : {Direction::ingress, Direction::egress}) {
      const std::vector<model::Rule>& list = rules(pol, direction);
      for (std::size_t r = 0; r < list.size(); ++r) {
        const std::vector<model::Peer>& peers = list[r].peers;
        for (std::size_t i = 0; i + 1 < peers.size(); ++i) {
          check_split_pair(context, split, pol, direction, r, i);
        }
      }
    }
  }
  return split;
}

// NP201: a named port of a rule that no destination declares with that
// protocol: for ingress the pods the policy selects, for egress the pods the
// rule's peers match (skipped when there are none: NP101/NP102 say so).
// NP202: a named port in an egress rule that has ipBlock peers: the name is
// resolved on destination pods, so it never matches those addresses.
void check_named_ports(Context& context) {
  const Program& program = context.program();
  for (RuleId r = 0; r < program.rules().size(); ++r) {
    const CompiledRule& compiled = program.rule(r);
    if (program.policy(compiled.policy).origin.kind != PolicyKind::network_policy) {
      continue;
    }
    const std::size_t p = program.policy(compiled.policy).origin.index;
    const model::NetworkPolicy& pol = context.policy(p);
    const model::Rule& rule = context.rule_of(r);
    std::vector<std::size_t> destinations;
    if (compiled.direction == Direction::ingress) {
      const std::vector<std::uint32_t>& selected = context.selected(p);
      destinations.assign(selected.begin(), selected.end());
    } else {
      destinations = peer_workloads(context, compiled);
    }
    const bool has_ip_block = std::any_of(rule.peers.begin(), rule.peers.end(),
                                          [](const model::Peer& peer) { return peer.ip_block.has_value(); });
    for (std::size_t k = 0; k < rule.ports.size(); ++k) {
      const model::PolicyPort& port = rule.ports[k];
      const auto* name = port.port ? std::get_if<std::string>(&*port.port) : nullptr;
      if (name == nullptr) {
        continue;
      }
      const std::string path =
          rule_path(compiled.direction, compiled.index) + ".ports[" + std::to_string(k) + ']';
      if (compiled.direction == Direction::egress && has_ip_block) {
        context.add("NP202", LintSeverity::warning, port.where, pol.display_name(),
                    path + ": named port " + quoted(*name) +
                        " never matches the rule's ipBlock peers: named ports are resolved on "
                        "destination pods, and an address has none",
                    "give the port number for ipBlock destinations (in a separate rule if needed)");
      }
      check_named_port(context, pol, port, *name, destinations, path);
    }
  }
}

} // namespace npcheck::analyzer::lint_detail
