// SPDX-License-Identifier: Apache-2.0
//
// Endpoint arguments resolved against the manifests. The text is read by
// model::parse_endpoint_text (the one grammar, shared with expectations
// files); here its names are looked up. FIRST/NAME is read as KIND/NAME when
// FIRST spells a workload kind (kubectl's reading) and as NAMESPACE/NAME
// otherwise; a namespace may be called like a kind ("jobs"), so when both
// readings name something the argument is ambiguous rather than guessed.
#include "endpoint_arg.hpp"

#include <npcheck/analyzer/service.hpp>
#include <npcheck/model/endpoint_text.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <cctype>
#include <optional>
#include <vector>

namespace npcheck::cli {

namespace {

[[noreturn]] void fail(std::string_view option, std::string message) {
  throw model::Error(model::SourceLocation{}, std::string(option) + ": " + message);
}

std::string candidates_text(const model::Inventory& inventory, const std::vector<std::size_t>& found) {
  std::string text;
  for (std::size_t i : found) {
    text += (text.empty() ? "" : ", ") + inventory.workloads[i].namespace_name + '/' +
            inventory.workloads[i].kind_name() + '/' + inventory.workloads[i].name;
  }
  return text;
}

// A kind filter: none, a built-in kind, or a custom kind as the manifests spell it.
struct KindFilter {
  std::optional<model::WorkloadKind> kind;
  std::string custom_kind;

  bool matches(const model::Workload& w) const {
    return !kind || (w.kind == *kind && (custom_kind.empty() || w.custom_kind == custom_kind));
  }
  std::string text() const { return custom_kind.empty() ? model::to_string(*kind) : custom_kind; }
};

// The kind text spells, among built-in kinds and the custom kinds of the
// inventory; nullopt when it spells none.
std::optional<KindFilter> kind_of(std::string_view text, const model::Inventory& inventory) {
  if (std::optional<model::WorkloadKind> kind = model::parse_kind_word(text)) {
    return KindFilter{kind, {}};
  }
  for (const model::Workload& w : inventory.workloads) {
    if (w.kind == model::WorkloadKind::custom && model::names_custom_kind(text, w.custom_kind)) {
      return KindFilter{model::WorkloadKind::custom, w.custom_kind};
    }
  }
  return std::nullopt;
}

// One reading of a name: NAMESPACE, KIND (optional) and NAME.
struct NameReading {
  std::string ns;
  KindFilter kind;
  std::string name;
  std::string shown; // how the reading is named in messages

  std::vector<std::size_t> find(const model::Inventory& inventory) const {
    std::vector<std::size_t> found;
    for (std::size_t i = 0; i < inventory.workloads.size(); ++i) {
      const model::Workload& w = inventory.workloads[i];
      if (w.namespace_name == ns && w.name == name && kind.matches(w)) {
        found.push_back(i);
      }
    }
    return found;
  }
};

// The nearest workload to a reading that names none: by edit distance of
// "namespace/name", plus one for another kind; nullopt when none is close.
std::optional<std::size_t> nearest_workload(const NameReading& reading, const model::Inventory& inventory) {
  const std::string wanted = reading.ns + '/' + reading.name;
  const std::size_t limit = std::max<std::size_t>(2, wanted.size() / 4);
  std::optional<std::size_t> best;
  std::size_t best_distance = limit + 1;
  for (std::size_t i = 0; i < inventory.workloads.size(); ++i) {
    const model::Workload& w = inventory.workloads[i];
    const std::size_t d = model::edit_distance(wanted, w.namespace_name + '/' + w.name) +
                          (reading.kind.matches(w) ? 0 : 1);
    if (d < best_distance) {
      best_distance = d;
      best = i;
    }
  }
  return best;
}

[[noreturn]] void fail_not_found(std::string_view option, const NameReading& reading,
                                 const model::Inventory& inventory) {
  std::string message = "no " + (reading.kind.kind ? reading.kind.text() : std::string("Pod or workload")) +
                        " '" + reading.shown + "' in the manifests";
  if (std::optional<std::size_t> near = nearest_workload(reading, inventory)) {
    fail(option, message + " (did you mean " + inventory.workloads[*near].display_name() + "?)");
  }
  std::vector<std::size_t> in_namespace;
  for (std::size_t i = 0; i < inventory.workloads.size(); ++i) {
    if (inventory.workloads[i].namespace_name == reading.ns) {
      in_namespace.push_back(i);
    }
  }
  if (in_namespace.empty()) {
    std::vector<std::string> namespaces;
    for (const model::Namespace& ns : inventory.namespaces) {
      namespaces.push_back(ns.name);
    }
    const std::optional<std::string> near =
        model::nearest(reading.ns, namespaces, std::max<std::size_t>(2, reading.ns.size() / 3));
    message += " (namespace '" + reading.ns + "' has none" +
               (near ? "; did you mean namespace '" + *near + "'?" : std::string()) + ")";
  } else if (in_namespace.size() <= 10) {
    message += " (namespace '" + reading.ns + "' has " + candidates_text(inventory, in_namespace) + ")";
  }
  fail(option, message);
}

// The one workload found, a Pod winning over workloads of its name when no
// kind is given; throws when several remain.
std::size_t pick(std::string_view text, std::string_view option, const NameReading& reading,
                 const std::vector<std::size_t>& found, const model::Inventory& inventory) {
  if (found.size() > 1) {
    auto pod = std::find_if(found.begin(), found.end(), [&](std::size_t i) {
      return inventory.workloads[i].kind == model::WorkloadKind::pod;
    });
    if (!reading.kind.kind && pod != found.end()) {
      return *pod;
    }
    fail(option, "'" + std::string(text) + "' is ambiguous: " + candidates_text(inventory, found) +
                     " (name one as NAMESPACE/KIND/NAME)");
  }
  return found.front();
}

std::string selector_text(const model::Labels& labels) {
  std::string text;
  for (const auto& [key, value] : labels.entries()) {
    text += (text.empty() ? "" : ",") + key + '=' + value;
  }
  return text;
}

EndpointArg service_arg(std::string_view ns, std::string_view name, std::string_view option,
                        const model::Inventory& inventory) {
  EndpointArg arg;
  arg.service = resolve_service(ns, name, option, inventory);
  arg.service_workloads = analyzer::service_workloads(inventory.services[*arg.service], inventory);
  return arg;
}

[[noreturn]] void fail_unknown_kind(std::string_view option, std::string_view kind_text) {
  fail(option, "unknown kind '" + std::string(kind_text) +
                   "' (expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob, "
                   "ReplicationController, as kubectl spells them (po, deploy, rs, sts, ds, job, cj, rc, "
                   "or plural), or the kind of a custom workload)");
}

} // namespace

std::string service_endpoint_problem(std::string_view ns, std::string_view name,
                                     const model::Inventory& inventory) {
  const std::string shown = std::string(ns) + '/' + std::string(name);
  const model::Service* service = inventory.find_service(ns, name);
  if (!service) {
    std::string message = "no Service '" + shown + "' in the manifests";
    std::vector<std::string> names;
    for (const model::Service& s : inventory.services) {
      names.push_back(s.display_name());
    }
    if (std::optional<std::string> near = model::nearest(shown, names, std::max<std::size_t>(2, shown.size() / 4))) {
      return message + " (did you mean " + *near + "?)";
    }
    if (inventory.services.empty()) {
      return message + " (the manifests hold no Services)";
    }
    std::string in_namespace;
    for (const model::Service& s : inventory.services) {
      if (s.namespace_name == ns) {
        in_namespace += (in_namespace.empty() ? "" : ", ") + s.name;
      }
    }
    return message + (in_namespace.empty() ? " (namespace '" + std::string(ns) + "' has none)"
                                           : " (namespace '" + std::string(ns) + "' has " + in_namespace + ")");
  }
  if (service->type == model::ServiceType::external_name) {
    return "Service " + shown + " is of type ExternalName (an alias for '" + service->external_name +
           "'): no pods stand behind it";
  }
  if (!service->selector) {
    return "Service " + shown +
           " has no selector: its endpoints are managed by hand or by another controller, so the "
           "manifests do not say which pods stand behind it (name them instead)";
  }
  if (analyzer::service_workloads(*service, inventory).empty()) {
    std::string message = "Service " + shown + " selects no Pod or workload (selector " +
                          selector_text(*service->selector) + ")";
    // The nearest miss: a workload of the namespace carrying the most of the selector's labels.
    const model::Workload* best = nullptr;
    std::size_t best_count = 0;
    for (const model::Workload& w : inventory.workloads) {
      if (w.namespace_name != ns) {
        continue;
      }
      std::size_t count = 0;
      for (const auto& [key, value] : service->selector->entries()) {
        const std::string* have = w.labels.find(key);
        count += have && *have == value ? 2 : have ? 1 : 0;
      }
      if (count > best_count) {
        best_count = count;
        best = &w;
      }
    }
    if (best) {
      std::string labels;
      for (const auto& [key, value] : service->selector->entries()) {
        const std::string* have = best->labels.find(key);
        labels += (labels.empty() ? "" : ",") + key + '=' + (have ? *have : std::string("<none>"));
      }
      message += "; nearest: " + best->display_name() + " with " + labels;
    } else {
      message += "; namespace '" + std::string(ns) + "' has no Pod or workload with any of its labels";
    }
    return message;
  }
  return "";
}

std::size_t resolve_service(std::string_view ns, std::string_view name, std::string_view option,
                            const model::Inventory& inventory) {
  if (std::string problem = service_endpoint_problem(ns, name, inventory); !problem.empty()) {
    fail(option, problem);
  }
  const model::Service* service = inventory.find_service(ns, name);
  return static_cast<std::size_t>(service - inventory.services.data());
}

void note_named_pod(std::string_view text, std::string_view default_namespace,
                    model::PodsKeptApart& kept_apart) {
  const model::EndpointParse parsed = model::parse_endpoint_text(text);
  if (!parsed.endpoint) {
    return;
  }
  const model::EndpointText& e = *parsed.endpoint;
  switch (e.form) {
  case model::EndpointForm::address:
    kept_apart.addresses.push_back(e.address);
    break;
  case model::EndpointForm::range:
    break;
  case model::EndpointForm::name:
    kept_apart.names.emplace_back(std::string(default_namespace), e.name);
    break;
  case model::EndpointForm::qualified_name:
    if (model::parse_kind_word(e.first) == model::WorkloadKind::pod) {
      kept_apart.names.emplace_back(std::string(default_namespace), e.name);
    }
    kept_apart.names.emplace_back(e.first, e.name);
    break;
  case model::EndpointForm::namespace_kind_name:
    if (model::parse_kind_word(e.kind) == model::WorkloadKind::pod) {
      kept_apart.names.emplace_back(e.first, e.name);
    }
    break;
  }
}

EndpointArg parse_endpoint_arg(std::string_view text, std::string_view option,
                               const model::Inventory& inventory, const analyzer::AddressBook& addresses,
                               std::string_view default_namespace) {
  const model::EndpointParse parsed = model::parse_endpoint_text(text);
  if (!parsed.endpoint) {
    fail(option, parsed.error);
  }
  const model::EndpointText& e = *parsed.endpoint;
  const std::string ns_default(default_namespace);
  switch (e.form) {
  case model::EndpointForm::address:
    return EndpointArg{addresses.resolve(e.address), std::nullopt, std::nullopt, {}};
  case model::EndpointForm::range:
    return EndpointArg{analyzer::FlowEndpoint{}, e.range, std::nullopt, {}};
  case model::EndpointForm::name: {
    const NameReading reading{ns_default, {}, e.name, ns_default + '/' + e.name};
    const std::vector<std::size_t> found = reading.find(inventory);
    if (found.empty()) {
      fail_not_found(option, reading, inventory);
    }
    return EndpointArg{analyzer::FlowEndpoint::of_workload(pick(text, option, reading, found, inventory)),
                       std::nullopt, std::nullopt, {}};
  }
  case model::EndpointForm::namespace_kind_name: {
    if (model::is_service_word(e.kind)) {
      return service_arg(e.first, e.name, option, inventory);
    }
    const std::optional<KindFilter> kind = kind_of(e.kind, inventory);
    if (!kind) {
      fail_unknown_kind(option, e.kind);
    }
    const NameReading reading{e.first, *kind, e.name, e.first + '/' + e.kind + '/' + e.name};
    const std::vector<std::size_t> found = reading.find(inventory);
    if (found.empty()) {
      fail_not_found(option, reading, inventory);
    }
    return EndpointArg{analyzer::FlowEndpoint::of_workload(pick(text, option, reading, found, inventory)),
                       std::nullopt, std::nullopt, {}};
  }
  case model::EndpointForm::qualified_name:
    break;
  }
  // FIRST/NAME: a namespace, a kind, or svc.
  const NameReading as_namespace{e.first, {}, e.name, e.first + '/' + e.name};
  const std::vector<std::size_t> in_namespace = as_namespace.find(inventory);
  if (model::is_service_word(e.first)) {
    if (!in_namespace.empty() && inventory.find_service(ns_default, e.name)) {
      fail(option, "'" + std::string(text) + "' is ambiguous: Service '" + e.name + "' in namespace '" +
                       ns_default + "' (svc/NAME) or '" + e.name + "' in namespace '" + e.first +
                       "' (NAMESPACE/NAME) (name one as NAMESPACE/KIND/NAME)");
    }
    if (in_namespace.empty()) {
      return service_arg(ns_default, e.name, option, inventory);
    }
  }
  const std::optional<KindFilter> kind = kind_of(e.first, inventory);
  if (!kind) {
    if (in_namespace.empty()) {
      fail_not_found(option, as_namespace, inventory);
    }
    return EndpointArg{
        analyzer::FlowEndpoint::of_workload(pick(text, option, as_namespace, in_namespace, inventory)),
        std::nullopt, std::nullopt, {}};
  }
  const NameReading as_kind{ns_default, *kind, e.name, ns_default + '/' + e.first + '/' + e.name};
  const std::vector<std::size_t> of_kind = as_kind.find(inventory);
  if (!of_kind.empty() && !in_namespace.empty()) {
    fail(option, "'" + std::string(text) + "' is ambiguous: " + kind->text() + " '" + e.name +
                     "' in namespace '" + ns_default + "' (KIND/NAME) or '" + e.name + "' in namespace '" +
                     e.first + "' (NAMESPACE/NAME) (name one as NAMESPACE/KIND/NAME)");
  }
  if (of_kind.empty() && !in_namespace.empty()) {
    return EndpointArg{
        analyzer::FlowEndpoint::of_workload(pick(text, option, as_namespace, in_namespace, inventory)),
        std::nullopt, std::nullopt, {}};
  }
  if (of_kind.empty()) {
    fail_not_found(option, as_kind, inventory);
  }
  return EndpointArg{analyzer::FlowEndpoint::of_workload(pick(text, option, as_kind, of_kind, inventory)),
                     std::nullopt, std::nullopt, {}};
}

analyzer::FlowEndpoint parse_endpoint(std::string_view text, std::string_view option,
                                      const model::Inventory& inventory,
                                      const analyzer::AddressBook& addresses,
                                      std::string_view default_namespace) {
  EndpointArg arg = parse_endpoint_arg(text, option, inventory, addresses, default_namespace);
  if (arg.range) {
    fail(option, "'" + std::string(text) + "' is a range of addresses; one endpoint is expected here");
  }
  if (arg.service) {
    fail(option, "'" + std::string(text) + "' is a Service; one endpoint is expected here");
  }
  return arg.endpoint;
}

} // namespace npcheck::cli
