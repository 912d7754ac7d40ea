// SPDX-License-Identifier: Apache-2.0
//
// The catalogue of lint checks: id, name, usual severity, one-line summary,
// and the plain-text description and help for SARIF and listings. The
// man page's LINT CHECKS section says the same, with a failing and a passing
// example per check; tests/analyzer/lint_catalogue_test.cpp checks that
// every id has its section there. Ids, names and severities are public
// (--disable, SARIF ruleId): never renumber or rename a check.

#include <npcheck/analyzer/lint.hpp>

#include "lint_context.hpp"

#include <cassert>

namespace npcheck::analyzer {

namespace {

constexpr LintCheck k_checks[] = {
    {"NP000", "invalid-manifest", LintSeverity::error,
     "the manifest fails validation (as npcheck validate reports it)",
     "An object fails validation, as npcheck validate reports it: the API server would reject it "
     "(an unknown protocol, a malformed CIDR or label, a missing required field). Lint leaves the "
     "object out and checks the others.",
     "Correct the value the message names (for example protocol: TCP instead of HTTP); as written, "
     "the object and its rules would not be in force."},
    {"NP001", "manifest-warning", LintSeverity::warning,
     "a validation warning (unknown field or kind, undefined namespace, skipped chart) or note",
     "A validation warning: an unknown field (a typo such as podSelecter), an unknown kind close to "
     "a known one, a known kind name in another API group, a Helm chart or kustomization left out "
     "of a directory walk, a peer npcheck cannot evaluate (domainNames, nodes without Node "
     "objects), or inputs holding no object at all. The API server drops unknown fields, so a "
     "misspelt field silently changes what the object means. The loader's notes (a namespace used "
     "but not defined, a custom resource read as a workload) are NP001 at info.",
     "Correct the field name or apiVersion the message points at (the message suggests the nearest "
     "one); where the warning is expected, pass --disable NP001."},
    {"NP101", "policy-selects-nothing", LintSeverity::warning,
     "spec.podSelector selects no pod of the policy's namespace",
     "spec.podSelector selects no pod of the policy's namespace, so the policy has no effect. Info "
     "instead when the namespace has no workload in the inputs, when the selector matches only "
     "hostNetwork pods (no NetworkPolicy applies to them), and when the namespace holds custom "
     "resources an operator may make the pods from; skipped when NP103 explains it (a near miss of "
     "a label the pods carry).",
     "Match the labels of the pod template the policy is meant for (every term of matchLabels and "
     "matchExpressions must hold on one pod), or lint the namespace's workloads together with its "
     "policies."},
    {"NP102", "peer-selects-nothing", LintSeverity::warning,
     "a from/to peer's selectors match no namespace or no pod",
     "A from/to peer's namespaceSelector matches no namespace, or its podSelector no pod of the "
     "namespaces it reaches (the policy's own namespace without namespaceSelector), so the peer "
     "admits nothing. A podSelector is checked only where its namespaces are plainly in the inputs "
     "(the own namespace, or namespaces named by kubernetes.io/metadata.name that are there): a "
     "namespaceSelector such as {} in the DNS peer may reach namespaces outside them. Skipped when "
     "NP103 or an NP702 warning explains it; info when the namespaces hold no workload, only "
     "hostNetwork pods or custom resources match, or a namespaceSelector matches no namespace of "
     "the inputs.",
     "Match the labels of the intended pods or namespaces; for pods of another namespace, add a "
     "namespaceSelector (kubernetes.io/metadata.name) to the same peer."},
    {"NP103", "unknown-label", LintSeverity::warning,
     "a selector uses a label key or value that no pod (namespace) carries",
     "A selector uses a label key that no pod (for a namespaceSelector: no namespace) carries, or a "
     "value in matchLabels or an In list that none has for that key, when an existing key or value "
     "is a near miss of it (a typo); the hint names it. A label with no near miss is unknown, not "
     "wrong (kube-dns of a kube-system outside the inputs, pods an operator makes). Not checked: "
     "NotIn values, pod selectors when the inputs hold no workload of the namespace they are "
     "confined to, and the podSelector of a peer whose namespaceSelector matches no namespace.",
     "Correct the key or value to the one the pods or namespaces carry (the hint suggests it), or "
     "add the label to the pod template or Namespace."},
    {"NP201", "named-port-unresolved", LintSeverity::warning,
     "no destination pod declares the named port with that protocol",
     "A named port that no destination pod declares with that protocol (for ingress the pods the "
     "policy selects, for egress the pods the rule's peers match), so the rule admits nothing on "
     "it. Quiet when at least one destination declares it, and when the rule has no destination "
     "pod (NP101 or NP102 says so).",
     "Use the name a container port of the destination declares, with the protocol it is declared "
     "with (the protocol defaults to TCP), or give the port number."},
    {"NP202", "named-port-to-ipblock", LintSeverity::warning,
     "an egress rule names a port for ipBlock peers, which have no named ports",
     "An egress rule with ipBlock peers uses a named port. Named ports are resolved on destination "
     "pods and an address has none, so the port never matches the ipBlock destinations.",
     "Give the port number for the ipBlock peers, in a separate rule if the named port is still "
     "wanted for pod peers."},
    {"NP203", "port-without-number", LintSeverity::warning,
     "a ports entry with a protocol but no port, next to numbered entries, admits every port",
     "A ports entry has a protocol but no port, in a list that also has entries with ports. The "
     "entry admits every port of its protocol, so the numbered entries of that protocol restrict nothing; typically "
     "a port was left out, as in ports: [{port: 5558}, {protocol: TCP}].",
     "Add the port the entry was meant to have; remove the entry only if every port of its "
     "protocol is meant."},
    {"NP301", "redundant-rule", LintSeverity::warning,
     "everything the rule allows is already allowed by other rules for the same pods",
     "For every pod the policy selects, everything the rule admits (per peer pod and external "
     "address, the protocols and ports, named ports resolved) is admitted by other rules of the "
     "same direction of the policies selecting that pod; the finding names them. Rules are checked "
     "from the last policy to the first and each redundant rule is set aside before the next, so "
     "deleting every reported rule together changes nothing; of two identical rules the later one "
     "is reported.",
     "First check the rules the finding names: if one of them is wider than meant (a ports entry "
     "without a port opens every port, NP203), narrow it and keep this rule; if they are meant to "
     "be that wide, delete this rule."},
    {"NP302", "redundant-policy", LintSeverity::warning,
     "the policy changes nothing: other policies isolate its pods and allow all it allows",
     "A policy with rules, all of them redundant, whose pods are all isolated in each of its "
     "directions by other policies too: deleting it changes no connection. Policies without rules "
     "(a default-deny) are never reported.",
     "Delete the policy, or narrow the rules of the other policies that cover it if they allow "
     "more than intended."},
    {"NP401", "direction-blocked", LintSeverity::warning,
     "the policy isolates a direction without rules, and some pods get nothing in it",
     "The policy isolates a direction in which it has no rule, and a pod it selects gets no rule of "
     "that direction from any policy: all its traffic that way (egress: DNS included) is blocked. "
     "Info for a deliberate deny, where the podSelector is {} (with or without spec.policyTypes) or "
     "the name contains deny; quiet when every selected pod is allowed something by another "
     "policy.",
     "Add rules for that direction, or list only the intended directions in spec.policyTypes "
     "(without policyTypes a policy isolates ingress, and egress only when it has egress rules)."},
    {"NP402", "egress-without-dns", LintSeverity::warning,
     "egress-isolated pods may not reach DNS (UDP/TCP 53 in kube-system)",
     "Egress-isolated pods that have egress rules but none allowing UDP or TCP 53 to a DNS server, "
     "so their name lookups fail. A DNS server is a kube-system pod labelled k8s-app=kube-dns (else "
     "any kube-system pod) when the inputs have them, else a peer in kube-system (port 53 or a "
     "named port containing dns), or any ipBlock (a node-local cache, an outside resolver). One "
     "finding per namespace, at the first policy isolating those pods; the DNS server pods "
     "themselves are exempt.",
     "Add an egress rule to namespaceSelector kubernetes.io/metadata.name: kube-system and "
     "podSelector k8s-app: kube-dns on UDP and TCP 53."},
    {"NP403", "rules-ignored", LintSeverity::warning,
     "rules of a direction that spec.policyTypes leaves out are ignored",
     "spec.policyTypes leaves out a direction that has rules, so those rules are ignored. The "
     "policy neither isolates that direction nor allows anything in it, which is rarely what the "
     "rules were written for.",
     "Add the direction to spec.policyTypes, or delete the rules if that direction is not meant to "
     "be isolated."},
    {"NP501", "ipblock-covers-cluster", LintSeverity::warning,
     "an ipBlock covers known pod or node IPs (CNI-dependent behaviour)",
     "An ipBlock (cidr minus except) contains a known pod IP, hostIP or node address. Whether an "
     "ipBlock matches pod or node traffic depends on the CNI, so the rule admits that traffic on "
     "some clusters and not on others. With --ipblock-matches-pods the CNI's choice is known and the "
     "finding is an info saying which.",
     "Select pods with podSelector and namespaceSelector, and except the pod and node ranges from "
     "the block."},
    {"NP502", "ipblock-allow-all", LintSeverity::warning,
     "an ipBlock 0.0.0.0/0 or ::/0 without except admits every address",
     "An ipBlock 0.0.0.0/0 or ::/0 without except admits every address of its family, and pod and "
     "node addresses too on CNIs that match them; it is usually meant as everything outside the "
     "cluster. A block with except, or with a longer prefix, is quiet.",
     "For addresses outside the cluster, add except with the pod and node CIDRs; to admit "
     "everything, leave out from (or to)."},
    {"NP503", "cidr-host-bits", LintSeverity::warning,
     "a CIDR has host bits set (10.0.0.1/24 means 10.0.0.0/24)",
     "A cidr or except of an ipBlock, or a networks CIDR of an admin policy, has host bits set, "
     "such as 10.0.0.1/24. It is legal and means the whole network (10.0.0.0/24), which is rarely "
     "what was meant.",
     "Write the network address (10.0.0.0/24), or a /32 (/128 for IPv6) for the single address."},
    {"NP601", "unselected-workload", LintSeverity::warning,
     "no policy selects the workload, but other workloads of its namespace are isolated",
     "No policy selects the workload in either direction, while another workload of its namespace "
     "is isolated: it accepts and sends all traffic (or only admin policies decide it), usually "
     "because its labels are missing from a podSelector. One finding per workload (the pods of one "
     "controller are counted, not repeated); hostNetwork pods, which no policy selects, are not "
     "reported.",
     "Add the workload's labels to a policy's podSelector, or add a default-deny policy "
     "(podSelector: {}) to its namespace."},
    {"NP602", "namespace-without-policy", LintSeverity::info,
     "a namespace with workloads has no NetworkPolicy",
     "A namespace with workloads in the inputs has no NetworkPolicy, so its workloads accept and "
     "send all traffic unless admin policies decide it (the message says which). Info only: a "
     "namespace may be open on purpose.",
     "If the namespace should be isolated, add a default-deny policy (podSelector: {}) and the "
     "allowances its workloads need."},
    {"NP701", "namespace-selector-all", LintSeverity::warning,
     "namespaceSelector: {} with a podSelector that matches pods of the own namespace only",
     "A peer with namespaceSelector: {} and a non-empty podSelector that matches pods of the "
     "policy's own namespace and of no other. The {} admits such pods in every namespace, "
     "including any created later; leaving the namespaceSelector out means the own namespace.",
     "Remove namespaceSelector: {} to mean the policy's own namespace, or name the intended "
     "namespaces with kubernetes.io/metadata.name."},
    {"NP702", "split-peer", LintSeverity::warning,
     "a namespaceSelector and a podSelector in two peers (OR) look meant as one (AND)",
     "Two adjacent peers of one from/to list, one with only a non-empty namespaceSelector and one "
     "with only a non-empty podSelector: they are ORed, where one peer with both selectors would "
     "AND them (the Kubernetes documentation's alice/client example). Warning when the podSelector "
     "matches no pod of the own namespace but matches pods in the namespaces of the "
     "namespaceSelector; info when both readings select pods; quiet when the AND reading selects "
     "none.",
     "If both must hold, put namespaceSelector and podSelector in one element (drop the '-' before "
     "the second)."},
    {"NP703", "split-rule", LintSeverity::warning,
     "adjacent rules with only peers and only ports: a stray '-' split one rule in two",
     "Two adjacent rules of one direction, one with only from (or to) and the other with only "
     "ports: a stray '-' split one rule in two. Together they admit every source (or destination) "
     "on the ports, and the peers on every port.",
     "If one rule was meant, remove the '-' before ports: (or before from: or to:) so that both "
     "keys belong to the same list item."},
    {"NP801", "admin-priority-tie", LintSeverity::warning,
     "two admin (or baseline) policies with the same priority select common pods: undefined order",
     "Two policies of the same tier (admin, or baseline) with the same priority, with rules in a "
     "common direction, whose subjects select common workloads. The API leaves their order "
     "undefined and implementations differ, so traffic that rules of both match may be decided "
     "either way.",
     "Give one of them another priority: the lower number for the policy that should decide "
     "first."},
    {"NP802", "admin-rule-shadowed", LintSeverity::warning,
     "an admin rule never applies: an earlier rule matches every peer and port it matches",
     "An admin or baseline rule never applies: an earlier rule of the same policy, or of a policy "
     "of the same tier with a lower priority that selects every pod this one selects, matches "
     "every peer (by selector, or with the pods of the inputs) and every port it matches. Rules "
     "with domainNames peers, peers of a newer API, or peers matching nothing npcheck knows are "
     "never reported.",
     "Move the rule before the one that shadows it (or into a policy with a lower priority), or "
     "narrow the earlier rule."},
    {"NP803", "admin-pass-to-nothing", LintSeverity::warning,
     "a Pass hands traffic to no NetworkPolicy and no baseline rule, so it allows",
     "A Pass whose pods no NetworkPolicy isolates for that direction and no baseline policy "
     "selects: the traffic falls through to the default, which allows, so the Pass allows. A "
     "Baseline-tier Pass always goes to the default.",
     "Write action: Allow (Accept in a ClusterNetworkPolicy) if allowing is meant, or add the "
     "NetworkPolicy or baseline rule the Pass is meant to hand over to."},
    {"NP804", "admin-networks-cover-pods", LintSeverity::warning,
     "a networks CIDR of a Deny or Pass covers pod or node addresses, catching cluster traffic",
     "A networks CIDR of a Deny or Pass rule covers known pod or Node addresses (a /0 also the pods "
     "whose address the inputs do not give), with no earlier Allow or Pass rule of the policy "
     "taking all pod traffic on every port. networks match cluster addresses too, so the rule "
     "catches pod-to-pod traffic, not only outside addresses.",
     "Put a rule for pod traffic first (Allow to namespaces: {}, or Pass when NetworkPolicies or a "
     "baseline policy decide pod traffic: a Pass to nothing is NP803), or narrow the CIDR to the "
     "outside addresses."},
    {"NP805", "admin-host-network-subject", LintSeverity::warning,
     "an admin policy's subject matches only hostNetwork pods, which it never selects",
     "An admin policy's subject matches only hostNetwork pods, which admin policies never select, "
     "so the policy has no effect. A hostNetwork pod uses its node's network: traffic to it is "
     "traffic to the node's address.",
     "Select the pods by another label; a hostNetwork pod is reached at its node's address, which "
     "the node's firewall restricts (a networks or nodes peer denying it is reported by NP804, "
     "which then applies to every pod on that node)."},
};

} // namespace

namespace lint_detail {

const LintCheck& catalogue_check(std::string_view id) {
  for (const LintCheck& c : k_checks) {
    if (c.id == id) {
      return c;
    }
  }
  assert(false && "unknown lint check id");
  return k_checks[0];
}

} // namespace lint_detail

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
    if (lint_detail::lower(c.id) == lint_detail::lower(text) || c.name == text) {
      return &c;
    }
  }
  return nullptr;
}

} // namespace npcheck::analyzer
