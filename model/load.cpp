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
#include "raw_document.hpp"

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <iterator>
#include <map>
#include <thread>
#include <tuple>

namespace npcheck::model {

namespace fs = std::filesystem;

namespace {

struct SourceText {
  std::shared_ptr<const std::string> name;
  std::string text;
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

// The name of a file found under directory arg, when arg is shown as shown:
// the walk yields arg's own spelling followed by the path below it.
std::string display_name(const fs::path& file, const std::string& arg, const std::string& shown) {
  std::string name = file.string();
  if (shown == arg || name.rfind(arg, 0) != 0) {
    return name;
  }
  std::string below = name.substr(arg.size());
  below.erase(0, below.find_first_not_of('/'));
  if (shown.empty() || shown.back() == '/' || shown.back() == ':') {
    return shown + below;
  }
  return shown + '/' + below;
}

std::vector<SourceText> gather(const std::vector<std::string>& paths,
                               const std::vector<std::string>& display_paths, const LoadLimits& limits,
                               InputBudget& budget) {
  std::vector<SourceText> sources;
  if (std::count(paths.begin(), paths.end(), "-") > 1) {
    // Read once, the second "-" would silently be empty.
    throw Error({}, "'-' (standard input) is given more than once; it can be read only once");
  }
  for (std::size_t i = 0; i < paths.size(); ++i) {
    const std::string& arg = paths[i];
    const std::string& shown = i < display_paths.size() ? display_paths[i] : arg;
    if (arg == "-") {
      auto name = std::make_shared<const std::string>("<stdin>");
      std::string text = detail::read_standard_input(name, limits, budget);
      sources.push_back(SourceText{std::move(name), std::move(text)});
      continue;
    }
    fs::path path(arg);
    std::error_code ec;
    fs::file_status status = fs::status(path, ec);
    if (ec || !fs::exists(status)) {
      throw Error(SourceLocation{std::make_shared<const std::string>(shown), 0, 0},
                  "no such file or directory");
    }
    if (fs::is_directory(status)) {
      std::vector<fs::path> files;
      fs::recursive_directory_iterator it(path, fs::directory_options::skip_permission_denied, ec);
      for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        if (it->is_regular_file(ec) && has_manifest_extension(it->path())) {
          files.push_back(it->path());
        }
      }
      if (ec) {
        throw Error(SourceLocation{std::make_shared<const std::string>(shown), 0, 0},
                    "cannot read directory: " + ec.message());
      }
      std::sort(files.begin(), files.end());
      for (const fs::path& file : files) {
        sources.push_back(read_file(display_name(file, arg, shown), file, limits, budget));
      }
    } else {
      sources.push_back(read_file(shown, path, limits, budget));
    }
  }
  return sources;
}

template <typename T>
void sort_by_name(std::vector<T>& items) {
  std::stable_sort(items.begin(), items.end(), [](const T& a, const T& b) { return a.name < b.name; });
}

std::string duplicate_message(const std::string& what, const SourceLocation& first) {
  return "duplicate " + what + " (first defined at " + first.to_string() + ")";
}

void finalize(Inventory& inv, const LoadOptions& options) {
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
  dedupe(inv.workloads,
         [](const Workload& w) { return std::make_tuple(w.namespace_name, w.name, w.kind); },
         [](const Workload& w) { return std::string(to_string(w.kind)) + ' ' + w.namespace_name + '/' + w.name; });

  // A ReplicaSet controlled by a Deployment in the input, or a Job by a
  // CronJob, stands for the pods its controller stands for: leave it out.
  // Matching uids, where both are given: a ReplicaSet left over from an
  // earlier Deployment of the same name is not that Deployment's.
  std::map<std::tuple<std::string, std::string, WorkloadKind>, std::string> controllers;
  for (const Workload& w : inv.workloads) {
    if (w.kind == WorkloadKind::deployment || w.kind == WorkloadKind::cron_job) {
      controllers.emplace(std::make_tuple(w.namespace_name, w.name, w.kind), w.uid);
    }
  }
  std::erase_if(inv.workloads, [&](const Workload& w) {
    if (!w.controller ||
        !((w.kind == WorkloadKind::replica_set && w.controller->kind == WorkloadKind::deployment) ||
          (w.kind == WorkloadKind::job && w.controller->kind == WorkloadKind::cron_job))) {
      return false;
    }
    auto it = controllers.find(std::make_tuple(w.namespace_name, w.controller->name, w.controller->kind));
    if (it == controllers.end() ||
        (!it->second.empty() && !w.controller->uid.empty() && it->second != w.controller->uid)) {
      return false;
    }
    ++inv.folded_kinds[to_string(w.kind)];
    return true;
  });

  // Namespaces that objects live in but no manifest defines.
  std::map<std::string, SourceLocation> referenced;
  for (const Workload& w : inv.workloads) {
    referenced.emplace(w.namespace_name, w.where);
  }
  for (const NetworkPolicy& p : inv.policies) {
    referenced.emplace(p.namespace_name, p.where);
  }
  if (inv.workloads.empty() && inv.policies.empty() && inv.namespaces.empty()) {
    referenced.clear();
  }
  for (const auto& [name, where] : referenced) {
    auto it = std::lower_bound(inv.namespaces.begin(), inv.namespaces.end(), name,
                               [](const Namespace& n, const std::string& k) { return n.name < k; });
    if (it != inv.namespaces.end() && it->name == name) {
      continue;
    }
    Namespace ns;
    ns.name = name;
    ns.implied = true;
    ns.labels.set("kubernetes.io/metadata.name", name);
    ns.where = where;
    inv.namespaces.insert(it, std::move(ns));
    inv.warnings.push_back(Diagnostic{Severity::warning, where, "Namespace " + name,
                                      "namespace is used but not defined; assuming it exists with "
                                      "only the label kubernetes.io/metadata.name=" + name});
  }
  (void)options;
}

} // namespace

namespace {

Inventory load_sources(std::vector<SourceText>& sources, const LoadOptions& options) {
  std::vector<detail::Chunk> chunks;
  for (const SourceText& source : sources) {
    std::vector<detail::Chunk> more = detail::split_documents(source.name, source.text);
    chunks.insert(chunks.end(), more.begin(), more.end());
  }
  std::vector<detail::ChunkResult> results(chunks.size());
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
      detail::parse_chunk(chunks[i], options.limits, docs, results[i].errors);
      for (const detail::RawDocument& doc : docs) {
        detail::build_objects(doc, chunks[i].file, options.default_namespace, options.limits,
                              results[i]);
      }
      built.fetch_add(results[i].objects_read.size(), std::memory_order_relaxed);
    }
  };
  unsigned threads = options.threads ? options.threads : std::max(1u, std::thread::hardware_concurrency());
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
  std::size_t objects = 0;
  SourceLocation past_limit; // of the object that passed --max-objects
  for (detail::ChunkResult& r : results) {
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
    std::move(r.errors.begin(), r.errors.end(), std::back_inserter(inv.errors));
    std::move(r.warnings.begin(), r.warnings.end(), std::back_inserter(inv.warnings));
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
            } else {
              ++inv.loaded_kinds[to_string(o.kind)];
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
  std::vector<SourceText> sources =
      gather(paths, options.display_paths, options.limits, options.budget ? *options.budget : own_budget);
  return load_sources(sources, options);
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
  std::vector<SourceText> sources;
  sources.push_back(SourceText{std::move(name), std::string(text)});
  return load_sources(sources, options);
}

} // namespace npcheck::model
