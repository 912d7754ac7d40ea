#!/usr/bin/env python3
"""Writes scenarios/<name>.expected: the truth tables of the admin-policy
scenarios, written here by hand from shared/spec/admin-policies.md (an oracle
independent of npcheck). Rows are sources, columns destinations; '.' allowed,
'X' denied, '-' no flow (the two ends have no IP family in common).
Run it after changing a scenario; tests/cli/admin_truth_table_test.cpp
compares npcheck's answers with these files.

The world (world.yaml): namespaces x, y (team: blue), z (team: red); pods
a (app: web), b (app: db), c (app: client) in each; x/b and y/b dual-stack;
x and y on node-1 (10.0.0.1, zone-a), z on node-2 (10.0.0.2, zone-b); z/h a
hostNetwork pod on node-2 (app: web, IP 10.0.0.2). The endpoints probed are
the pods by name, the two node addresses, an external IPv4 address, the IPv6
addresses of x/b and y/b and an external IPv6 address.

What decides a flow (admin-policies.md §2):
- a Pod to itself, and a pod and its own node (the node's address, a
  hostNetwork pod on it), are always allowed (§2.1, semantics.md);
- otherwise the flow is allowed iff the source's egress decision and the
  destination's ingress decision both allow it (§2.2); only a pod that is not
  host-networked has a decision (§2.1); each decision runs the Admin tier,
  NetworkPolicy, the Baseline tier, then default allow (§2.3); the rules of
  each scenario below follow that procedure by hand;
- an address names one IP family; two pods named by name are asked for every
  family both have, and the flow passes if it passes in one of them (README,
  "Dual-stack clusters").
"""
import ipaddress
import os

# ---- the world -------------------------------------------------------------

NODE_LABELS = {"node-1": {"role": "worker", "zone": "zone-a"},
               "node-2": {"role": "worker", "zone": "zone-b"}}
NODE_IP = {"node-1": "10.0.0.1", "node-2": "10.0.0.2"}
APP = {"a": "web", "b": "db", "c": "client", "h": "web"}
SUBNET = {"x": 1, "y": 2, "z": 3}
NODE_OF_NS = {"x": "node-1", "y": "node-1", "z": "node-2"}
IPV6 = {"x/b": "fd00::1:2", "y/b": "fd00::2:2"}
# Container ports by pod name: name -> (protocol, port).
NAMED = {"a": {"http": ("TCP", 80), "dns": ("UDP", 53), "stream": ("SCTP", 80)},
         "b": {"http": ("TCP", 81), "dns": ("UDP", 53)},
         "c": {"metrics": ("TCP", 80)},
         "h": {"http": ("TCP", 80)}}


class E:
    """One probed endpoint. kind: pod (not host-networked), host (the
    hostNetwork pod by name), node (a node address) or ext (external)."""

    def __init__(self, name, kind, ips, workload=None, node=None):
        self.name, self.kind, self.ips, self.workload, self.node = name, kind, ips, workload, node
        self.ns = workload.split("/")[0] if workload else None
        self.pod = workload.split("/")[1] if workload else None
        self.app = APP[self.pod] if workload else None


def pod_endpoint(ns, p):
    ips = {4: f"10.1.{SUBNET[ns]}.{'abc'.index(p) + 1}"}
    if f"{ns}/{p}" in IPV6:
        ips[6] = IPV6[f"{ns}/{p}"]
    return E(f"{ns}/{p}", "pod", ips, f"{ns}/{p}", NODE_OF_NS[ns])


ENDPOINTS = [pod_endpoint(ns, p) for ns in "xyz" for p in "abc"] + [
    E("z/h", "host", {4: "10.0.0.2"}, "z/h", "node-2"),
    E("10.0.0.1", "node", {4: "10.0.0.1"}, node="node-1"),
    E("10.0.0.2", "node", {4: "10.0.0.2"}, node="node-2"),
    E("203.0.113.5", "ext", {4: "203.0.113.5"}),
    E("fd00::1:2", "pod", {6: "fd00::1:2"}, "x/b", "node-1"),
    E("fd00::2:2", "pod", {6: "fd00::2:2"}, "y/b", "node-1"),
    E("2001:db8::5", "ext", {6: "2001:db8::5"}),
]
PROBES = [("TCP", 80), ("TCP", 81), ("UDP", 53), ("UDP", 80), ("SCTP", 80)]

# ---- what the policies' selectors and peers match --------------------------

def pod(e):
    """A pod that policies can select and namespaces/pods peers match (§2.1)."""
    return e.kind == "pod"

def in_ns(e, *names):
    return pod(e) and e.ns in names

def blue(e):
    return in_ns(e, "x", "y")

def red(e):
    return in_ns(e, "z")

def is_(e, workload):
    return pod(e) and e.workload == workload

def in_networks(e, f, *cidrs):
    """A networks peer: the destination's address of the flow's family (§4)."""
    ip = ipaddress.ip_address(e.ips[f])
    return any(ip in ipaddress.ip_network(c) for c in cidrs)

def node_labels(e):
    """The labels of the node an address belongs to (a node address or a
    hostNetwork pod, §2.1), or None."""
    return NODE_LABELS[e.node] if e.kind in ("node", "host") else None

def named_port(d, name, pr, po):
    """A named port resolved on the destination pod (§5)."""
    return pod(d) and NAMED[d.pod].get(name) == (pr, po)

def yes(*_):
    return True

# ---- the scenarios: (ingress_ok(s, d, pr, po, f), egress_ok(s, d, pr, po, f))
# Each function is one side's decision, written from the scenario's YAML by
# the procedure of §2.3; both versions of a scenario share it (§6).

def admin_deny_ingress(s, d, pr, po, f):
    # Admin: blue <- pods of z: Deny. NetworkPolicy of x: allows all.
    return not (blue(d) and red(s))

def admin_allow_ingress(s, d, pr, po, f):
    # Admin: blue <- z/c on TCP/80: Allow. Baseline: every pod <- pods: Deny.
    if not pod(d) or not pod(s):
        return True
    return blue(d) and is_(s, "z/c") and (pr, po) == ("TCP", 80)

def pass_ingress(s, d, pr, po, f):
    if not pod(d):
        return True
    if blue(d):
        # Admin rule 1: Pass from pods of x; rule 2: Deny from other pods.
        if pod(s) and not in_ns(s, "x"):
            return False
    # NetworkPolicy x/web-from-db selects x/a: only x/b (pods app: db of x).
    if is_(d, "x/a"):
        return is_(s, "x/b")
    # Baseline: Deny from client pods of every namespace.
    return not (pod(s) and s.app == "client")

def pass_egress(s, d, pr, po, f):
    if not pod(s):
        return True
    if in_ns(s, "y"):
        # Admin rule 1: Pass to blue pods; rule 2: Deny to red pods.
        if red(d):
            return False
    # NetworkPolicy y/web-egress-to-x selects y/a: pods of x on TCP/80.
    if is_(s, "y/a"):
        return in_ns(d, "x") and (pr, po) == ("TCP", 80)
    # Baseline: Deny to the db pods of every namespace.
    return not (pod(d) and d.app == "db")

def priority_egress(s, d, pr, po, f):
    if not blue(s) or not pod(d):
        return True
    if is_(d, "z/b"):          # priority 10: Deny z/b
        return False
    if red(d) and (pr, po) == ("TCP", 80):  # priority 20: Allow z on TCP/80
        return True
    return False                # priority 30: Deny every pod

def rule_order_ingress(s, d, pr, po, f):
    if not pod(d) or not pod(s):
        return True
    if red(d):
        if blue(s):
            return (pr, po) == ("UDP", 53)   # rule 1 Allow, else rule 2 Deny
        return True                          # rule 4 Allow
    return False                             # Baseline Deny from pods

def baseline_ingress(s, d, pr, po, f):
    if not in_ns(d, "y"):
        return True
    if is_(d, "y/c"):
        return True     # NetworkPolicy client-open allows all, before Baseline
    if not pod(s):
        return True     # no Baseline rule matches a non-pod source
    return is_(s, "x/c")  # Baseline rule 1 Allow x/c, rule 2 Deny pods

def baseline_egress(s, d, pr, po, f):
    if not in_ns(s, "y"):
        return True
    if is_(s, "y/b"):
        # NetworkPolicy db-egress-81: TCP/81 to the pods of every namespace.
        return pod(d) and (pr, po) == ("TCP", 81)
    if not pod(d):
        return True
    # Baseline rule 1 Allow red on TCP 80-81, rule 2 Deny pods.
    return red(d) and pr == "TCP" and po in (80, 81)

def pass_skips_later_admin(s, d, pr, po, f):
    if not pod(d) or not pod(s):
        return True
    if blue(d) and red(s):
        # Priority 5 Pass skips priority 6; no NetworkPolicy; Baseline denies z/b.
        return not is_(s, "z/b")
    return False  # priority 6: Deny from every pod

def baseline_pass_ingress(s, d, pr, po, f):
    if not pod(d) or not pod(s):
        return True
    if red(d):
        if blue(s):
            return False   # Admin Pass (skips Admin Accept) -> Baseline Deny
        return True        # Admin Accept
    # blue d: Baseline Pass from z -> default allow; else Baseline Deny.
    return red(s)

def baseline_pass_egress(s, d, pr, po, f):
    if not pod(s):
        return True
    if red(s) and in_networks(d, f, "203.0.113.0/24"):
        return True        # Baseline Pass -> default allow
    return not in_networks(d, f, "10.0.0.0/16", "203.0.113.0/24")

def networks_egress(s, d, pr, po, f):
    if is_(s, "x/b"):
        if in_networks(d, f, "10.1.3.0/24", "10.1.2.1/32"):
            return True
        return not in_networks(d, f, "0.0.0.0/0")
    if red(s):
        return not in_networks(d, f, "203.0.113.5/32", "10.0.0.0/16")
    return True

def nodes_egress(s, d, pr, po, f):
    if not pod(s):
        return True
    labels = node_labels(d)
    if labels is None:
        return True
    if labels.get("zone") == "zone-b":
        return False
    return not (red(s) and labels.get("role") == "worker")

def named_ports_ingress(s, d, pr, po, f):
    if in_ns(d, "x") and pod(s):
        return named_port(d, "http", pr, po)
    return True

def named_ports_egress(s, d, pr, po, f):
    if red(s) and pod(d):
        return blue(d) and named_port(d, "dns", pr, po)
    return True

def port_filters_ingress(s, d, pr, po, f):
    if in_ns(d, "y") and pod(s):
        return ((pr == "TCP" and po == 81) or (pr == "UDP" and 50 <= po <= 60)
                or (pr == "SCTP" and 70 <= po <= 90))
    return True

def port_filters_egress(s, d, pr, po, f):
    if in_ns(s, "y") and pod(d):
        return (pr, po) != ("TCP", 80)
    return True

def anp_host_network_ingress(s, d, pr, po, f):
    if is_(d, "z/a") and pod(s):
        return False
    if in_ns(d, "x") and is_(s, "z/a"):
        return False
    return True

def anp_host_network_egress(s, d, pr, po, f):
    if is_(s, "z/a") and pod(d):
        return False
    if in_ns(s, "x") and is_(d, "z/a"):
        return False
    return True

def cnp_host_network_ingress(s, d, pr, po, f):
    if is_(d, "z/a") and pod(s):
        return False
    if in_ns(d, "x") and pod(s) and s.app == "web":
        return False
    return True

def cnp_host_network_egress(s, d, pr, po, f):
    if is_(s, "z/a") and pod(d):
        return False
    if in_ns(s, "x") and pod(d) and d.app == "web":
        return False
    return True

PAIRS = {
    "admin-deny-ingress": (admin_deny_ingress, yes),
    "admin-allow-ingress": (admin_allow_ingress, yes),
    "pass-ingress": (pass_ingress, yes),
    "pass-egress": (yes, pass_egress),
    "priority-egress": (yes, priority_egress),
    "rule-order-ingress": (rule_order_ingress, yes),
    "baseline-allow-deny": (baseline_ingress, baseline_egress),
    "pass-skips-later-admin": (pass_skips_later_admin, yes),
    "networks-egress": (yes, networks_egress),
    "nodes-egress": (yes, nodes_egress),
    "named-ports": (named_ports_ingress, named_ports_egress),
}
S = {}
for name, rules in PAIRS.items():
    S["anp-" + name] = rules
    S["cnp-" + name] = rules
S["anp-port-filters"] = (port_filters_ingress, port_filters_egress)
S["cnp-protocols"] = (port_filters_ingress, port_filters_egress)
S["anp-host-network"] = (anp_host_network_ingress, anp_host_network_egress)
S["cnp-host-network"] = (cnp_host_network_ingress, cnp_host_network_egress)
S["cnp-baseline-pass"] = (baseline_pass_ingress, baseline_pass_egress)

# ---- the tables --------------------------------------------------------------

def always_allowed(s, d):
    if s.workload is not None and s.workload == d.workload:
        return True  # a Pod to itself
    for p, o in ((s, d), (d, s)):
        if p.workload is not None and o.kind in ("node", "host") and o.node == p.node:
            return True  # a pod and its own node
    return False

def cell(name, s, d, pr, po):
    ing, eg = S[name]
    families = sorted(set(s.ips) & set(d.ips))
    if not families:
        return "-"
    if always_allowed(s, d):
        return "."
    ok = any(eg(s, d, pr, po, f) and ing(s, d, pr, po, f) for f in families)
    return "." if ok else "X"

def table(name):
    width = max(len(e.name) for e in ENDPOINTS) + 2
    lines = []
    for pr, po in PROBES:
        lines.append(f"{pr}/{po}")
        lines.append((" " * width + " ".join(e.name for e in ENDPOINTS)).rstrip())
        for s in ENDPOINTS:
            row = " ".join(cell(name, s, d, pr, po).ljust(len(d.name)) for d in ENDPOINTS)
            lines.append((s.name.ljust(width) + row).rstrip())
        lines.append("")
    return "\n".join(lines)

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
for name in S:
    assert os.path.exists(os.path.join(here, name + ".yaml")), name
    with open(os.path.join(here, name + ".expected"), "w") as f:
        f.write(table(name) + "\n")
for file in os.listdir(here):
    if file.endswith(".yaml"):
        assert file[:-len(".yaml")] in S, file
