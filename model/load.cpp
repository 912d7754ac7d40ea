// SPDX-License-Identifier: Apache-2.0
//
// Loading, as a list of passes:
//  1. gather: expand paths (directories recursively, .yaml/.yml/.json only,
//     sorted) and read each file whole (stdin for "-"), counting bytes
//     against the size limits as they are read (input_reader.cpp);
//  2. split: cut each text into documents at "---" lines (.json files whole);
//  3. parse and build: on every core, each chunk is parsed into RawDocuments
//     and turned into validated objects; results stay per chunk;
//  4. merge: chunk results are appended in input order, so output never
//     depends on thread timing;
//  5. finalize: sort, report duplicates with both places, imply namespaces
//     that objects live in but no manifest defines.
//
// Memory: the texts stay whole until the end of step 4 (1 byte per input
// byte), and each thread holds the RawDocuments of its current chunk: about
// 64 bytes per node, 2 input bytes per node at worst ("[1,1,1,...]"), so at
// most about 35 bytes per input byte in all, 4 for YAML manifests and 10 for
// a JSON List (measured). yaml-cpp's own buffer is bounded apart
// (raw_document.cpp). --max-input-size bounds the product.
#include <npcheck/model/load.hpp>

#include "input_reader.hpp"
#include "object_builder.hpp"
#include "pod_folding.hpp"
#include "raw_document.hpp"

#include <fnmatch.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iterator>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <tuple>

namespace npcheck::model {

namespace fs = std::filesystem;

namespace {

struct SourceText {
  std::shared_ptr<const std::string> name;
  std::string text;
  bool walked = false; // found by walking a directory
};

// What gathering the inputs found besides their texts.
struct Gathered {
  std::vector<SourceText> sources;
  std::vector<Diagnostic> warnings;
  std::vector<std::string> skipped_paths;
};

bool has_manifest_extension(const fs::path& path) {
  std::string ext = path.extension().string();
  return ext == ".yaml" || ext == ".yml" || ext == ".json";
}

SourceText read_file(const std::string& display, const fs::path& path, const LoadLimits& limits,
                     InputBudget& budget) {
  auto name = std::make_shared<const std::string>(display);
  std::string text = detail::read_input_file(path.string(), name, limits, budget);
  return SourceText{std::move(name), std::move(text)};
}

// shown + '/' + below, as a path below a directory shown as shown.
std::string join_display(const std::string& shown, const std::string& below) {
  if (below.empty()) {
    return shown;
  }
  if (shown.empty() || shown.back() == '/' || shown.back() == ':') {
    return shown + below;
  }
  return shown + '/' + below;
}

bool excluded(const std::vector<std::string>& patterns, const std::string& path, const std::string& name) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& pattern) {
    return fnmatch(pattern.c_str(), path.c_str(), 0) == 0 || fnmatch(pattern.c_str(), name.c_str(), 0) == 0;
  });
}

// Walks one directory given on the command line as a repository (see
// load.hpp): sorted by name at every level, which is the order of whole
// paths compared component by component.
class Walker {
public:
  Walker(const LoadOptions& options, Gathered& out, InputBudget& budget)
      : m_options(options), m_out(out), m_budget(budget) {}

  void walk(const fs::path& dir, const std::string& below, const std::string& shown) {
    const std::string here = join_display(shown, below);
    if (skip_rendered(dir, here)) {
      return;
    }
    std::error_code ec;
    std::vector<fs::directory_entry> entries;
    fs::directory_iterator it(dir, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::directory_iterator(); it.increment(ec)) {
      entries.push_back(*it);
    }
    if (ec) {
      throw Error(SourceLocation{std::make_shared<const std::string>(here), 0, 0},
                  "cannot read directory: " + ec.message());
    }
    std::sort(entries.begin(), entries.end(), [](const fs::directory_entry& a, const fs::directory_entry& b) {
      return a.path().filename() < b.path().filename();
    });
    for (const fs::directory_entry& entry : entries) {
      const std::string name = entry.path().filename().string();
      const std::string relative = below.empty() ? name : below + '/' + name;
      const std::string display = join_display(shown, relative);
      if (name.front() == '.') {
        m_out.skipped_paths.push_back(display + " (hidden)");
        continue;
      }
      if (excluded(m_options.exclude, relative, name)) {
        m_out.skipped_paths.push_back(display + " (--exclude)");
        continue;
      }
      std::error_code entry_ec;
      if (entry.is_directory(entry_ec) && !entry.is_symlink(entry_ec)) {
        walk(entry.path(), relative, shown);
      } else if (entry.is_regular_file(entry_ec) && has_manifest_extension(entry.path())) {
        SourceText source = read_file(display, entry.path(), m_options.limits, m_budget);
        source.walked = true;
        m_out.sources.push_back(std::move(source));
      }
    }
  }

private:
  // A Helm chart or a kustomization holds inputs to a renderer, not the
  // objects it produces: one warning with the command that renders it.
  bool skip_rendered(const fs::path& dir, const std::string& shown) {
    std::error_code ec;
    const char* what = nullptr;
    std::string render;
    if (fs::is_regular_file(dir / "Chart.yaml", ec)) {
      what = "a Helm chart: its templates are YAML only once rendered";
      render = "helm template " + shown;
    } else {
      for (const char* name : {"kustomization.yaml", "kustomization.yml", "Kustomization"}) {
        if (fs::is_regular_file(dir / name, ec)) {
          what = "a kustomization: its files are what kustomize reads, not the objects it writes";
          render = "kubectl kustomize " + shown;
          break;
        }
      }
    }
    if (!what) {
      return false;
    }
    m_out.warnings.push_back(Diagnostic{
        Severity::warning, SourceLocation{std::make_shared<const std::string>(shown), 0, 0}, "",
        std::string("skipped ") + what + "; read it with: " + render + " | npcheck " +
            m_options.command + " -f -"});
    m_out.skipped_paths.push_back(shown + (render.rfind("helm", 0) == 0 ? " (Helm chart)" : " (kustomization)"));
    return true;
  }

  const LoadOptions& m_options;
  Gathered& m_out;
  InputBudget& m_budget;
};

Gathered gather(const std::vector<std::string>& paths, const LoadOptions& options, InputBudget& budget) {
  Gathered out;
  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    // Read once, the second "-" would silently be empty.
    throw Error({}, "'-' (standard input) is given more than once; it can be read only once");
  }
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& arg = paths[i];
    const std::string& shown = i < options.display_paths.size() ? options.display_paths[i] : arg;
    if (arg == "-") {
      auto name = std::make_shared<const std::string>(options.stdin_name);
      std::string text = options.standard_input
                             ? detail::read_stream(*options.standard_input, name, options.limits, budget)
                             : detail::read_standard_input(name, options.limits, budget);
      out.sources.push_back(SourceText{std::move(name), std::move(text)});
      continue;
    }
    fs::path path(arg);
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      throw Error(SourceLocation{std::make_shared<const std::string>(shown), 0, 0},
                  "no such file or directory");
    }
    const std::string name = path.filename().empty() ? path.parent_path().filename().string()
                                                     : path.filename().string();
    if (excluded(options.exclude, arg, name)) {
      out.skipped_paths.push_back(shown + " (--exclude)");
      continue;
    }
    if (fs::is_directory(status)) {
      Walker(options, out, budget).walk(path, "", shown);
    } else {
      out.sources.push_back(read_file(shown, path, options.limits, budget));
    }
  }
  return out;
}

template <typename T>
void sort_by_name(std::vector<T>& items) {
  std::stable_sort(items.begin(), items.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

std::string duplicate_message(const std::string& what, const SourceLocation& first) {
  return "duplicate " + what + " (first defined at " + first.to_string() + ")";
}

// What the admin policies of an input leave undefined or unevaluated
// (shared/spec/admin-policies.md §9).
void admin_policy_warnings(Inventory& inv) {
  const AdminPolicy* v1alpha1 = nullptr;
  const AdminPolicy* v1alpha2 = nullptr;
  for (const AdminPolicy& p : inv.admin_policies) {
    const AdminPolicy*& first = p.v1alpha1() ? v1alpha1 : v1alpha2;
    if (first == nullptr) {
      first = &p;
    }
  }
  if (v1alpha1 != nullptr && v1alpha2 != nullptr) {
    inv.warnings.push_back(Diagnostic{
        Severity::warning, v1alpha2->where, v1alpha2->display_name(),
        "v1alpha1 admin policies (" + v1alpha1->display_name() +
            ", ...) and v1alpha2 ClusterNetworkPolicies are mixed: the API defines no order "
            "between them; npcheck evaluates, at equal priority, an AdminNetworkPolicy before an "
            "Admin-tier ClusterNetworkPolicy and the BaselineAdminNetworkPolicy (priority 0) "
            "before a Baseline-tier ClusterNetworkPolicy"});
  }
  // Fields of the experimental channel only (admin-policies.md §8): one
  // note for the whole input, naming the first use of each.
  std::map<std::string, std::pair<int, SourceLocation>> experimental;
  auto note = [&](const char* what, const SourceLocation& where) {
    auto [it, inserted] = experimental.try_emplace(what, 0, where);
    ++it->second.first;
  };
  for (const AdminPolicy& p : inv.admin_policies) {
    for (const auto* rules : {&p.ingress, &p.egress}) {
      for (const AdminRule& rule : *rules) {
        for (const AdminPeer& peer : rule.peers) {
          if (peer.type == AdminPeer::Type::nodes) {
            note("nodes peers", peer.where);
          } else if (peer.type == AdminPeer::Type::domain_names) {
            note("domainNames peers", peer.where);
          }
        }
        for (const AdminPort& port : rule.ports.value_or(std::vector<AdminPort>{})) {
          if (port.named && p.v1alpha1()) {
            note("namedPort ports", port.where);
          }
        }
      }
    }
  }
  if (!experimental.empty()) {
    std::string what;
    const SourceLocation* first = nullptr;
    for (const auto& [name, use] : experimental) {
      what += (what.empty() ? "" : ", ") + std::to_string(use.first) + ' ' + name;
      if (first == nullptr || std::make_tuple(use.second.file_name(), use.second.line, use.second.column) <
                                  std::make_tuple(first->file_name(), first->line, first->column)) {
        first = &use.second;
      }
    }
    inv.infos.push_back(Diagnostic{Severity::info, *first, "",
                                   "the admin policies use fields of the experimental channel of the "
                                   "CRDs only (" + what + "): a cluster with the standard-channel CRDs "
                                   "drops them"});
  }
  for (const AdminPolicy& p : inv.admin_policies) {
    bool nodes = false;
    bool domains = false;
    for (const AdminRule& rule : p.egress) {
      for (const AdminPeer& peer : rule.peers) {
        nodes = nodes || peer.type == AdminPeer::Type::nodes;
        domains = domains || peer.type == AdminPeer::Type::domain_names;
      }
    }
    if (nodes && inv.nodes.empty()) {
      inv.warnings.push_back(Diagnostic{
          Severity::warning, p.where, p.display_name(),
          "nodes peers match the addresses of Node objects, and the inputs have none: they "
          "match nothing here (add the nodes, e.g. kubectl get nodes -o yaml)"});
    }
    if (domains) {
      inv.warnings.push_back(Diagnostic{
          Severity::warning, p.where, p.display_name(),
          "domainNames peers are not evaluated (they need DNS): npcheck reads them as matching "
          "no address, so the flows they would decide fall to the later rules and tiers"});
    }
  }
}

// The namespace label keys that some namespace selector reads, other than
// kubernetes.io/metadata.name (which every namespace carries, defined or not).
std::set<std::string> namespace_label_keys(const Inventory& inv) {
  std::set<std::string> keys;
  auto read = [&keys](const LabelSelector& selector) {
    for (const auto& [key, value] : selector.match_labels.entries()) {
      keys.insert(key);
    }
    for (const Requirement& requirement : selector.match_expressions) {
      keys.insert(requirement.key);
    }
  };
  for (const NetworkPolicy& p : inv.policies) {
    for (const auto* rules : {&p.ingress, &p.egress}) {
      for (const Rule& rule : *rules) {
        for (const Peer& peer : rule.peers) {
          if (peer.namespace_selector) {
            read(*peer.namespace_selector);
          }
        }
      }
    }
  }
  for (const AdminPolicy& p : inv.admin_policies) {
    read(p.subject.namespace_selector);
    for (const auto* rules : {&p.ingress, &p.egress}) {
      for (const AdminRule& rule : *rules) {
        for (const AdminPeer& peer : rule.peers) {
          if (peer.type == AdminPeer::Type::pods) {
            read(peer.pods.namespace_selector);
          }
        }
      }
    }
  }
  keys.erase("kubernetes.io/metadata.name");
  return keys;
}

void finalize(Inventory& inv, const LoadOptions& options) {
  for (auto& [ns, objects] : inv.custom_resources) {
    std::sort(objects.begin(), objects.end());
  }
  // Duplicates: the later definition is dropped and reported with both places.
  auto dedupe = [&inv](auto& items, auto key_of, auto name_of) {
    std::stable_sort(items.begin(), items.end(),
                     [&](const auto& a, const auto& b) { return key_of(a) < key_of(b); });
    auto out = items.begin();
    for (auto it = items.begin(); it != items.end(); ++it) {
      if (out != items.begin() && key_of(*(out - 1)) == key_of(*it)) {
        inv.errors.push_back(Diagnostic{Severity::error, it->where, name_of(*it),
                                        duplicate_message("object", (out - 1)->where)});
        continue;
      }
      if (out != it) {
        *out = std::move(*it);
      }
      ++out;
    }
    items.erase(out, items.end());
  };
  dedupe(inv.namespaces, [](const Namespace& n) { return n.name; },
         [](const Namespace& n) { return "Namespace " + n.name; });
  dedupe(inv.nodes, [](const Node& n) { return n.name; },
         [](const Node& n) { return "Node " + n.name; });
  dedupe(inv.policies,
         [](const NetworkPolicy& p) { return std::make_pair(p.namespace_name, p.name); },
         [](const NetworkPolicy& p) { return p.display_name(); });
  dedupe(inv.services, [](const Service& s) { return std::make_pair(s.namespace_name, s.name); },
         [](const Service& s) { return "Service " + s.display_name(); });
  // Cluster-scoped: names are unique per kind (a second
  // BaselineAdminNetworkPolicy is necessarily a second "default").
  dedupe(inv.admin_policies,
         [](const AdminPolicy& p) { return std::make_pair(p.kind, p.name); },
         [](const AdminPolicy& p) { return p.display_name(); });
  admin_policy_warnings(inv);
  // Objects named by generateName are distinct whatever their prefix.
  dedupe(inv.workloads,
         [](const Workload& w) {
           return std::make_tuple(w.namespace_name, w.name, w.kind, w.custom_kind,
                                  w.generated_name ? w.where.to_string() : std::string());
         },
         [](const Workload& w) { return w.kind_name() + ' ' + w.namespace_name + '/' + w.name; });

  // Objects standing for the same pods as another object of the input
  // (kubectl get all): ReplicaSets of a Deployment, Jobs of a CronJob, Pods
  // of any controller.
  detail::fold_workloads(inv, options);

  // Namespaces that objects live in but no manifest defines. One that a
  // manifest names in metadata.namespace is a warning at the first such
  // object (its labels are unknown); one that objects are only read into,
  // having no metadata.namespace (the default namespace, or -n's), is the
  // usual repository of `kubectl apply -n`: one info, pinned to no file.
  struct Reference {
    SourceLocation where;        // the first object naming it, else the first in it
    bool named = false;          // some metadata.namespace names it
    std::size_t defaulted = 0;   // objects read into it without metadata.namespace
  };
  std::map<std::string, Reference> referenced;
  // The namespace labels selectors read, in words; read from the policies
  // only when some namespace is undefined.
  std::optional<std::string> read_labels;
  auto label_note = [&]() -> const std::string& {
    if (!read_labels) {
      const std::set<std::string> keys = namespace_label_keys(inv);
      std::string text;
      for (const std::string& key : keys) {
        text += (text.empty() ? "" : ", ") + key;
      }
      read_labels = keys.empty() ? std::string()
                                 : " (namespace selectors read the label" +
                                       std::string(keys.size() == 1 ? " " : "s ") + text +
                                       ": define it if it carries them)";
    }
    return *read_labels;
  };
  auto refer = [&referenced](const std::string& name, const SourceLocation& where, bool defaulted) {
    auto [it, inserted] = referenced.try_emplace(name);
    Reference& ref = it->second;
    if (defaulted) {
      ++ref.defaulted;
    }
    if (inserted || (!ref.named && !defaulted)) {
      ref.where = where;
    }
    ref.named = ref.named || !defaulted;
  };
  for (const Workload& w : inv.workloads) {
    refer(w.namespace_name, w.where, w.namespace_defaulted);
  }
  for (const NetworkPolicy& p : inv.policies) {
    refer(p.namespace_name, p.where, p.namespace_defaulted);
  }
  for (const Service& s : inv.services) {
    refer(s.namespace_name, s.where, s.namespace_defaulted);
  }
  if (inv.workloads.empty() && inv.policies.empty() && inv.services.empty() && inv.namespaces.empty()) {
    referenced.clear();
  }
  for (const auto& [name, ref] : referenced) {
    auto it = std::lower_bound(inv.namespaces.begin(), inv.namespaces.end(), name,
                               [](const Namespace& n, const std::string& k) { return n.name < k; });
    if (it != inv.namespaces.end() && it->name == name) {
      continue;
    }
    Namespace ns;
    ns.name = name;
    ns.implied = true;
    ns.labels.set("kubernetes.io/metadata.name", name);
    ns.where = ref.where;
    inv.namespaces.insert(it, std::move(ns));
    const std::string assumed =
        "assuming it exists with only the label kubernetes.io/metadata.name=" + name;
    if (ref.named) {
      // Normal in a repository whose Namespaces are made elsewhere and in a
      // kubectl get snapshot: an info, which says which labels it matters for.
      inv.infos.push_back(Diagnostic{
          Severity::info, ref.where, "Namespace " + name,
          "namespace is used but not defined; " + assumed + label_note()});
    } else {
      const std::string objects = std::to_string(ref.defaulted) +
                                  (ref.defaulted == 1 ? " object has" : " objects have");
      inv.infos.push_back(Diagnostic{
          Severity::info, SourceLocation{}, "Namespace " + name,
          objects + " no metadata.namespace and " + (ref.defaulted == 1 ? "is" : "are") +
              " read into namespace " + name +
              (name == options.default_namespace && name != "default" ? " (-n)" : "") +
              ", which no manifest defines; " + assumed});
    }
  }
}

} // namespace

namespace {

Inventory load_sources(Gathered& gathered, const LoadOptions& options) {
  std::vector<SourceText>& sources = gathered.sources;
  std::vector<detail::Chunk> chunks;
  for (const SourceText& source : sources) {
    std::vector<detail::Chunk> more = detail::split_documents(source.name, source.text);
    for (detail::Chunk& chunk : more) {
      chunk.walked = source.walked;
    }
    chunks.insert(chunks.end(), more.begin(), more.end());
  }
  // A result is made when its chunk is read: a stream of many tiny documents
  // past --max-objects costs a pointer per chunk, not a ChunkResult.
  std::vector<std::unique_ptr<detail::ChunkResult>> results(chunks.size());
  std::atomic<std::size_t> next{0};
  // Objects read so far (valid or not): past the limit, the remaining
  // documents are not built at all, so that --max-objects bounds memory and
  // time as well as the answer.
  std::atomic<std::size_t> built{0};
  auto worker = [&]() {
    std::vector<detail::RawDocument> docs;
    for (std::size_t i = next++; i < chunks.size(); i = next++) {
      if (built.load(std::memory_order_relaxed) > options.limits.max_objects) {
        break;
      }
      docs.clear();
      results[i] = std::make_unique<detail::ChunkResult>();
      detail::parse_chunk(chunks[i], options.limits, docs, results[i]->errors);
      for (const detail::RawDocument& doc : docs) {
        detail::build_objects(doc, chunks[i].file, options.default_namespace, options.limits,
                              chunks[i].walked ? detail::Strictness::walked : detail::Strictness::strict,
                              *results[i]);
      }
      built.fetch_add(results[i]->objects_read.size(), std::memory_order_relaxed);
    }
  };
  unsigned threads = options.threads;
  if (threads == 0) {
    // A thread per k_bytes_per_thread of text at most: starting one (and its
    // malloc arena) costs about as much as reading a few kilobytes, and a
    // small input (one probe of a conformance case, a pre-commit hook's one
    // file) is read before a second thread would have started.
    constexpr std::size_t k_bytes_per_thread = std::size_t{64} << 10;
    std::size_t bytes = 0;
    for (const detail::Chunk& chunk : chunks) {
      bytes += chunk.text.size();
    }
    threads = static_cast<unsigned>(std::min<std::size_t>(std::max(1u, std::thread::hardware_concurrency()),
                                                          1 + bytes / k_bytes_per_thread));
  }
  threads = static_cast<unsigned>(std::min<std::size_t>(threads, chunks.size()));
  if (threads <= 1) {
    worker();
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back(worker);
    }
    for (std::thread& t : pool) {
      t.join();
    }
  }

  Inventory inv;
  inv.files = static_cast<int>(sources.size());
  inv.warnings = std::move(gathered.warnings);
  inv.skipped_paths = std::move(gathered.skipped_paths);
  std::size_t objects = 0;
  SourceLocation past_limit; // of the object that passed --max-objects
  for (std::size_t chunk = 0; chunk < results.size(); ++chunk) {
    if (!results[chunk]) {
      continue; // not read: the limit had passed (counted in the chunks that were)
    }
    detail::ChunkResult& r = *results[chunk];
    if (objects > options.limits.max_objects) {
      // What one thread would have built stops at the document that passed
      // the limit; drop what other threads built after it, so that the
      // diagnostics do not depend on timing.
      break;
    }
    inv.documents += r.documents;
    if (objects + r.objects_read.size() > options.limits.max_objects) {
      past_limit = r.objects_read[options.limits.max_objects - objects];
    }
    objects += r.objects_read.size();
    for (const auto& [kind, count] : r.skipped_kinds) {
      inv.skipped_kinds[kind] += count;
    }
    for (const auto& [ns, object] : r.custom_resources) {
      inv.custom_resources[ns].push_back(object);
    }
    inv.lint_ignores.insert(inv.lint_ignores.end(), r.lint_ignores.begin(), r.lint_ignores.end());
    for (const auto& [kind, count] : r.unmodelled_policies) {
      inv.unmodelled_policies[kind] += count;
    }
    if (r.non_objects > 0) {
      inv.non_objects[*chunks[chunk].file] += r.non_objects;
    }
    std::move(r.errors.begin(), r.errors.end(), std::back_inserter(inv.errors));
    std::move(r.warnings.begin(), r.warnings.end(), std::back_inserter(inv.warnings));
    std::move(r.infos.begin(), r.infos.end(), std::back_inserter(inv.infos));
    for (detail::Object& object : r.objects) {
      std::visit(
          [&inv](auto&& o) {
            using T = std::decay_t<decltype(o)>;
            if constexpr (std::is_same_v<T, Namespace>) {
              ++inv.loaded_kinds["Namespace"];
              inv.namespaces.push_back(std::move(o));
            } else if constexpr (std::is_same_v<T, Node>) {
              ++inv.loaded_kinds["Node"];
              inv.nodes.push_back(std::move(o));
            } else if constexpr (std::is_same_v<T, NetworkPolicy>) {
              ++inv.loaded_kinds["NetworkPolicy"];
              inv.policies.push_back(std::move(o));
            } else if constexpr (std::is_same_v<T, Service>) {
              ++inv.loaded_kinds["Service"];
              inv.services.push_back(std::move(o));
            } else if constexpr (std::is_same_v<T, AdminPolicy>) {
              ++inv.loaded_kinds[to_string(o.kind)];
              inv.admin_policies.push_back(std::move(o));
            } else {
              ++inv.loaded_kinds[o.kind_name()];
              inv.workloads.push_back(std::move(o));
            }
          },
          std::move(object));
    }
    r = detail::ChunkResult{};
  }
  if (objects > options.limits.max_objects) {
    inv.errors.push_back(Diagnostic{Severity::error, past_limit, "",
                                    detail::too_many_objects_message(options.limits.max_objects)});
  }
  finalize(inv, options);
  return inv;
}

} // namespace

namespace {

// Objects without a namespace are put in it, so it must be a name the API
// server would accept for one.
void check_default_namespace(const std::string& name) {
  if (std::string why = detail::check_dns_label(name); !why.empty()) {
    throw Error({}, "-n/--default-namespace: invalid namespace " + quote(name) + ": " + why);
  }
}

} // namespace

Inventory load_paths(const std::vector<std::string>& paths, const LoadOptions& options) {
  check_default_namespace(options.default_namespace);
  InputBudget own_budget(options.limits.max_input_bytes);
  Gathered gathered = gather(paths, options, options.budget ? *options.budget : own_budget);
  return load_sources(gathered, options);
}

Inventory load_string(std::string_view text, const std::string& file_name, const LoadOptions& options) {
  check_default_namespace(options.default_namespace);
  auto name = std::make_shared<const std::string>(file_name);
  if (text.size() > options.limits.max_file_bytes) {
    throw Error(SourceLocation{name, 0, 0}, detail::too_large_message(options.limits.max_file_bytes));
  }
  if (text.size() > options.limits.max_input_bytes) {
    InputBudget(options.limits.max_input_bytes).take(text.size(), name);
  }
  Gathered gathered;
  gathered.sources.push_back(SourceText{std::move(name), std::string(text)});
  return load_sources(gathered, options);
}

} // namespace npcheck::model
