#!/usr/bin/env python3
"""Writes scenarios/<name>.expected: the truth tables that the upstream e2e
network-policy tests assert for each scenario, written here by hand as rules
(an oracle independent of npcheck). Rows are sources, columns destinations;
'.' allowed, 'X' denied (cyclonus' notation). Self traffic is always allowed.
Run it after changing a scenario; tests/cli/e2e_truth_table_test.cpp compares
npcheck's answers with these files."""
import os

PODS = [f"{ns}/{p}" for ns in "xyz" for p in "abc"]
PROBES = [("TCP", 80), ("TCP", 81), ("UDP", 80), ("SCTP", 80), ("SCTP", 81)]

def ns(e): return e.split("/")[0]
def pod(e): return e.split("/")[1]
def yes(*_): return True

# scenario -> (ingress_ok(src, dst, proto, port), egress_ok(src, dst, proto, port))
S = {
    "deny-all-ingress-x": (lambda s, d, pr, po: ns(d) != "x", yes),
    "allow-same-namespace-x": (lambda s, d, pr, po: ns(d) != "x" or ns(s) == "x", yes),
    "allow-from-namespace-y-to-xa": (lambda s, d, pr, po: d != "x/a" or ns(s) == "y", yes),
    "combined-namespace-y-and-pod-b": (lambda s, d, pr, po: d != "x/a" or s == "y/b", yes),
    "separate-namespace-y-or-pod-b": (lambda s, d, pr, po: d != "x/a" or ns(s) == "y" or s == "x/b", yes),
    "all-namespaces-pod-b": (lambda s, d, pr, po: d != "x/a" or pod(s) == "b", yes),
    "port-81-to-xa": (lambda s, d, pr, po: d != "x/a" or (pr, po) == ("TCP", 81), yes),
    "named-port-udp-to-xa": (lambda s, d, pr, po: d != "x/a" or (pr, po) == ("UDP", 80), yes),
    "deny-all-egress-xa": (yes, lambda s, d, pr, po: s != "x/a"),
    "egress-endport-to-y": (yes, lambda s, d, pr, po: s != "x/a" or (ns(d) == "y" and pr == "SCTP" and po in (80, 81))),
    "ipblock-except-ingress-xa": (lambda s, d, pr, po: d != "x/a" or (ns(s) == "y" and s != "y/b"), yes),
    "ingress-and-egress-x": (lambda s, d, pr, po: ns(d) != "x" or ns(s) in ("y", "z"),
                             lambda s, d, pr, po: ns(s) != "y" or (d == "x/a" and (pr, po) == ("TCP", 80))),
}

def table(name):
    ing, eg = S[name]
    lines = []
    for pr, po in PROBES:
        lines.append(f"{pr}/{po}")
        lines.append("    " + " ".join(PODS))
        for s in PODS:
            row = []
            for d in PODS:
                ok = s == d or (ing(s, d, pr, po) and eg(s, d, pr, po))
                row.append(". " if ok else "X ")
            lines.append(s + "  " + "  ".join(row))
        lines.append("")
    return "\n".join(lines)

here = os.path.join(os.path.dirname(os.path.abspath(__file__)), "scenarios")
for name in S:
    assert os.path.exists(os.path.join(here, name + ".yaml")), name
    with open(os.path.join(here, name + ".expected"), "w") as f:
        f.write(table(name) + "\n")
