#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Deterministic synthetic cluster generator for npcheck benchmarks.

    bench/generate.py SIZE OUTDIR [--format yaml|json] [--seed N] [--check]

SIZE is S, M, L or XL. The output is one file, OUTDIR/cluster.yaml (multi-
document YAML) or OUTDIR/cluster.json (a single `kind: List`, as
`kubectl get -o json` prints it). The same size and seed always give
byte-identical output: every random choice comes from one random.Random(seed)
and every object is built as a dict and serialised in insertion order, so the
YAML and JSON forms of one size/seed describe the same objects.

Shape of a cluster:
  * `kube-system` (kube-dns Deployment, k8s-app=kube-dns) and `monitoring`
    (a Prometheus Deployment) namespaces, then generated namespaces labelled
    `team` and `env`;
  * "pods" = bare Pods (with status.podIP in 10.0.0.0/8 and spec.nodeName)
    plus Deployments, StatefulSets and DaemonSets, labelled `app`/`tier`,
    with named container ports (http 8080, metrics 9090, grpc 50051,
    dns 53/UDP, ...); the counts of Pods+workloads add up to SIZE's pods;
  * per namespace mostly a default-deny (podSelector {}, Ingress+Egress) and
    DNS egress to kube-system UDP/TCP 53, then a random mix of allow rules:
    podSelector, namespaceSelector, both in one peer, matchExpressions (In,
    NotIn, Exists, DoesNotExist), ipBlock with except, endPort ranges, named
    ports, UDP and SCTP;
  * a few Node objects with InternalIP addresses.

Everything is valid per the semantics spec (semantics.md) (label syntax, port 1..65535,
endPort >= port, except strictly inside cidr); `--check` re-validates every
generated object with the checks in this file and fails loudly otherwise.
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
# Cluster


def spread(total, buckets):
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


def generate(size, seed):
    """Yields the cluster's objects as dicts, in output order."""
    n_pods, n_ns, n_pol, n_nodes = SIZES[size]
    rng = random.Random(seed)

    for i in range(n_nodes):
        yield node(i)

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
    for name in names:
        yield {"apiVersion": "v1", "kind": "Namespace",
               "metadata": meta(name, labels=ns_labels[name] or None)}

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
                yield obj
                pod_counter += 1
                continue
            if ns == "monitoring" and j == 0:
                labels = {"app": "prometheus", "tier": "infra"}
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
                yield workload("Deployment", instance, ns, labels, app, rng.randint(1, 5), tag)
            elif r < 0.72:
                yield workload("StatefulSet", instance, ns, labels, app, rng.randint(1, 3), tag)
            elif r < 0.77:
                yield workload("DaemonSet", instance, ns, labels, app, 0, tag)
            else:
                ip_index = pod_counter + 1
                ip = f"10.{(ip_index >> 16) & 255}.{(ip_index >> 8) & 255}.{ip_index & 255}"
                nd = f"node-{rng.randrange(n_nodes)}"
                yield bare_pod(f"{instance}-{rng.randrange(16**5):05x}", ns, labels, app, tag, ip, nd)
            pod_counter += 1
        ns_apps[ns] = sorted(set(apps)) or ["web"]
    assert pod_counter == n_pods

    # Policies: none in kube-system; the rest spread evenly.
    policy_ns = names[1:]
    ctx = {"namespaces": names}
    for ns, count in zip(policy_ns, spread(n_pol, len(policy_ns))):
        ctx["apps"] = ns_apps[ns]
        slots = []
        if ns == "monitoring" or rng.random() < 0.85:
            slots += [("default-deny", p_default_deny), ("allow-dns", p_dns)]
        slots = slots[:count]
        while len(slots) < count:
            name, fn, _ = rng.choices(TEMPLATES, weights=TEMPLATE_WEIGHTS)[0]
            slots.append((name, fn))
        for k, (name, fn) in enumerate(slots):
            yield policy(f"{name}-{k}", ns, fn(rng, ns, ctx))


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


def check_object(obj):
    where = f"{obj['kind']} {obj['metadata'].get('namespace', '')}/{obj['metadata']['name']}"
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
    ap.add_argument("--format", choices=["yaml", "json"], default="yaml")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", action="store_true",
                    help="validate every generated object against the spec's rules")
    args = ap.parse_args(argv)

    os.makedirs(args.outdir, exist_ok=True)
    path = os.path.join(args.outdir, f"cluster.{args.format}")
    objects = generate(args.size, args.seed)
    if args.check:
        objects = (check_object(o) or o for o in objects)
    tmp = path + ".tmp"
    try:
        count = (write_yaml if args.format == "yaml" else write_json)(objects, tmp)
    except CheckError as e:
        os.unlink(tmp)
        print(f"generate.py: invalid object: {e}", file=sys.stderr)
        return 1
    os.replace(tmp, path)
    print(f"{path}: {count} documents, {os.path.getsize(path)} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
