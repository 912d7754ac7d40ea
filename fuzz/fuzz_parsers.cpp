// SPDX-License-Identifier: Apache-2.0
//
// The small parsers on their own. The first byte picks a parser, the rest is
// its text:
//  0  IpAddress::parse: accepted text is made of address characters, an IPv4
//     text is exactly what a reference dotted-quad reader accepts and is
//     canonical, and to_string() round-trips;
//  1  Cidr::parse: round trip, first() <= address <= last() with the prefix
//     bits of address and the host bits cleared/set, contains();
//  2  two CIDRs ("a b"): Cidr::contains and AddressSet (of, subtract,
//     ranges) against bitwise reference answers at every edge;
//  3  label keys and values, DNS labels and subdomains and port names:
//     model's checkers against apimachinery's regular expressions;
//  4  a label selector, as the YAML text of spec.podSelector of a tiny
//     NetworkPolicy (5: the same in JSON): validation's promises, and
//     analyzer::matches against the naive matcher;
//  6  protocol, port and endPort ("P\nQ\nE") of a NetworkPolicy port: when
//     all three are simple scalars, accepted iff the API server would;
//  7  an endpoint argument through cli::parse_endpoint on a fixed inventory:
//     an endpoint or model::Error, never anything else, and the endpoint a
//     reference lookup finds.
#include "targets.hpp"

#include "check.hpp"
#include "invariants.hpp"
#include "ip_value.hpp"
#include "object_builder.hpp"
#include "reference_syntax.hpp"
#include "support/naive_evaluator.hpp"

#include "endpoint_arg.hpp"
#include "explain.hpp"

#include <npcheck/analyzer/address_set.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/analyzer/selector_match.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/ip_address.hpp>
#include <npcheck/model/load.hpp>

#include <algorithm>
#include <cctype>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace npcheck::fuzz {

namespace {

namespace naive = testing::naive;

std::string quoted(std::string_view text) {
  std::string out = "'";
  for (char c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) >= 0x7f) {
      static const char k_hex[] = "0123456789abcdef";
      out += "\\x";
      out += k_hex[(static_cast<unsigned char>(c) >> 4) & 0xf];
      out += k_hex[static_cast<unsigned char>(c) & 0xf];
    } else {
      out += c;
    }
  }
  return out + "'";
}

int family_bits(model::IpFamily family) { return family == model::IpFamily::v4 ? 32 : 128; }

bool bit(const model::IpAddress& ip, int i) {
  return ((ip.bytes[static_cast<std::size_t>(i / 8)] >> (7 - i % 8)) & 1) != 0;
}


// A strict dotted quad: four decimal octets 0..255 without leading zeros.
std::optional<std::uint32_t> reference_v4(std::string_view text) {
  std::uint32_t value = 0;
  int octets = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t start = i;
    unsigned octet = 0;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9' && i - start < 4) {
      octet = octet * 10 + static_cast<unsigned>(text[i] - '0');
      ++i;
    }
    const std::size_t digits = i - start;
    if (digits == 0 || digits > 3 || octet > 255 || (digits > 1 && text[start] == '0')) {
      return std::nullopt;
    }
    value = (value << 8) | octet;
    if (++octets == 4) {
      return i == text.size() ? std::optional<std::uint32_t>(value) : std::nullopt;
    }
    if (i >= text.size() || text[i] != '.') {
      return std::nullopt;
    }
    ++i;
  }
}

void check_ip(std::string_view text) {
  const std::optional<model::IpAddress> ip = model::IpAddress::parse(text);
  if (text.find(':') == std::string_view::npos) {
    const std::optional<std::uint32_t> expected = reference_v4(text);
    if (ip.has_value() != expected.has_value() || (ip && (ip->family != model::IpFamily::v4 || ip->v4() != *expected))) {
      fail("IpAddress::parse(" + quoted(text) + ") disagrees with the dotted-quad reference");
    }
  }
  if (!ip) {
    return;
  }
  if (text.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos) {
    fail("IpAddress::parse accepted " + quoted(text));
  }
  const std::string shown = ip->to_string();
  const std::optional<model::IpAddress> again = model::IpAddress::parse(shown);
  if (!again || *again != *ip || again->to_string() != shown) {
    fail("IpAddress " + quoted(text) + " does not round-trip through '" + shown + "'");
  }
  if (ip->family == model::IpFamily::v4) {
    if (shown != text || model::IpAddress::from_v4(ip->v4()) != *ip) {
      fail("IPv4 " + quoted(text) + " not canonical or not stable through v4()");
    }
  } else {
    const auto [high, low] = ip->v6();
    if (model::IpAddress::from_v6(high, low) != *ip) {
      fail("IPv6 " + quoted(text) + " not stable through v6()");
    }
  }
  for (std::size_t i = ip->family == model::IpFamily::v4 ? 4 : 16; i < 16; ++i) {
    if (ip->bytes[i] != 0) {
      fail("IPv4 " + quoted(text) + " with bytes beyond the fourth");
    }
  }
}

void check_cidr(std::string_view text) {
  const std::optional<model::Cidr> cidr = model::Cidr::parse(text);
  if (!cidr) {
    return;
  }
  const std::string shown = cidr->to_string();
  if (model::Cidr::parse(shown) != cidr) {
    fail("Cidr " + quoted(text) + " does not round-trip through '" + shown + "'");
  }
  const int bits = family_bits(cidr->address.family);
  if (cidr->prefix < 0 || cidr->prefix > bits) {
    fail("Cidr " + quoted(text) + " with prefix out of range");
  }
  const model::IpAddress first = cidr->first();
  const model::IpAddress last = cidr->last();
  if (first.family != cidr->address.family || last.family != cidr->address.family ||
      !(first <= cidr->address) || !(cidr->address <= last)) {
    fail("Cidr " + quoted(text) + ": first/last out of order or of another family");
  }
  for (int i = 0; i < bits; ++i) {
    const bool network = i < cidr->prefix;
    if (bit(first, i) != (network && bit(cidr->address, i)) || bit(last, i) != (!network || bit(cidr->address, i))) {
      fail("Cidr " + quoted(text) + ": wrong first() or last() at bit " + std::to_string(i));
    }
  }
  if (cidr->has_host_bits() != (first != cidr->address)) {
    fail("Cidr " + quoted(text) + ": has_host_bits() wrong");
  }
  if (!cidr->contains(first) || !cidr->contains(last) || !cidr->contains(cidr->address) || !cidr->contains(*cidr)) {
    fail("Cidr " + quoted(text) + " does not contain its own addresses");
  }
}

// Both CIDRs' edges and their neighbours.
std::vector<model::IpAddress> edges(const model::Cidr& a, const model::Cidr& b) {
  std::vector<model::IpAddress> out;
  for (const model::Cidr* c : {&a, &b}) {
    const U128 max = family_max(c->address.family);
    for (const model::IpAddress& ip : {c->first(), c->last()}) {
      const U128 value = value_of(ip);
      out.push_back(ip);
      if (value > 0) {
        out.push_back(address_of(ip.family, value - 1));
      }
      if (value < max) {
        out.push_back(address_of(ip.family, value + 1));
      }
    }
  }
  return out;
}

void check_cidr_pair(std::string_view text) {
  const std::size_t space = text.find(' ');
  if (space == std::string_view::npos) {
    return;
  }
  const std::optional<model::Cidr> a = model::Cidr::parse(text.substr(0, space));
  const std::optional<model::Cidr> b = model::Cidr::parse(text.substr(space + 1));
  if (!a || !b) {
    return;
  }
  const bool inside = a->address.family == b->address.family && b->prefix >= a->prefix &&
                      naive::in_cidr(b->address, *a);
  if (a->contains(*b) != inside) {
    fail("Cidr " + a->to_string() + " contains " + b->to_string() + ": got " + (inside ? "no" : "yes"));
  }
  const analyzer::AddressSet set_a = analyzer::AddressSet::of(*a);
  const analyzer::AddressSet difference = set_a - analyzer::AddressSet::of(*b);
  const analyzer::AddressSet both = analyzer::AddressSet::of(*b) | set_a;
  for (const model::IpAddress& ip : edges(*a, *b)) {
    const bool in_a = naive::in_cidr(ip, *a);
    const bool in_b = naive::in_cidr(ip, *b);
    if (a->contains(ip) != in_a || set_a.contains(ip) != in_a || difference.contains(ip) != (in_a && !in_b) ||
        both.contains(ip) != (in_a || in_b)) {
      fail("CIDRs " + a->to_string() + " and " + b->to_string() + " disagree with the reference at " +
           ip.to_string());
    }
  }
  // ranges(): maximal, ordered, IPv4 first; empty set iff no ranges.
  const std::vector<analyzer::AddressRange> ranges = difference.ranges();
  if (ranges.empty() != difference.empty()) {
    fail("AddressSet::ranges and empty disagree");
  }
  for (std::size_t i = 0; i < ranges.size(); ++i) {
    if (ranges[i].first.family != ranges[i].last.family || ranges[i].last < ranges[i].first) {
      fail("AddressSet range out of order");
    }
    if (i > 0 && ranges[i - 1].last.family == ranges[i].first.family &&
        value_of(ranges[i - 1].last) + 1 >= value_of(ranges[i].first)) {
      fail("AddressSet ranges not maximal or overlapping");
    }
  }
}

void check_syntax(std::string_view text) {
  using namespace model::detail;
  struct Checker {
    const char* name;
    std::string (*model)(std::string_view);
    bool (*reference)(std::string_view);
  };
  static const Checker k_checkers[] = {
      {"label key", check_label_key, reference::label_key},
      {"label value", check_label_value, reference::label_value},
      {"DNS label", check_dns_label, reference::dns_label},
      {"DNS subdomain", check_dns_subdomain, reference::dns_subdomain},
      {"port name", check_port_name, reference::port_name},
  };
  for (const Checker& checker : k_checkers) {
    const bool valid = checker.model(text).empty();
    if (valid != checker.reference(text)) {
      fail(std::string(checker.name) + " " + quoted(text) + ": model says " + (valid ? "valid" : "invalid") +
           ", apimachinery's expression the opposite");
    }
  }
}

// Loads text; returns the inventory when it has exactly one policy.
std::optional<model::Inventory> load_policy(const std::string& text) {
  model::LoadOptions options;
  options.threads = 1;
  options.limits.max_depth = 32;
  model::Inventory inventory = model::load_string(text, "input.yaml", options);
  check_diagnostics(inventory, text, "input.yaml");
  if (!inventory.ok()) {
    return std::nullopt;
  }
  check_valid_inventory(inventory);
  if (inventory.policies.size() != 1) {
    fail("a policy manifest loaded without errors into " + std::to_string(inventory.policies.size()) +
         " policies");
  }
  return inventory;
}

void check_selector_manifest(std::string_view text, bool json) {
  const std::string manifest =
      json ? "{\"apiVersion\": \"networking.k8s.io/v1\", \"kind\": \"NetworkPolicy\", \"metadata\": "
             "{\"name\": \"p\"}, \"spec\": {\"podSelector\": " +
                 std::string(text) + "}}\n"
           : "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n  podSelector: " +
                 std::string(text) + "\n";
  const std::optional<model::Inventory> inventory = load_policy(manifest);
  if (!inventory) {
    return;
  }
  const model::LabelSelector& selector = inventory->policies[0].pod_selector;
  check_selector(selector, "spec.podSelector");
  (void)selector.to_string();
  // Label sets around the selector: none, its matchLabels, and each
  // requirement's key with each of its values or another one.
  std::vector<model::Labels> samples{model::Labels{}, selector.match_labels};
  for (const model::Requirement& requirement : selector.match_expressions) {
    std::vector<std::string> values = requirement.values;
    values.push_back("other");
    for (const std::string& value : values) {
      model::Labels labels = selector.match_labels;
      labels.set(requirement.key, value);
      samples.push_back(labels);
      samples.push_back(samples.back());
      for (const model::Requirement& r : selector.match_expressions) {
        if (!r.values.empty()) {
          samples.back().set(r.key, r.values.front());
        }
      }
    }
  }
  for (const model::Labels& labels : samples) {
    if (analyzer::matches(selector, labels) != naive::selects(selector, labels)) {
      fail("selector " + selector.to_string() + " on {" + labels.to_string() + "}: matches() disagrees with the reference");
    }
  }
}

bool yaml11_bool(std::string_view v) {
  static const char* const k_words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                        "true", "True", "TRUE", "false", "False", "FALSE",
                                        "on", "On", "ON", "off", "Off", "OFF"};
  return std::any_of(std::begin(k_words), std::end(k_words), [&](const char* w) { return v == w; });
}

bool yaml_null(std::string_view v) { return v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL"; }

bool all_of(std::string_view v, std::string_view allowed) {
  return v.find_first_not_of(allowed) == std::string_view::npos;
}

// A decimal without sign or leading zero, at most 6 digits.
std::optional<long> plain_number(std::string_view v) {
  if (v.empty() || v.size() > 6 || !all_of(v, "0123456789") || (v.size() > 1 && v[0] == '0')) {
    return std::nullopt;
  }
  return std::stol(std::string(v));
}

// What the API server says of ports: [{protocol: P, port: Q, endPort: E}]
// (an empty or null scalar: field absent), or nullopt when the scalars are
// not simple enough to judge without a YAML 1.1 resolver.
std::optional<bool> expected_port_validity(std::string_view p, std::string_view q, std::string_view e) {
  const std::string_view lower = "abcdefghijklmnopqrstuvwxyz";
  bool valid = true;
  if (!yaml_null(p)) {
    if (!all_of(p, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")) {
      return std::nullopt;
    }
    valid = valid && (p == "TCP" || p == "UDP" || p == "SCTP");
  }
  std::optional<long> port;
  const bool has_port = !yaml_null(q);
  if (has_port) {
    if (std::optional<long> number = plain_number(q)) {
      port = number;
      valid = valid && *number >= 1 && *number <= 65535;
    } else if (all_of(q, "abcdefghijklmnopqrstuvwxyz0123456789-") && q.find_first_of(lower) != std::string_view::npos &&
               q.find_first_not_of("0123456789") != std::string_view::npos && q.find('e') == std::string_view::npos &&
               q.front() != '-' &&
               !(q.size() >= 2 && q[0] == '0' && (q[1] == 'o' || q[1] == 'x' || q[1] == 'b'))) {
      // Not 0o, 0x or 0b either: Go's strconv.ParseInt, which go-yaml v2
      // tries first, reads those prefixes as integers ("0o0" is port 0).
      // A name (no 'e', so that no spelling of a float hides among them).
      valid = valid && !yaml11_bool(q) && reference::port_name(q);
    } else {
      return std::nullopt;
    }
  }
  if (!yaml_null(e)) {
    const std::optional<long> end = plain_number(e);
    if (!end) {
      return std::nullopt;
    }
    valid = valid && has_port && port && *end <= 65535 && *end >= *port;
  }
  return valid;
}

void check_port_manifest(std::string_view text) {
  std::string_view fields[3];
  for (std::string_view& field : fields) {
    const std::size_t eol = text.find('\n');
    field = text.substr(0, eol);
    text = eol == std::string_view::npos ? std::string_view() : text.substr(eol + 1);
  }
  std::string manifest = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p}\nspec:\n"
                         "  podSelector: {}\n  ingress:\n  - ports:\n    - {";
  const char* names[] = {"protocol", "port", "endPort"};
  bool any = false;
  for (int i = 0; i < 3; ++i) {
    if (!fields[i].empty()) {
      manifest += std::string(any ? ", " : "") + names[i] + ": " + std::string(fields[i]);
      any = true;
    }
  }
  manifest += "}\n";
  const std::optional<model::Inventory> inventory = load_policy(manifest);
  const std::optional<bool> expected = expected_port_validity(fields[0], fields[1], fields[2]);
  if (expected && *expected != inventory.has_value()) {
    fail("port {protocol: " + quoted(fields[0]) + ", port: " + quoted(fields[1]) + ", endPort: " +
         quoted(fields[2]) + "} " + (inventory ? "accepted" : "rejected") + ", the API server would " +
         (*expected ? "accept" : "reject") + " it");
  }
}

const model::Inventory& endpoint_inventory() {
  static const model::Inventory inventory = [] {
    const char* text = R"(apiVersion: v1
kind: Namespace
metadata: {name: a}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: a}
spec: {nodeName: node-1}
status: {podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}, {ip: "fd00::1"}], hostIP: 192.168.0.1}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: a}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: b}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: api, namespace: b}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api}
---
apiVersion: v1
kind: Pod
metadata: {name: host, namespace: b}
spec: {nodeName: node-1, hostNetwork: true}
status: {podIP: 192.168.0.1, hostIP: 192.168.0.1}
---
apiVersion: v1
kind: Node
metadata: {name: node-1}
status: {addresses: [{type: InternalIP, address: 192.168.0.1}, {type: InternalIP, address: "fd00::c0a8:1"}]}
)";
    model::LoadOptions options;
    options.threads = 1;
    model::Inventory result = model::load_string(text, "endpoints.yaml", options);
    if (!result.ok() || result.workloads.size() != 6) {
      fail("the endpoint inventory does not load");
    }
    return result;
  }();
  return inventory;
}

void check_endpoint(std::string_view text) {
  const model::Inventory& inventory = endpoint_inventory();
  static const analyzer::Program engine(inventory);
  std::optional<analyzer::FlowEndpoint> got;
  std::string error;
  try {
    got = cli::parse_endpoint(text, "--from", inventory, engine.addresses());
  } catch (const model::Error& e) {
    error = e.what();
    if (error.rfind("--from: ", 0) != 0) {
      fail("parse_endpoint(" + quoted(text) + ") error does not name the option: " + error);
    }
  }
  // The reference: an IP (or a CIDR of one address) resolves; a wider CIDR is
  // an error here (one endpoint); NAME, KIND/NAME, NS/NAME and NS/KIND/NAME
  // look up workloads (a Pod wins over workloads of its name when no kind is
  // given; KIND/NAME and NS/NAME both naming something is an error); anything
  // else is an error.
  std::optional<analyzer::FlowEndpoint> want;
  std::optional<model::IpAddress> single;
  if (const std::optional<model::IpAddress> ip = model::IpAddress::parse(text)) {
    single = ip;
  } else if (const std::optional<model::Cidr> cidr = model::Cidr::parse(text);
             cidr && !cidr->has_host_bits() && cidr->mapped_problem().empty() &&
             cidr->prefix == (cidr->address.family == model::IpFamily::v4 ? 32 : 128)) {
    single = cidr->address;
  }
  if (single) {
    want = engine.addresses().resolve(*single);
  } else {
    std::vector<std::string_view> parts;
    for (std::size_t start = 0;;) {
      const std::size_t slash = text.find('/', start);
      parts.push_back(text.substr(start, slash == std::string_view::npos ? text.npos : slash - start));
      if (slash == std::string_view::npos) {
        break;
      }
      start = slash + 1;
    }
    // kubectl's spellings of the built-in workload kinds.
    auto kind_word = [](std::string_view word) -> std::optional<model::WorkloadKind> {
      std::string lower(word);
      for (char& c : lower) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      }
      static const std::map<std::string, model::WorkloadKind> words = {
          {"pod", model::WorkloadKind::pod}, {"pods", model::WorkloadKind::pod}, {"po", model::WorkloadKind::pod},
          {"deployment", model::WorkloadKind::deployment}, {"deployments", model::WorkloadKind::deployment},
          {"deploy", model::WorkloadKind::deployment}, {"replicaset", model::WorkloadKind::replica_set},
          {"replicasets", model::WorkloadKind::replica_set}, {"rs", model::WorkloadKind::replica_set},
          {"statefulset", model::WorkloadKind::stateful_set}, {"statefulsets", model::WorkloadKind::stateful_set},
          {"sts", model::WorkloadKind::stateful_set}, {"daemonset", model::WorkloadKind::daemon_set},
          {"daemonsets", model::WorkloadKind::daemon_set}, {"ds", model::WorkloadKind::daemon_set},
          {"job", model::WorkloadKind::job}, {"jobs", model::WorkloadKind::job},
          {"cronjob", model::WorkloadKind::cron_job}, {"cronjobs", model::WorkloadKind::cron_job},
          {"cj", model::WorkloadKind::cron_job},
          {"replicationcontroller", model::WorkloadKind::replication_controller},
          {"replicationcontrollers", model::WorkloadKind::replication_controller},
          {"rc", model::WorkloadKind::replication_controller}};
      const auto it = words.find(lower);
      return it == words.end() ? std::nullopt : std::optional(it->second);
    };
    auto lookup = [&](std::string_view ns, std::optional<model::WorkloadKind> kind, std::string_view name) {
      std::optional<analyzer::FlowEndpoint> one;
      std::vector<std::size_t> found;
      for (std::size_t i = 0; i < inventory.workloads.size(); ++i) {
        const model::Workload& w = inventory.workloads[i];
        if (w.namespace_name == ns && w.name == name && (!kind || w.kind == *kind)) {
          found.push_back(i);
        }
      }
      if (found.size() == 1) {
        one = analyzer::FlowEndpoint::of_workload(found.front());
      } else if (found.size() > 1 && !kind) {
        for (std::size_t i : found) {
          if (inventory.workloads[i].kind == model::WorkloadKind::pod) {
            one = analyzer::FlowEndpoint::of_workload(i);
          }
        }
      }
      return std::make_pair(one, found.size());
    };
    const bool empty_part =
        std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); });
    if (!empty_part && parts.size() == 1) {
      want = lookup("default", std::nullopt, parts[0]).first;
    } else if (!empty_part && parts.size() == 2) {
      const auto as_namespace = lookup(parts[0], std::nullopt, parts[1]);
      if (const std::optional<model::WorkloadKind> kind = kind_word(parts[0])) {
        const auto as_kind = lookup("default", kind, parts[1]);
        if (as_kind.second == 0 || as_namespace.second == 0) {
          want = as_kind.second != 0 ? as_kind.first : as_namespace.first;
        }
      } else {
        want = as_namespace.first;
      }
    } else if (!empty_part && parts.size() == 3) {
      if (const std::optional<model::WorkloadKind> kind = kind_word(parts[1])) {
        want = lookup(parts[0], kind, parts[2]).first;
      }
    }
  }
  if (got != want) {
    fail("parse_endpoint(" + quoted(text) + ") " +
         (got ? "gave " + cli::endpoint_name(*got, inventory) : "failed: " + error) + ", expected " +
         (want ? cli::endpoint_name(*want, inventory) : std::string("an error")));
  }
}

} // namespace

int fuzz_parsers(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 8) {
  case 0: check_ip(text); break;
  case 1: check_cidr(text); break;
  case 2: check_cidr_pair(text); break;
  case 3: check_syntax(text); break;
  case 4: check_selector_manifest(text, false); break;
  case 5: check_selector_manifest(text, true); break;
  case 6: check_port_manifest(text); break;
  default: check_endpoint(text); break;
  }
  return 0;
}

} // namespace npcheck::fuzz
