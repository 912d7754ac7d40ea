// SPDX-License-Identifier: Apache-2.0
//
// Folding a live snapshot (kubectl get all -A -o yaml, kubectl get pods -A
// -o yaml) into the workloads a reader thinks in.
//
//  1. A ReplicaSet controlled by a Deployment (or by a custom workload such
//     as an Argo Rollout) of the input, and a Job controlled by a CronJob of
//     the input, stand for the pods their controller stands for: they are
//     left out (a rollout's old ReplicaSets stand for pods that no longer
//     run). Owner references are matched by uid where both sides give one.
//  2. Each Pod with a controller is traced up its owner chain as kubectl
//     shows it: through the ReplicaSets and Jobs of the input to their own
//     controllers; a ReplicaSet missing from the input is the Deployment
//     <name> when it is called <name>-<hash> and the pod carries
//     pod-template-hash=<hash>. The top of the chain names the workload.
//     Pods owned by a Node (static pods), hostNetwork pods (whose address is
//     their node's) and pods a question names (LoadOptions::kept_apart) are
//     not folded.
//  3. The pods of one workload fold into one Workload when they agree on
//     everything a NetworkPolicy reads of a pod but its node: labels,
//     container ports, and which ipBlocks contain their addresses. Labels the
//     controllers set to tell pods or revisions apart (pod-template-hash,
//     statefulset.kubernetes.io/pod-name, ...) are ignored unless a policy's
//     pod selector or kept_apart.label_keys reads them. Pods that disagree all
//     stay apart, with an info message saying on what.
//  4. The workloads on a pod's chain that are in the input (the
//     Deployment's template) are replaced by the pods, which are what runs,
//     whether the pods fold or not (--pods).
// A folded workload's answers are those its pods share: traffic between a
// pod and its own node, always allowed, counts only when all its pods run on
// one node; an info message says so when that can matter.
#include "pod_folding.hpp"

#include "api_kinds.hpp"
#include "object_builder.hpp"

#include <algorithm>
#include <iterator>
#include <map>
#include <set>
#include <tuple>

namespace npcheck::model::detail {

namespace {

// Labels that controllers put on their pods to tell pods or revisions apart.
constexpr std::string_view k_per_pod_labels[] = {
    "pod-template-hash",        "controller-revision-hash",      "pod-template-generation",
    "rollouts-pod-template-hash", "statefulset.kubernetes.io/pod-name", "apps.kubernetes.io/pod-index",
    "batch.kubernetes.io/job-completion-index"};

using ObjectKey = std::tuple<std::string, std::string, std::string>; // namespace, kind, name

bool uid_matches(const std::string& wanted, const Workload& object) {
  return wanted.empty() || object.uid.empty() || wanted == object.uid;
}

// Whether the controller of an object of this kind is followed up the chain.
bool follows_controller(const Workload& object) {
  if (!object.controller) {
    return false;
  }
  if (object.kind == WorkloadKind::replica_set) {
    return object.controller->kind == "Deployment" || !find_modelled_kind(object.controller->kind);
  }
  return object.kind == WorkloadKind::job && object.controller->kind == "CronJob";
}

void add_selector_keys(const LabelSelector& selector, std::set<std::string>& keys) {
  for (const auto& [key, value] : selector.match_labels.entries()) {
    keys.insert(key);
  }
  for (const Requirement& r : selector.match_expressions) {
    keys.insert(r.key);
  }
}

// What a pod must agree on with the other pods of its workload to fold.
struct Signature {
  std::vector<Labels::Entry> labels; // without the ignorable per-pod labels
  std::vector<std::tuple<std::string, std::uint16_t, Protocol>> ports;
  std::vector<bool> blocks; // per ipBlock: contains one of its addresses

  friend bool operator==(const Signature&, const Signature&) = default;
};

class Folder {
public:
  Folder(Inventory& inv, const LoadOptions& options) : m_inv(inv), m_options(options) {
    for (const NetworkPolicy& policy : inv.policies) {
      add_selector_keys(policy.pod_selector, m_read_keys);
      for (const std::vector<Rule>* rules : {&policy.ingress, &policy.egress}) {
        for (const Rule& rule : *rules) {
          for (const Peer& peer : rule.peers) {
            if (peer.pod_selector) {
              add_selector_keys(*peer.pod_selector, m_read_keys);
            }
            if (peer.ip_block) {
              m_blocks.push_back(&*peer.ip_block);
            }
          }
        }
      }
    }
    m_read_keys.insert(options.kept_apart.label_keys.begin(), options.kept_apart.label_keys.end());
    for (std::size_t i = 0; i < inv.workloads.size(); ++i) {
      const Workload& w = inv.workloads[i];
      if (w.kind != WorkloadKind::pod) {
        m_objects.emplace(ObjectKey{w.namespace_name, w.kind_name(), w.name}, i);
      }
    }
  }

  void run() {
    std::vector<bool> drop(m_inv.workloads.size(), false);
    leave_out_controlled(drop);
    fold_pods(drop);
    std::vector<Workload> kept;
    kept.reserve(m_inv.workloads.size() + m_folded.size());
    for (std::size_t i = 0; i < m_inv.workloads.size(); ++i) {
      if (!drop[i]) {
        kept.push_back(std::move(m_inv.workloads[i]));
      }
    }
    std::move(m_folded.begin(), m_folded.end(), std::back_inserter(kept));
    std::stable_sort(kept.begin(), kept.end(), [](const Workload& a, const Workload& b) {
      return std::make_tuple(a.namespace_name, a.name, a.kind, a.custom_kind) <
             std::make_tuple(b.namespace_name, b.name, b.kind, b.custom_kind);
    });
    m_inv.workloads = std::move(kept);
  }

private:
  // The input object a controller reference names, or nullopt.
  std::optional<std::size_t> find(const std::string& ns, const Controller& ref) const {
    auto it = m_objects.find(ObjectKey{ns, ref.kind, ref.name});
    if (it == m_objects.end() || !uid_matches(ref.uid, m_inv.workloads[it->second])) {
      return std::nullopt;
    }
    return it->second;
  }

  // Step 1.
  void leave_out_controlled(std::vector<bool>& drop) {
    for (std::size_t i = 0; i < m_inv.workloads.size(); ++i) {
      const Workload& w = m_inv.workloads[i];
      if (w.kind == WorkloadKind::pod || !follows_controller(w)) {
        continue;
      }
      if (std::optional<std::size_t> owner = find(w.namespace_name, *w.controller)) {
        const Workload& o = m_inv.workloads[*owner];
        if (o.kind == WorkloadKind::deployment || o.kind == WorkloadKind::cron_job ||
            o.kind == WorkloadKind::custom) {
          drop[i] = true;
          ++m_inv.folded_kinds[w.kind_name()];
        }
      }
    }
  }

  struct Chain {
    Controller top;
    std::vector<std::size_t> objects; // input workloads on the chain
  };

  // Step 2: the workload a pod belongs to, as kubectl would show its owners.
  Chain trace(const Workload& pod) const {
    Chain chain;
    chain.top = *pod.controller;
    for (int step = 0; step < 8; ++step) {
      if (std::optional<std::size_t> found = find(pod.namespace_name, chain.top)) {
        chain.objects.push_back(*found);
        const Workload& object = m_inv.workloads[*found];
        if (!follows_controller(object)) {
          break;
        }
        chain.top = *object.controller;
        continue;
      }
      if (step == 0 && chain.top.kind == "ReplicaSet") {
        const std::string* hash = pod.labels.find("pod-template-hash");
        const std::string& name = chain.top.name;
        if (hash && !hash->empty() && name.size() > hash->size() + 1 &&
            name.compare(name.size() - hash->size(), hash->size(), *hash) == 0 &&
            name[name.size() - hash->size() - 1] == '-') {
          chain.top = Controller{"Deployment", name.substr(0, name.size() - hash->size() - 1), ""};
          continue;
        }
      }
      break;
    }
    return chain;
  }

  bool kept_apart(const Workload& pod) const {
    const PodsKeptApart& apart = m_options.kept_apart;
    for (const auto& [ns, name] : apart.names) {
      if (name == pod.name && (ns.empty() || ns == pod.namespace_name)) {
        return true;
      }
    }
    return std::any_of(pod.pod_ips.begin(), pod.pod_ips.end(), [&](const IpAddress& ip) {
      return std::find(apart.addresses.begin(), apart.addresses.end(), ip) != apart.addresses.end();
    });
  }

  bool ignorable(const std::string& key) const {
    return std::find(std::begin(k_per_pod_labels), std::end(k_per_pod_labels), key) !=
               std::end(k_per_pod_labels) &&
           m_read_keys.count(key) == 0;
  }

  Signature signature(const Workload& pod) const {
    Signature s;
    for (const Labels::Entry& entry : pod.labels.entries()) {
      if (!ignorable(entry.first)) {
        s.labels.push_back(entry);
      }
    }
    for (const ContainerPort& port : pod.ports) {
      s.ports.emplace_back(port.name, port.port, port.protocol);
    }
    std::sort(s.ports.begin(), s.ports.end());
    for (const IpBlock* block : m_blocks) {
      s.blocks.push_back(std::any_of(pod.pod_ips.begin(), pod.pod_ips.end(), [&](const IpAddress& ip) {
        return block->cidr.contains(ip) &&
               std::none_of(block->except.begin(), block->except.end(),
                            [&](const Cidr& except) { return except.contains(ip); });
      }));
    }
    return s;
  }

  // What two signatures disagree on, for the info message.
  static std::string difference(const Signature& a, const Signature& b) {
    std::set<std::string> keys;
    // (Entries, not structured bindings: lambdas may not capture those in C++20.)
    for (const Labels::Entry& entry : a.labels) {
      auto it = std::find_if(b.labels.begin(), b.labels.end(),
                             [&](const Labels::Entry& e) { return e.first == entry.first; });
      if (it == b.labels.end() || it->second != entry.second) {
        keys.insert(entry.first);
      }
    }
    for (const Labels::Entry& entry : b.labels) {
      auto it = std::find_if(a.labels.begin(), a.labels.end(),
                             [&](const Labels::Entry& e) { return e.first == entry.first; });
      if (it == a.labels.end()) {
        keys.insert(entry.first);
      }
    }
    std::string text;
    if (!keys.empty()) {
      text = "labels (";
      for (const std::string& key : keys) {
        text += (text.back() == '(' ? "" : ", ") + key;
      }
      text += ')';
    }
    if (a.ports != b.ports) {
      text += std::string(text.empty() ? "" : ", ") + "container ports";
    }
    if (a.blocks != b.blocks) {
      text += std::string(text.empty() ? "" : ", ") + "the ipBlocks their addresses are in";
    }
    return text;
  }

  // Steps 2 to 4.
  void fold_pods(std::vector<bool>& drop) {
    std::map<ObjectKey, std::vector<std::size_t>> groups;
    std::map<ObjectKey, Chain> chains;
    for (std::size_t i = 0; i < m_inv.workloads.size(); ++i) {
      const Workload& pod = m_inv.workloads[i];
      if (pod.kind != WorkloadKind::pod || !pod.controller || pod.controller->kind == "Node") {
        continue;
      }
      Chain chain = trace(pod);
      for (std::size_t object : chain.objects) {
        if (!drop[object]) {
          drop[object] = true;
          ++m_inv.replaced_kinds[m_inv.workloads[object].kind_name()];
        }
      }
      if (!m_options.fold_pods || pod.host_network || kept_apart(pod)) {
        continue;
      }
      ObjectKey key{pod.namespace_name, chain.top.kind, chain.top.name};
      groups[key].push_back(i);
      chains.emplace(key, std::move(chain));
    }
    std::vector<std::string> across_nodes;
    for (const auto& [key, members] : groups) {
      const Signature first = signature(m_inv.workloads[members.front()]);
      std::string disagreement;
      for (std::size_t m = 1; m < members.size() && disagreement.empty(); ++m) {
        const Signature other = signature(m_inv.workloads[members[m]]);
        if (!(other == first)) {
          disagreement = difference(first, other);
        }
      }
      const auto& [ns, kind, name] = key;
      if (check_dns_subdomain(name) != "" || !is_kind_name(kind)) {
        // Owner references are not checked by the API server beyond being
        // non-empty: a name that is no object name names no workload.
        continue;
      }
      if (auto same = m_objects.find(key); same != m_objects.end() && !drop[same->second]) {
        // An object of that name that is not the pods' owner (another uid):
        // a folded workload would take its name.
        continue;
      }
      if (!disagreement.empty()) {
        const Workload& pod = m_inv.workloads[members.front()];
        m_inv.infos.push_back(Diagnostic{
            Severity::info, pod.where, kind + ' ' + ns + '/' + name,
            "its " + std::to_string(members.size()) + " pods differ in " + disagreement +
                ", so they are not folded into one workload"});
        continue;
      }
      Workload folded = fold(key, chains.at(key), members);
      std::set<std::string> nodes;
      for (const PodMember& pod : folded.pods) {
        if (!pod.node_name.empty()) {
          nodes.insert(pod.node_name);
        }
      }
      if (nodes.size() > 1) {
        across_nodes.push_back(folded.display_name());
      }
      for (std::size_t m : members) {
        drop[m] = true;
      }
      m_inv.folded_kinds["Pod"] += static_cast<int>(members.size());
      m_folded.push_back(std::move(folded));
    }
    if (!across_nodes.empty() && node_traffic_known()) {
      std::string names;
      for (std::size_t i = 0; i < across_nodes.size() && i < 3; ++i) {
        names += (i == 0 ? "" : ", ") + across_nodes[i];
      }
      if (across_nodes.size() > 3) {
        names += ", ...";
      }
      m_inv.infos.push_back(Diagnostic{
          Severity::info, SourceLocation{}, "",
          std::to_string(across_nodes.size()) + " folded workload" +
              (across_nodes.size() == 1 ? " (" + names + ") runs pods on several nodes: traffic between a pod "
                                                       "and its own node, always allowed, is not in its answers"
                                        : "s (" + names + ") run pods on several nodes: traffic between a pod "
                                                          "and its own node, always allowed, is not in their answers") +
              " (--pods answers pod by pod)"});
    }
  }

  // Whether any answer can involve a node: Nodes, hostNetwork pods, host IPs.
  bool node_traffic_known() const {
    return !m_inv.nodes.empty() ||
           std::any_of(m_inv.workloads.begin(), m_inv.workloads.end(),
                       [](const Workload& w) { return w.host_network || w.host_ip; });
  }

  Workload fold(const ObjectKey& key, const Chain& chain, const std::vector<std::size_t>& members) const {
    const auto& [ns, kind, name] = key;
    Workload w;
    if (std::optional<WorkloadKind> known = parse_workload_kind(kind);
        known && to_string(*known) == kind && *known != WorkloadKind::pod) {
      w.kind = *known;
    } else {
      w.kind = WorkloadKind::custom;
      w.custom_kind = kind;
    }
    w.namespace_name = ns;
    w.name = name;
    const Workload& first = m_inv.workloads[members.front()];
    // Labels all pods share (the ignorable ones may differ).
    for (const Labels::Entry& entry : first.labels.entries()) {
      const bool shared = std::all_of(members.begin(), members.end(), [&](std::size_t m) {
        const std::string* value = m_inv.workloads[m].labels.find(entry.first);
        return value && *value == entry.second;
      });
      if (shared) {
        w.labels.set(entry.first, entry.second);
      }
    }
    w.ports = first.ports;
    w.node_name = first.node_name;
    w.host_ip = first.host_ip;
    for (std::size_t m : members) {
      const Workload& pod = m_inv.workloads[m];
      w.pod_ips.insert(w.pod_ips.end(), pod.pod_ips.begin(), pod.pod_ips.end());
      if (pod.node_name != w.node_name) {
        w.node_name.clear();
      }
      if (pod.host_ip != w.host_ip) {
        w.host_ip.reset();
      }
      w.pods.push_back(PodMember{pod.name, pod.pod_ips, pod.node_name, pod.host_ip, pod.where});
    }
    std::sort(w.pod_ips.begin(), w.pod_ips.end());
    w.pod_ips.erase(std::unique(w.pod_ips.begin(), w.pod_ips.end()), w.pod_ips.end());
    std::sort(w.pods.begin(), w.pods.end(),
              [](const PodMember& a, const PodMember& b) { return a.name < b.name; });
    // The top of the chain, when the input has it, gives its place and uid.
    w.where = first.where;
    for (std::size_t object : chain.objects) {
      const Workload& o = m_inv.workloads[object];
      if (o.kind_name() == kind && o.name == name) {
        w.where = o.where;
        w.uid = o.uid;
      }
    }
    return w;
  }

  Inventory& m_inv;
  const LoadOptions& m_options;
  std::set<std::string> m_read_keys;
  std::vector<const IpBlock*> m_blocks;
  std::map<ObjectKey, std::size_t> m_objects;
  std::vector<Workload> m_folded;
};

} // namespace

void fold_workloads(Inventory& inv, const LoadOptions& options) { Folder(inv, options).run(); }

} // namespace npcheck::model::detail
