// SPDX-License-Identifier: Apache-2.0
//
// Reading an expectations file. The text goes through the same event-based
// reader as the manifests (raw_document.cpp), so every node keeps its line
// and column, and is then read field by field with the manifests' rules for
// names, labels, selectors and CIDRs. Unlike a manifest, an unknown field is
// an error, not a warning: a misspelt `namepsace:` would silently widen what
// an expectation covers, and a security gate must not guess. Scalars are read
// as their text (an unquoted `8080` or `true` label value is fine here, since
// no API server will decode the file). All problems of the file are reported,
// not just the first.
#include <npcheck/model/expectations.hpp>

#include "field_path.hpp"
#include "input_reader.hpp"
#include "object_builder.hpp"
#include "raw_document.hpp"

#include <npcheck/model/endpoint_text.hpp>
#include <npcheck/model/inventory.hpp>
#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <map>
#include <set>

namespace npcheck::model {

namespace {

using detail::RawDocument;
using detail::RawNode;
using detail::RawType;
using detail::Fields;
using detail::Path;
using detail::type_name;


constexpr const char* k_port_forms = "expected any, a protocol (TCP, UDP, SCTP), PORT, PORT-END, "
                                     "PROTOCOL/PORT or PROTOCOL/PORT-END";

class Reader {
public:
  Reader(const RawDocument& doc, const std::shared_ptr<const std::string>& file, ExpectationFile& out,
         std::map<std::string, SourceLocation>& names)
      : m_doc(doc), m_file(file), m_out(out), m_names(names) {}

  void read_document() {
    if (m_doc.empty) {
      return;
    }
    const RawNode& root = m_doc.node(m_doc.root);
    if (root.type == RawType::null) {
      return;
    }
    if (root.type != RawType::map) {
      error(root, Path{}, std::string("expected a mapping with 'expectations', found ") + type_name(root));
      return;
    }
    check_fields(root, Path{}, {"expectations"});
    Path list_path = Path{}.field("expectations");
    const RawNode* list = m_doc.get(root, "expectations");
    if (!list || list->type == RawType::null) {
      error(root, list_path, "required field is missing");
      return;
    }
    if (list->type != RawType::seq) {
      error(*list, list_path, std::string("expected a list, found ") + type_name(*list));
      return;
    }
    if (list->child_count == 0) {
      error(*list, list_path, "must list at least one expectation");
      return;
    }
    for (std::uint32_t i = 0; i < list->child_count; ++i) {
      read_expectation(m_doc.child(*list, i), list_path.item(i));
    }
  }

private:
  SourceLocation at(const RawNode& node) const { return SourceLocation{m_file, node.line, node.column}; }

  void error(const RawNode& node, const Path& path, const std::string& message) {
    std::string p = path.str();
    m_out.errors.push_back(
        Diagnostic{Severity::error, at(node), m_object, p.empty() ? message : p + ": " + message});
  }
  void warning(const RawNode& node, const Path& path, const std::string& message) {
    std::string p = path.str();
    m_out.warnings.push_back(
        Diagnostic{Severity::warning, at(node), m_object, p.empty() ? message : p + ": " + message});
  }

  const RawNode* field(const RawNode& map, std::string_view key) const {
    const RawNode* node = m_doc.get(map, key);
    return node && node->type != RawType::null ? node : nullptr;
  }

  // Every key of map must be one of known; anything else is an error.
  void check_fields(const RawNode& map, const Path& path, Fields known) {
    std::vector<std::string_view> seen;
    for (std::uint32_t i = 0; i + 1 < map.child_count; i += 2) {
      const RawNode& key = m_doc.child(map, i);
      if (key.type != RawType::scalar) {
        error(key, path, "mapping keys must be strings");
        continue;
      }
      if (std::find(seen.begin(), seen.end(), key.value) != seen.end()) {
        error(key, path.field(key.value), "duplicate field");
        continue;
      }
      seen.push_back(key.value);
      if (std::find(known.begin(), known.end(), key.value) != known.end()) {
        continue;
      }
      if (std::optional<std::string> best = nearest(key.value, known, 2)) {
        error(key, path.field(key.value), "unknown field (did you mean '" + *best + "'?)");
        continue;
      }
      std::string expected;
      for (std::string_view k : known) {
        expected += (expected.empty() ? "" : ", ") + std::string(k);
      }
      error(key, path.field(key.value), "unknown field (expected " + expected + ")");
    }
  }

  std::optional<std::string> as_text(const RawNode& node, const Path& path) {
    if (node.type != RawType::scalar) {
      error(node, path, std::string("expected a string, found ") + type_name(node));
      return std::nullopt;
    }
    return node.value;
  }

  const RawNode* as_map(const RawNode& node, const Path& path) {
    if (node.type != RawType::map) {
      error(node, path, std::string("expected a mapping, found ") + type_name(node));
      return nullptr;
    }
    return &node;
  }

  // ---- expectation ------------------------------------------------------
  void read_expectation(const RawNode& node, const Path& path) {
    m_object.clear();
    const RawNode* map = as_map(node, path);
    if (!map) {
      return;
    }
    std::size_t errors_before = m_out.errors.size();
    Expectation e;
    e.where = at(node);
    const RawNode* name = field(*map, "name");
    if (!name) {
      error(node, path.field("name"), "required field is missing");
    } else if (std::optional<std::string> text = as_text(*name, path.field("name"))) {
      if (text->empty()) {
        error(*name, path.field("name"), "must not be empty");
      } else {
        e.name = *text;
        m_object = "expectation '" + e.name + "'";
        auto [it, inserted] = m_names.emplace(e.name, at(*name));
        if (!inserted) {
          error(*name, path.field("name"),
                "duplicate expectation name (first used at " + it->second.to_string() + ")");
        }
      }
    }
    check_fields(*map, path, {"name", "description", "from", "to", "ports", "expect"});
    if (const RawNode* description = field(*map, "description")) {
      as_text(*description, path.field("description"));
    }

    const RawNode* expect = field(*map, "expect");
    if (!expect) {
      error(node, path.field("expect"), "required field is missing (expected allow or deny)");
    } else if (std::optional<std::string> text = as_text(*expect, path.field("expect"))) {
      if (*text == "allow") {
        e.expect = Verdict::allow;
      } else if (*text == "deny") {
        e.expect = Verdict::deny;
      } else {
        error(*expect, path.field("expect"), "unknown verdict '" + *text + "' (expected allow or deny)");
      }
    }

    std::optional<EndpointSpec> from = read_endpoint(field(*map, "from"), node, path.field("from"));
    std::optional<EndpointSpec> to = read_endpoint(field(*map, "to"), node, path.field("to"));
    if (from && to && from->cidr && to->cidr) {
      error(*field(*map, "to"), path.field("to"),
            "from and to may not both be cidr (NetworkPolicy does not govern traffic between "
            "addresses outside the cluster)");
    }

    const RawNode* ports = m_doc.get(*map, "ports");
    if (ports && ports->type != RawType::null) {
      e.ports = read_ports(*ports, path.field("ports"));
    } else if (expect && e.expect == Verdict::allow && m_out.errors.size() == errors_before) {
      error(node, path.field("ports"),
            "required when expect is allow (list the ports the application needs, or write [any])");
    }
    if (m_out.errors.size() != errors_before || !from || !to) {
      return;
    }
    e.from = std::move(*from);
    e.to = std::move(*to);
    m_out.expectations.push_back(std::move(e));
  }

  // ---- ports ------------------------------------------------------------
  std::vector<PortSpec> read_ports(const RawNode& node, const Path& path) {
    std::vector<PortSpec> ports;
    if (node.type != RawType::seq) {
      error(node, path, std::string("expected a list, found ") + type_name(node));
      return ports;
    }
    if (node.child_count == 0) {
      error(node, path, "must not be empty (omit it for every port, or write [any])");
      return ports;
    }
    for (std::uint32_t i = 0; i < node.child_count; ++i) {
      const RawNode& item = m_doc.child(node, i);
      Path p = path.item(i);
      std::optional<std::string> text = as_text(item, p);
      if (!text) {
        continue;
      }
      if (std::optional<PortSpec> port = parse_port(item, p, *text)) {
        ports.push_back(*port);
      }
    }
    return ports;
  }

  std::optional<PortSpec> parse_port(const RawNode& node, const Path& path, const std::string& text) {
    PortSpec spec;
    spec.where = at(node);
    if (text == "any") {
      return spec;
    }
    std::string_view rest = text;
    std::size_t slash = rest.find('/');
    bool letters = !rest.empty() && !(rest.front() >= '0' && rest.front() <= '9');
    if (slash != std::string_view::npos || letters) {
      std::string_view protocol_text = rest.substr(0, slash);
      std::optional<Protocol> protocol = parse_user_protocol(protocol_text);
      if (!protocol && slash == std::string_view::npos) {
        // A word alone is no protocol: a port name ("http").
        error(node, path,
              "named port '" + text + "': expectations take port numbers (a name can resolve differently "
              "per pod)");
        return std::nullopt;
      }
      if (!protocol) {
        error(node, path,
              "unknown protocol '" + std::string(protocol_text) + "' in '" + text +
                  "' (expected TCP, UDP or SCTP)");
        return std::nullopt;
      }
      spec.protocol = *protocol;
      if (slash == std::string_view::npos) {
        return spec;
      }
      rest = rest.substr(slash + 1);
    } else {
      spec.protocol = Protocol::tcp;
    }
    std::size_t dash = rest.find('-');
    std::optional<long> first = number(rest.substr(0, dash));
    std::optional<long> last = dash == std::string_view::npos ? first : number(rest.substr(dash + 1));
    if (!first || !last) {
      bool named = !rest.empty() && std::any_of(rest.begin(), rest.end(), [](char c) {
        return c >= 'a' && c <= 'z';
      });
      error(node, path,
            named ? "named port '" + std::string(rest) + "' in '" + text +
                        "': expectations take port numbers (a name can resolve differently per pod)"
                  : "invalid port '" + text + "' (" + k_port_forms + ")");
      return std::nullopt;
    }
    for (long value : {*first, *last}) {
      if (value < 1 || value > 65535) {
        error(node, path,
              "port " + std::to_string(value) + " in '" + text + "' is out of range (expected 1..65535)");
        return std::nullopt;
      }
    }
    if (*last < *first) {
      error(node, path, "empty range '" + text + "' (the end is below the start)");
      return std::nullopt;
    }
    spec.first = static_cast<std::uint16_t>(*first);
    spec.last = static_cast<std::uint16_t>(*last);
    return spec;
  }

  static std::optional<long> number(std::string_view text) {
    long value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (text.empty() || ec != std::errc{} || end != text.data() + text.size()) {
      return std::nullopt;
    }
    return value;
  }

  // ---- endpoints --------------------------------------------------------
  std::optional<EndpointSpec> read_endpoint(const RawNode* node, const RawNode& parent, const Path& path) {
    if (!node) {
      error(parent, path, "required field is missing");
      return std::nullopt;
    }
    if (node->type == RawType::scalar) {
      return read_endpoint_text(*node, path);
    }
    const RawNode* map = as_map(*node, path);
    if (!map) {
      return std::nullopt;
    }
    std::size_t errors_before = m_out.errors.size();
    check_fields(*map, path,
                 {"all", "cidr", "except", "namespace", "namespaceSelector", "name", "kind", "selector",
                  "podSelector", "service"});
    EndpointSpec spec;
    spec.where = at(*node);

    if (const RawNode* all = field(*map, "all")) {
      if (all->type != RawType::scalar || all->value != "true") {
        error(*all, path.field("all"), "expected true (omit the field to select fewer pods)");
      }
      spec.all = true;
    }
    const RawNode* cidr = field(*map, "cidr");
    if (cidr) {
      spec.cidr = read_ip_block(*map, *cidr, path);
    } else if (const RawNode* except = field(*map, "except")) {
      error(*except, path.field("except"), "except needs cidr");
    }
    if (const RawNode* ns = field(*map, "namespace")) {
      if (std::optional<std::string> text = as_text(*ns, path.field("namespace"))) {
        if (std::string why = detail::check_dns_label(*text); !why.empty()) {
          error(*ns, path.field("namespace"), "invalid namespace '" + *text + "': " + why);
        } else {
          spec.namespace_name = *text;
        }
      }
    }
    const RawNode* ns_selector = field(*map, "namespaceSelector");
    if (ns_selector) {
      spec.namespace_selector = read_selector(*ns_selector, path.field("namespaceSelector"));
      if (spec.namespace_name) {
        error(*ns_selector, path.field("namespaceSelector"),
              "namespace and namespaceSelector may not both be given");
      }
    }
    if (const RawNode* name = field(*map, "name")) {
      if (std::optional<std::string> text = as_text(*name, path.field("name"))) {
        if (std::string why = detail::check_dns_subdomain(*text); !why.empty()) {
          error(*name, path.field("name"), "invalid name '" + *text + "': " + why);
        } else {
          spec.name = *text;
        }
      }
    }
    if (const RawNode* kind = field(*map, "kind")) {
      if (std::optional<std::string> text = as_text(*kind, path.field("kind"))) {
        spec.kind = parse_workload_kind(*text);
        if (!spec.kind) {
          error(*kind, path.field("kind"),
                "unknown kind '" + *text +
                    "' (expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob "
                    "or ReplicationController)");
        }
      }
    }
    const RawNode* selector = field(*map, "selector");
    const RawNode* pod_selector = field(*map, "podSelector");
    if (selector && pod_selector) {
      error(*pod_selector, path.field("podSelector"),
            "selector and podSelector are the same field; give one");
    } else if (selector || pod_selector) {
      spec.pod_selector = read_selector(selector ? *selector : *pod_selector,
                                        path.field(selector ? "selector" : "podSelector"));
    }

    // {namespace, service}: NAMESPACE/svc/NAME as a mapping, read to the same
    // endpoint (located at the name, where a misspelt Service is reported).
    const RawNode* service = field(*map, "service");
    if (service) {
      if (std::optional<std::string> text = as_text(*service, path.field("service"))) {
        if (std::string why = detail::check_dns_subdomain(*text); !why.empty()) {
          error(*service, path.field("service"), "invalid name '" + *text + "': " + why);
        } else {
          spec.service = *text;
          spec.where = at(*service);
        }
      }
      if (spec.all || cidr || ns_selector || field(*map, "name") || field(*map, "kind") || selector ||
          pod_selector) {
        error(*node, path,
              "service may be combined with namespace only (the Service stands for the pods it selects)");
      } else if (!field(*map, "namespace")) {
        error(*service, path.field("service"),
              "service needs namespace (an expectations file reads the same whatever -n says)");
      }
    }

    bool pod_fields = spec.namespace_name || ns_selector || field(*map, "name") ||
                      field(*map, "kind") || selector || pod_selector;
    if (service) {
      // Its combinations are checked above.
    } else if (spec.all && (cidr || pod_fields)) {
      error(*node, path, "all: true may not be combined with other fields");
    } else if (cidr && pod_fields) {
      error(*node, path,
            "cidr may not be combined with namespace, namespaceSelector, name, kind or selector");
    } else if (!spec.all && !cidr && !pod_fields && m_out.errors.size() == errors_before) {
      error(*node, path,
            "must specify an endpoint: all: true, cidr, service, or at least one of namespace, "
            "namespaceSelector, name, kind and selector");
    }
    if (m_out.errors.size() != errors_before) {
      return std::nullopt;
    }
    return spec;
  }

  // An endpoint written as on the command line (endpoint_text.hpp), short
  // for the mapping: NAMESPACE/NAME is {namespace, name}, NAMESPACE/KIND/NAME
  // adds the kind, an address or a CIDR is {cidr}. The namespace must be
  // written, so that the file reads the same whatever -n says.
  std::optional<EndpointSpec> read_endpoint_text(const RawNode& node, const Path& path) {
    const EndpointParse parsed = parse_endpoint_text(node.value);
    if (!parsed.endpoint) {
      error(node, path, parsed.error);
      return std::nullopt;
    }
    const EndpointText& e = *parsed.endpoint;
    const std::string quoted = "'" + node.value + "'";
    EndpointSpec spec;
    spec.where = at(node);
    std::string ns;
    std::optional<std::string> kind_text;
    switch (e.form) {
    case EndpointForm::address:
      spec.cidr = IpBlock{Cidr{e.address, e.address.family == IpFamily::v4 ? 32 : 128}, {}, at(node)};
      return spec;
    case EndpointForm::range:
      spec.cidr = IpBlock{e.range, {}, at(node)};
      return spec;
    case EndpointForm::name:
      error(node, path,
            quoted + " names no namespace (write NAMESPACE/NAME or NAMESPACE/KIND/NAME: an expectations "
                     "file reads the same whatever -n says)");
      return std::nullopt;
    case EndpointForm::qualified_name:
      if (parse_kind_word(e.first) || is_service_word(e.first)) {
        error(node, path,
              quoted + " names no namespace (write NAMESPACE/" + node.value +
                  ": an expectations file reads the same whatever -n says)");
        return std::nullopt;
      }
      ns = e.first;
      break;
    case EndpointForm::namespace_kind_name:
      ns = e.first;
      kind_text = e.kind;
      break;
    }
    bool ok = true;
    if (std::string why = detail::check_dns_label(ns); !why.empty()) {
      error(node, path, "invalid namespace '" + ns + "' in " + quoted + ": " + why);
      ok = false;
    }
    if (std::string why = detail::check_dns_subdomain(e.name); !why.empty()) {
      error(node, path, "invalid name '" + e.name + "' in " + quoted + ": " + why);
      ok = false;
    }
    if (kind_text && is_service_word(*kind_text)) {
      if (!ok) {
        return std::nullopt;
      }
      spec.namespace_name = ns;
      spec.service = e.name;
      return spec;
    }
    if (kind_text) {
      spec.kind = parse_kind_word(*kind_text);
      if (!spec.kind) {
        error(node, path,
              "unknown kind '" + *kind_text + "' in " + quoted +
                  " (expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob or "
                  "ReplicationController, as kubectl spells them: po, deploy, rs, sts, ds, job, cj, rc, or plural)");
        ok = false;
      }
    }
    if (!ok) {
      return std::nullopt;
    }
    spec.namespace_name = ns;
    spec.name = e.name;
    return spec;
  }

  std::optional<IpBlock> read_ip_block(const RawNode& map, const RawNode& cidr_node, const Path& path) {
    IpBlock block;
    block.where = at(cidr_node);
    std::optional<Cidr> cidr = read_cidr(cidr_node, path.field("cidr"));
    bool ok = cidr.has_value();
    if (const RawNode* excepts = field(map, "except")) {
      Path except_path = path.field("except");
      if (excepts->type != RawType::seq) {
        error(*excepts, except_path, std::string("expected a list, found ") + type_name(*excepts));
        return std::nullopt;
      }
      for (std::uint32_t i = 0; i < excepts->child_count; ++i) {
        const RawNode& item = m_doc.child(*excepts, i);
        std::optional<Cidr> except = read_cidr(item, except_path.item(i));
        if (!except) {
          ok = false;
          continue;
        }
        if (cidr) {
          if (std::string why = detail::except_problem(*cidr, *except); !why.empty()) {
            error(item, except_path.item(i), why);
            ok = false;
            continue;
          }
        }
        block.except.push_back(*except);
      }
    }
    if (!ok) {
      return std::nullopt;
    }
    block.cidr = *cidr;
    return block;
  }

  std::optional<Cidr> read_cidr(const RawNode& node, const Path& path) {
    std::optional<std::string> text = as_text(node, path);
    if (!text) {
      return std::nullopt;
    }
    std::string why;
    std::optional<Cidr> cidr = detail::parse_cidr_text(*text, why);
    if (!cidr) {
      error(node, path, why);
      return std::nullopt;
    }
    if (cidr->has_host_bits()) {
      Cidr network{cidr->first(), cidr->prefix};
      warning(node, path,
              "'" + *text + "' has host bits set; read as '" + network.to_string() + "'");
    }
    return cidr;
  }

  // A LabelSelector ({matchLabels, matchExpressions}) or, as a shorthand, a
  // plain label map ({app: api} means {matchLabels: {app: api}}).
  LabelSelector read_selector(const RawNode& node, const Path& path) {
    LabelSelector selector;
    selector.where = at(node);
    if (!as_map(node, path)) {
      return selector;
    }
    bool full = m_doc.get(node, "matchLabels") || m_doc.get(node, "matchExpressions");
    if (!full) {
      selector.match_labels = read_labels(node, path);
      return selector;
    }
    check_fields(node, path, {"matchLabels", "matchExpressions"});
    if (const RawNode* labels = field(node, "matchLabels")) {
      if (as_map(*labels, path.field("matchLabels"))) {
        selector.match_labels = read_labels(*labels, path.field("matchLabels"));
      }
    }
    const RawNode* exprs = field(node, "matchExpressions");
    Path exprs_path = path.field("matchExpressions");
    if (exprs && exprs->type != RawType::seq) {
      error(*exprs, exprs_path, std::string("expected a list, found ") + type_name(*exprs));
      return selector;
    }
    for (std::uint32_t i = 0; exprs && i < exprs->child_count; ++i) {
      Path p = exprs_path.item(i);
      const RawNode* entry = as_map(m_doc.child(*exprs, i), p);
      if (!entry) {
        continue;
      }
      if (std::optional<Requirement> req = read_requirement(*entry, p)) {
        selector.match_expressions.push_back(std::move(*req));
      }
    }
    return selector;
  }

  Labels read_labels(const RawNode& map, const Path& path) {
    std::vector<Labels::Entry> entries;
    for (std::uint32_t i = 0; i + 1 < map.child_count; i += 2) {
      const RawNode& key = m_doc.child(map, i);
      const RawNode& value = m_doc.child(map, i + 1);
      Path p = path.field(key.value);
      if (std::string why = detail::check_label_key(key.value); !why.empty()) {
        error(key, p, "invalid label key '" + key.value + "': " + why);
        continue;
      }
      std::optional<std::string> text =
          value.type == RawType::null ? std::optional<std::string>("") : as_text(value, p);
      if (!text) {
        continue;
      }
      if (std::string why = detail::check_label_value(*text); !why.empty()) {
        error(value, p, "invalid label value '" + *text + "': " + why);
        continue;
      }
      entries.emplace_back(key.value, *text);
    }
    return Labels(std::move(entries));
  }

  std::optional<Requirement> read_requirement(const RawNode& entry, const Path& path) {
    std::size_t errors_before = m_out.errors.size();
    check_fields(entry, path, {"key", "operator", "values"});
    Requirement req;
    const RawNode* key = field(entry, "key");
    if (!key) {
      error(entry, path.field("key"), "required field is missing");
    } else if (std::optional<std::string> text = as_text(*key, path.field("key"))) {
      if (std::string why = detail::check_label_key(*text); !why.empty()) {
        error(*key, path.field("key"), "invalid label key '" + *text + "': " + why);
      }
      req.key = *text;
    }
    const RawNode* op = field(entry, "operator");
    if (!op) {
      error(entry, path.field("operator"), "required field is missing");
    } else if (std::optional<std::string> text = as_text(*op, path.field("operator"))) {
      std::string why;
      if (std::optional<Operator> parsed = detail::parse_operator_name(*text, why)) {
        req.op = *parsed;
      } else {
        error(*op, path.field("operator"), why);
      }
    }
    Path values_path = path.field("values");
    const RawNode* values = field(entry, "values");
    if (values && values->type != RawType::seq) {
      error(*values, values_path, std::string("expected a list, found ") + type_name(*values));
    }
    for (std::uint32_t v = 0; values && values->type == RawType::seq && v < values->child_count; ++v) {
      const RawNode& value = m_doc.child(*values, v);
      std::optional<std::string> text = as_text(value, values_path.item(v));
      if (!text) {
        continue;
      }
      if (std::string why = detail::check_label_value(*text); !why.empty()) {
        error(value, values_path.item(v), "invalid label value '" + *text + "': " + why);
        continue;
      }
      req.values.push_back(*text);
    }
    if (m_out.errors.size() != errors_before) {
      return std::nullopt;
    }
    if (std::string why = detail::requirement_values_problem(req.op, !req.values.empty()); !why.empty()) {
      error(values ? *values : entry, values_path, why);
      return std::nullopt;
    }
    std::sort(req.values.begin(), req.values.end());
    req.values.erase(std::unique(req.values.begin(), req.values.end()), req.values.end());
    return req;
  }

  const RawDocument& m_doc;
  const std::shared_ptr<const std::string>& m_file;
  ExpectationFile& m_out;
  std::map<std::string, SourceLocation>& m_names;
  std::string m_object;
};

ExpectationFile read_text(std::shared_ptr<const std::string> name, std::string_view text,
                          const LoadLimits& limits) {
  ExpectationFile out;
  out.file = *name;
  std::map<std::string, SourceLocation> names;
  bool any = false;
  for (const detail::Chunk& chunk : detail::split_documents(name, text)) {
    std::vector<RawDocument> docs;
    detail::parse_chunk(chunk, limits, docs, out.errors);
    for (const RawDocument& doc : docs) {
      any = any || (!doc.empty && doc.node(doc.root).type != RawType::null);
      Reader(doc, name, out, names).read_document();
    }
  }
  auto by_place = [](const Diagnostic& a, const Diagnostic& b) {
    return std::pair(a.where.line, a.where.column) < std::pair(b.where.line, b.where.column);
  };
  std::stable_sort(out.errors.begin(), out.errors.end(), by_place);
  std::stable_sort(out.warnings.begin(), out.warnings.end(), by_place);
  if (!any && out.errors.empty()) {
    out.errors.push_back(Diagnostic{Severity::error, SourceLocation{name, 0, 0}, "",
                                    "no expectations (expected a mapping with 'expectations')"});
  }
  return out;
}

// ---- names the manifests do not have -------------------------------------

// " (did you mean 'shop'?)" when a known word is near enough to be the one
// meant: within 2 edits, or a third of the word for long ones.
template <typename Range>
std::string did_you_mean(std::string_view word, const Range& known) {
  const std::size_t max_distance = std::max<std::size_t>(2, word.size() / 3);
  std::optional<std::string> best = nearest(word, known, max_distance);
  return best ? " (did you mean '" + *best + "'?)" : "";
}

// Checks one expectation's namespaces, names and selectors against the
// manifests. Each check compares with the objects the field is about: the
// namespaces for namespace and namespaceSelector, the pods (Pods and pod
// templates) of the expectation's namespace, when it names one that exists,
// for name and selector.
class NameChecker {
public:
  NameChecker(const Expectation& expectation, const Inventory& inventory, std::vector<Diagnostic>& out)
      : m_expectation(expectation), m_inventory(inventory), m_out(out) {}

  void check_endpoint(const EndpointSpec& spec, const std::string& side) {
    if (spec.all || spec.cidr) {
      return;
    }
    std::string scope;
    std::vector<const Workload*> pods;
    const bool known_namespace = spec.namespace_name && m_inventory.find_namespace(*spec.namespace_name);
    if (spec.namespace_name && !known_namespace) {
      std::vector<std::string> names;
      for (const Namespace& ns : m_inventory.namespaces) {
        names.push_back(ns.name);
      }
      warn(spec.where, side + ".namespace",
           "no namespace '" + *spec.namespace_name + "' in the manifests" +
               did_you_mean(*spec.namespace_name, names));
    }
    for (const Workload& w : m_inventory.workloads) {
      if (!known_namespace || w.namespace_name == *spec.namespace_name) {
        pods.push_back(&w);
      }
    }
    if (known_namespace) {
      scope = " in namespace " + *spec.namespace_name;
    }
    if (spec.namespace_selector) {
      std::vector<const Labels*> labels;
      for (const Namespace& ns : m_inventory.namespaces) {
        labels.push_back(&ns.labels);
      }
      check_selector(*spec.namespace_selector, side + ".namespaceSelector", labels, "namespace");
    }
    if (spec.name && !pods.empty()) {
      std::set<std::string> names;
      for (const Workload* w : pods) {
        names.insert(w->name);
      }
      if (names.count(*spec.name) == 0) {
        warn(spec.where, side + ".name",
             "no Pod or workload named '" + *spec.name + "'" + scope + did_you_mean(*spec.name, names));
      }
    }
    if (spec.pod_selector && !pods.empty()) {
      std::vector<const Labels*> labels;
      for (const Workload* w : pods) {
        labels.push_back(&w->labels);
      }
      check_selector(*spec.pod_selector, side + ".selector", labels, "pod" + scope);
    }
  }

private:
  void warn(const SourceLocation& where, const std::string& field, const std::string& message) {
    m_out.push_back(Diagnostic{Severity::warning, where, "expectation '" + m_expectation.name + "'",
                               field + ": " + message});
  }

  // Label keys that no object has, and values of matchLabels and In that no
  // object has for their key (NotIn and DoesNotExist name what to exclude,
  // which may well be absent; their keys are still checked).
  void check_selector(const LabelSelector& selector, const std::string& field,
                      const std::vector<const Labels*>& objects, const std::string& what) {
    if (objects.empty()) {
      return;
    }
    std::set<std::string> keys;
    for (const Labels* labels : objects) {
      for (const auto& [key, value] : labels->entries()) {
        keys.insert(key);
      }
    }
    auto check = [&](const std::string& key, const std::vector<std::string>& values) {
      if (keys.count(key) == 0) {
        warn(selector.where, field, "no " + what + " has the label '" + key + "'" + did_you_mean(key, keys));
        return;
      }
      std::set<std::string> known;
      for (const Labels* labels : objects) {
        if (const std::string* value = labels->find(key)) {
          known.insert(*value);
        }
      }
      for (const std::string& value : values) {
        if (known.count(value) == 0) {
          warn(selector.where, field,
               "no " + what + " has the label " + key + "=" + value + did_you_mean(value, known));
        }
      }
    };
    for (const auto& [key, value] : selector.match_labels.entries()) {
      check(key, {value});
    }
    for (const Requirement& r : selector.match_expressions) {
      check(r.key, r.op == Operator::in ? r.values : std::vector<std::string>{});
    }
  }

  const Expectation& m_expectation;
  const Inventory& m_inventory;
  std::vector<Diagnostic>& m_out;
};

} // namespace

const char* to_string(Verdict verdict) { return verdict == Verdict::allow ? "allow" : "deny"; }

std::string EndpointSpec::to_string() const {
  if (all) {
    return "all pods";
  }
  if (cidr) {
    std::string text = "cidr " + Cidr{cidr->cidr.first(), cidr->cidr.prefix}.to_string();
    for (const Cidr& except : cidr->except) {
      text += " except " + Cidr{except.first(), except.prefix}.to_string();
    }
    return text;
  }
  std::string text;
  auto add = [&text](const std::string& part) { text += (text.empty() ? "" : ", ") + part; };
  if (service) {
    return "service " + namespace_name.value_or("") + '/' + *service;
  }
  if (namespace_name) {
    add("namespace " + *namespace_name);
  }
  if (namespace_selector) {
    add("namespaceSelector " + namespace_selector->to_string());
  }
  if (kind) {
    add(std::string("kind ") + model::to_string(*kind));
  }
  if (name) {
    add("name " + *name);
  }
  if (pod_selector) {
    add("selector " + pod_selector->to_string());
  }
  return text;
}

ExpectationFile load_expectations(const std::string& path, const LoadLimits& limits, InputBudget* budget) {
  auto name = std::make_shared<const std::string>(path);
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw Error(SourceLocation{name, 0, 0}, "is a directory (expected an expectations file)");
  }
  InputBudget own_budget(limits.max_input_bytes);
  std::string text = detail::read_input_file(path, name, limits, budget ? *budget : own_budget);
  return read_text(std::move(name), text, limits);
}

std::vector<Diagnostic> check_names(const Expectation& expectation, const Inventory& inventory) {
  std::vector<Diagnostic> warnings;
  NameChecker checker(expectation, inventory, warnings);
  checker.check_endpoint(expectation.from, "from");
  checker.check_endpoint(expectation.to, "to");
  return warnings;
}

ExpectationFile load_expectations_string(std::string_view text, const std::string& file_name,
                                         const LoadLimits& limits) {
  auto name = std::make_shared<const std::string>(file_name);
  if (text.size() > limits.max_file_bytes) {
    throw Error(SourceLocation{name, 0, 0}, detail::too_large_message(limits.max_file_bytes));
  }
  return read_text(std::move(name), text, limits);
}

} // namespace npcheck::model
