// SPDX-License-Identifier: Apache-2.0
//
// From document to object. Each known kind is read field by field from the
// RawDocument with the API server's rules: wrong types, bad names, bad label
// syntax and every NetworkPolicy rule of the spec's "Validation" section
// become located Diagnostics carrying the object and the field path in
// Kubernetes spelling (spec.ingress[0].ports[1].endPort). All problems of an
// object are reported, not just the first. Unknown fields in the parts of a
// known kind that npcheck models give a warning with a "did you mean" hint.
// Scalars are typed as kubectl types them (yaml_scalar.hpp, go-yaml v2 through
// sigs.k8s.io/yaml): an unquoted 80 is a number and an unquoted true, yes or
// on is a boolean, so a string field written that way is a type error just as
// kubectl apply would report it; a UID such as 74effb20-09dc-... is a string.
#include "object_builder.hpp"

#include "api_kinds.hpp"
#include "field_path.hpp"

#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstring>
#include <set>
#include <unordered_set>

namespace npcheck::model::detail {

namespace {


// What a scalar is, for "expected X, found Y (quote it)".
const char* scalar_kind_name(ScalarKind kind) {
  switch (kind) {
  case ScalarKind::boolean:
    return "a boolean";
  case ScalarKind::integer:
  case ScalarKind::floating:
    return "a number";
  case ScalarKind::null:
    return "null";
  case ScalarKind::string:
  case ScalarKind::timestamp:
  case ScalarKind::merge:
    break;
  }
  return "a string";
}

bool is_string_kind(ScalarKind kind) {
  return kind == ScalarKind::string || kind == ScalarKind::timestamp || kind == ScalarKind::merge;
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

// A domainNames entry: the CRD's pattern ^(\*\.)?([a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.)+[a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\.?$
// (A1:290, B1:554): an optional "*." and two or more labels, a trailing dot allowed.
bool is_domain_name_pattern(std::string_view name) {
  if (name.substr(0, 2) == "*.") {
    name.remove_prefix(2);
  }
  if (!name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  std::size_t labels = 0;
  while (true) {
    const std::size_t dot = name.find('.');
    const std::string_view label = name.substr(0, dot);
    if (label.empty()) {
      return false;
    }
    // A label is [a-zA-z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?: the first
    // character's range A-z also holds [ \ ] ^ _ and a backtick, which the
    // API server accepts (_dmarc.example.com is valid).
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    if (!alnum(label.front()) && !(label.front() >= '[' && label.front() <= '`')) {
      return false;
    }
    if (label.size() > 1 && !alnum(label.back())) {
      return false;
    }
    for (std::size_t i = 1; i + 1 < label.size(); ++i) {
      if (!alnum(label[i]) && label[i] != '-' && label[i] != '_') {
        return false;
      }
    }
    ++labels;
    if (dot == std::string_view::npos) {
      break;
    }
    name.remove_prefix(dot + 1);
  }
  return labels >= 2;
}

class Builder {
public:
  Builder(const RawDocument& doc, const std::shared_ptr<const std::string>& file,
          const std::string& default_namespace, const LoadLimits& limits, Strictness strictness,
          ChunkResult& result)
      : m_doc(doc), m_file(file), m_default_namespace(default_namespace), m_result(result),
        m_max_alias_nodes(limits.max_alias_nodes), m_max_objects(limits.max_objects),
        m_strictness(strictness), m_reached(doc.nodes.size(), false) {}

  void build_document() {
    if (m_doc.empty) {
      return;
    }
    const RawNode& root = m_doc.node(m_doc.root);
    if (root.type == RawType::null && m_doc.problems.empty()) {
      return;
    }
    if (m_strictness == Strictness::walked && !looks_like_object(root)) {
      // A CI workflow, Helm values, package.json...: not a manifest.
      ++m_result.non_objects;
      return;
    }
    ++m_result.documents;
    if (!m_doc.problems.empty()) {
      // kubectl refuses the whole document: report why, build nothing.
      m_object = object_label(root);
      for (const RawProblem& problem : m_doc.problems) {
        m_result.errors.push_back(Diagnostic{
            Severity::error, SourceLocation{m_file, problem.line, problem.column}, m_object,
            problem.path.empty() ? problem.message : problem.path + ": " + problem.message});
      }
      return;
    }
    build_object(root, Path{}, {});
  }

private:
  // ---- diagnostics ------------------------------------------------------
  SourceLocation at(const RawNode& node) const { return SourceLocation{m_file, node.line, node.column}; }

  void error(const RawNode& node, const Path& path, std::string message) {
    std::string p = path.str();
    m_result.errors.push_back(
        Diagnostic{Severity::error, at(node), m_object, p.empty() ? message : p + ": " + message});
  }
  void info(const RawNode& node, const Path& path, std::string message) {
    std::string p = path.str();
    m_result.infos.push_back(
        Diagnostic{Severity::info, at(node), m_object, p.empty() ? message : p + ": " + message});
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
    if (!is_string_kind(node->kind)) {
      error(*node, path,
            std::string("expected a string, found ") + scalar_kind_name(node->kind) + " '" +
                node->value + "' (quote it)");
      return std::nullopt;
    }
    return node->value;
  }
  // An integer field: a number the JSON sent to the API server writes as an
  // integer (so 80, 0x50, 0120, 8_0 and 80.0 are 80).
  std::optional<long> as_int(const RawNode* node, const Path& path) {
    if (!node || node->type == RawType::null) {
      return std::nullopt;
    }
    const std::string& v = node->value;
    if (node->type != RawType::scalar) {
      error(*node, path, std::string("expected an integer, found ") + type_name(*node));
      return std::nullopt;
    }
    if (is_string_kind(node->kind)) {
      if (is_json_integer(resolve_plain(v))) {
        error(*node, path, "expected an integer, found a string '" + v + "' (remove the quotes)");
      } else {
        error(*node, path, "expected an integer, found '" + v + "'");
      }
      return std::nullopt;
    }
    if (node->kind != ScalarKind::integer && node->kind != ScalarKind::floating) {
      error(*node, path, std::string("expected an integer, found ") + scalar_kind_name(node->kind) +
                             " '" + v + "'");
      return std::nullopt;
    }
    ResolvedScalar resolved = resolve_plain(v);
    if (node->kind == ScalarKind::floating && resolved.kind == ScalarKind::integer) {
      resolved.kind = ScalarKind::floating; // !!float 80 is still 80
      resolved.float_value = resolved.is_unsigned ? static_cast<double>(resolved.uint_value)
                                                  : static_cast<double>(resolved.int_value);
    }
    if (!is_json_integer(resolved)) {
      error(*node, path, "expected an integer, found '" + v + "'");
      return std::nullopt;
    }
    std::optional<std::int64_t> value = integer_value(resolved);
    if (!value) {
      error(*node, path, "'" + v + "' is out of range");
      return std::nullopt;
    }
    return static_cast<long>(*value);
  }
  std::optional<bool> as_bool(const RawNode* node, const Path& path) {
    if (!node || node->type == RawType::null) {
      return std::nullopt;
    }
    if (node->type == RawType::scalar && node->kind == ScalarKind::boolean) {
      return resolve_plain(node->value).boolean;
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
      std::string message = "unknown field";
      if (std::optional<std::string> best = nearest(key.value, known, 2)) {
        message += " (did you mean '" + *best + "'?)";
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
      if (value.type == RawType::null && m_custom_resource) {
        // The API server prunes null entries of a custom resource's maps
        // (apiextensions prunenulls): the label is not required at all.
        warning(value, p,
                "null value: the API server drops this entry of a custom resource, so the selector "
                "does not require label '" + key.value + "' (write \"\" for an empty value)");
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

  // metadata.ownerReferences: the controller entry.
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
      result = Controller{*kind, *name, uid.value_or("")};
    }
    return result;
  }

  // Whether a document of a walked file is meant as a Kubernetes object: a
  // mapping with apiVersion or kind.
  bool looks_like_object(const RawNode& root) const {
    return root.type == RawType::map && (field(&root, "apiVersion") || field(&root, "kind"));
  }

  // "Kind ns/name" of a document's object as far as it can be read, for
  // problems found before the object is (empty when it has no kind).
  std::string object_label(const RawNode& root) const {
    const RawNode* kind = field(&root, "kind");
    if (!kind || kind->type != RawType::scalar) {
      return {};
    }
    const RawNode* md = field(&root, "metadata");
    const RawNode* name = field(md, "name");
    const RawNode* ns = field(md, "namespace");
    std::string label = kind->value;
    if (name && name->type == RawType::scalar) {
      const bool cluster = kind->value == "Namespace" || kind->value == "Node" ||
                           kind->value == "AdminNetworkPolicy" ||
                           kind->value == "BaselineAdminNetworkPolicy" ||
                           kind->value == "ClusterNetworkPolicy";
      label += ' ';
      if (!cluster) {
        label += (ns && ns->type == RawType::scalar && !ns->value.empty() ? ns->value
                                                                           : m_default_namespace) +
                 '/';
      }
      label += name->value;
    }
    return label;
  }

  struct Meta {
    std::string name;
    std::string namespace_name;
    Labels labels;
    bool generated_name = false;
    // No metadata.namespace: the object is in the default namespace (-n).
    bool namespace_defaulted = false;
    bool ok = false;
  };

  // metadata: name (or generateName, shown as "<generateName>*"),
  // namespace, labels. list_item names the object's place in a List when
  // it has no name.
  Meta read_metadata(const RawNode& root, const std::string& kind, bool namespaced,
                     bool dns_label_name, const std::string& list_item = {}) {
    Meta meta;
    Path path = Path{}.field("metadata");
    const RawNode* md_node = field(&root, "metadata");
    const RawNode* md = as_map(md_node, path);
    std::optional<std::string> name = as_string(field(md, "name"), path.field("name"));
    std::optional<std::string> generate_name;
    if (!name || name->empty()) {
      generate_name = as_string(field(md, "generateName"), path.field("generateName"));
      if (generate_name && generate_name->empty()) {
        generate_name.reset();
      }
    }
    std::optional<std::string> ns;
    if (namespaced) {
      ns = as_string(field(md, "namespace"), path.field("namespace"));
    }
    meta.namespace_name = ns && !ns->empty() ? *ns : m_default_namespace;
    meta.namespace_defaulted = namespaced && !(ns && !ns->empty());
    const std::string shown_name =
        name && !name->empty() ? *name
        : generate_name       ? *generate_name + '*'
                              : "<unnamed>" + (list_item.empty() ? std::string() : " (" + list_item + ")");
    m_object = kind + ' ' + (namespaced ? meta.namespace_name + '/' : std::string()) + shown_name;
    check_fields(md, path, k_object_meta_fields);
    if ((!name || name->empty()) && !generate_name) {
      error(md ? *md : root, path.field("name"), "required field is missing");
      return meta;
    }
    if (generate_name) {
      // Validated as a prefix, as the API server does: a trailing '-' is fine.
      std::string prefix = *generate_name;
      if (prefix.back() == '-') {
        prefix.back() = 'a';
      }
      std::string why = dns_label_name ? check_dns_label(prefix) : check_dns_subdomain(prefix);
      if (!why.empty()) {
        error(*field(md, "generateName"), path.field("generateName"),
              "invalid generateName '" + *generate_name + "': " + why);
        return meta;
      }
      meta.name = shown_name;
      meta.generated_name = true;
    } else {
      meta.name = *name;
      std::string why = dns_label_name ? check_dns_label(*name) : check_dns_subdomain(*name);
      if (!why.empty()) {
        error(*field(md, "name"), path.field("name"), "invalid name '" + *name + "': " + why);
        return meta;
      }
    }
    if (ns) {
      std::string why = check_dns_label(*ns);
      if (!why.empty()) {
        error(*field(md, "namespace"), path.field("namespace"),
              "invalid namespace '" + *ns + "': " + why);
        return meta;
      }
    }
    meta.labels = read_labels(field(md, "labels"), path.field("labels"));
    // npcheck/ignore: lint checks not to report on this object (lint reads it).
    if (const RawNode* annotations = field(md, "annotations");
        annotations != nullptr && annotations->type == RawType::map) {
      if (const RawNode* ignore = field(annotations, "npcheck/ignore"); ignore != nullptr) {
        if (ignore->type == RawType::scalar) {
          m_result.lint_ignores.push_back(LintIgnore{m_object, ignore->value, at(*ignore)});
        } else {
          warning(*ignore, path.field("annotations").field("npcheck/ignore"),
                  std::string("expected a string of check ids, found ") + type_name(*ignore) +
                      " (annotation values are strings: 'NP601,NP702'); it ignores nothing");
        }
      }
    }
    meta.ok = true;
    return meta;
  }

  // ---- objects ----------------------------------------------------------

  // What a List's items default to: the item kind of a typed list (PodList:
  // Pod) and the list's apiVersion; empty for a plain List.
  struct ListDefaults {
    std::string kind;
    std::string api_version;
    std::string item; // "items[3]", for messages
  };

  void build_object(const RawNode& root, const Path& path, const ListDefaults& list) {
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
    const RawNode* kind_node = field(&root, "kind");
    const RawNode* api_node = field(&root, "apiVersion");
    std::optional<std::string> kind = as_string(kind_node, path.field("kind"));
    std::optional<std::string> api = as_string(api_node, path.field("apiVersion"));
    const bool kind_absent = !kind_node || kind_node->type == RawType::null || (kind && kind->empty());
    const bool api_absent = !api_node || api_node->type == RawType::null || (api && api->empty());
    if (kind_absent && !list.kind.empty()) {
      kind = list.kind;
    }
    if (api_absent && !list.api_version.empty()) {
      api = list.api_version;
    }
    if (!kind || kind->empty()) {
      if (kind_absent) {
        error(root, path.field("kind"),
              list.item.empty() ? "required field is missing"
                                : "required field is missing (an item of a List names its kind; "
                                  "only typed lists such as PodList give their items one)");
      }
      return;
    }
    if (kind->size() >= 4 && kind->compare(kind->size() - 4, 4, "List") == 0 &&
        field(&root, "items")) {
      // A List (kubectl get -o yaml) or a typed list (PodList, as the API
      // returns it): items of a typed list may omit kind and apiVersion.
      ListDefaults items_default;
      if (*kind != "List") {
        items_default.kind = kind->substr(0, kind->size() - 4);
        items_default.api_version = api.value_or("");
      }
      m_result.objects_read.pop_back(); // its items are the objects
      Path items_path = path.field("items");
      const RawNode* items = as_seq(field(&root, "items"), items_path);
      for (std::uint32_t i = 0; items && i < items->child_count; ++i) {
        if (m_result.objects_read.size() > m_max_objects) {
          return; // the loader reports --max-objects
        }
        items_default.item = "items[" + std::to_string(i) + "]";
        build_object(m_doc.child(*items, i), items_path.item(i), items_default);
      }
      return;
    }
    const std::string api_version = api.value_or("");
    const std::string group(api_group(api_version));
    const RawNode& api_at = api_node ? *api_node : root;
    if (is_unmodelled_policy(group, *kind)) {
      ++m_result.unmodelled_policies[{*kind, group}];
      return;
    }
    if (const ModelledKind* known = find_modelled_kind(*kind)) {
      const std::string expected = "(expected " + std::string(known->api_version) + ")";
      const std::string_view known_group = api_group(known->api_version);
      const bool retired = std::find(known->retired_groups.begin(), known->retired_groups.end(),
                                     group) != known->retired_groups.end();
      if (api_version == known->api_version) {
        build_known(root, *kind, list.item);
      } else if (api_version.empty()) {
        m_object = object_label(root);
        error(api_at, path.field("apiVersion"), "required field is missing " + expected);
      } else if (retired || is_kubernetes_group(group) || edit_distance(group, known_group) <= 2) {
        m_object = object_label(root);
        error(api_at, path.field("apiVersion"),
              "'" + api_version + "' is not served for " + *kind + " " + expected);
      } else if (!build_custom_workload(root, *kind, group, list.item)) {
        // A custom resource of another API group that reuses the name.
        m_object = object_label(root);
        warning(api_at, path.field("apiVersion"),
                *kind + " of API group '" + group + "' is not the Kubernetes " + *kind + " (" +
                    std::string(known->api_version) + "); the object is skipped");
        ++m_result.skipped_kinds[api_version + ' ' + *kind];
      }
      return;
    }
    if (const ModelledKind* known = find_modelled_kind_ignoring_case(*kind)) {
      if (is_kubernetes_group(group) || edit_distance(group, api_group(known->api_version)) == 0) {
        m_object = object_label(root);
        error(kind_node ? *kind_node : root, path.field("kind"),
              "unknown kind '" + *kind + "' (kinds are case-sensitive: did you mean '" +
                  std::string(known->kind) + "'?)");
        return;
      }
    }
    if (build_custom_workload(root, *kind, group, list.item)) {
      return;
    }
    if (std::optional<std::string> meant = misspelt_kind(*kind)) {
      m_object = object_label(root);
      warning(kind_node ? *kind_node : root, path.field("kind"),
              "unknown kind '" + *kind + "' (did you mean '" + *meant + "'?); the object is skipped");
    }
    ++m_result.skipped_kinds[(api_version.empty() ? std::string() : api_version + ' ') + *kind];
    if (!group.empty() && !is_kubernetes_group(group)) {
      note_custom_resource(root, *kind);
    }
  }

  // A custom resource's namespace and name, for lint (an operator may make
  // the pods a policy selects from it). Cluster-scoped ones cannot be told
  // apart without their CRD: they count in the default namespace.
  void note_custom_resource(const RawNode& root, const std::string& kind) {
    const RawNode* md = field(&root, "metadata");
    const RawNode* name = field(md, "name");
    const RawNode* ns = field(md, "namespace");
    if (!name || name->type != RawType::scalar || name->value.empty()) {
      return;
    }
    m_result.custom_resources.emplace_back(
        ns && ns->type == RawType::scalar && !ns->value.empty() ? ns->value : m_default_namespace,
        kind + ' ' + name->value);
  }

  void build_known(const RawNode& root, const std::string& kind, const std::string& list_item) {
    if (kind == "Namespace") {
      build_namespace(root, list_item);
    } else if (kind == "Node") {
      build_node(root, list_item);
    } else if (kind == "NetworkPolicy") {
      build_policy(root, list_item);
    } else if (kind == "Service") {
      build_service(root, list_item);
    } else if (kind == "AdminNetworkPolicy") {
      build_admin_policy(root, AdminKind::admin_network_policy, list_item);
    } else if (kind == "BaselineAdminNetworkPolicy") {
      build_admin_policy(root, AdminKind::baseline_admin_network_policy, list_item);
    } else if (kind == "ClusterNetworkPolicy") {
      build_admin_policy(root, AdminKind::cluster_network_policy, list_item);
    } else {
      build_workload(root, *parse_workload_kind(kind), kind, list_item);
    }
  }

  // Any other kind whose spec.template is a pod template (spec.template.spec
  // .containers is a list) is a workload too, shown with its kind as
  // written; returns whether root was one.
  bool build_custom_workload(const RawNode& root, const std::string& kind, const std::string& group,
                             const std::string& list_item) {
    const RawNode* spec = field(&root, "spec");
    const RawNode* pod_template = spec && spec->type == RawType::map ? field(spec, "template") : nullptr;
    const RawNode* pod_spec =
        pod_template && pod_template->type == RawType::map ? field(pod_template, "spec") : nullptr;
    const RawNode* containers =
        pod_spec && pod_spec->type == RawType::map ? field(pod_spec, "containers") : nullptr;
    if (!containers || containers->type != RawType::seq || !is_kind_name(kind)) {
      return false;
    }
    const std::size_t before = m_result.objects.size();
    build_workload(root, WorkloadKind::custom, kind, list_item);
    if (m_result.objects.size() != before) {
      m_result.infos.push_back(Diagnostic{
          Severity::info, at(root), m_object,
          "read as a workload: its spec.template is a pod template (" +
              (group.empty() ? std::string("core") : group) + " kind " + kind + ")"});
    }
    return true;
  }

  void build_namespace(const RawNode& root, const std::string& list_item) {
    Meta meta = read_metadata(root, "Namespace", false, true, list_item);
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

  void build_node(const RawNode& root, const std::string& list_item) {
    Meta meta = read_metadata(root, "Node", false, false, list_item);
    if (!meta.ok) {
      return;
    }
    Node node;
    node.name = meta.name;
    node.labels = std::move(meta.labels);
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

  void build_workload(const RawNode& root, WorkloadKind kind, const std::string& kind_name,
                      const std::string& list_item) {
    Meta meta = read_metadata(root, kind_name, true, false, list_item);
    if (!meta.ok) {
      return;
    }
    Workload w;
    w.kind = kind;
    if (kind == WorkloadKind::custom) {
      w.custom_kind = kind_name;
    }
    w.namespace_name = meta.namespace_name;
    w.namespace_defaulted = meta.namespace_defaulted;
    w.name = meta.name;
    w.generated_name = meta.generated_name;
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

  // ---- Service ----------------------------------------------------------
  // Validated as ValidateService and validateServicePort do
  // (kubernetes/kubernetes pkg/apis/core/validation/validation.go) for the
  // fields npcheck reads, after SetDefaults_Service (pkg/apis/core/v1/
  // defaults.go): type ClusterIP, protocol TCP, a targetPort of 0 or "" is the
  // port. The name is a DNS-1035 label (ValidateServiceName); spec.ports is
  // required unless the Service is headless or an ExternalName; port names
  // are DNS-1123 labels, required when there is more than one, unique; a
  // (protocol, port) appears once; targetPort is a port number or an
  // IANA_SVC_NAME; nodePort is forbidden for type ClusterIP; clusterIP is
  // empty, None or an address. Headless Services keep their targetPort (the
  // v1 API tolerates one that differs from the port). What kubectl get adds
  // (status, clusterIPs, ipFamilies, managedFields, ...) is read without
  // complaint.
  void build_service(const RawNode& root, const std::string& list_item) {
    Meta meta = read_metadata(root, "Service", true, true, list_item);
    if (!meta.ok) {
      return;
    }
    check_fields(&root, Path{}, {"apiVersion", "kind", "metadata", "spec", "status"});
    if (!meta.generated_name && !meta.name.empty() && !(meta.name[0] >= 'a' && meta.name[0] <= 'z')) {
      const RawNode* md = field(&root, "metadata");
      error(md && field(md, "name") ? *field(md, "name") : root, Path{}.field("metadata").field("name"),
            "invalid name '" + meta.name + "': a Service name must start with a letter (a DNS-1035 label)");
      return;
    }
    const std::size_t errors_before = m_result.errors.size();
    Service service;
    service.namespace_name = meta.namespace_name;
    service.namespace_defaulted = meta.namespace_defaulted;
    service.name = meta.name;
    service.where = at(root);
    Path spec_path = Path{}.field("spec");
    const RawNode* spec = as_map(field(&root, "spec"), spec_path);
    check_fields(spec, spec_path,
                 {"ports", "selector", "clusterIP", "clusterIPs", "type", "externalIPs", "sessionAffinity",
                  "loadBalancerIP", "loadBalancerSourceRanges", "externalName", "externalTrafficPolicy",
                  "healthCheckNodePort", "publishNotReadyAddresses", "sessionAffinityConfig", "ipFamilies",
                  "ipFamilyPolicy", "allocateLoadBalancerNodePorts", "loadBalancerClass",
                  "internalTrafficPolicy", "trafficDistribution"});
    Path type_path = spec_path.field("type");
    const RawNode* type_node = present(field(spec, "type"));
    if (std::optional<std::string> type = as_string(type_node, type_path); type && !type->empty()) {
      if (*type == "ClusterIP") {
        service.type = ServiceType::cluster_ip;
      } else if (*type == "NodePort") {
        service.type = ServiceType::node_port;
      } else if (*type == "LoadBalancer") {
        service.type = ServiceType::load_balancer;
      } else if (*type == "ExternalName") {
        service.type = ServiceType::external_name;
      } else {
        error(*type_node, type_path,
              "unsupported type '" + *type + "' (expected ClusterIP, NodePort, LoadBalancer or ExternalName)");
      }
    }
    Path ip_path = spec_path.field("clusterIP");
    const RawNode* ip_node = present(field(spec, "clusterIP"));
    if (std::optional<std::string> ip = as_string(ip_node, ip_path); ip && !ip->empty()) {
      if (*ip == "None") {
        service.headless = true;
      } else if (!IpAddress::parse(*ip)) {
        error(*ip_node, ip_path, "invalid clusterIP '" + *ip + "' (expected empty, None or an IP address)");
      }
      if (service.type == ServiceType::external_name) {
        error(*ip_node, ip_path, "may not be set for ExternalName services");
      } else if (service.headless && service.type != ServiceType::cluster_ip) {
        error(*ip_node, ip_path,
              std::string("may not be None for ") + to_string(service.type) + " services");
      }
    }
    Path ips_path = spec_path.field("clusterIPs");
    const RawNode* ips = as_seq(field(spec, "clusterIPs"), ips_path);
    for (std::uint32_t i = 0; ips && i < ips->child_count; ++i) {
      const RawNode& entry = m_doc.child(*ips, i);
      std::optional<std::string> ip = as_entry_string(entry, ips_path.item(i));
      if (ip && !ip->empty() && *ip != "None" && !IpAddress::parse(*ip)) {
        error(entry, ips_path.item(i), "invalid IP address '" + *ip + "' (expected None or an IP address)");
      }
    }
    Path external_path = spec_path.field("externalName");
    const RawNode* external_node = present(field(spec, "externalName"));
    if (std::optional<std::string> name = as_string(external_node, external_path); name && !name->empty()) {
      service.external_name = *name;
      std::string host = *name;
      if (host.back() == '.') {
        host.pop_back();
      }
      if (service.type == ServiceType::external_name) {
        if (std::string why = check_dns_subdomain(host); !why.empty()) {
          error(*external_node, external_path, "invalid externalName '" + *name + "': " + why);
        }
      }
    } else if (service.type == ServiceType::external_name) {
      error(spec ? *spec : root, external_path, "required field is missing (for type ExternalName)");
    }
    Path selector_path = spec_path.field("selector");
    if (const RawNode* selector = present(field(spec, "selector"))) {
      Labels labels = read_labels(selector, selector_path);
      if (!labels.empty()) {
        service.selector = std::move(labels);
      }
    }
    Path ports_path = spec_path.field("ports");
    const RawNode* ports = as_seq(field(spec, "ports"), ports_path);
    if ((!ports || ports->child_count == 0) && !service.headless &&
        service.type != ServiceType::external_name) {
      error(ports ? *ports : spec ? *spec : root, ports_path, "required field is missing");
    }
    const bool names_required = ports && ports->child_count > 1;
    std::map<std::string, std::size_t> names;
    std::map<std::pair<Protocol, std::uint16_t>, std::size_t> numbers;
    for (std::uint32_t i = 0; ports && i < ports->child_count; ++i) {
      Path p = ports_path.item(i);
      const RawNode* entry = as_entry_map(m_doc.child(*ports, i), p);
      if (!entry) {
        continue;
      }
      check_fields(entry, p, {"name", "protocol", "appProtocol", "port", "targetPort", "nodePort"});
      const std::size_t port_errors = m_result.errors.size();
      ServicePort port;
      port.where = at(*entry);
      const RawNode* name_node = present(field(entry, "name"));
      if (std::optional<std::string> name = as_string(name_node, p.field("name")); name && !name->empty()) {
        if (std::string why = check_dns_label(*name); !why.empty()) {
          error(*name_node, p.field("name"), "invalid port name '" + *name + "': " + why);
        } else if (auto [it, inserted] = names.emplace(*name, i); !inserted) {
          error(*name_node, p.field("name"),
                "duplicate port name '" + *name + "' (also spec.ports[" + std::to_string(it->second) + "])");
        } else {
          port.name = *name;
        }
      } else if (names_required && m_result.errors.size() == port_errors) {
        error(name_node ? *name_node : *entry, p.field("name"),
              "required field is missing (a Service with more than one port names each)");
      }
      const RawNode* number_node = present(field(entry, "port"));
      if (std::optional<long> number = as_int(number_node, p.field("port"))) {
        if (*number < 1 || *number > 65535) {
          error(*number_node, p.field("port"), std::to_string(*number) + " is out of range (expected 1..65535)");
        } else {
          port.port = static_cast<std::uint16_t>(*number);
        }
      } else if (!number_node) {
        error(*entry, p.field("port"), "required field is missing");
      }
      if (std::optional<std::string> protocol = as_string(present(field(entry, "protocol")), p.field("protocol"))) {
        if (std::optional<Protocol> parsed = parse_protocol(*protocol)) {
          port.protocol = *parsed;
        } else {
          error(*field(entry, "protocol"), p.field("protocol"),
                "unknown protocol '" + *protocol + "' (expected TCP, UDP or SCTP)");
        }
      }
      port.target_port = port.port;
      const RawNode* target_node = present(field(entry, "targetPort"));
      if (target_node && target_node->type == RawType::scalar &&
          (target_node->kind == ScalarKind::integer || target_node->kind == ScalarKind::floating)) {
        if (std::optional<long> number = as_int(target_node, p.field("targetPort"))) {
          if (*number < 0 || *number > 65535) {
            error(*target_node, p.field("targetPort"),
                  std::to_string(*number) + " is out of range (expected 1..65535)");
          } else if (*number != 0) {
            port.target_port = static_cast<std::uint16_t>(*number);
          }
        }
      } else if (target_node && target_node->type == RawType::scalar && target_node->kind == ScalarKind::boolean) {
        error(*target_node, p.field("targetPort"),
              "expected a port number or name, found a boolean '" + target_node->value + "' (quote it)");
      } else if (target_node && target_node->type == RawType::scalar) {
        if (target_node->value.empty()) {
          // "" defaults to the port, as 0 does.
        } else if (std::string why = check_port_name(target_node->value); !why.empty()) {
          error(*target_node, p.field("targetPort"), "invalid port name '" + target_node->value + "': " + why);
        } else {
          port.target_port = target_node->value;
        }
      } else if (target_node) {
        error(*target_node, p.field("targetPort"),
              std::string("expected a port number or name, found ") + type_name(*target_node));
      }
      const RawNode* node_port = present(field(entry, "nodePort"));
      if (std::optional<long> number = as_int(node_port, p.field("nodePort")); number && *number != 0) {
        if (service.type == ServiceType::cluster_ip) {
          error(*node_port, p.field("nodePort"), "may not be used when type is ClusterIP");
        } else if (*number < 1 || *number > 65535) {
          error(*node_port, p.field("nodePort"), std::to_string(*number) + " is out of range (expected 1..65535)");
        }
      }
      if (m_result.errors.size() != port_errors) {
        continue;
      }
      if (auto [it, inserted] = numbers.emplace(std::make_pair(port.protocol, port.port), i); !inserted) {
        error(*entry, p,
              "duplicate port " + std::to_string(port.port) + '/' + to_string(port.protocol) + " (also spec.ports[" +
                  std::to_string(it->second) + "])");
        continue;
      }
      service.ports.push_back(std::move(port));
    }
    if (m_result.errors.size() != errors_before) {
      return;
    }
    m_result.objects.emplace_back(std::move(service));
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
    // A custom resource's unknown fields are dropped by the API server; a
    // selector left with none selects everything, which the unknown-field
    // warning alone does not say.
    const bool only_unknown = m_custom_resource && map->child_count > 0 &&
                              !field(map, "matchLabels") && !field(map, "matchExpressions");
    if (only_unknown) {
      warning(*map, path,
              "has only unknown fields, which the API server drops: the selector is empty and "
              "matches everything");
    }
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
      } else {
        std::string why;
        if (std::optional<Operator> parsed = parse_operator_name(*op, why)) {
          req.op = *parsed;
        } else {
          error(*field(entry, "operator"), p.field("operator"), why);
          ok = false;
        }
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
        if (std::string why = requirement_values_problem(req.op, !req.values.empty()); !why.empty()) {
          error(req.values.empty() ? *field(entry, "operator") : *field(entry, "values"), values_path, why);
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
    std::string why;
    std::optional<Cidr> cidr = parse_cidr_text(*text, why);
    if (!cidr) {
      error(node, path, why);
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
        if (std::string why = except_problem(*cidr, *except); !why.empty()) {
          error(except_node, p, why);
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
      // port is an IntOrString: a JSON number is a port number, a string a
      // named port, anything else an error.
      const RawNode* port_node = field(entry, "port");
      if (port_node && port_node->type == RawType::scalar) {
        if (port_node->kind == ScalarKind::integer || port_node->kind == ScalarKind::floating) {
          if (std::optional<long> number = as_int(port_node, p.field("port"))) {
            if (*number < 1 || *number > 65535) {
              error(*port_node, p.field("port"),
                    std::to_string(*number) + " is out of range (expected 1..65535)");
            } else {
              port.port = static_cast<std::uint16_t>(*number);
            }
          }
        } else if (port_node->kind == ScalarKind::boolean) {
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

  void build_policy(const RawNode& root, const std::string& list_item) {
    Meta meta = read_metadata(root, "NetworkPolicy", true, false, list_item);
    if (!meta.ok) {
      return;
    }
    check_fields(&root, Path{}, {"apiVersion", "kind", "metadata", "spec", "status"});
    NetworkPolicy policy;
    policy.namespace_name = meta.namespace_name;
    policy.namespace_defaulted = meta.namespace_defaulted;
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

  // ---- AdminNetworkPolicy, BaselineAdminNetworkPolicy, ClusterNetworkPolicy
  // shared/spec/admin-policies.md §7 (validation) and §8 (channels): the
  // rules of the CRDs of network-policy-api v0.1.8 (v1alpha1) and of its head
  // (v1alpha2).

  // A list with a maximum length: an error past it, and when empty if
  // min_one. Returns the list or nullptr.
  const RawNode* admin_list(const RawNode* node, const Path& path, std::size_t max, bool min_one) {
    const RawNode* seq = as_seq(node, path);
    if (seq && seq->child_count > max) {
      error(*seq, path,
            "has " + std::to_string(seq->child_count) + " items, at most " + std::to_string(max) +
                " are allowed");
    } else if (min_one && node && node->type == RawType::seq && node->child_count == 0) {
      error(*node, path, "must have at least 1 item");
    }
    return seq;
  }

  // The one field of a map that must set exactly one of fields; nullopt
  // (with an error) when none or several are set. Unknown fields get the
  // usual warning.
  std::optional<std::string> one_of(const RawNode& map, const Path& path, Fields fields,
                                    const char* what) {
    std::vector<std::string> set;
    for (std::string_view f : fields) {
      if (present(field(&map, f))) {
        set.emplace_back(f);
      }
    }
    if (set.size() == 1) {
      return set.front();
    }
    std::string names;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      names += (i == 0 ? "" : i + 1 == fields.size() ? " or " : ", ") + std::string(fields.begin()[i]);
    }
    error(map, path,
          set.empty() ? std::string("must set ") + what + ": " + names
                      : std::string("must set exactly one ") + what + ", found " +
                            std::to_string(set.size()) + " (" + set[0] + ", " + set[1] + ")");
    return std::nullopt;
  }

  std::optional<AdminPods> read_admin_pods(const RawNode* node, const Path& path,
                                           bool namespace_selector_required) {
    const RawNode* map = as_map(node, path);
    if (!map) {
      return std::nullopt;
    }
    check_fields(map, path, {"namespaceSelector", "podSelector"});
    AdminPods pods;
    bool ok = true;
    const RawNode* ns = present(field(map, "namespaceSelector"));
    if (ns) {
      pods.namespace_selector = *read_selector(ns, path.field("namespaceSelector"));
    } else if (namespace_selector_required) {
      error(*map, path.field("namespaceSelector"), "required field is missing");
      ok = false;
    } else {
      pods.namespace_selector.where = at(*map); // v1alpha2: omitted means every namespace
    }
    const RawNode* pod = present(field(map, "podSelector"));
    if (pod) {
      pods.pod_selector = read_selector(pod, path.field("podSelector"));
    } else {
      error(*map, path.field("podSelector"), "required field is missing");
      ok = false;
    }
    return ok ? std::optional<AdminPods>(std::move(pods)) : std::nullopt;
  }

  // subject (required): exactly one of namespaces and pods.
  std::optional<AdminPods> read_admin_subject(const RawNode* spec, const Path& spec_path, bool v1alpha1) {
    Path path = spec_path.field("subject");
    const RawNode* map = as_map(field(spec, "subject"), path);
    if (!map) {
      if (!present(field(spec, "subject"))) {
        error(*spec, path, "required field is missing");
      }
      return std::nullopt;
    }
    check_fields(map, path, {"namespaces", "pods"});
    std::optional<std::string> which = one_of(*map, path, {"namespaces", "pods"}, "field");
    if (!which) {
      return std::nullopt;
    }
    if (*which == "namespaces") {
      AdminPods pods;
      pods.namespace_selector = *read_selector(field(map, "namespaces"), path.field("namespaces"));
      return pods;
    }
    return read_admin_pods(field(map, "pods"), path.field("pods"), v1alpha1);
  }

  std::optional<AdminPeer> read_admin_peer(const RawNode& node, const Path& path, bool egress,
                                           AdminKind kind) {
    const RawNode* map = as_entry_map(node, path);
    if (!map) {
      return std::nullopt;
    }
    const bool v1alpha1 = kind != AdminKind::cluster_network_policy;
    static const Fields k_egress = {"namespaces", "pods", "nodes", "networks", "domainNames"};
    static const Fields k_ingress = {"namespaces", "pods"};
    const Fields& fields = egress ? k_egress : k_ingress;
    AdminPeer peer;
    peer.where = at(*map);
    // A peer with only fields npcheck does not know comes from a newer CRD:
    // it fails closed (§4), which the compiler applies.
    bool known_field = false;
    std::string unknown;
    for (std::uint32_t i = 0; i + 1 < map->child_count; i += 2) {
      const RawNode& key = m_doc.child(*map, i);
      const bool known = std::find(fields.begin(), fields.end(), key.value) != fields.end();
      known_field = known_field || known;
      if (!known && unknown.empty() && key.type == RawType::scalar &&
          (egress || std::find(k_egress.begin(), k_egress.end(), key.value) == k_egress.end())) {
        unknown = key.value;
      }
    }
    if (!known_field && !unknown.empty()) {
      warning(*map, path,
              "unknown peer field '" + unknown +
                  "' (from a newer CRD?): read as failing closed, an allow rule matches nothing "
                  "and a deny or pass rule matches everything");
      peer.type = AdminPeer::Type::unknown;
      peer.unknown_field = unknown;
      return peer;
    }
    if (!egress) {
      for (std::string_view f : {"nodes", "networks", "domainNames"}) {
        if (present(field(map, f))) {
          error(*field(map, f), path.field(f), "is an egress peer only (ingress peers: namespaces, pods)");
          return std::nullopt;
        }
      }
    }
    check_fields(map, path, fields);
    std::optional<std::string> which = one_of(*map, path, fields, "peer field");
    if (!which) {
      return std::nullopt;
    }
    const RawNode* value = field(map, *which);
    Path p = path.field(*which);
    const std::size_t errors_before = m_result.errors.size();
    if (*which == "namespaces") {
      peer.pods.namespace_selector = *read_selector(value, p);
    } else if (*which == "pods") {
      std::optional<AdminPods> pods = read_admin_pods(value, p, v1alpha1);
      if (!pods) {
        return std::nullopt;
      }
      peer.pods = std::move(*pods);
    } else if (*which == "nodes") {
      peer.type = AdminPeer::Type::nodes;
      peer.node_selector = *read_selector(value, p);
    } else if (*which == "networks") {
      peer.type = AdminPeer::Type::networks;
      const RawNode* seq = admin_list(value, p, 25, true);
      std::set<std::string> seen;
      for (std::uint32_t i = 0; seq && i < seq->child_count; ++i) {
        const RawNode& entry = m_doc.child(*seq, i);
        if (entry.type == RawType::scalar && entry.value.size() > 43) {
          error(entry, p.item(i), "is longer than 43 characters");
          continue;
        }
        if (std::optional<Cidr> cidr = read_cidr(entry, p.item(i))) {
          if (!seen.insert(entry.value).second) {
            error(entry, p.item(i), "duplicate entry '" + entry.value + "' (networks is a set)");
            continue;
          }
          peer.networks.push_back(*cidr); // host bits: lint NP503

        }
      }
    } else {
      peer.type = AdminPeer::Type::domain_names;
      if (v1alpha1 && kind != AdminKind::admin_network_policy) {
        error(*value, p, "domainNames peers are allowed in AdminNetworkPolicy only (v1alpha1)");
        return std::nullopt;
      }
      const RawNode* seq = admin_list(value, p, 25, true);
      for (std::uint32_t i = 0; seq && i < seq->child_count; ++i) {
        const RawNode& entry = m_doc.child(*seq, i);
        std::optional<std::string> name = as_entry_string(entry, p.item(i));
        if (!name) {
          continue;
        }
        if (!is_domain_name_pattern(*name)) {
          error(entry, p.item(i),
                "invalid domain name '" + *name + "' (expected a DNS name, optionally starting with '*.')");
          continue;
        }
        if (std::find(peer.domain_names.begin(), peer.domain_names.end(), *name) != peer.domain_names.end()) {
          error(entry, p.item(i), "duplicate entry '" + *name + "' (domainNames is a set)");
          continue;
        }
        peer.domain_names.push_back(*name);
      }
    }
    if (m_result.errors.size() != errors_before) {
      return std::nullopt;
    }
    return peer;
  }

  // v1alpha1 ports: [portNumber | portRange | namedPort].
  std::optional<AdminPort> read_v1alpha1_port(const RawNode& node, const Path& path) {
    const RawNode* map = as_entry_map(node, path);
    if (!map) {
      return std::nullopt;
    }
    check_fields(map, path, {"portNumber", "portRange", "namedPort"});
    std::optional<std::string> which = one_of(*map, path, {"portNumber", "portRange", "namedPort"}, "field");
    if (!which) {
      return std::nullopt;
    }
    AdminPort port;
    port.where = at(*map);
    const std::size_t errors_before = m_result.errors.size();
    Path p = path.field(*which);
    if (*which == "namedPort") {
      std::optional<std::string> name = as_string(field(map, "namedPort"), p);
      if (name) {
        named_port_check(*field(map, "namedPort"), p, *name);
        port.named = *name;
      }
    } else {
      const RawNode* entry = as_map(field(map, *which), p);
      if (!entry) {
        return std::nullopt;
      }
      const bool range = *which == "portRange";
      check_fields(entry, p, range ? Fields{"protocol", "start", "end"} : Fields{"protocol", "port"});
      // The protocol defaults to TCP (the CRD's default, A3:74). The
      // v1alpha1 CRD has no enum: another value is accepted, and no traffic
      // has it.
      bool no_traffic = false;
      if (std::optional<std::string> protocol = as_string(field(entry, "protocol"), p.field("protocol"))) {
        if (std::optional<Protocol> parsed = parse_protocol(*protocol)) {
          port.protocol = *parsed;
        } else {
          std::string upper = *protocol;
          for (char& c : upper) {
            c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          }
          warning(*field(entry, "protocol"), p.field("protocol"),
                  "protocol '" + *protocol + "' is not TCP, UDP or SCTP" +
                      (parse_protocol(upper) ? " (protocols are case-sensitive: did you mean '" + upper + "'?)"
                                             : std::string()) +
                      ": the CRD accepts it, and the entry matches no traffic");
          no_traffic = true;
        }
      }
      std::optional<std::uint16_t> first = admin_port_number(*entry, range ? "start" : "port", p);
      std::optional<std::uint16_t> last = range ? admin_port_number(*entry, "end", p) : first;
      if (first && last) {
        port.first = *first;
        port.last = *last;
        if (range && *first > *last) {
          // The v0.1.8 CRD does not enforce it, but it can only be a mistake
          // (np-guard rejects it too).
          error(*field(entry, "end"), p.field("end"),
                "end " + std::to_string(*last) + " is less than start " + std::to_string(*first));
        }
      }
      port.matches_nothing = no_traffic;
    }
    if (m_result.errors.size() != errors_before) {
      return std::nullopt;
    }
    return port;
  }

  // v1alpha2 protocols: [tcp | udp | sctp | destinationNamedPort].
  std::optional<AdminPort> read_v1alpha2_protocol(const RawNode& node, const Path& path) {
    const RawNode* map = as_entry_map(node, path);
    if (!map) {
      return std::nullopt;
    }
    const Fields fields = {"tcp", "udp", "sctp", "destinationNamedPort"};
    check_fields(map, path, fields);
    std::optional<std::string> which = one_of(*map, path, fields, "field");
    if (!which) {
      return std::nullopt;
    }
    AdminPort port;
    port.where = at(*map);
    const std::size_t errors_before = m_result.errors.size();
    Path p = path.field(*which);
    if (*which == "destinationNamedPort") {
      if (std::optional<std::string> name = as_string(field(map, *which), p)) {
        named_port_check(*field(map, *which), p, *name);
        port.named = *name;
      }
    } else {
      port.protocol = *which == "tcp" ? Protocol::tcp : *which == "udp" ? Protocol::udp : Protocol::sctp;
      const RawNode* entry = as_map(field(map, *which), p);
      if (!entry) {
        return std::nullopt;
      }
      check_fields(entry, p, {"destinationPort"});
      Path dp = p.field("destinationPort");
      const RawNode* destination = as_map(present(field(entry, "destinationPort")), dp);
      if (!destination) {
        error(*entry, p, "must not be empty (set destinationPort)");
        return std::nullopt;
      }
      check_fields(destination, dp, {"number", "range"});
      std::optional<std::string> kind = one_of(*destination, dp, {"number", "range"}, "field");
      if (!kind) {
        return std::nullopt;
      }
      if (*kind == "number") {
        std::optional<std::uint16_t> number = admin_port_number(*destination, "number", dp);
        if (number) {
          port.first = port.last = *number;
        }
      } else {
        Path rp = dp.field("range");
        const RawNode* range = as_map(field(destination, "range"), rp);
        if (!range) {
          return std::nullopt;
        }
        check_fields(range, rp, {"start", "end"});
        std::optional<std::uint16_t> first = admin_port_number(*range, "start", rp);
        std::optional<std::uint16_t> last = admin_port_number(*range, "end", rp);
        if (first && last) {
          port.first = *first;
          port.last = *last;
          if (*first >= *last) {
            error(*field(range, "end"), rp,
                  "start must be less than end (found " + std::to_string(*first) + " and " +
                      std::to_string(*last) + ")");
          }
        }
      }
    }
    if (m_result.errors.size() != errors_before) {
      return std::nullopt;
    }
    return port;
  }

  // The CRDs take any string as a named port; a container port's name is
  // an IANA service name, so another one never matches.
  void named_port_check(const RawNode& node, const Path& path, const std::string& name) {
    if (std::string why = check_port_name(name); !why.empty()) {
      warning(node, path,
              "'" + name + "' is not a valid container port name (" + why +
                  "): the CRD accepts it, and it never matches a port");
    }
  }

  // A required port number 1..65535 in field name of map.
  std::optional<std::uint16_t> admin_port_number(const RawNode& map, const char* name, const Path& path) {
    const RawNode* node = present(field(&map, name));
    if (!node) {
      error(map, path.field(name), "required field is missing");
      return std::nullopt;
    }
    std::optional<long> number = as_int(node, path.field(name));
    if (!number) {
      return std::nullopt;
    }
    if (*number < 1 || *number > 65535) {
      error(*node, path.field(name), std::to_string(*number) + " is out of range (expected 1..65535)");
      return std::nullopt;
    }
    return static_cast<std::uint16_t>(*number);
  }

  std::vector<AdminRule> read_admin_rules(const RawNode* node, const Path& path, bool egress,
                                          AdminKind kind, bool& ok) {
    const bool v1alpha1 = kind != AdminKind::cluster_network_policy;
    const std::size_t limit = v1alpha1 ? 100 : 25;
    std::vector<AdminRule> rules;
    const std::size_t errors_before = m_result.errors.size();
    const RawNode* seq = admin_list(node, path, limit, false);
    const char* peers_key = egress ? "to" : "from";
    const char* ports_key = v1alpha1 ? "ports" : "protocols";
    for (std::uint32_t i = 0; seq && i < seq->child_count; ++i) {
      Path p = path.item(i);
      const RawNode* entry = as_entry_map(m_doc.child(*seq, i), p);
      if (!entry) {
        ok = false;
        continue;
      }
      check_fields(entry, p, {"name", "action", peers_key, ports_key});
      const std::size_t rule_errors = m_result.errors.size();
      AdminRule rule;
      rule.where = at(*entry);
      if (std::optional<std::string> name = as_string(field(entry, "name"), p.field("name"))) {
        if (name->size() > 100) {
          error(*field(entry, "name"), p.field("name"), "is longer than 100 characters");
        }
        rule.name = *name;
      }
      // Actions as each kind spells them (A1:197, A2:174, B1:287).
      const std::vector<std::string_view> actions =
          kind == AdminKind::admin_network_policy            ? std::vector<std::string_view>{"Allow", "Deny", "Pass"}
          : kind == AdminKind::baseline_admin_network_policy ? std::vector<std::string_view>{"Allow", "Deny"}
                                                             : std::vector<std::string_view>{"Accept", "Deny", "Pass"};
      const RawNode* action_node = present(field(entry, "action"));
      if (std::optional<std::string> action = as_string(action_node, p.field("action"))) {
        const auto it = std::find(actions.begin(), actions.end(), *action);
        if (it == actions.end()) {
          std::string expected;
          for (std::size_t a = 0; a < actions.size(); ++a) {
            expected += (a == 0 ? "" : a + 1 == actions.size() ? " or " : ", ") + std::string(actions[a]);
          }
          std::string hint;
          if (*action == "Allow" && !v1alpha1) {
            hint = "; v1alpha2 spells it Accept";
          } else if (*action == "Accept" && v1alpha1) {
            hint = "; v1alpha1 spells it Allow";
          } else if (*action == "Pass" && kind == AdminKind::baseline_admin_network_policy) {
            hint = "; Pass is for AdminNetworkPolicy only";
          }
          error(*action_node, p.field("action"),
                "unknown action '" + *action + "' (expected " + expected + hint + ")");
        } else {
          rule.action = *action == "Deny"   ? AdminAction::deny
                        : *action == "Pass" ? AdminAction::pass
                                            : AdminAction::allow;
        }
      } else if (!action_node) {
        error(*entry, p.field("action"), "required field is missing");
      }
      Path peers_path = p.field(peers_key);
      const RawNode* peers_node = present(field(entry, peers_key));
      if (!peers_node) {
        error(*entry, peers_path, "required field is missing");
      }
      const RawNode* peers = admin_list(peers_node, peers_path, v1alpha1 ? 100 : 25, true);
      bool named_port_forbidden_peer = false; // networks, nodes or domainNames
      bool experimental_peer = false;          // nodes or domainNames
      for (std::uint32_t k = 0; peers && k < peers->child_count; ++k) {
        if (std::optional<AdminPeer> peer = read_admin_peer(m_doc.child(*peers, k), peers_path.item(k), egress, kind)) {
          const bool experimental =
              peer->type == AdminPeer::Type::nodes || peer->type == AdminPeer::Type::domain_names;
          named_port_forbidden_peer = named_port_forbidden_peer || experimental ||
                                      peer->type == AdminPeer::Type::networks;
          experimental_peer = experimental_peer || experimental;
          if (peer->type == AdminPeer::Type::domain_names && rule.action != AdminAction::allow) {
            warning(m_doc.child(*peers, k), peers_path.item(k),
                    "domainNames peers are meant for " + std::string(v1alpha1 ? "Allow" : "Accept") +
                        " rules only (the API documents it; the CRD does not enforce it)");
          }
          rule.peers.push_back(std::move(*peer));
        }
      }
      // The other version's spelling is dropped by the API server: the rule
      // then applies to every port.
      const char* other_ports_key = v1alpha1 ? "protocols" : "ports";
      if (present(field(entry, other_ports_key)) && !present(field(entry, ports_key))) {
        warning(*field(entry, other_ports_key), p.field(other_ports_key),
                std::string("is the ") + (v1alpha1 ? "v1alpha2" : "v1alpha1") + " field (" +
                    (v1alpha1 ? "v1alpha1" : "v1alpha2") + ": " + ports_key +
                    "); the API server drops it, and the rule applies to every port");
      }
      Path ports_path = p.field(ports_key);
      const RawNode* ports_node = present(field(entry, ports_key));
      if (ports_node) {
        const RawNode* ports = admin_list(ports_node, ports_path, v1alpha1 ? 100 : 25, true);
        rule.ports.emplace();
        bool named = false;
        for (std::uint32_t k = 0; ports && k < ports->child_count; ++k) {
          const RawNode& port_node = m_doc.child(*ports, k);
          std::optional<AdminPort> port = v1alpha1 ? read_v1alpha1_port(port_node, ports_path.item(k))
                                                   : read_v1alpha2_protocol(port_node, ports_path.item(k));
          if (port) {
            named = named || port->named.has_value();
            rule.ports->push_back(std::move(*port));
          }
        }
        // The experimental CRDs reject a named port next to a networks,
        // nodes or domainNames peer (A1:153, A2:134, B1:236). v1alpha1 named
        // ports and nodes/domainNames peers exist only in the experimental
        // CRD, so there it is always an error; v1alpha2's standard CRD
        // accepts destinationNamedPort with networks.
        if (named && named_port_forbidden_peer) {
          if (v1alpha1 || experimental_peer) {
            error(*ports_node, ports_path,
                  "a named port cannot be used in a rule with networks, nodes or domainNames peers");
          } else {
            warning(*ports_node, ports_path,
                    "a named port next to a networks peer is rejected by the experimental CRD "
                    "(the standard CRD accepts it; the named port never matches an address)");
          }
        }
      }
      if (m_result.errors.size() != rule_errors) {
        ok = false;
        continue;
      }
      rules.push_back(std::move(rule));
    }
    if (m_result.errors.size() != errors_before) {
      ok = false;
    }
    return rules;
  }

  void build_admin_policy(const RawNode& root, AdminKind kind, const std::string& list_item) {
    const char* kind_name = to_string(kind);
    Meta meta = read_metadata(root, kind_name, false, false, list_item);
    if (!meta.ok) {
      return;
    }
    check_fields(&root, Path{}, {"apiVersion", "kind", "metadata", "spec", "status"});
    // The object is a custom resource: the API server reads it by its CRD's
    // schema, not by the built-in types' rules.
    struct CustomResource {
      bool& flag;
      explicit CustomResource(bool& f) : flag(f) { flag = true; }
      ~CustomResource() { flag = false; }
      CustomResource(const CustomResource&) = delete;
      CustomResource& operator=(const CustomResource&) = delete;
    } custom_resource(m_custom_resource);
    AdminPolicy policy;
    policy.kind = kind;
    policy.name = meta.name;
    policy.where = at(root);
    const bool v1alpha1 = kind != AdminKind::cluster_network_policy;
    const std::size_t errors_before = m_result.errors.size();
    Path spec_path = Path{}.field("spec");
    const RawNode* spec = as_map(field(&root, "spec"), spec_path);
    if (!spec) {
      if (!present(field(&root, "spec"))) {
        error(root, spec_path, "required field is missing");
      }
      return;
    }
    switch (kind) {
    case AdminKind::admin_network_policy:
      check_fields(spec, spec_path, {"priority", "subject", "ingress", "egress"});
      break;
    case AdminKind::baseline_admin_network_policy:
      check_fields(spec, spec_path, {"subject", "ingress", "egress"});
      // CEL: self.metadata.name == 'default' (A2:29).
      if (meta.name != "default") {
        const RawNode* md = field(&root, "metadata");
        error(md && field(md, "name") ? *field(md, "name") : root, Path{}.field("metadata").field("name"),
              "a BaselineAdminNetworkPolicy must be named 'default' (found '" + meta.name + "')");
      }
      break;
    case AdminKind::cluster_network_policy:
      check_fields(spec, spec_path, {"tier", "priority", "subject", "ingress", "egress"});
      break;
    }
    if (kind == AdminKind::cluster_network_policy) {
      Path tier_path = spec_path.field("tier");
      const RawNode* tier_node = present(field(spec, "tier"));
      if (std::optional<std::string> tier = as_string(tier_node, tier_path)) {
        if (*tier == "Admin") {
          policy.tier = AdminTier::admin;
        } else if (*tier == "Baseline") {
          policy.tier = AdminTier::baseline;
        } else {
          error(*tier_node, tier_path, "unknown tier '" + *tier + "' (expected Admin or Baseline)");
        }
      } else if (!tier_node) {
        error(*spec, tier_path, "required field is missing");
      }
    } else {
      policy.tier = kind == AdminKind::admin_network_policy ? AdminTier::admin : AdminTier::baseline;
    }
    if (kind != AdminKind::baseline_admin_network_policy) {
      Path priority_path = spec_path.field("priority");
      const RawNode* priority_node = present(field(spec, "priority"));
      if (std::optional<long> priority = as_int(priority_node, priority_path)) {
        if (*priority < 0 || *priority > 1000) {
          error(*priority_node, priority_path,
                std::to_string(*priority) + " is out of range (expected 0..1000)");
        } else {
          policy.priority = static_cast<std::int32_t>(*priority);
        }
      } else if (!priority_node) {
        error(*spec, priority_path, "required field is missing");
      }
    }
    if (std::optional<AdminPods> subject = read_admin_subject(spec, spec_path, v1alpha1)) {
      policy.subject = std::move(*subject);
    }
    bool ok = true;
    policy.ingress = read_admin_rules(field(spec, "ingress"), spec_path.field("ingress"), false, kind, ok);
    policy.egress = read_admin_rules(field(spec, "egress"), spec_path.field("egress"), true, kind, ok);
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
  Strictness m_strictness;
  std::size_t m_alias_nodes = 0;
  bool m_alias_limit_hit = false;
  bool m_custom_resource = false; // reading an admin policy (a custom resource)
  std::vector<bool> m_reached; // by node index: reached through some container
};

} // namespace

void build_objects(const RawDocument& doc, const std::shared_ptr<const std::string>& file,
                   const std::string& default_namespace, const LoadLimits& limits,
                   Strictness strictness, ChunkResult& result) {
  Builder(doc, file, default_namespace, limits, strictness, result).build_document();
}

} // namespace npcheck::model::detail
