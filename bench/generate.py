#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Deterministic synthetic cluster generator for npcheck benchmarks.

    bench/generate.py SIZE OUTDIR [--profile P] [--format yaml|json] [--seed N] [--check]

SIZE is S, M, L or XL. The output is one file, OUTDIR/cluster.yaml (multi-
document YAML) or OUTDIR/cluster.json (a single `kind: List`, as
`kubectl get -o json` prints it), and OUTDIR/cluster.meta.json, which names
an existing namespace and an existing pair of endpoints for bench/run. The
same profile, size and seed always give byte-identical output: every random
choice comes from random.Random instances seeded from the seed and every
object is built as a dict and serialised in insertion order, so the YAML and
JSON forms of one profile/size/seed describe the same objects.

Profiles (bench/README.md has the tables):
  * default: the original shape, byte-identical to the generator before
    profiles existed (so old figures stay comparable):
      - `kube-system` (kube-dns Deployment, k8s-app=kube-dns) and `monitoring`
        (a Prometheus StatefulSet) namespaces, then generated namespaces
        labelled `team` and `env`;
      - "pods" = bare Pods (with status.podIP in 10.0.0.0/8 and spec.nodeName)
        plus Deployments, StatefulSets and DaemonSets, labelled `app`/`tier`,
        with named container ports (http 8080, metrics 9090, grpc 50051,
        dns 53/UDP, ...); the counts of Pods+workloads add up to SIZE's pods;
      - per namespace mostly a default-deny (podSelector {}, Ingress+Egress)
        and DNS egress to kube-system UDP/TCP 53, then a random mix of allow
        rules: podSelector, namespaceSelector, both in one peer,
        matchExpressions (In, NotIn, Exists, DoesNotExist), ipBlock with
        except, endPort ranges, named ports, UDP and SCTP;
      - a few Node objects with InternalIP addresses.
  * varied: the same namespaces and workloads, with policies drawn at random
    from pools of many distinct ports and port ranges, named ports, IPv4 and
    IPv6 ipBlocks with excepts, matchExpressions (In/NotIn/Exists/
    DoesNotExist), namespaceSelector+podSelector combinations, and
    ingress-only, egress-only and two-way policies.
  * bare-pods: only bare Pods (no workloads), ten per namespace, each with
    status.podIP and spec.nodeName; XL is 100,000 Pods in 10,000 namespaces
    with 50,000 policies (default templates); bare-pods-varied: the same
    Pods with the varied profile's policies.
  * admin, varied-admin: the default (varied) cluster, byte-identical, followed
    by 100 cluster-scoped admin policies: AdminNetworkPolicy and the one
    BaselineAdminNetworkPolicy `default` (policy.networking.k8s.io/v1alpha1)
    and ClusterNetworkPolicy (v1alpha2, tiers Admin and Baseline).

Everything is valid per the semantics spec (semantics.md) and, for admin
policies, the admin-policies spec (admin-policies.md, section 7): label
syntax, port 1..65535, endPort >= port, except strictly inside cidr, priority
bounds, list limits, one BANP named `default`, v1alpha2 range start < end.
`--check` re-validates every generated object with the checks in this file
and fails loudly otherwise.
"""

import argparse
import ipaddress
import json
import os
import random
import re
import sys

SIZES = {
    # name: (pods, namespaces, policies, nodes)
    "S": (200, 20, 100, 3),
    "M": (2000, 200, 1000, 5),
    "L": (20000, 1000, 10000, 8),
    "XL": (100000, 5000, 50000, 20),
}
# bare-pods: ten bare Pods per namespace, no workloads (issue 11's XL shape).
BARE_SIZES = {
    "S": (200, 20, 100, 3),
    "M": (2000, 200, 1000, 5),
    "L": (20000, 2000, 10000, 8),
    "XL": (100000, 10000, 50000, 20),
}
# profile -> the profile whose namespaces, pods and policies it starts from;
# a profile that differs from its base appends the admin policies.
BASE_PROFILE = {"default": "default", "varied": "varied", "bare-pods": "bare-pods",
                "bare-pods-varied": "bare-pods-varied", "admin": "default", "varied-admin": "varied"}
PROFILES = list(BASE_PROFILE)

TEAMS = ["checkout", "payments", "search", "identity", "catalog", "ads",
         "platform", "data", "ml", "growth", "billing", "support"]
ENVS = ["prod", "prod", "staging", "dev"]

# app name -> (tier, container ports as (name, port, protocol))
APPS = [
    ("frontend", "web", [("http", 8080, "TCP"), ("metrics", 9090, "TCP")]),
    ("web", "web", [("http", 8080, "TCP"), ("metrics", 9090, "TCP")]),
    ("api", "api", [("http", 8080, "TCP"), ("grpc", 50051, "TCP"), ("metrics", 9090, "TCP")]),
    ("backend", "api", [("http", 8080, "TCP"), ("grpc", 50051, "TCP"), ("metrics", 9090, "TCP")]),
    ("auth", "api", [("https", 8443, "TCP"), ("metrics", 9090, "TCP")]),
    ("worker", "worker", [("metrics", 9090, "TCP")]),
    ("scheduler", "worker", [("grpc", 50051, "TCP")]),
    ("cache", "data", [("redis", 6379, "TCP")]),
    ("db", "data", [("postgres", 5432, "TCP"), ("metrics", 9187, "TCP")]),
    ("queue", "data", [("amqp", 5672, "TCP"), ("metrics", 15692, "TCP")]),
    ("resolver", "infra", [("dns", 53, "UDP"), ("dns-tcp", 53, "TCP")]),
    ("sip-gw", "edge", [("sip", 5060, "UDP"), ("diameter", 3868, "SCTP")]),
    ("stream", "api", [("rtp-base", 10000, "UDP"), ("http", 8080, "TCP")]),
]
APP_NAMES = [a[0] for a in APPS]
APP_BY_NAME = {a[0]: a for a in APPS}
TIERS = sorted({a[1] for a in APPS})


# --------------------------------------------------------------------------
# Object builders


def meta(name, namespace=None, labels=None):
    m = {"name": name}
    if namespace is not None:
        m["namespace"] = namespace
    if labels:
        m["labels"] = labels
    return m


def containers(app, image_tag):
    _, _, ports = APP_BY_NAME[app]
    port_list = []
    for name, port, proto in ports:
        p = {"name": name, "containerPort": port}
        if proto != "TCP" or name == "dns-tcp":
            p["protocol"] = proto
        port_list.append(p)
    return [{
        "name": app,
        "image": f"registry.example.com/{app}:{image_tag}",
        "ports": port_list,
        "resources": {"requests": {"cpu": "100m", "memory": "128Mi"}},
    }]


def pod_labels(rng, app, instance):
    tier = APP_BY_NAME[app][1]
    labels = {"app": app, "tier": tier,
              "app.kubernetes.io/name": app,
              "app.kubernetes.io/instance": instance}
    r = rng.random()
    if r < 0.1:
        labels["canary"] = "true"
    elif r < 0.3:
        labels["version"] = f"v{rng.randint(1, 4)}"
    return labels


def workload(kind, name, ns, labels, app, replicas, tag):
    sel = {"app": labels["app"], "app.kubernetes.io/instance": labels["app.kubernetes.io/instance"]}
    spec = {}
    if kind in ("Deployment", "StatefulSet"):
        spec["replicas"] = replicas
    if kind == "StatefulSet":
        spec["serviceName"] = name
    spec["selector"] = {"matchLabels": sel}
    spec["template"] = {
        "metadata": {"labels": labels},
        "spec": {"containers": containers(app, tag)},
    }
    return {"apiVersion": "apps/v1", "kind": kind,
            "metadata": meta(name, ns, {"app": labels["app"]}), "spec": spec}


def bare_pod(name, ns, labels, app, tag, ip, node):
    return {"apiVersion": "v1", "kind": "Pod",
            "metadata": meta(name, ns, labels),
            "spec": {"nodeName": node, "containers": containers(app, tag)},
            "status": {"phase": "Running", "hostIP": node_ip(node),
                       "podIP": ip, "podIPs": [{"ip": ip}]}}


def node_ip(node_name):
    idx = int(node_name.rsplit("-", 1)[1])
    return f"192.168.{idx // 250}.{idx % 250 + 1}"


def node(i):
    name = f"node-{i}"
    return {"apiVersion": "v1", "kind": "Node",
            "metadata": meta(name, labels={"kubernetes.io/hostname": name,
                                           "topology.kubernetes.io/zone": f"zone-{chr(ord('a') + i % 3)}"}),
            "status": {"addresses": [
                {"type": "InternalIP", "address": node_ip(name)},
                {"type": "Hostname", "address": name}]}}


def policy(name, ns, spec):
    return {"apiVersion": "networking.k8s.io/v1", "kind": "NetworkPolicy",
            "metadata": meta(name, ns), "spec": spec}


def sel(**labels):
    return {"matchLabels": dict(labels)}


def ns_sel_name(name):
    return {"matchLabels": {"kubernetes.io/metadata.name": name}}


# --------------------------------------------------------------------------
# Policy templates: each takes (rng, ns, ctx) and returns a spec dict.


def p_default_deny(rng, ns, ctx):
    return {"podSelector": {}, "policyTypes": ["Ingress", "Egress"]}


def p_dns(rng, ns, ctx):
    return {"podSelector": {}, "policyTypes": ["Egress"],
            "egress": [{"to": [{"namespaceSelector": ns_sel_name("kube-system"),
                                "podSelector": sel(**{"k8s-app": "kube-dns"})}],
                        "ports": [{"protocol": "UDP", "port": 53},
                                  {"protocol": "TCP", "port": 53}]}]}


def p_pod_to_pod(rng, ns, ctx):
    dst = rng.choice(ctx["apps"])
    src = rng.choice(ctx["apps"])
    ports = [{"port": "http"}] if rng.random() < 0.6 else [{"protocol": "TCP", "port": 8080}]
    return {"podSelector": sel(app=dst),
            "ingress": [{"from": [{"podSelector": sel(app=src)}], "ports": ports}]}


def p_from_team(rng, ns, ctx):
    return {"podSelector": sel(tier=rng.choice(TIERS)),
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": sel(team=rng.choice(TEAMS))}],
                         "ports": [{"protocol": "TCP", "port": 8080},
                                   {"protocol": "TCP", "port": "grpc"}]}]}


def p_combined(rng, ns, ctx):
    return {"podSelector": sel(app=rng.choice(ctx["apps"])),
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": sel(env=rng.choice(["prod", "staging"])),
                                   "podSelector": sel(tier="web")},
                                  {"podSelector": sel(tier="api")}],
                         "ports": [{"port": "grpc"}, {"port": "http"}]}]}


def p_expressions(rng, ns, ctx):
    return {"podSelector": {"matchExpressions": [
                {"key": "tier", "operator": "In", "values": ["api", "data"]}]},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{
                "namespaceSelector": {"matchExpressions": [
                    {"key": "env", "operator": "NotIn", "values": ["dev"]},
                    {"key": "team", "operator": "Exists"}]},
                "podSelector": {"matchLabels": {"tier": "api"},
                                "matchExpressions": [
                                    {"key": "canary", "operator": "DoesNotExist"}]}}]}]}


def p_ipblock_egress(rng, ns, ctx):
    third = rng.randint(0, 250)
    return {"podSelector": sel(tier=rng.choice(["api", "worker"])),
            "policyTypes": ["Egress"],
            "egress": [
                {"to": [{"ipBlock": {"cidr": "0.0.0.0/0",
                                     "except": ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"]}}],
                 "ports": [{"protocol": "TCP", "port": 443}]},
                {"to": [{"ipBlock": {"cidr": f"172.16.{third}.0/24",
                                     "except": [f"172.16.{third}.128/25",
                                                f"172.16.{third}.1/32"]}}],
                 "ports": [{"protocol": "TCP", "port": 5432}]}]}


def p_ipblock_ingress(rng, ns, ctx):
    # An ipBlock naming pod addresses (10.0.0.0/8) and an IPv6 range.
    second = rng.randint(0, 255)
    return {"podSelector": sel(app=rng.choice(ctx["apps"])),
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [
                {"ipBlock": {"cidr": f"10.{second}.0.0/16", "except": [f"10.{second}.128.0/17"]}},
                {"ipBlock": {"cidr": "fd00:10::/32", "except": ["fd00:10:1::/48"]}}]}]}


def p_port_range(rng, ns, ctx):
    lo = rng.choice([1024, 8000, 30000])
    hi = lo + rng.choice([0, 99, 1000, 2767])
    return {"podSelector": sel(tier=rng.choice(TIERS)),
            "policyTypes": ["Egress"],
            "egress": [{"to": [{"namespaceSelector": {}, "podSelector": sel(tier="data")}],
                        "ports": [{"protocol": "TCP", "port": lo, "endPort": hi}]}]}


def p_udp_sctp(rng, ns, ctx):
    return {"podSelector": sel(app="sip-gw"),
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": sel(team=rng.choice(TEAMS))}],
                         "ports": [{"protocol": "UDP", "port": "sip"},
                                   {"protocol": "UDP", "port": 10000, "endPort": 10999},
                                   {"protocol": "SCTP", "port": 3868}]}]}


def p_monitoring(rng, ns, ctx):
    return {"podSelector": {},
            "policyTypes": ["Ingress"],
            "ingress": [{"from": [{"namespaceSelector": ns_sel_name("monitoring"),
                                   "podSelector": sel(app="prometheus")}],
                         "ports": [{"port": "metrics"}, {"protocol": "TCP", "port": 9090}]}]}


def p_cross_ns_egress(rng, ns, ctx):
    other = rng.choice(ctx["namespaces"])
    return {"podSelector": sel(app=rng.choice(ctx["apps"])),
            "egress": [{"to": [{"namespaceSelector": ns_sel_name(other),
                                "podSelector": sel(app=rng.choice(APP_NAMES))}],
                        "ports": [{"port": "http"}, {"protocol": "TCP", "port": 8443}]}]}


def p_same_ns(rng, ns, ctx):
    # policyTypes absent, both sections present: Ingress and Egress.
    return {"podSelector": {},
            "ingress": [{"from": [{"podSelector": {}}]}],
            "egress": [{"to": [{"podSelector": {}}]}]}


def p_allow_all_ingress(rng, ns, ctx):
    return {"podSelector": sel(tier="web"), "ingress": [{}]}


def p_deny_ingress_only(rng, ns, ctx):
    return {"podSelector": sel(app=rng.choice(ctx["apps"])), "policyTypes": ["Ingress"]}


TEMPLATES = [
    ("allow-pod", p_pod_to_pod, 5),
    ("allow-team", p_from_team, 3),
    ("allow-combined", p_combined, 3),
    ("allow-expr", p_expressions, 2),
    ("egress-external", p_ipblock_egress, 2),
    ("ingress-cidr", p_ipblock_ingress, 1),
    ("egress-range", p_port_range, 2),
    ("allow-sip", p_udp_sctp, 1),
    ("allow-monitoring", p_monitoring, 2),
    ("egress-cross-ns", p_cross_ns_egress, 3),
    ("allow-same-ns", p_same_ns, 1),
    ("allow-web", p_allow_all_ingress, 1),
    ("deny-ingress", p_deny_ingress_only, 1),
]
TEMPLATE_WEIGHTS = [t[2] for t in TEMPLATES]


# --------------------------------------------------------------------------
# Varied policies (profile varied): every template draws its ports, address
# blocks and selectors at random from pools sized by the number of policies,
# so a cluster holds many distinct ports, port ranges and ipBlocks while each
# one recurs a few times, as in a real cluster.

COMMON_PORTS = [22, 25, 53, 80, 389, 443, 636, 1433, 1521, 2379, 3000, 3306, 4222,
                5000, 5432, 5672, 6379, 8000, 8080, 8081, 8443, 8888, 9000, 9090,
                9092, 9100, 9187, 9200, 11211, 15672, 15692, 27017, 50051]
# (name, protocol) of every container port the workloads declare.
NAMED_PORTS = sorted({(name, proto) for _, _, ports in APPS for name, _, proto in ports}
                     | {("dns", "UDP"), ("dns-tcp", "TCP")})
PUBLIC_FIRST_OCTETS = [3, 13, 20, 34, 35, 52, 54, 64, 100, 104, 142, 151, 185, 203]


def random_v4_block(rng):
    """A random IPv4 network (in pod, private, node or public space) and the
    most bits an except may add to its prefix."""
    r = rng.random()
    if r < 0.2:
        first, span, lo, hi = 10 << 24, 8, 12, 24                  # pod addresses
    elif r < 0.4:
        first, span, lo, hi = (172 << 24) | (16 << 16), 12, 14, 26
    elif r < 0.5:
        first, span, lo, hi = (192 << 24) | (168 << 16), 16, 18, 28  # node addresses
    else:
        first, span, lo, hi = rng.choice(PUBLIC_FIRST_OCTETS) << 24, 8, 8, 28
    addr = first | rng.getrandbits(32 - span)
    return ipaddress.ip_network((addr, rng.randint(lo, hi)), strict=False), 8


def random_v6_block(rng):
    if rng.random() < 0.8:
        addr = (0xfd << 120) | rng.getrandbits(120)
    else:
        addr = (0x20010db8 << 96) | rng.getrandbits(96)
    return ipaddress.ip_network((addr, rng.randint(32, 64)), strict=False), 16


def with_excepts(rng, net, depth):
    """An ipBlock dict: net, and 0..3 distinct excepts strictly inside it."""
    block = {"cidr": str(net)}
    excepts = []
    for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
        plen = net.prefixlen + rng.randint(1, min(depth, net.max_prefixlen - net.prefixlen))
        offset = rng.getrandbits(net.max_prefixlen - net.prefixlen)
        sub = ipaddress.ip_network((int(net.network_address) | offset, plen), strict=False)
        if str(sub) not in excepts:
            excepts.append(str(sub))
    if excepts:
        block["except"] = excepts
    return block


def varied_pools(n_pol, seed):
    """The ports, ranges and ipBlocks varied policies choose from, in
    numbers that grow with the policies: at L (10,000 policies) 2,000 random
    ports, 500 ranges, 500 IPv4 and 100 IPv6 blocks (with excepts)."""
    rng = random.Random(f"varied-pools:{seed}")
    pools = {"ports": sorted(rng.sample(range(1024, 65536), max(40, n_pol // 5)))}
    ranges = []
    for _ in range(max(10, n_pol // 20)):
        start = rng.randint(1024, 64000)
        end = min(65535, start + rng.choice([1, 9, 15, 99, 255, 999, rng.randint(2, 5000)]))
        ranges.append((start, end))
    pools["ranges"] = ranges
    pools["v4"] = [with_excepts(rng, *random_v4_block(rng)) for _ in range(max(10, n_pol // 20))]
    pools["v6"] = [with_excepts(rng, *random_v6_block(rng)) for _ in range(max(4, n_pol // 100))]
    return pools


def v_protocol(rng):
    r = rng.random()
    return "TCP" if r < 0.82 else "UDP" if r < 0.96 else "SCTP"


def v_port_entry(rng, ctx, named):
    pools = ctx["pools"]
    r = rng.random()
    if named and r < 0.2:
        name, proto = rng.choice(NAMED_PORTS)
        entry = {"port": name}
        if proto != "TCP" or rng.random() < 0.3:
            entry = {"protocol": proto, "port": name}
        return entry
    proto = v_protocol(rng)
    if r < 0.45:
        entry = {"port": rng.choice(COMMON_PORTS)}
    elif r < 0.75:
        entry = {"port": rng.choice(pools["ports"])}
    elif r < 0.98:
        start, end = rng.choice(pools["ranges"])
        entry = {"port": start, "endPort": end}
    else:
        return {"protocol": proto}  # every port of one protocol
    if proto != "TCP" or rng.random() < 0.5:
        entry = {"protocol": proto, **entry}
    return entry


def v_ports(rng, ctx, named=True):
    if rng.random() < 0.05:
        return None
    return [v_port_entry(rng, ctx, named) for _ in range(rng.choice([1, 1, 2, 2, 3, 4]))]


def v_pod_selector(rng, ctx):
    r = rng.random()
    apps = ctx["apps"]
    if r < 0.1:
        return {}
    if r < 0.4:
        return sel(app=rng.choice(apps))
    if r < 0.55:
        return sel(tier=rng.choice(TIERS))
    if r < 0.7:
        return {"matchLabels": {"app": rng.choice(apps)},
                "matchExpressions": [rng.choice([
                    {"key": "version", "operator": "Exists"},
                    {"key": "canary", "operator": "DoesNotExist"},
                    {"key": "version", "operator": "In", "values": ["v1", "v2"]}])]}
    if r < 0.85:
        exprs = [{"key": "tier", "operator": "In", "values": sorted(rng.sample(TIERS, 2))}]
        if rng.random() < 0.5:
            exprs.append({"key": "app", "operator": "NotIn",
                          "values": sorted(rng.sample(APP_NAMES, rng.randint(1, 2)))})
        return {"matchExpressions": exprs}
    return {"matchExpressions": [
        {"key": "app.kubernetes.io/name", "operator": "In",
         "values": sorted(rng.sample(APP_NAMES, rng.randint(1, 3)))},
        {"key": "version", "operator": "NotIn", "values": ["v1"]}]}


def v_ns_selector(rng, ctx):
    """Mostly a few namespaces (by name, by team): a selector as broad as
    "every prod namespace" on both sides of many policies would make the
    matrix quadratic in output, which measures the printer, not the policy
    analysis."""
    r = rng.random()
    names = ctx["namespaces"]
    if r < 0.03:
        return {}
    if r < 0.2:
        return sel(team=rng.choice(TEAMS))
    if r < 0.25:
        return sel(env=rng.choice(["prod", "staging", "dev"]))
    if r < 0.55:
        return ns_sel_name(rng.choice(names))
    if r < 0.8:
        return {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In",
                                      "values": sorted(set(rng.sample(names, min(len(names), rng.randint(2, 4)))))}]}
    if r < 0.9:
        return {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "staging"]},
                                     {"key": "team", "operator": "In", "values": sorted(rng.sample(TEAMS, 2))}]}
    return {"matchLabels": {"team": rng.choice(TEAMS)},
            "matchExpressions": [{"key": "istio-injection", "operator": "Exists"},
                                 {"key": "env", "operator": "NotIn", "values": ["dev"]}]}


def v_ipblock_peer(rng, ctx):
    pool = ctx["pools"]["v6"] if rng.random() < 0.2 else ctx["pools"]["v4"]
    return {"ipBlock": rng.choice(pool)}


def v_peer(rng, ctx):
    r = rng.random()
    if r < 0.25:
        return {"podSelector": v_pod_selector(rng, ctx)}
    if r < 0.35:
        return {"namespaceSelector": v_ns_selector(rng, ctx)}
    if r < 0.75:
        return {"namespaceSelector": v_ns_selector(rng, ctx), "podSelector": v_pod_selector(rng, ctx)}
    return v_ipblock_peer(rng, ctx)


def v_rule(rng, ctx, direction):
    """One ingress or egress rule: 1..3 peers (sometimes none: every peer), ports."""
    key = "from" if direction == "ingress" else "to"
    rule = {}
    if rng.random() < 0.98:
        rule[key] = [v_peer(rng, ctx) for _ in range(rng.choice([1, 1, 2, 3]))]
    # A named port never matches an address: keep them out of egress rules to ipBlocks.
    named = direction == "ingress" or not any("ipBlock" in p for p in rule.get(key, []))
    ports = v_ports(rng, ctx, named)
    if ports:
        rule["ports"] = ports
    return rule


def v_ingress_only(rng, ns, ctx):
    return {"podSelector": v_pod_selector(rng, ctx), "policyTypes": ["Ingress"],
            "ingress": [v_rule(rng, ctx, "ingress") for _ in range(rng.randint(1, 3))]}


def v_egress_only(rng, ns, ctx):
    return {"podSelector": v_pod_selector(rng, ctx), "policyTypes": ["Egress"],
            "egress": [v_rule(rng, ctx, "egress") for _ in range(rng.randint(1, 3))]}


def v_two_way(rng, ns, ctx):
    spec = {"podSelector": v_pod_selector(rng, ctx)}
    if rng.random() < 0.5:
        spec["policyTypes"] = ["Ingress", "Egress"]
    spec["ingress"] = [v_rule(rng, ctx, "ingress") for _ in range(rng.randint(1, 2))]
    spec["egress"] = [v_rule(rng, ctx, "egress") for _ in range(rng.randint(1, 2))]
    return spec


def v_to_cidrs(rng, ns, ctx):
    rules = []
    for _ in range(rng.randint(1, 2)):
        rule = {"to": [v_ipblock_peer(rng, ctx) for _ in range(rng.randint(1, 4))]}
        ports = v_ports(rng, ctx, named=False)
        if ports:
            rule["ports"] = ports
        rules.append(rule)
    return {"podSelector": v_pod_selector(rng, ctx), "policyTypes": ["Egress"], "egress": rules}


def v_from_cidrs(rng, ns, ctx):
    rule = {"from": [v_ipblock_peer(rng, ctx) for _ in range(rng.randint(1, 4))]}
    ports = v_ports(rng, ctx)
    if ports:
        rule["ports"] = ports
    return {"podSelector": v_pod_selector(rng, ctx), "policyTypes": ["Ingress"], "ingress": [rule]}


def v_deny_ingress(rng, ns, ctx):
    return {"podSelector": v_pod_selector(rng, ctx), "policyTypes": ["Ingress"]}


def v_deny_egress(rng, ns, ctx):
    return {"podSelector": v_pod_selector(rng, ctx), "policyTypes": ["Egress"]}


VARIED_TEMPLATES = [
    ("ingress", v_ingress_only, 6),
    ("egress", v_egress_only, 4),
    ("two-way", v_two_way, 2),
    ("egress-cidrs", v_to_cidrs, 2),
    ("ingress-cidrs", v_from_cidrs, 1),
    ("deny-ingress", v_deny_ingress, 1),
    ("deny-egress", v_deny_egress, 1),
]
VARIED_TEMPLATE_WEIGHTS = [t[2] for t in VARIED_TEMPLATES]


# --------------------------------------------------------------------------
# Admin policies (profiles admin, varied-admin): cluster-scoped, appended to
# the base cluster from their own random stream, so the base objects stay
# byte-identical to the base profile's. Shapes per admin-policies.md
# (sections 1, 3-5 and 7).

ADMIN_POLICIES = 100          # per cluster, at every size
ADMIN_V1 = "policy.networking.k8s.io/v1alpha1"
ADMIN_V2 = "policy.networking.k8s.io/v1alpha2"


def a_ns_selector(rng, info):
    r = rng.random()
    names = info["namespaces"]
    if r < 0.1:
        return {}
    if r < 0.3:
        return sel(team=rng.choice(TEAMS))
    if r < 0.45:
        return sel(env=rng.choice(["prod", "staging", "dev"]))
    if r < 0.65:
        return {"matchExpressions": [{"key": "kubernetes.io/metadata.name", "operator": "In",
                                      "values": sorted(set(rng.sample(names, min(len(names), rng.randint(1, 3)))))}]}
    if r < 0.85:
        return {"matchExpressions": [{"key": "env", "operator": "In", "values": ["prod", "staging"]},
                                     {"key": "team", "operator": "NotIn", "values": [rng.choice(TEAMS)]}]}
    return {"matchExpressions": [{"key": "istio-injection", "operator": "Exists"}]}


def a_pod_selector(rng):
    r = rng.random()
    if r < 0.15:
        return {}
    if r < 0.5:
        return sel(app=rng.choice(APP_NAMES))
    if r < 0.7:
        return sel(tier=rng.choice(TIERS))
    if r < 0.85:
        return {"matchExpressions": [{"key": "tier", "operator": "In", "values": sorted(rng.sample(TIERS, 2))}]}
    return {"matchLabels": {"app": rng.choice(APP_NAMES)},
            "matchExpressions": [{"key": "canary", "operator": "DoesNotExist"}]}


def a_pods(rng, info, v2):
    """A `pods` subject or peer; v1alpha2 may leave namespaceSelector out (all namespaces)."""
    if v2 and rng.random() < 0.3:
        return {"podSelector": a_pod_selector(rng)}
    return {"namespaceSelector": a_ns_selector(rng, info), "podSelector": a_pod_selector(rng)}


def a_subject(rng, info, v2):
    if rng.random() < 0.5:
        return {"namespaces": a_ns_selector(rng, info)}
    return {"pods": a_pods(rng, info, v2)}


def a_networks(rng):
    nets = []
    for _ in range(rng.randint(1, 4)):
        net = random_v6_block(rng)[0] if rng.random() < 0.2 else random_v4_block(rng)[0]
        if str(net) not in nets:
            nets.append(str(net))
    return nets


def a_peer(rng, info, direction, v2):
    r = rng.random()
    if direction == "ingress" or r < 0.65:
        if rng.random() < 0.5:
            return {"namespaces": a_ns_selector(rng, info)}
        return {"pods": a_pods(rng, info, v2)}
    if r < 0.75:
        return {"nodes": {} if rng.random() < 0.5 else
                sel(**{"topology.kubernetes.io/zone": f"zone-{rng.choice('abc')}"})}
    return {"networks": a_networks(rng)}


def a_port_number(rng):
    return rng.choice(COMMON_PORTS) if rng.random() < 0.6 else rng.randint(1024, 65535)


def a_range(rng):
    start = rng.randint(1024, 64000)
    return start, start + rng.choice([1, 9, 99, 999])


def a_ports_v1(rng, named):
    """v1alpha1 `ports`: portNumber (protocol defaults to TCP), portRange, namedPort."""
    ports = []
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if named and r < 0.15:
            ports.append({"namedPort": rng.choice(NAMED_PORTS)[0]})
        elif r < 0.7:
            pn = {"port": a_port_number(rng)}
            proto = v_protocol(rng)
            if proto != "TCP" or rng.random() < 0.5:
                pn = {"protocol": proto, **pn}
            ports.append({"portNumber": pn})
        else:
            start, end = a_range(rng)
            ports.append({"portRange": {"protocol": v_protocol(rng), "start": start, "end": end}})
    return ports


def a_protocols_v2(rng, named):
    """v1alpha2 `protocols`: tcp/udp/sctp destinationPort number or range, destinationNamedPort."""
    protocols = []
    for _ in range(rng.randint(1, 3)):
        r = rng.random()
        if named and r < 0.15:
            protocols.append({"destinationNamedPort": rng.choice(NAMED_PORTS)[0]})
            continue
        if r < 0.7:
            port = {"number": a_port_number(rng)}
        else:
            start, end = a_range(rng)
            port = {"range": {"start": start, "end": end}}
        protocols.append({v_protocol(rng).lower(): {"destinationPort": port}})
    return protocols


def a_rules(rng, info, direction, actions, v2):
    rules = []
    key = "from" if direction == "ingress" else "to"
    for k in range(rng.choice([0, 1, 1, 2, 2, 3])):
        action = rng.choices(actions, weights=[4, 3, 2][:len(actions)])[0]
        peers = [a_peer(rng, info, direction, v2) for _ in range(rng.choice([1, 1, 2, 3]))]
        rule = {"name": f"{action.lower()}-{direction}-{k}", "action": action, key: peers}
        # A named port next to a networks or nodes peer is rejected (experimental CRD).
        named = not any("networks" in p or "nodes" in p for p in peers)
        if rng.random() < 0.7:
            if v2:
                rule["protocols"] = a_protocols_v2(rng, named)
            else:
                rule["ports"] = a_ports_v1(rng, named)
        rules.append(rule)
    return rules


def admin_spec(rng, info, v2, actions):
    spec = {"subject": a_subject(rng, info, v2)}
    while True:
        ingress = a_rules(rng, info, "ingress", actions, v2)
        egress = a_rules(rng, info, "egress", actions, v2)
        if ingress or egress:
            break
    if ingress:
        spec["ingress"] = ingress
    if egress:
        spec["egress"] = egress
    return spec


def cluster_object(api, kind, name, spec):
    return {"apiVersion": api, "kind": kind, "metadata": meta(name), "spec": spec}


def admin_policies(seed, info, count=ADMIN_POLICIES):
    """`count` admin policies: six fixed ones a platform team would write
    (deny the cloud metadata address, pass monitoring's ingress to the
    namespaces, allow DNS, the BANP `default`, a baseline default-deny with
    its DNS exception), then random AdminNetworkPolicies (45 %) and
    ClusterNetworkPolicies (Admin 40 %, Baseline 15 %). Priorities are
    distinct inside each tier, so no flow depends on an undefined order."""
    rng = random.Random(f"admin:{seed}")
    kube_dns = {"namespaceSelector": ns_sel_name("kube-system"),
                "podSelector": sel(**{"k8s-app": "kube-dns"})}
    dns_v2 = [{"udp": {"destinationPort": {"number": 53}}},
              {"tcp": {"destinationPort": {"number": 53}}}]
    fixed = [
        cluster_object(ADMIN_V1, "AdminNetworkPolicy", "deny-cloud-metadata", {
            "priority": 1, "subject": {"namespaces": {}},
            "egress": [{"name": "deny-metadata", "action": "Deny",
                        "to": [{"networks": ["169.254.169.254/32", "fd00:ec2::254/128"]}]}]}),
        cluster_object(ADMIN_V1, "AdminNetworkPolicy", "pass-monitoring", {
            "priority": 2, "subject": {"namespaces": {}},
            "ingress": [{"name": "pass-prometheus", "action": "Pass",
                         "from": [{"namespaces": ns_sel_name("monitoring")}],
                         "ports": [{"namedPort": "metrics"},
                                   {"portNumber": {"protocol": "TCP", "port": 9090}}]}]}),
        cluster_object(ADMIN_V2, "ClusterNetworkPolicy", "allow-dns", {
            "tier": "Admin", "priority": 3, "subject": {"namespaces": {}},
            "egress": [{"name": "allow-kube-dns", "action": "Accept",
                        "to": [{"pods": kube_dns}], "protocols": dns_v2}]}),
        cluster_object(ADMIN_V1, "BaselineAdminNetworkPolicy", "default", {
            "subject": {"namespaces": sel(env="dev")},
            "ingress": [{"name": "allow-platform", "action": "Allow",
                         "from": [{"namespaces": sel(team="platform")}]},
                        {"name": "deny-other-namespaces", "action": "Deny",
                         "from": [{"namespaces": {}}]}],
            "egress": [{"name": "deny-internet", "action": "Deny",
                        "to": [{"networks": ["0.0.0.0/0", "::/0"]}],
                        "ports": [{"portNumber": {"protocol": "TCP", "port": 25}}]}]}),
        cluster_object(ADMIN_V2, "ClusterNetworkPolicy", "baseline-allow-dns", {
            "tier": "Baseline", "priority": 10,
            "subject": {"pods": kube_dns},
            "ingress": [{"name": "allow-dns-queries", "action": "Accept",
                         "from": [{"namespaces": {}}], "protocols": dns_v2}]}),
        cluster_object(ADMIN_V2, "ClusterNetworkPolicy", "baseline-default-deny", {
            "tier": "Baseline", "priority": 1000, "subject": {"namespaces": {}},
            "ingress": [{"name": "deny-all", "action": "Deny", "from": [{"namespaces": {}}]}]}),
    ]
    fixed = fixed[:count]
    yield from fixed
    rest = count - len(fixed)
    n_anp = rest * 45 // 100
    n_base = rest * 15 // 100
    n_admin = rest - n_anp - n_base
    admin_prios = iter(rng.sample(range(10, 1001), n_anp + n_admin))
    base_prios = iter(rng.sample(range(11, 1000), n_base))
    kinds = ["anp"] * n_anp + ["admin"] * n_admin + ["baseline"] * n_base
    rng.shuffle(kinds)
    for i, kind in enumerate(kinds):
        if kind == "anp":
            spec = {"priority": next(admin_prios)}
            spec.update(admin_spec(rng, info, False, ["Allow", "Deny", "Pass"]))
            yield cluster_object(ADMIN_V1, "AdminNetworkPolicy", f"anp-{i:03d}", spec)
        else:
            tier = "Admin" if kind == "admin" else "Baseline"
            spec = {"tier": tier,
                    "priority": next(admin_prios if kind == "admin" else base_prios)}
            spec.update(admin_spec(rng, info, True, ["Accept", "Deny", "Pass"]))
            yield cluster_object(ADMIN_V2, "ClusterNetworkPolicy", f"cnp-{tier.lower()}-{i:03d}", spec)


# --------------------------------------------------------------------------
# Cluster


def spread(total, buckets):
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def namespace_objects(rng, n_ns, info):
    """kube-system, monitoring and n_ns - 2 team namespaces; fills info."""
    names = ["kube-system", "monitoring"]
    ns_labels = {"kube-system": {}, "monitoring": {"team": "platform", "env": "prod"}}
    for i in range(n_ns - 2):
        team = TEAMS[i % len(TEAMS)]
        env = rng.choice(ENVS)
        name = f"{team}-{env}-{i:04d}"
        names.append(name)
        labels = {"team": team, "env": env}
        if rng.random() < 0.2:
            labels["istio-injection"] = "enabled"
        ns_labels[name] = labels
    info["namespaces"] = names
    return [{"apiVersion": "v1", "kind": "Namespace",
             "metadata": meta(name, labels=ns_labels[name] or None)} for name in names]


def note_endpoint(info, ns, kind, name):
    """Remembers the first endpoint of each namespace, for bench/run's pair."""
    info.setdefault("first", {}).setdefault(ns, f"{ns}/{kind.lower()}/{name}")


def policy_objects(rng, names, ns_apps, n_pol, templates, weights, ctx, isolated=0.85):
    """Policies: none in kube-system; the rest spread evenly. A fraction
    `isolated` of the namespaces (and monitoring) starts with a default-deny
    and a DNS egress policy."""
    policy_ns = names[1:]
    ctx["namespaces"] = names
    for ns, count in zip(policy_ns, spread(n_pol, len(policy_ns))):
        ctx["apps"] = ns_apps[ns]
        slots = []
        if ns == "monitoring" or rng.random() < isolated:
            slots += [("default-deny", p_default_deny), ("allow-dns", p_dns)]
        slots = slots[:count]
        while len(slots) < count:
            name, fn, _ = rng.choices(templates, weights=weights)[0]
            slots.append((name, fn))
        for k, (name, fn) in enumerate(slots):
            yield policy(f"{name}-{k}", ns, fn(rng, ns, ctx))


def workload_cluster(shape, seed, info, varied=False):
    """Profiles default and varied: workloads and bare Pods, then policies.
    The default profile consumes `rng` exactly as the generator did before
    profiles existed, so its output is unchanged."""
    n_pods, n_ns, n_pol, n_nodes = shape
    rng = random.Random(seed)

    for i in range(n_nodes):
        yield node(i)

    yield from namespace_objects(rng, n_ns, info)
    names = info["namespaces"]

    # Pods and workloads. kube-system gets kube-dns, monitoring prometheus.
    pods_per_ns = spread(n_pods, n_ns)
    pod_counter = 0
    ns_apps = {}
    for ns, count in zip(names, pods_per_ns):
        apps = []
        for j in range(count):
            tag = f"1.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
            if ns == "kube-system" and j == 0:
                app = "kube-dns"
                labels = {"k8s-app": "kube-dns"}
                obj = {"apiVersion": "apps/v1", "kind": "Deployment",
                       "metadata": meta("coredns", ns, {"k8s-app": "kube-dns"}),
                       "spec": {"replicas": 2, "selector": sel(**{"k8s-app": "kube-dns"}),
                                "template": {"metadata": {"labels": labels},
                                             "spec": {"containers": [{
                                                 "name": "coredns",
                                                 "image": "registry.k8s.io/coredns/coredns:v1.11.1",
                                                 "ports": [{"name": "dns", "containerPort": 53, "protocol": "UDP"},
                                                           {"name": "dns-tcp", "containerPort": 53, "protocol": "TCP"},
                                                           {"name": "metrics", "containerPort": 9153, "protocol": "TCP"}]}]}}}}
                note_endpoint(info, ns, "Deployment", "coredns")
                yield obj
                pod_counter += 1
                continue
            if ns == "monitoring" and j == 0:
                labels = {"app": "prometheus", "tier": "infra"}
                note_endpoint(info, ns, "StatefulSet", "prometheus")
                yield {"apiVersion": "apps/v1", "kind": "StatefulSet",
                       "metadata": meta("prometheus", ns, {"app": "prometheus"}),
                       "spec": {"replicas": 2, "serviceName": "prometheus",
                                "selector": sel(app="prometheus"),
                                "template": {"metadata": {"labels": labels},
                                             "spec": {"containers": [{
                                                 "name": "prometheus",
                                                 "image": "quay.io/prometheus/prometheus:v2.51.0",
                                                 "ports": [{"name": "web", "containerPort": 9090}]}]}}}}
                pod_counter += 1
                continue
            app = APP_NAMES[(j + rng.randint(0, 2)) % len(APP_NAMES)]
            apps.append(app)
            instance = f"{app}-{j}"
            labels = pod_labels(rng, app, instance)
            r = rng.random()
            if r < 0.62:
                obj = workload("Deployment", instance, ns, labels, app, rng.randint(1, 5), tag)
            elif r < 0.72:
                obj = workload("StatefulSet", instance, ns, labels, app, rng.randint(1, 3), tag)
            elif r < 0.77:
                obj = workload("DaemonSet", instance, ns, labels, app, 0, tag)
            else:
                ip_index = pod_counter + 1
                ip = f"10.{(ip_index >> 16) & 255}.{(ip_index >> 8) & 255}.{ip_index & 255}"
                nd = f"node-{rng.randrange(n_nodes)}"
                obj = bare_pod(f"{instance}-{rng.randrange(16**5):05x}", ns, labels, app, tag, ip, nd)
            note_endpoint(info, ns, obj["kind"], obj["metadata"]["name"])
            yield obj
            pod_counter += 1
        ns_apps[ns] = sorted(set(apps)) or ["web"]
    assert pod_counter == n_pods

    if varied:
        ctx = {"pools": varied_pools(n_pol, seed)}
        # More namespaces isolated than in the default profile: the pods of
        # unisolated namespaces all talk to each other, and with varied
        # selectors few of them fold into groups, so their block of the
        # matrix would dominate the output.
        yield from policy_objects(rng, names, ns_apps, n_pol, VARIED_TEMPLATES, VARIED_TEMPLATE_WEIGHTS, ctx,
                                  isolated=0.95)
    else:
        yield from policy_objects(rng, names, ns_apps, n_pol, TEMPLATES, TEMPLATE_WEIGHTS, {})


def bare_pods_cluster(shape, seed, info, varied=False):
    """Profile bare-pods: only Pods, as `kubectl get pods -A -o yaml` lists
    them but without ownerReferences (so no pod folding can merge them),
    each with its own address and node. Each Pod draws its labels as the
    default profile draws a workload's (an app, its tier, its own instance
    label, sometimes canary or a version), so the pods of a namespace are
    mostly distinct shapes. Default policy templates, or with `varied` the
    varied profile's (bare-pods-varied)."""
    n_pods, n_ns, n_pol, n_nodes = shape
    rng = random.Random(seed)

    for i in range(n_nodes):
        yield node(i)

    yield from namespace_objects(rng, n_ns, info)
    names = info["namespaces"]

    ip_index = 0
    ns_apps = {}
    for ns, count in zip(names, spread(n_pods, n_ns)):
        apps = []
        for j in range(count):
            if ns == "kube-system" and j < 2:
                app, labels, instance = "resolver", {"k8s-app": "kube-dns"}, "coredns"
            elif ns == "monitoring" and j == 0:
                app, labels, instance = "worker", {"app": "prometheus", "tier": "infra"}, "prometheus"
            else:
                app = APP_NAMES[(j + rng.randint(0, 2)) % len(APP_NAMES)]
                apps.append(app)
                instance = f"{app}-{j}"
                labels = pod_labels(rng, app, instance)
            ip_index += 1
            ip = f"10.{(ip_index >> 16) & 255}.{(ip_index >> 8) & 255}.{ip_index & 255}"
            nd = f"node-{rng.randrange(n_nodes)}"
            tag = f"1.{rng.randint(0, 30)}.{rng.randint(0, 9)}"
            name = f"{instance}-{rng.randrange(16**5):05x}"
            note_endpoint(info, ns, "Pod", name)
            yield bare_pod(name, ns, labels, app, tag, ip, nd)
        ns_apps[ns] = sorted(set(apps)) or ["web"]

    if varied:
        ctx = {"pools": varied_pools(n_pol, seed)}
        yield from policy_objects(rng, names, ns_apps, n_pol, VARIED_TEMPLATES, VARIED_TEMPLATE_WEIGHTS, ctx,
                                  isolated=0.95)
    else:
        yield from policy_objects(rng, names, ns_apps, n_pol, TEMPLATES, TEMPLATE_WEIGHTS, {})


def generate(size, seed, profile="default", info=None, shape=None):
    """Yields the cluster's objects as dicts, in output order. `shape`
    (pods, namespaces, policies, nodes) overrides SIZE's (bench/scaling uses
    it); `info` receives the namespaces and the first endpoint of each."""
    info = {} if info is None else info
    base = BASE_PROFILE[profile]
    bare = base.startswith("bare-pods")
    shape = shape or (BARE_SIZES if bare else SIZES)[size]
    if bare:
        yield from bare_pods_cluster(shape, seed, info, varied=(base == "bare-pods-varied"))
    else:
        yield from workload_cluster(shape, seed, info, varied=(base == "varied"))
    if profile != base:
        yield from admin_policies(seed, info)


def bench_meta(profile, size, seed, info):
    """What bench/run needs to ask about: the first team namespace, and the
    first endpoint of it and of the next namespace (a pair that exists)."""
    names = info["namespaces"]
    ns, other = names[2], names[3]
    return {"profile": profile, "size": size, "seed": seed, "namespace": ns,
            "pair": [info["first"][ns], info["first"][other]]}


# --------------------------------------------------------------------------
# Serialisation


_PLAIN = re.compile(r"^[A-Za-z_][A-Za-z0-9_./-]*$")
_RESERVED = {"true", "false", "yes", "no", "on", "off", "null", "y", "n", "~"}


def yaml_scalar(v):
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        if _PLAIN.match(v) and v.lower() not in _RESERVED:
            return v
        return json.dumps(v)  # a JSON string is a valid YAML double-quoted scalar
    raise TypeError(f"cannot emit {type(v).__name__}")


def emit_yaml(value, out, indent=0):
    """Block-style YAML for dicts/lists of str/int/bool; appends lines to out."""
    pad = " " * indent
    if isinstance(value, dict):
        for k, v in value.items():
            key = yaml_scalar(k)
            if isinstance(v, dict) and v:
                out.append(f"{pad}{key}:")
                emit_yaml(v, out, indent + 2)
            elif isinstance(v, list) and v:
                out.append(f"{pad}{key}:")
                emit_yaml(v, out, indent)
            else:
                out.append(f"{pad}{key}: {flow_empty(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict) and item:
                sub = []
                emit_yaml(item, sub, indent + 2)
                sub[0] = f"{pad}- " + sub[0][indent + 2:]
                out.extend(sub)
            elif isinstance(item, (dict, list)) and not item:
                out.append(f"{pad}- {flow_empty(item)}")
            elif isinstance(item, list):
                raise TypeError("nested lists are not emitted")
            else:
                out.append(f"{pad}- {yaml_scalar(item)}")
    else:
        raise TypeError("top level must be a dict or list")


def flow_empty(v):
    if isinstance(v, dict):
        assert not v
        return "{}"
    if isinstance(v, list):
        assert not v
        return "[]"
    return yaml_scalar(v)


def write_yaml(objects, path):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        count = 0
        for obj in objects:
            lines = ["---"]
            emit_yaml(obj, lines)
            f.write("\n".join(lines))
            f.write("\n")
            count += 1
    return count


def write_json(objects, path):
    with open(path, "w", encoding="utf-8", newline="\n") as f:
        f.write('{"apiVersion": "v1", "kind": "List", "items": [\n')
        count = 0
        for obj in objects:
            if count:
                f.write(",\n")
            f.write(json.dumps(obj, separators=(",", ":")))
            count += 1
        f.write('\n], "metadata": {"resourceVersion": ""}}\n')
    return count


# --------------------------------------------------------------------------
# Self-check: the Validation section of the spec, for what we generate.

_NAME63 = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$")
_DNS_SUB = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$")
_IANA = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?$")


class CheckError(Exception):
    pass


def fail(where, msg):
    raise CheckError(f"{where}: {msg}")


def check_label_key(where, key):
    prefix, _, name = key.rpartition("/")
    if "/" in key and (not prefix or len(prefix) > 253 or not _DNS_SUB.match(prefix)):
        fail(where, f"bad label key prefix {key!r}")
    if not _NAME63.match(name):
        fail(where, f"bad label key {key!r}")


def check_label_value(where, value):
    if not isinstance(value, str) or (value and not _NAME63.match(value)):
        fail(where, f"bad label value {value!r}")


def check_labels(where, labels):
    for k, v in (labels or {}).items():
        check_label_key(where, k)
        check_label_value(where, v)


def check_selector(where, s):
    if s is None:
        return
    check_labels(where + ".matchLabels", s.get("matchLabels"))
    for i, e in enumerate(s.get("matchExpressions", [])):
        w = f"{where}.matchExpressions[{i}]"
        check_label_key(w, e["key"])
        op, values = e["operator"], e.get("values", [])
        if op in ("In", "NotIn"):
            if not values:
                fail(w, "values required")
        elif op in ("Exists", "DoesNotExist"):
            if values:
                fail(w, "values must be empty")
        else:
            fail(w, f"bad operator {op!r}")
        for v in values:
            check_label_value(w, v)


def check_port_name(where, name):
    if not (1 <= len(name) <= 15 and _IANA.match(name) and "--" not in name
            and re.search(r"[a-z]", name)):
        fail(where, f"bad port name {name!r}")


def check_ports(where, ports):
    for i, p in enumerate(ports or []):
        w = f"{where}[{i}]"
        if p.get("protocol", "TCP") not in ("TCP", "UDP", "SCTP"):
            fail(w, "bad protocol")
        port = p.get("port")
        if isinstance(port, str):
            check_port_name(w, port)
        elif port is not None and not 1 <= port <= 65535:
            fail(w, "port out of range")
        if "endPort" in p:
            if not isinstance(port, int) or not port <= p["endPort"] <= 65535:
                fail(w, "bad endPort")


def check_peers(where, peers):
    for i, peer in enumerate(peers or []):
        w = f"{where}[{i}]"
        has_sel = "podSelector" in peer or "namespaceSelector" in peer
        if has_sel == ("ipBlock" in peer):
            fail(w, "peer needs exactly one of selectors or ipBlock")
        check_selector(w + ".podSelector", peer.get("podSelector"))
        check_selector(w + ".namespaceSelector", peer.get("namespaceSelector"))
        if "ipBlock" in peer:
            net = ipaddress.ip_network(peer["ipBlock"]["cidr"], strict=False)
            for ex in peer["ipBlock"].get("except", []):
                exn = ipaddress.ip_network(ex, strict=False)
                if exn.version != net.version or not exn.subnet_of(net) or exn == net:
                    fail(w, f"except {ex} not strictly inside {net}")


# Admin policies: admin-policies.md section 7 (what the API server rejects).
ADMIN_LIMITS = {ADMIN_V1: 100, ADMIN_V2: 25}   # rules per direction, peers, ports


def check_cidr(where, cidr):
    if not isinstance(cidr, str) or len(cidr) > 43:
        fail(where, f"bad CIDR {cidr!r}")
    try:
        net = ipaddress.ip_network(cidr, strict=False)
    except ValueError:
        fail(where, f"bad CIDR {cidr!r}")
    if net.version == 6 and net.network_address.ipv4_mapped is not None:
        fail(where, f"IPv4-mapped CIDR {cidr!r}")


def check_admin_pods(where, pods, v2):
    if "podSelector" not in pods or (not v2 and "namespaceSelector" not in pods):
        fail(where, "pods needs podSelector" + ("" if v2 else " and namespaceSelector"))
    if set(pods) - {"namespaceSelector", "podSelector"}:
        fail(where, f"unknown fields {sorted(set(pods))}")
    check_selector(where + ".namespaceSelector", pods.get("namespaceSelector"))
    check_selector(where + ".podSelector", pods["podSelector"])


def check_admin_port_range(where, r, v2):
    for k in ("start", "end"):
        if not isinstance(r.get(k), int) or not 1 <= r[k] <= 65535:
            fail(where, f"bad range {k}")
    if not r["start"] < r["end"]:  # CEL in v1alpha2; always a mistake in v1alpha1
        fail(where, "range start must be less than end")


def check_admin_ports(where, rule, v2, named_ok):
    key = "protocols" if v2 else "ports"
    entries = rule.get(key)
    if entries is None:
        return
    if not 1 <= len(entries) <= ADMIN_LIMITS[ADMIN_V2 if v2 else ADMIN_V1]:
        fail(where, f"{key}: 1..N entries")
    for i, e in enumerate(entries):
        w = f"{where}.{key}[{i}]"
        if len(e) != 1:
            fail(w, "exactly one field")
        (field, value), = e.items()
        if field in ("namedPort", "destinationNamedPort"):
            if field != ("destinationNamedPort" if v2 else "namedPort"):
                fail(w, f"{field} in the wrong version")
            if not named_ok:
                fail(w, "named port next to a networks/nodes peer")
            check_port_name(w, value)
        elif not v2 and field == "portNumber":
            if value.get("protocol", "TCP") not in ("TCP", "UDP", "SCTP"):
                fail(w, "bad protocol")
            if not isinstance(value.get("port"), int) or not 1 <= value["port"] <= 65535:
                fail(w, "bad port")
        elif not v2 and field == "portRange":
            if value.get("protocol", "TCP") not in ("TCP", "UDP", "SCTP"):
                fail(w, "bad protocol")
            check_admin_port_range(w, value, v2)
        elif v2 and field in ("tcp", "udp", "sctp"):
            dp = value.get("destinationPort")
            if not value or set(value) != {"destinationPort"} or not isinstance(dp, dict) or len(dp) != 1:
                fail(w, "tcp/udp/sctp needs destinationPort with exactly one of number, range")
            if "number" in dp:
                if not isinstance(dp["number"], int) or not 1 <= dp["number"] <= 65535:
                    fail(w, "bad number")
            elif "range" in dp:
                check_admin_port_range(w, dp["range"], v2)
            else:
                fail(w, "destinationPort needs number or range")
        else:
            fail(w, f"unknown port field {field!r}")


def check_admin_rule(where, rule, direction, v2, actions):
    limit = ADMIN_LIMITS[ADMIN_V2 if v2 else ADMIN_V1]
    if rule.get("action") not in actions:
        fail(where, f"bad action {rule.get('action')!r}")
    if len(rule.get("name", "")) > 100:
        fail(where, "name longer than 100 characters")
    key = "from" if direction == "ingress" else "to"
    peers = rule.get(key)
    if not peers or len(peers) > limit:
        fail(where, f"{key}: 1..{limit} peers")
    allowed = {"namespaces", "pods"} if direction == "ingress" else {"namespaces", "pods", "nodes", "networks"}
    for i, peer in enumerate(peers):
        w = f"{where}.{key}[{i}]"
        if len(peer) != 1 or not set(peer) <= allowed:
            fail(w, f"peer needs exactly one of {sorted(allowed)}")
        (field, value), = peer.items()
        if field in ("namespaces", "nodes"):
            check_selector(f"{w}.{field}", value)
        elif field == "pods":
            check_admin_pods(w + ".pods", value, v2)
        else:
            if not 1 <= len(value) <= 25 or len(set(value)) != len(value):
                fail(w, "networks: 1..25 distinct CIDRs")
            for cidr in value:
                check_cidr(w + ".networks", cidr)
    named_ok = not any("networks" in p or "nodes" in p for p in peers)
    check_admin_ports(where, rule, v2, named_ok)
    if set(rule) - {"name", "action", key, "protocols" if v2 else "ports"}:
        fail(where, f"unknown rule fields {sorted(rule)}")


def check_admin(where, obj, state):
    kind, spec = obj["kind"], obj["spec"]
    v2 = kind == "ClusterNetworkPolicy"
    if obj["apiVersion"] != (ADMIN_V2 if v2 else ADMIN_V1) or "namespace" in obj["metadata"]:
        fail(where, "bad apiVersion or namespaced")
    if kind == "BaselineAdminNetworkPolicy":
        if obj["metadata"]["name"] != "default":
            fail(where, "a BaselineAdminNetworkPolicy must be named default")
        state["banp"] = state.get("banp", 0) + 1
        if state["banp"] > 1:
            fail(where, "more than one BaselineAdminNetworkPolicy")
        actions = ("Allow", "Deny")
    elif kind == "AdminNetworkPolicy":
        actions = ("Allow", "Deny", "Pass")
    else:
        actions = ("Accept", "Deny", "Pass")
        if spec.get("tier") not in ("Admin", "Baseline"):
            fail(where, "bad tier")
    if kind != "BaselineAdminNetworkPolicy":
        prio = spec.get("priority")
        if not isinstance(prio, int) or isinstance(prio, bool) or not 0 <= prio <= 1000:
            fail(where, "priority must be an integer 0..1000")
    subject = spec.get("subject", {})
    if len(subject) != 1 or not set(subject) <= {"namespaces", "pods"}:
        fail(where, "subject needs exactly one of namespaces, pods")
    if "namespaces" in subject:
        check_selector(where + " spec.subject.namespaces", subject["namespaces"])
    else:
        check_admin_pods(where + " spec.subject.pods", subject["pods"], v2)
    limit = ADMIN_LIMITS[ADMIN_V2 if v2 else ADMIN_V1]
    for direction in ("ingress", "egress"):
        rules = spec.get(direction, [])
        if len(rules) > limit:
            fail(where, f"more than {limit} {direction} rules")
        for i, rule in enumerate(rules):
            check_admin_rule(f"{where} spec.{direction}[{i}]", rule, direction, v2, actions)


def check_object(obj, state):
    ns = obj["metadata"].get("namespace")
    where = f"{obj['kind']} {ns + '/' if ns else ''}{obj['metadata']['name']}"
    check_labels(where, obj["metadata"].get("labels"))
    kind = obj["kind"]
    if kind == "NetworkPolicy":
        spec = obj["spec"]
        check_selector(where + " spec.podSelector", spec["podSelector"])
        types = spec.get("policyTypes", [])
        if len(set(types)) != len(types) or not set(types) <= {"Ingress", "Egress"}:
            fail(where, "bad policyTypes")
        for d, peers in (("ingress", "from"), ("egress", "to")):
            for i, rule in enumerate(spec.get(d, [])):
                check_peers(f"{where} spec.{d}[{i}].{peers}", rule.get(peers))
                check_ports(f"{where} spec.{d}[{i}].ports", rule.get("ports"))
    elif kind in ("AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy"):
        check_admin(where, obj, state)
    elif kind in ("Deployment", "StatefulSet", "DaemonSet", "Pod"):
        pod = obj if kind == "Pod" else obj["spec"]["template"]
        check_labels(where + " template", pod.get("metadata", {}).get("labels"))
        for c in pod["spec"]["containers"]:
            for p in c.get("ports", []):
                check_port_name(where, p["name"])
                if not 1 <= p["containerPort"] <= 65535:
                    fail(where, "containerPort out of range")


# --------------------------------------------------------------------------


def main(argv=None):
    ap = argparse.ArgumentParser(description="Generate a deterministic synthetic cluster.")
    ap.add_argument("size", type=str.upper, choices=sorted(SIZES))
    ap.add_argument("outdir")
    ap.add_argument("--profile", choices=PROFILES, default="default",
                    help="cluster shape (default: default)")
    ap.add_argument("--format", choices=["yaml", "json"], default="yaml")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true",
                    help="validate every generated object against the spec's rules")
    args = ap.parse_args(argv)

    os.makedirs(args.outdir, exist_ok=True)
    path = os.path.join(args.outdir, f"cluster.{args.format}")
    info = {}
    objects = generate(args.size, args.seed, args.profile, info)
    if args.check:
        state = {}
        objects = (check_object(o, state) or o for o in objects)
    tmp = path + ".tmp"
    try:
        count = (write_yaml if args.format == "yaml" else write_json)(objects, tmp)
    except CheckError as e:
        os.unlink(tmp)
        print(f"generate.py: invalid object: {e}", file=sys.stderr)
        return 1
    os.replace(tmp, path)
    with open(os.path.join(args.outdir, "cluster.meta.json"), "w", encoding="utf-8") as f:
        json.dump(bench_meta(args.profile, args.size, args.seed, info), f, indent=1)
        f.write("\n")
    print(f"{path}: {count} documents, {os.path.getsize(path)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
