// SPDX-License-Identifier: Apache-2.0
//
// Lint: mistakes in valid NetworkPolicies (networking.k8s.io/v1) and admin
// policies (policy.networking.k8s.io: NP8xx, lint_admin.cpp). Every check
// has a precise condition, stated beside its code and in the man page, chosen
// so that the standard idioms (a namespace's default-deny, a DNS allowance
// per namespace, "0.0.0.0/0 except the cluster ranges") stay quiet. The
// inputs are taken as the whole truth about the cluster, but where an input
// set is visibly partial (a namespace without any workload, a namespace that
// is only named in a selector) a check lowers its finding to info or skips.
//
// The checks read the policy program (program.hpp): which pods a policy
// selects, what each rule's peers and ports match, as every command reads
// them. This file holds the driver and the shared wording; the catalogue of
// checks is in lint_catalogue.cpp, and the checks are in lint_selectors.cpp,
// lint_redundancy.cpp, lint_isolation.cpp, lint_ip_blocks.cpp, lint_rules.cpp
// and lint_admin.cpp.

#include <npcheck/analyzer/lint.hpp>

#include "lint_context.hpp"

#include <npcheck/model/inventory.hpp>

#include <algorithm>
#include <cassert>
#include <cctype>
#include <tuple>

namespace npcheck::analyzer {

namespace lint_detail {

std::string lower(std::string_view text) {
  std::string result(text);
  for (char& c : result) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return result;
}

std::string quoted(std::string_view text) {
  return "'" + std::string(text) + "'";
}

// "a, b, c and 2 more"
std::string list(const std::vector<std::string>& items, std::size_t shown) {
  std::string text;
  for (std::size_t i = 0; i < items.size() && i < shown; ++i) {
    text += (i == 0 ? "" : ", ") + items[i];
  }
  if (items.size() > shown) {
    text += " and " + std::to_string(items.size() - shown) + " more";
  }
  return text;
}

// "did you mean 'app'?" when a known word is close, else the known words
// (what names them in the plural, e.g. "values of tier").
namespace {

// Whether candidate is close enough to word to be what was meant.
bool close_enough(std::string_view word, std::size_t distance) {
  return distance <= std::max<std::size_t>(2, word.size() / 3);
}

// Whether candidate is a near miss of word. Label keys with the same prefix
// ("app.kubernetes.io/") are compared by their names, so that instance and
// name, which differ entirely, are not taken for a typo of one another.
bool near_by_name(std::string_view word, std::string_view candidate, std::size_t distance) {
  const std::size_t slash = word.rfind('/');
  if (slash != std::string_view::npos && candidate.size() > slash &&
      candidate.substr(0, slash + 1) == word.substr(0, slash + 1)) {
    const std::string_view name = word.substr(slash + 1);
    return close_enough(name, edit_distance(name, candidate.substr(slash + 1)));
  }
  return close_enough(word, distance);
}

} // namespace

const std::string* near_miss(std::string_view word, const std::set<std::string>& known) {
  const std::string* best = nullptr;
  std::size_t best_distance = 0;
  for (const std::string& candidate : known) {
    const std::size_t d = edit_distance(word, candidate);
    if (best == nullptr || d < best_distance) {
      best = &candidate;
      best_distance = d;
    }
  }
  return best != nullptr && near_by_name(word, *best, best_distance) ? best : nullptr;
}

std::string suggestion(std::string_view word, const std::set<std::string>& known,
                       const std::string& what) {
  if (known.empty()) {
    return "there are no " + what;
  }
  if (const std::string* best = near_miss(word, known)) {
    return "did you mean " + quoted(*best) + "?";
  }
  std::vector<std::string> names;
  for (const std::string& k : known) {
    names.push_back(quoted(k));
  }
  return "known " + what + ": " + list(names, 5);
}

Suggester::Suggester(const std::set<std::string>& known) : m_known(known) {
  for (const std::string& word : known) {
    m_index[word].push_back(&word);
    for (std::size_t i = 0; i < word.size(); ++i) {
      std::string deleted = word;
      deleted.erase(i, 1);
      m_index[deleted].push_back(&word);
    }
  }
}

const std::string* Suggester::near(std::string_view word) const {
  // The known words one edit away (insertion, deletion, substitution or
  // adjacent transposition) share the word or one of its deletions.
  const std::string* best = nullptr;
  auto consider = [&](const std::string& key) {
    const auto it = m_index.find(key);
    if (it == m_index.end()) {
      return;
    }
    for (const std::string* candidate : it->second) {
      if ((best == nullptr || *candidate < *best) && edit_distance(word, *candidate) == 1) {
        best = candidate;
      }
    }
  };
  consider(std::string(word));
  for (std::size_t i = 0; i < word.size(); ++i) {
    std::string deleted(word);
    deleted.erase(i, 1);
    consider(deleted);
  }
  // near_miss() would pick it too: the first known word at the least
  // distance, 1 (0 is the word itself, which is not unknown), when it is
  // near by name.
  if (best != nullptr) {
    return near_by_name(word, *best, 1) ? best : nullptr;
  }
  return near_miss(word, m_known);
}

std::string direction_field(Direction direction) {
  return direction == Direction::ingress ? "ingress" : "egress";
}

std::string rule_path(Direction direction, std::size_t rule) {
  return "spec." + direction_field(direction) + '[' + std::to_string(rule) + ']';
}

std::string peer_path(Direction direction, std::size_t rule, std::size_t peer) {
  return rule_path(direction, rule) + (direction == Direction::ingress ? ".from[" : ".to[") +
         std::to_string(peer) + ']';
}

std::string workload_object(const model::Workload& w) {
  return w.kind_name() + ' ' + w.namespace_name + '/' + w.name;
}

bool location_less(const model::SourceLocation& a, const model::SourceLocation& b) {
  return std::make_tuple(a.file_name(), a.line, a.column) <
         std::make_tuple(b.file_name(), b.line, b.column);
}

const std::vector<model::Rule>& rules(const model::NetworkPolicy& policy, Direction direction) {
  return direction == Direction::ingress ? policy.ingress : policy.egress;
}

bool affects(const model::NetworkPolicy& policy, Direction direction) {
  return direction == Direction::ingress ? policy.affects_ingress : policy.affects_egress;
}

Context::Context(const Program& program, const LintOptions& options)
    : m_program(program), m_options(options) {
  for (auto& list : m_selecting) {
    list.resize(workloads().size());
  }
  for (std::size_t p = 0; p < policy_count(); ++p) {
    const CompiledPolicy& compiled = m_program.policy(static_cast<PolicyId>(p));
    for (Direction direction : k_directions) {
      if (!compiled.isolates[index_of(direction)]) {
        continue;
      }
      for (std::uint32_t w : selected(p)) {
        m_selecting[index_of(direction)][w].push_back(p);
      }
    }
  }
  for (const model::Workload& w : workloads()) {
    m_pod_namespaces.insert(w.namespace_name);
  }
}

bool Context::has_pods(std::string_view namespace_name) const {
  return m_pod_namespaces.find(namespace_name) != m_pod_namespaces.end();
}

bool Context::enabled(std::string_view id) const {
  return std::find(m_options.disabled.begin(), m_options.disabled.end(), id) ==
         m_options.disabled.end();
}

void Context::add(std::string_view id, LintSeverity severity, model::SourceLocation where,
                  std::string object, std::string message, std::string hint) {
  if (!enabled(id)) {
    return;
  }
  const LintCheck& check = catalogue_check(id);
  for (const auto& [configured_id, configured] : m_options.severities) {
    if (configured_id == id) {
      // A finding at the check's usual severity takes the configured one; one
      // the check lowered (an info where the inputs are partial) stays as low.
      severity = severity == check.severity ? configured : std::min(severity, configured);
    }
  }
  m_findings.push_back(Finding{&check, severity, std::move(where), std::move(object), std::move(message),
                               std::move(hint)});
}

std::vector<Finding> Context::take_findings() {
  return std::move(m_findings);
}

const std::vector<std::uint32_t>& Context::selected(std::size_t p) const {
  return m_program.members(m_program.policy(static_cast<PolicyId>(p)).subject);
}

const std::vector<std::size_t>& Context::selecting(std::size_t w, Direction direction) const {
  return m_selecting[index_of(direction)][w];
}

bool Context::has_rules(std::size_t w, Direction direction) const {
  const std::vector<std::size_t>& by = selecting(w, direction);
  return std::any_of(by.begin(), by.end(),
                     [&](std::size_t q) { return !rules(policy(q), direction).empty(); });
}

const model::Rule& Context::rule_of(RuleId id) const {
  const CompiledRule& rule = m_program.rule(id);
  const model::NetworkPolicy& source = policy(m_program.policy(rule.policy).origin.index);
  return rules(source, rule.direction)[rule.index];
}

std::string Context::rule_name(RuleId id) const {
  const CompiledRule& rule = m_program.rule(id);
  const model::NetworkPolicy& source = policy(m_program.policy(rule.policy).origin.index);
  return source.display_name() + ' ' + rule_path(rule.direction, rule.index) + " (" +
         rule_of(id).where.to_string() + ')';
}

std::vector<std::string> Context::workload_names(const std::vector<std::size_t>& indices) const {
  std::vector<std::string> names;
  for (std::size_t w : indices) {
    names.push_back(workloads()[w].display_name());
  }
  return names;
}

std::vector<std::string> Context::workload_names(const std::vector<std::uint32_t>& indices) const {
  std::vector<std::string> names;
  for (std::uint32_t w : indices) {
    names.push_back(workloads()[w].display_name());
  }
  return names;
}

} // namespace lint_detail

namespace {

// Drops the findings that an npcheck/ignore annotation on their object
// accepts; an unknown check in an annotation is an NP001 warning (the
// annotation would otherwise silently ignore nothing).
std::vector<Finding> apply_ignore_annotations(lint_detail::Context& context, const model::Inventory& inventory) {
  std::vector<std::pair<const model::LintIgnore*, std::vector<const LintCheck*>>> ignores;
  for (const model::LintIgnore& ignore : inventory.lint_ignores) {
    std::vector<const LintCheck*> checks;
    for (const std::string& word : split_check_list(ignore.checks)) {
      if (lint_detail::lower(word) == "all") {
        for (const LintCheck& c : lint_checks()) {
          checks.push_back(&c);
        }
      } else if (const LintCheck* c = find_lint_check(word)) {
        checks.push_back(c);
      } else {
        context.add("NP001", LintSeverity::warning, ignore.where, ignore.object,
                    "metadata.annotations.npcheck/ignore: unknown check " + lint_detail::quoted(word) +
                        ": it ignores nothing",
                    "name checks by id or name, separated by commas (npcheck lint --list prints them)");
      }
    }
    ignores.emplace_back(&ignore, std::move(checks));
  }
  std::vector<Finding> findings = context.take_findings();
  if (ignores.empty()) {
    return findings;
  }
  auto accepted = [&ignores](const Finding& f) {
    for (const auto& [ignore, checks] : ignores) {
      const std::string& object = ignore->object;
      // "ClusterNetworkPolicy default (Baseline)" is the object "ClusterNetworkPolicy default".
      const bool same = f.object.size() >= object.size() && f.object.compare(0, object.size(), object) == 0 &&
                        (f.object.size() == object.size() || f.object[object.size()] == ' ');
      if (same && std::find(checks.begin(), checks.end(), f.check) != checks.end()) {
        return true;
      }
    }
    return false;
  };
  findings.erase(std::remove_if(findings.begin(), findings.end(), accepted), findings.end());
  return findings;
}

} // namespace

std::vector<std::string> split_check_list(std::string_view text) {
  std::vector<std::string> words(1);
  for (char c : text) {
    if (c == ',' || std::isspace(static_cast<unsigned char>(c)) != 0) {
      if (!words.back().empty()) {
        words.emplace_back();
      }
    } else {
      words.back() += c;
    }
  }
  if (words.back().empty()) {
    words.pop_back();
  }
  return words;
}

std::optional<LintSeverity> parse_lint_severity(std::string_view text) {
  for (LintSeverity severity : {LintSeverity::info, LintSeverity::warning, LintSeverity::error}) {
    if (text == to_string(severity)) {
      return severity;
    }
  }
  return std::nullopt;
}

std::vector<Finding> lint(const Program& program, const LintOptions& options) {
  using namespace lint_detail;
  Context context(program, options);
  const model::Inventory& inventory = program.inventory();
  for (const model::Diagnostic& d : inventory.errors) {
    context.add("NP000", LintSeverity::error, d.where, d.object, d.message,
                "the API server rejects this object; npcheck lints the others without it");
  }
  for (const model::Diagnostic& d : inventory.warnings) {
    context.add("NP001", LintSeverity::warning, d.where, d.object, d.message,
                d.message.find("unknown field") != std::string::npos
                    ? "correct the spelling: the API server drops an unknown field, so as written "
                      "the object means something else"
                : d.object.empty()
                    ? "fix the input; where the warning is accepted, list the path in the "
                      "configuration's lint.ignore-paths"
                    : "fix the manifest; where the warning is accepted, annotate the object "
                      "(npcheck/ignore: NP001)");
  }
  // No object at all: a renderer that failed, or a wrong path, would
  // otherwise pass as "no findings".
  if (inventory.workloads.empty() && inventory.policies.empty() && inventory.namespaces.empty() &&
      inventory.admin_policies.empty() && inventory.nodes.empty() && inventory.services.empty() &&
      inventory.errors.empty()) {
    context.add("NP001", LintSeverity::warning, {}, "",
                "the inputs hold no Namespace, workload, Pod, Service or policy: nothing was linted",
                "check the paths given with -f, or the command whose output is piped in");
  }
  // Facts that need no action (a namespace only read into, a custom
  // resource read as a workload): NP001 at info.
  for (const model::Diagnostic& d : inventory.infos) {
    context.add("NP001", LintSeverity::info, d.where, d.object, d.message, "");
  }
  // NP103 and NP702 explain some selectors that select nothing; NP101/NP102
  // then stay quiet about those.
  const UnknownLabels unknown = check_unknown_labels(context);
  const SplitPeers split = check_split_peers(context);
  check_selections(context, unknown, split);
  check_named_ports(context);
  check_ignored_rules(context);
  check_redundancy(context);
  check_blocked_directions(context);
  check_dns(context);
  check_ip_blocks(context);
  check_coverage(context);
  check_namespace_selector_all(context);
  check_rule_shapes(context);
  check_admin_tiers(context);

  std::vector<Finding> findings = apply_ignore_annotations(context, inventory);
  std::sort(findings.begin(), findings.end(), [](const Finding& a, const Finding& b) {
    return std::make_tuple(a.where.file_name(), a.where.line, a.where.column, a.check->id,
                           std::cref(a.message)) <
           std::make_tuple(b.where.file_name(), b.where.line, b.where.column, b.check->id,
                           std::cref(b.message));
  });
  return findings;
}

} // namespace npcheck::analyzer
