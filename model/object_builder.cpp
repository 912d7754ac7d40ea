// SPDX-License-Identifier: Apache-2.0
//
// From document to object. Each known kind is read field by field from the
// RawDocument with the API server's rules: wrong types, bad names, bad label
// syntax and every NetworkPolicy rule of the spec's "Validation" section
// become located Diagnostics carrying the object and the field path in
// Kubernetes spelling (spec.ingress[0].ports[1].endPort). All problems of an
// object are reported, not just the first. Unknown fields in the parts of a
// known kind that npcheck models give a warning with a "did you mean" hint.
// Scalars follow sigs.k8s.io/yaml (YAML 1.1 through JSON): an unquoted 80 is
// a number and an unquoted true, yes or on is a boolean, so a string field
// written that way is a type error just as kubectl apply would report it.
#include "object_builder.hpp"

#include "field_path.hpp"

#include <algorithm>
#include <charconv>
#include <cstring>
#include <set>
#include <unordered_set>

namespace npcheck::model::detail {

namespace {


bool looks_like_yaml11_bool(std::string_view v) {
  static const char* const k_words[] = {"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
                                        "true", "True", "TRUE", "false", "False", "FALSE",
                                        "on", "On", "ON", "off", "Off", "OFF"};
  return std::any_of(std::begin(k_words), std::end(k_words),
                     [&](const char* w) { return v == w; });
}

// An integer as sigs.k8s.io/yaml (go-yaml v2, YAML 1.1) reads a plain scalar:
// underscores are dropped, 0x is hex, 0b binary, 0o or a leading 0 octal, so
// "0120" is 80 and "0x50" is 80, as kubectl sends them.
std::optional<long> yaml11_int(std::string_view text) {
  std::string v;
  for (char c : text) {
    if (c != '_') {
      v += c;
    }
  }
  std::size_t i = 0;
  bool negative = false;
  if (!v.empty() && (v[0] == '-' || v[0] == '+')) {
    negative = v[0] == '-';
    i = 1;
  }
  int base = 10;
  if (v.size() > i + 2 && v[i] == '0' && (v[i + 1] == 'x' || v[i + 1] == 'X')) {
    base = 16;
    i += 2;
  } else if (v.size() > i + 2 && v[i] == '0' && (v[i + 1] == 'b' || v[i + 1] == 'B')) {
    base = 2;
    i += 2;
  } else if (v.size() > i + 2 && v[i] == '0' && (v[i + 1] == 'o' || v[i + 1] == 'O')) {
    base = 8;
    i += 2;
  } else if (v.size() > i + 1 && v[i] == '0' &&
             v.find_first_not_of("01234567", i) == std::string::npos) {
    base = 8;
    i += 1;
  }
  long value = 0;
  const char* first = v.data() + i;
  const char* last = v.data() + v.size();
  auto [end, ec] = std::from_chars(first, last, value, base);
  if (first == last || ec != std::errc{} || end != last) {
    return std::nullopt;
  }
  return negative ? -value : value;
}

bool looks_like_number(std::string_view v) {
  if (v.empty()) {
    return false;
  }
  if (yaml11_int(v)) {
    return true;
  }
  std::size_t i = (v[0] == '-' || v[0] == '+') ? 1 : 0;
  bool digit = false;
  bool dot = false;
  for (; i < v.size(); ++i) {
    if (v[i] >= '0' && v[i] <= '9') {
      digit = true;
    } else if (v[i] == '.' && !dot) {
      dot = true;
    } else if ((v[i] == 'e' || v[i] == 'E') && digit) {
      return true;
    } else {
      return false;
    }
  }
  return digit;
}

// Levenshtein distance, for "did you mean" hints.
std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    row[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    std::size_t diagonal = row[0];
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t above = row[j];
      std::size_t cost = std::tolower(a[i - 1]) == std::tolower(b[j - 1]) ? 0 : 1;
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + cost});
      diagonal = above;
    }
  }
  return row[b.size()];
}

// The fields of the parts of Pods and workloads that npcheck reads: a typo
// there (metadata.lables, hostNetwrok, a container's "port:") would silently
// change the answer, so it gets a warning like a typo in a NetworkPolicy.
const Fields k_object_meta_fields = {
    "name", "namespace", "labels", "annotations", "generateName", "uid", "resourceVersion",
    "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
    "ownerReferences", "finalizers", "managedFields", "selfLink"};
const Fields k_pod_spec_fields = {
    "volumes", "initContainers", "containers", "ephemeralContainers", "restartPolicy",
    "terminationGracePeriodSeconds", "activeDeadlineSeconds", "dnsPolicy", "nodeSelector",
    "serviceAccountName", "serviceAccount", "automountServiceAccountToken", "nodeName",
    "hostNetwork", "hostPID", "hostIPC", "shareProcessNamespace", "securityContext",
    "imagePullSecrets", "hostname", "subdomain", "affinity", "schedulerName", "tolerations",
    "hostAliases", "priorityClassName", "priority", "dnsConfig", "readinessGates",
    "runtimeClassName", "enableServiceLinks", "preemptionPolicy", "overhead",
    "topologySpreadConstraints", "setHostnameAsFQDN", "os", "hostUsers", "schedulingGates",
    "resourceClaims", "resources"};
const Fields k_container_fields = {
    "name", "image", "command", "args", "workingDir", "ports", "envFrom", "env", "resources",
    "resizePolicy", "restartPolicy", "volumeMounts", "volumeDevices", "livenessProbe",
    "readinessProbe", "startupProbe", "lifecycle", "terminationMessagePath",
    "terminationMessagePolicy", "imagePullPolicy", "securityContext", "stdin", "stdinOnce", "tty"};

class Builder {
public:
  Builder(const RawDocument& doc, const std::shared_ptr<const std::string>& file,
          const std::string& default_namespace, const LoadLimits& limits, ChunkResult& result)
      : m_doc(doc), m_file(file), m_default_namespace(default_namespace), m_result(result),
        m_max_alias_nodes(limits.max_alias_nodes), m_max_objects(limits.max_objects),
        m_reached(doc.nodes.size(), false) {}

  void build_document() {
    if (m_doc.empty) {
      return;
    }
    const RawNode& root = m_doc.node(m_doc.root);
    if (root.type == RawType::null) {
      return;
    }
    ++m_result.documents;
    build_object(root, Path{});
  }

private:
  // ---- diagnostics ------------------------------------------------------
  SourceLocation at(const RawNode& node) const { return SourceLocation{m_file, node.line, node.column}; }

  void error(const RawNode& node, const Path& path, std::string message) {
    std::string p = path.str();
    m_result.errors.push_back(
        Diagnostic{Severity::error, at(node), m_object, p.empty() ? message : p + ": " + message});
  }
  void warning(const RawNode& node, const Path& path, std::string message) {
    std::string p = path.str();
    m_result.warnings.push_back(Diagnostic{Severity::warning, at(node), m_object,
                                           p.empty() ? message : p + ": " + message});
  }

  // ---- typed access -----------------------------------------------------
  const RawNode* field(const RawNode* map, std::string_view key) const {
    return map ? m_doc.get(*map, key) : nullptr;
  }

  // The node, or nullptr when it is absent or null.
  static const RawNode* present(const RawNode* node) {
    return node && node->type != RawType::null ? node : nullptr;
  }

  // Whether the builder may read the entries of container. Aliases share
  // nodes, so one node can be reached through several parents: rules x peers
  // x matchExpressions x values written with aliases would be read (and
  // copied into the model) exponentially often. Every entry reached again
  // counts against max_alias_nodes (a scalar one per 64 bytes); past the
  // limit, the document gets one error and containers with repeated entries
  // read as absent.
  bool enter(const RawNode& container, const Path& path) {
    for (std::uint32_t i = 0; i < container.child_count; ++i) {
      const RawNode& entry = m_doc.child(container, i);
      const auto index = static_cast<std::size_t>(&entry - m_doc.nodes.data());
      if (!m_reached[index]) {
        m_reached[index] = true;
        continue;
      }
      if (m_alias_limit_hit) {
        return false;
      }
      m_alias_nodes += 1 + entry.child_count + entry.value.size() / 64;
      if (m_alias_nodes > m_max_alias_nodes) {
        m_alias_limit_hit = true;
        error(container, path,
              "YAML aliases repeat more than " + std::to_string(m_max_alias_nodes) +
                  " nodes in this document (raise the limit with --max-alias-nodes)");
        return false;
      }
    }
    return true;
  }

  // The node as a mapping; null counts as absent; anything else is an error.
  const RawNode* as_map(const RawNode* node, const Path& path) {
    if (!node || node->type == RawType::null) {
      return nullptr;
    }
    if (node->type != RawType::map) {
      error(*node, path, std::string("expected a mapping, found ") + type_name(*node));
      return nullptr;
    }
    return enter(*node, path) ? node : nullptr;
  }
  const RawNode* as_seq(const RawNode* node, const Path& path) {
    if (!node || node->type == RawType::null) {
      return nullptr;
    }
    if (node->type != RawType::seq) {
      error(*node, path, std::string("expected a list, found ") + type_name(*node));
      return nullptr;
    }
    return enter(*node, path) ? node : nullptr;
  }
  // A list entry that is an object. A null entry is decoded as Go decodes
  // it, into the zero value (an empty object), and then validated like any
  // other entry: `ports: [null]` is `ports: [{}]` (TCP, every port) and
  // `from: [null]` is a peer that names nothing, which is an error. The null
  // node itself stands for the empty object (it has no fields).
  const RawNode* as_entry_map(const RawNode& node, const Path& path) {
    return node.type == RawType::null ? &node : as_map(&node, path);
  }
  // A list entry that is a string: null decodes to "", then is validated.
  std::optional<std::string> as_entry_string(const RawNode& node, const Path& path) {
    return node.type == RawType::null ? std::optional<std::string>("") : as_string(&node, path);
  }

  std::optional<std::string> as_string(const RawNode* node, const Path& path) {
    if (!node || node->type == RawType::null) {
      return std::nullopt;
    }
    if (node->type != RawType::scalar) {
      error(*node, path, std::string("expected a string, found ") + type_name(*node));
      return std::nullopt;
    }
    if (node->plain && (looks_like_number(node->value) || looks_like_yaml11_bool(node->value))) {
      error(*node, path,
            "expected a string, found " +
                std::string(looks_like_number(node->value) ? "a number" : "a boolean") + " '" +
                node->value + "' (quote it)");
      return std::nullopt;
    }
    return node->value;
  }
  std::optional<long> as_int(const RawNode* node, const Path& path) {
    if (!node || node->type == RawType::null) {
      return std::nullopt;
    }
    const std::string& v = node->value;
    std::optional<long> value = yaml11_int(v);
    bool digits = value.has_value();
    if (node->type != RawType::scalar || !node->plain || !digits) {
      if (node->type != RawType::scalar) {
        error(*node, path, std::string("expected an integer, found ") + type_name(*node));
      } else if (!node->plain && digits) {
        error(*node, path, "expected an integer, found a string '" + v + "' (remove the quotes)");
      } else {
        error(*node, path, "expected an integer, found '" + v + "'");
      }
      return std::nullopt;
    }
    return *value;
  }
  std::optional<bool> as_bool(const RawNode* node, const Path& path) {
    if (!node || node->type == RawType::null) {
      return std::nullopt;
    }
    if (node->type == RawType::scalar && node->plain) {
      if (node->value == "true" || node->value == "True" || node->value == "TRUE") {
        return true;
      }
      if (node->value == "false" || node->value == "False" || node->value == "FALSE") {
        return false;
      }
    }
    error(*node, path, "expected true or false, found '" + node->value + "'");
    return std::nullopt;
  }

  void check_fields(const RawNode* map, const Path& path, Fields known) {
    if (!map) {
      return;
    }
    for (std::uint32_t i = 0; i + 1 < map->child_count; i += 2) {
      const RawNode& key = m_doc.child(*map, i);
      if (key.type != RawType::scalar) {
        error(key, path, "mapping keys must be strings");
        continue;
      }
      if (std::find(known.begin(), known.end(), key.value) != known.end()) {
        continue;
      }
      std::string_view best;
      std::size_t best_distance = 3;
      for (std::string_view k : known) {
        std::size_t d = edit_distance(key.value, k);
        if (d < best_distance) {
          best_distance = d;
          best = k;
        }
      }
      std::string message = "unknown field";
      if (!best.empty()) {
        message += " (did you mean '" + std::string(best) + "'?)";
      }
      warning(key, path.field(key.value), message);
    }
  }

  // ---- shared pieces ----------------------------------------------------
  Labels read_labels(const RawNode* node, const Path& path) {
    const RawNode* map = as_map(node, path);
    if (!map) {
      return Labels();
    }
    // Built at once, not by sorted insertion: an object with N labels takes
    // O(N log N), not O(N^2).
    std::vector<Labels::Entry> entries;
    entries.reserve(map->child_count / 2);
    for (std::uint32_t i = 0; i + 1 < map->child_count; i += 2) {
      const RawNode& key = m_doc.child(*map, i);
      const RawNode& value = m_doc.child(*map, i + 1);
      Path p = path.field(key.value);
      std::string why = check_label_key(key.value);
      if (!why.empty()) {
        error(key, p, "invalid label key '" + key.value + "': " + why);
        continue;
      }
      std::optional<std::string> v =
          value.type == RawType::null ? std::optional<std::string>("") : as_string(&value, p);
      if (!v) {
        continue;
      }
      why = check_label_value(*v);
      if (!why.empty()) {
        error(value, p, "invalid label value '" + *v + "': " + why);
        continue;
      }
      entries.emplace_back(key.value, *v);
    }
    return Labels(std::move(entries));
  }

  struct Meta {
    std::string name;
    std::string namespace_name;
    Labels labels;
    bool ok = false;
  };

  // metadata.ownerReferences: the controller entry, if it is a workload.
  std::optional<Controller> read_controller(const RawNode* node, const Path& path) {
    std::optional<Controller> result;
    const RawNode* refs = as_seq(node, path);
    for (std::uint32_t i = 0; refs && i < refs->child_count; ++i) {
      Path p = path.item(i);
      const RawNode* ref = as_entry_map(m_doc.child(*refs, i), p);
      if (!ref) {
        continue;
      }
      check_fields(ref, p, {"apiVersion", "kind", "name", "uid", "controller", "blockOwnerDeletion"});
      std::optional<std::string> kind = as_string(field(ref, "kind"), p.field("kind"));
      std::optional<std::string> name = as_string(field(ref, "name"), p.field("name"));
      std::optional<std::string> uid = as_string(field(ref, "uid"), p.field("uid"));
      const bool controller = as_bool(field(ref, "controller"), p.field("controller")).value_or(false);
      if (!kind || !name) {
        error(*ref, p, "an owner reference needs kind and name");
        continue;
      }
      if (!controller) {
        continue;
      }
      if (result) {
        error(*ref, p, "only one owner reference may be the controller");
        continue;
      }
      std::optional<WorkloadKind> wk = parse_workload_kind(*kind);
      if (wk && *kind == to_string(*wk)) {
        result = Controller{*wk, *name, uid.value_or("")};
      }
    }
    return result;
  }

  Meta read_metadata(const RawNode& root, const std::string& kind, bool namespaced,
                     bool dns_label_name) {
    Meta meta;
    Path path = Path{}.field("metadata");
    const RawNode* md_node = field(&root, "metadata");
    const RawNode* md = as_map(md_node, path);
    std::optional<std::string> name = as_string(field(md, "name"), path.field("name"));
    std::optional<std::string> ns;
    if (namespaced) {
      ns = as_string(field(md, "namespace"), path.field("namespace"));
    }
    meta.namespace_name = ns && !ns->empty() ? *ns : m_default_namespace;
    m_object = kind + ' ' + (namespaced ? meta.namespace_name + '/' : std::string()) +
               (name ? *name : std::string("<unnamed>"));
    check_fields(md, path, k_object_meta_fields);
    if (!name || name->empty()) {
      error(md ? *md : root, path.field("name"), "required field is missing");
      return meta;
    }
    meta.name = *name;
    std::string why = dns_label_name ? check_dns_label(*name) : check_dns_subdomain(*name);
    if (!why.empty()) {
      error(*field(md, "name"), path.field("name"), "invalid name '" + *name + "': " + why);
      return meta;
    }
    if (ns) {
      why = check_dns_label(*ns);
      if (!why.empty()) {
        error(*field(md, "namespace"), path.field("namespace"),
              "invalid namespace '" + *ns + "': " + why);
        return meta;
      }
    }
    meta.labels = read_labels(field(md, "labels"), path.field("labels"));
    meta.ok = true;
    return meta;
  }

  // ---- objects ----------------------------------------------------------
  void build_object(const RawNode& root, const Path& path) {
    // Aliases share nodes; a node built twice came through an alias. Building
    // it again would only repeat the object, and Lists of aliased Lists would
    // grow exponentially (an alias bomb).
    if (!m_built.insert(&root).second) {
      m_object.clear();
      error(root, path, "a YAML alias repeats an object that is already loaded");
      return;
    }
    m_result.objects_read.push_back(at(root));
    if (root.type != RawType::map) {
      m_object.clear();
      error(root, path, std::string("expected a Kubernetes object (a mapping), found ") + type_name(root));
      return;
    }
    m_object.clear();
    std::optional<std::string> kind = as_string(field(&root, "kind"), Path{}.field("kind"));
    std::optional<std::string> api = as_string(field(&root, "apiVersion"), Path{}.field("apiVersion"));
    if (!kind || kind->empty()) {
      error(root, Path{}.field("kind"), "required field is missing");
      return;
    }
    if (kind->size() >= 4 && kind->compare(kind->size() - 4, 4, "List") == 0) {
      m_result.objects_read.pop_back(); // its items are the objects
      const RawNode* items = as_seq(field(&root, "items"), Path{}.field("items"));
      if (items) {
        for (std::uint32_t i = 0; i < items->child_count; ++i) {
          if (m_result.objects_read.size() > m_max_objects) {
            return; // the loader reports --max-objects
          }
          build_object(m_doc.child(*items, i), path.field("items").item(i));
        }
      }
      return;
    }
    if (*kind == "Namespace") {
      build_namespace(root);
    } else if (*kind == "Node") {
      build_node(root);
    } else if (*kind == "NetworkPolicy" && api &&
               (*api == "networking.k8s.io/v1" || *api == "extensions/v1beta1")) {
      build_policy(root, *api);
    } else if (std::optional<WorkloadKind> wk = parse_workload_kind(*kind);
               wk && (*kind == to_string(*wk))) {
      build_workload(root, *wk);
    } else {
      ++m_result.skipped_kinds[(api ? *api + ' ' : std::string()) + *kind];
    }
  }

  void build_namespace(const RawNode& root) {
    Meta meta = read_metadata(root, "Namespace", false, true);
    if (!meta.ok) {
      return;
    }
    Namespace ns;
    ns.name = meta.name;
    ns.labels = std::move(meta.labels);
    ns.labels.set("kubernetes.io/metadata.name", ns.name);
    ns.where = at(root);
    m_result.objects.emplace_back(std::move(ns));
  }

  void build_node(const RawNode& root) {
    Meta meta = read_metadata(root, "Node", false, false);
    if (!meta.ok) {
      return;
    }
    Node node;
    node.name = meta.name;
    node.where = at(root);
    Path status_path = Path{}.field("status");
    const RawNode* status = as_map(field(&root, "status"), status_path);
    Path addresses_path = status_path.field("addresses");
    const RawNode* addresses = as_seq(field(status, "addresses"), addresses_path);
    for (std::uint32_t i = 0; addresses && i < addresses->child_count; ++i) {
      Path p = addresses_path.item(i);
      const RawNode* entry = as_map(&m_doc.child(*addresses, i), p);
      std::optional<std::string> type = as_string(field(entry, "type"), p.field("type"));
      std::optional<std::string> address = as_string(field(entry, "address"), p.field("address"));
      if (!type || !address || (*type != "InternalIP" && *type != "ExternalIP")) {
        continue;
      }
      if (std::optional<IpAddress> ip = IpAddress::parse(*address)) {
        node.addresses.push_back(*ip);
      } else {
        error(*field(entry, "address"), p.field("address"), "invalid IP address '" + *address + "'");
      }
    }
    std::sort(node.addresses.begin(), node.addresses.end());
    node.addresses.erase(std::unique(node.addresses.begin(), node.addresses.end()), node.addresses.end());
    m_result.objects.emplace_back(std::move(node));
  }

  std::optional<IpAddress> read_ip(const RawNode* node, const Path& path) {
    std::optional<std::string> text = as_string(node, path);
    if (!text || text->empty()) {
      return std::nullopt;
    }
    std::optional<IpAddress> ip = IpAddress::parse(*text);
    if (!ip) {
      error(*node, path, "invalid IP address '" + *text + "'");
    }
    return ip;
  }

  void read_pod_spec(const RawNode* spec_node, const Path& path, Workload& w) {
    const RawNode* spec = as_map(spec_node, path);
    if (!spec) {
      return;
    }
    check_fields(spec, path, k_pod_spec_fields);
    if (std::optional<std::string> node_name = as_string(field(spec, "nodeName"), path.field("nodeName"))) {
      w.node_name = *node_name;
    }
    w.host_network = as_bool(field(spec, "hostNetwork"), path.field("hostNetwork")).value_or(false);
    Path containers_path = path.field("containers");
    const RawNode* containers = as_seq(field(spec, "containers"), containers_path);
    std::set<std::string> names;
    for (std::uint32_t c = 0; containers && c < containers->child_count; ++c) {
      Path cp = containers_path.item(c);
      const RawNode* container = as_entry_map(m_doc.child(*containers, c), cp);
      check_fields(container, cp, k_container_fields);
      if (container && container->type == RawType::null) {
        // The zero container, which the API server rejects for its missing name.
        error(*container, cp.field("name"), "required field is missing");
      }
      Path ports_path = cp.field("ports");
      const RawNode* ports = as_seq(field(container, "ports"), ports_path);
      for (std::uint32_t i = 0; ports && i < ports->child_count; ++i) {
        Path pp = ports_path.item(i);
        const RawNode* entry = as_entry_map(m_doc.child(*ports, i), pp);
        if (!entry) {
          continue;
        }
        check_fields(entry, pp, {"name", "containerPort", "protocol", "hostPort", "hostIP"});
        ContainerPort port;
        std::optional<long> number = as_int(field(entry, "containerPort"), pp.field("containerPort"));
        if (!field(entry, "containerPort")) {
          error(*entry, pp.field("containerPort"), "required field is missing");
          continue;
        }
        if (!number) {
          continue;
        }
        if (*number < 1 || *number > 65535) {
          error(*field(entry, "containerPort"), pp.field("containerPort"),
                std::to_string(*number) + " is out of range (expected 1..65535)");
          continue;
        }
        port.port = static_cast<std::uint16_t>(*number);
        if (std::optional<std::string> protocol = as_string(field(entry, "protocol"), pp.field("protocol"))) {
          std::optional<Protocol> p = parse_protocol(*protocol);
          if (!p) {
            error(*field(entry, "protocol"), pp.field("protocol"),
                  "unknown protocol '" + *protocol + "' (expected TCP, UDP or SCTP)");
            continue;
          }
          port.protocol = *p;
        }
        if (std::optional<std::string> name = as_string(field(entry, "name"), pp.field("name"))) {
          std::string why = check_port_name(*name);
          if (!why.empty()) {
            error(*field(entry, "name"), pp.field("name"), "invalid port name '" + *name + "': " + why);
            continue;
          }
          if (!names.insert(*name).second) {
            error(*field(entry, "name"), pp.field("name"), "duplicate port name '" + *name + "'");
            continue;
          }
          port.name = *name;
        }
        w.ports.push_back(std::move(port));
      }
    }
  }

  // spec.template of a workload (or of a CronJob's jobTemplate.spec).
  void read_pod_template(const RawNode* holder, const Path& holder_path, Workload& w) {
    Path tpl = holder_path.field("template");
    const RawNode* pod_template = as_map(field(holder, "template"), tpl);
    Path tpl_meta = tpl.field("metadata");
    const RawNode* tmeta = as_map(field(pod_template, "metadata"), tpl_meta);
    check_fields(tmeta, tpl_meta, k_object_meta_fields);
    w.labels = read_labels(field(tmeta, "labels"), tpl_meta.field("labels"));
    read_pod_spec(field(pod_template, "spec"), tpl.field("spec"), w);
  }

  void build_workload(const RawNode& root, WorkloadKind kind) {
    Meta meta = read_metadata(root, to_string(kind), true, false);
    if (!meta.ok) {
      return;
    }
    Workload w;
    w.kind = kind;
    w.namespace_name = meta.namespace_name;
    w.name = meta.name;
    {
      Path md_path = Path{}.field("metadata");
      const RawNode* md = field(&root, "metadata");
      w.uid = as_string(field(md, "uid"), md_path.field("uid")).value_or("");
      w.controller = read_controller(field(md, "ownerReferences"), md_path.field("ownerReferences"));
    }
    w.where = at(root);
    Path spec_path = Path{}.field("spec");
    if (kind == WorkloadKind::pod) {
      w.labels = std::move(meta.labels);
      read_pod_spec(field(&root, "spec"), spec_path, w);
      Path status_path = Path{}.field("status");
      const RawNode* status = as_map(field(&root, "status"), status_path);
      if (std::optional<IpAddress> ip = read_ip(field(status, "podIP"), status_path.field("podIP"))) {
        w.pod_ips.push_back(*ip);
      }
      Path ips_path = status_path.field("podIPs");
      const RawNode* ips = as_seq(field(status, "podIPs"), ips_path);
      for (std::uint32_t i = 0; ips && i < ips->child_count; ++i) {
        Path p = ips_path.item(i);
        const RawNode* entry = as_map(&m_doc.child(*ips, i), p);
        if (std::optional<IpAddress> ip = read_ip(field(entry, "ip"), p.field("ip"))) {
          w.pod_ips.push_back(*ip);
        }
      }
      std::sort(w.pod_ips.begin(), w.pod_ips.end());
      w.pod_ips.erase(std::unique(w.pod_ips.begin(), w.pod_ips.end()), w.pod_ips.end());
      w.host_ip = read_ip(field(status, "hostIP"), status_path.field("hostIP"));
    } else {
      const RawNode* spec = as_map(field(&root, "spec"), spec_path);
      if (kind == WorkloadKind::cron_job) {
        Path job_template_path = spec_path.field("jobTemplate");
        const RawNode* job_template = as_map(field(spec, "jobTemplate"), job_template_path);
        Path job_spec_path = job_template_path.field("spec");
        read_pod_template(as_map(field(job_template, "spec"), job_spec_path), job_spec_path, w);
      } else {
        read_pod_template(spec, spec_path, w);
      }
    }
    m_result.objects.emplace_back(std::move(w));
  }

  // ---- NetworkPolicy ----------------------------------------------------
  std::optional<LabelSelector> read_selector(const RawNode* node, const Path& path) {
    if (!node) {
      return std::nullopt;
    }
    LabelSelector selector;
    selector.where = at(*node);
    if (node->type == RawType::null) {
      return selector;
    }
    const RawNode* map = as_map(node, path);
    if (!map) {
      return selector;
    }
    check_fields(map, path, {"matchLabels", "matchExpressions"});
    selector.match_labels = read_labels(field(map, "matchLabels"), path.field("matchLabels"));
    Path exprs_path = path.field("matchExpressions");
    const RawNode* exprs = as_seq(field(map, "matchExpressions"), exprs_path);
    for (std::uint32_t i = 0; exprs && i < exprs->child_count; ++i) {
      Path p = exprs_path.item(i);
      const RawNode* entry = as_entry_map(m_doc.child(*exprs, i), p);
      if (!entry) {
        continue;
      }
      check_fields(entry, p, {"key", "operator", "values"});
      Requirement req;
      std::optional<std::string> key = as_string(field(entry, "key"), p.field("key"));
      std::optional<std::string> op = as_string(field(entry, "operator"), p.field("operator"));
      bool ok = true;
      if (!key) {
        if (!field(entry, "key")) {
          error(*entry, p.field("key"), "required field is missing");
        }
        ok = false;
      } else if (std::string why = check_label_key(*key); !why.empty()) {
        error(*field(entry, "key"), p.field("key"), "invalid label key '" + *key + "': " + why);
        ok = false;
      } else {
        req.key = *key;
      }
      if (!op) {
        if (!field(entry, "operator")) {
          error(*entry, p.field("operator"), "required field is missing");
        }
        ok = false;
      } else if (*op == "In") {
        req.op = Operator::in;
      } else if (*op == "NotIn") {
        req.op = Operator::not_in;
      } else if (*op == "Exists") {
        req.op = Operator::exists;
      } else if (*op == "DoesNotExist") {
        req.op = Operator::does_not_exist;
      } else {
        error(*field(entry, "operator"), p.field("operator"),
              "unknown operator '" + *op + "' (expected In, NotIn, Exists or DoesNotExist)");
        ok = false;
      }
      Path values_path = p.field("values");
      const RawNode* values = as_seq(field(entry, "values"), values_path);
      for (std::uint32_t v = 0; values && v < values->child_count; ++v) {
        Path vp = values_path.item(v);
        const RawNode& value_node = m_doc.child(*values, v);
        std::optional<std::string> value = as_entry_string(value_node, vp);
        if (!value) {
          ok = false;
          continue;
        }
        if (std::string why = check_label_value(*value); !why.empty()) {
          error(value_node, vp, "invalid label value '" + *value + "': " + why);
          ok = false;
          continue;
        }
        req.values.push_back(*value);
      }
      if (ok) {
        bool needs_values = req.op == Operator::in || req.op == Operator::not_in;
        if (needs_values && req.values.empty()) {
          error(*field(entry, "operator"), values_path,
                std::string("must be non-empty when operator is ") + to_string(req.op));
          ok = false;
        } else if (!needs_values && !req.values.empty()) {
          error(*field(entry, "values"), values_path,
                std::string("must be empty when operator is ") + to_string(req.op));
          ok = false;
        }
      }
      if (ok) {
        std::sort(req.values.begin(), req.values.end());
        req.values.erase(std::unique(req.values.begin(), req.values.end()), req.values.end());
        selector.match_expressions.push_back(std::move(req));
      }
    }
    return selector;
  }

  // A CIDR string; null reads as "", which is not one.
  std::optional<Cidr> read_cidr(const RawNode& node, const Path& path) {
    std::optional<std::string> text = as_entry_string(node, path);
    if (!text) {
      return std::nullopt;
    }
    std::optional<Cidr> cidr = Cidr::parse(*text);
    if (!cidr) {
      error(node, path, "invalid CIDR '" + *text + "' (expected e.g. 10.0.0.0/16 or fd00::/64)");
    } else if (std::string why = cidr->mapped_problem(); !why.empty()) {
      error(node, path, "invalid CIDR '" + *text + "': " + why);
      return std::nullopt;
    }
    return cidr;
  }

  std::optional<IpBlock> read_ip_block(const RawNode* node, const Path& path) {
    const RawNode* map = as_map(node, path);
    if (!map) {
      return std::nullopt;
    }
    check_fields(map, path, {"cidr", "except"});
    IpBlock block;
    block.where = at(*map);
    if (!present(field(map, "cidr"))) {
      error(*map, path.field("cidr"), "required field is missing");
      return std::nullopt;
    }
    std::optional<Cidr> cidr = read_cidr(*field(map, "cidr"), path.field("cidr"));
    bool ok = cidr.has_value();
    Path except_path = path.field("except");
    const RawNode* excepts = as_seq(field(map, "except"), except_path);
    for (std::uint32_t i = 0; excepts && i < excepts->child_count; ++i) {
      Path p = except_path.item(i);
      const RawNode& except_node = m_doc.child(*excepts, i);
      std::optional<Cidr> except = read_cidr(except_node, p);
      if (!except) {
        ok = false;
        continue;
      }
      if (cidr) {
        if (except->address.family != cidr->address.family) {
          error(except_node, p, "'" + except->to_string() + "' is not the same IP family as cidr '" +
                                    cidr->to_string() + "'");
          ok = false;
          continue;
        }
        if (!cidr->contains(*except) || except->prefix <= cidr->prefix) {
          error(except_node, p, "'" + except->to_string() + "' is not strictly inside cidr '" +
                                    cidr->to_string() + "'");
          ok = false;
          continue;
        }
      }
      block.except.push_back(*except);
    }
    if (!ok) {
      return std::nullopt;
    }
    block.cidr = *cidr;
    return block;
  }

  std::vector<Peer> read_peers(const RawNode* node, const Path& path, bool& ok) {
    std::vector<Peer> peers;
    const RawNode* seq = as_seq(node, path);
    for (std::uint32_t i = 0; seq && i < seq->child_count; ++i) {
      Path p = path.item(i);
      const RawNode* entry = as_entry_map(m_doc.child(*seq, i), p);
      if (!entry) {
        ok = false;
        continue;
      }
      check_fields(entry, p, {"podSelector", "namespaceSelector", "ipBlock"});
      Peer peer;
      peer.where = at(*entry);
      std::size_t errors_before = m_result.errors.size();
      // A null peer field is absent, as Go decodes it into a nil pointer:
      // "namespaceSelector:" left empty means the policy's own namespace, not {}.
      peer.pod_selector = read_selector(present(field(entry, "podSelector")), p.field("podSelector"));
      peer.namespace_selector =
          read_selector(present(field(entry, "namespaceSelector")), p.field("namespaceSelector"));
      const RawNode* block_node = present(field(entry, "ipBlock"));
      if (block_node) {
        peer.ip_block = read_ip_block(block_node, p.field("ipBlock"));
      }
      bool selectors = peer.pod_selector || peer.namespace_selector;
      if (block_node && selectors) {
        error(*entry, p, "a peer may not combine ipBlock with podSelector or namespaceSelector");
      } else if (!block_node && !selectors) {
        error(*entry, p, "must specify a peer: podSelector, namespaceSelector or ipBlock");
      }
      if (m_result.errors.size() != errors_before) {
        ok = false;
        continue;
      }
      peers.push_back(std::move(peer));
    }
    return peers;
  }

  std::vector<PolicyPort> read_ports(const RawNode* node, const Path& path, bool& ok) {
    std::vector<PolicyPort> ports;
    const RawNode* seq = as_seq(node, path);
    for (std::uint32_t i = 0; seq && i < seq->child_count; ++i) {
      Path p = path.item(i);
      const RawNode* entry = as_entry_map(m_doc.child(*seq, i), p);
      if (!entry) {
        ok = false;
        continue;
      }
      check_fields(entry, p, {"protocol", "port", "endPort"});
      std::size_t errors_before = m_result.errors.size();
      PolicyPort port;
      port.where = at(*entry);
      if (std::optional<std::string> protocol = as_string(field(entry, "protocol"), p.field("protocol"))) {
        if (std::optional<Protocol> parsed = parse_protocol(*protocol)) {
          port.protocol = *parsed;
        } else {
          error(*field(entry, "protocol"), p.field("protocol"),
                "unknown protocol '" + *protocol + "' (expected TCP, UDP or SCTP)");
        }
      }
      const RawNode* port_node = field(entry, "port");
      if (port_node && port_node->type == RawType::scalar) {
        if (port_node->plain && looks_like_number(port_node->value)) {
          if (std::optional<long> number = as_int(port_node, p.field("port"))) {
            if (*number < 1 || *number > 65535) {
              error(*port_node, p.field("port"),
                    std::to_string(*number) + " is out of range (expected 1..65535)");
            } else {
              port.port = static_cast<std::uint16_t>(*number);
            }
          }
        } else if (port_node->plain && looks_like_yaml11_bool(port_node->value)) {
          // kubectl reads an unquoted yes/no/on/off/y/n as a boolean, not a name.
          error(*port_node, p.field("port"),
                "expected a port number or name, found a boolean '" + port_node->value + "' (quote it)");
        } else if (std::string why = check_port_name(port_node->value); !why.empty()) {
          error(*port_node, p.field("port"), "invalid port name '" + port_node->value + "': " + why);
        } else {
          port.port = port_node->value;
        }
      } else if (port_node && port_node->type != RawType::null) {
        error(*port_node, p.field("port"),
              std::string("expected a port number or name, found ") + type_name(*port_node));
      }
      const RawNode* end_node = field(entry, "endPort");
      if (std::optional<long> end = as_int(end_node, p.field("endPort"))) {
        if (!port_node || port_node->type == RawType::null) {
          error(*end_node, p.field("endPort"), "endPort requires port to be set");
        } else if (port.port && std::holds_alternative<std::string>(*port.port)) {
          error(*end_node, p.field("endPort"), "endPort requires a numeric port, not a named port");
        } else if (*end > 65535) {
          error(*end_node, p.field("endPort"),
                std::to_string(*end) + " is out of range (expected at most 65535)");
        } else if (port.port && *end < std::get<std::uint16_t>(*port.port)) {
          error(*end_node, p.field("endPort"),
                "endPort " + std::to_string(*end) + " is less than port " +
                    std::to_string(std::get<std::uint16_t>(*port.port)));
        } else if (port.port) {
          port.end_port = static_cast<std::uint16_t>(*end);
        }
      }
      if (m_result.errors.size() != errors_before) {
        ok = false;
        continue;
      }
      ports.push_back(std::move(port));
    }
    return ports;
  }

  std::vector<Rule> read_rules(const RawNode* node, const Path& path, const char* peers_key, bool& ok) {
    std::vector<Rule> rules;
    const RawNode* seq = as_seq(node, path);
    for (std::uint32_t i = 0; seq && i < seq->child_count; ++i) {
      Path p = path.item(i);
      const RawNode& entry_node = m_doc.child(*seq, i);
      Rule rule;
      rule.where = at(entry_node);
      if (entry_node.type == RawType::null) {
        rules.push_back(std::move(rule)); // "- {}" written as "-": allows everything
        continue;
      }
      const RawNode* entry = as_map(&entry_node, p);
      if (!entry) {
        ok = false;
        continue;
      }
      check_fields(entry, p, {peers_key, "ports"});
      Path peers_path = p.field(peers_key);
      rule.peers = read_peers(field(entry, peers_key), peers_path, ok);
      Path ports_path = p.field("ports");
      rule.ports = read_ports(field(entry, "ports"), ports_path, ok);
      rules.push_back(std::move(rule));
    }
    return rules;
  }

  void build_policy(const RawNode& root, const std::string& api) {
    Meta meta = read_metadata(root, "NetworkPolicy", true, false);
    if (!meta.ok) {
      return;
    }
    check_fields(&root, Path{}, {"apiVersion", "kind", "metadata", "spec", "status"});
    if (api != "networking.k8s.io/v1") {
      warning(*field(&root, "apiVersion"), Path{}.field("apiVersion"),
              "'" + api + "' is deprecated; read as networking.k8s.io/v1");
    }
    NetworkPolicy policy;
    policy.namespace_name = meta.namespace_name;
    policy.name = meta.name;
    policy.where = at(root);
    std::size_t errors_before = m_result.errors.size();
    Path spec_path = Path{}.field("spec");
    const RawNode* spec = as_map(field(&root, "spec"), spec_path);
    check_fields(spec, spec_path, {"podSelector", "policyTypes", "ingress", "egress"});
    Path selector_path = spec_path.field("podSelector");
    if (std::optional<LabelSelector> s = read_selector(field(spec, "podSelector"), selector_path)) {
      policy.pod_selector = std::move(*s);
    } else {
      policy.pod_selector.where = at(spec ? *spec : root);
    }
    bool ok = true;
    Path ingress_path = spec_path.field("ingress");
    policy.ingress = read_rules(field(spec, "ingress"), ingress_path, "from", ok);
    Path egress_path = spec_path.field("egress");
    const RawNode* egress_node = field(spec, "egress");
    policy.egress = read_rules(egress_node, egress_path, "to", ok);

    Path types_path = spec_path.field("policyTypes");
    const RawNode* types = as_seq(field(spec, "policyTypes"), types_path);
    // Defaulting as the API server does it: an empty policyTypes list is
    // absent, and only a non-empty egress list adds Egress.
    if (types && types->child_count > 0) {
      policy.policy_types_given = true;
      policy.affects_ingress = false;
      policy.affects_egress = false;
      for (std::uint32_t i = 0; i < types->child_count; ++i) {
        Path p = types_path.item(i);
        const RawNode& type_node = m_doc.child(*types, i);
        std::optional<std::string> type = as_entry_string(type_node, p);
        if (!type) {
          continue;
        }
        bool& slot = *type == "Ingress" ? policy.affects_ingress : policy.affects_egress;
        if (*type != "Ingress" && *type != "Egress") {
          error(type_node, p, "unknown policy type '" + *type + "' (expected Ingress or Egress)");
        } else if (slot) {
          error(type_node, p, "duplicate policy type '" + *type + "'");
        } else {
          slot = true;
        }
      }
    } else {
      policy.affects_ingress = true;
      policy.affects_egress = egress_node && egress_node->type == RawType::seq &&
                              egress_node->child_count > 0;
    }
    if (!ok || m_result.errors.size() != errors_before) {
      return;
    }
    m_result.objects.emplace_back(std::move(policy));
  }

  const RawDocument& m_doc;
  const std::shared_ptr<const std::string>& m_file;
  const std::string& m_default_namespace;
  ChunkResult& m_result;
  std::string m_object;
  std::unordered_set<const RawNode*> m_built;
  std::size_t m_max_alias_nodes;
  std::size_t m_max_objects; // a List stops building its items past it
  std::size_t m_alias_nodes = 0;
  bool m_alias_limit_hit = false;
  std::vector<bool> m_reached; // by node index: reached through some container
};

} // namespace

void build_objects(const RawDocument& doc, const std::shared_ptr<const std::string>& file,
                   const std::string& default_namespace, const LoadLimits& limits,
                   ChunkResult& result) {
  Builder(doc, file, default_namespace, limits, result).build_document();
}

} // namespace npcheck::model::detail
