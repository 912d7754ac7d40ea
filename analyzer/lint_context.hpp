// SPDX-License-Identifier: Apache-2.0
#pragma once

// What every lint check reads (private to the analyzer): the program, the
// findings being collected, and the wording helpers. The checks live in one
// file per subject (lint_selectors, lint_redundancy, lint_isolation,
// lint_ip_blocks); lint_catalogue.cpp holds the catalogue, and lint.cpp runs
// them in the order their results depend on.

#include <npcheck/analyzer/lint.hpp>
#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/inventory.hpp>
#include <npcheck/model/suggest.hpp>

#include <cstddef>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace npcheck::analyzer::lint_detail {

// The catalogue entry of a check id (lint_catalogue.cpp); the id must exist.
const LintCheck& catalogue_check(std::string_view id);

class Context {
public:
  Context(const Program& program, const LintOptions& options);

  const Program& program() const { return m_program; }
  const model::Inventory& inventory() const { return m_program.inventory(); }
  const std::vector<model::Workload>& workloads() const { return inventory().workloads; }
  const model::NetworkPolicy& policy(std::size_t p) const { return inventory().policies[p]; }
  std::size_t policy_count() const { return inventory().policies.size(); }

  const LintOptions& options() const { return m_options; }
  bool enabled(std::string_view id) const;
  void add(std::string_view id, LintSeverity severity, model::SourceLocation where, std::string object,
           std::string message, std::string hint);
  std::vector<Finding> take_findings();

  // The workloads NetworkPolicy p selects (spec.podSelector), ascending.
  const std::vector<std::uint32_t>& selected(std::size_t p) const;
  // The NetworkPolicies isolating workload w in direction, ascending.
  const std::vector<std::size_t>& selecting(std::size_t w, Direction direction) const;
  // Whether some policy isolating w in direction has rules there.
  bool has_rules(std::size_t w, Direction direction) const;
  // Whether the inputs hold a pod of the namespace, hostNetwork ones too.
  bool has_pods(std::string_view namespace_name) const;

  // The model rule of a compiled NetworkPolicy rule.
  const model::Rule& rule_of(RuleId rule) const;
  // "NetworkPolicy ns/name spec.ingress[0] (file:line)"
  std::string rule_name(RuleId rule) const;
  std::vector<std::string> workload_names(const std::vector<std::size_t>& indices) const;
  std::vector<std::string> workload_names(const std::vector<std::uint32_t>& indices) const;

private:
  const Program& m_program;
  const LintOptions& m_options;
  std::vector<Finding> m_findings;
  std::vector<std::vector<std::size_t>> m_selecting[2]; // [direction][workload]
  std::set<std::string, std::less<>> m_pod_namespaces;  // of the workloads
};

// ---- wording ---------------------------------------------------------------

inline constexpr std::string_view k_name_label = "kubernetes.io/metadata.name";
inline constexpr std::size_t k_listed = 3; // names listed in a message before "and N more"

std::string lower(std::string_view text);
std::string quoted(std::string_view text);
// "a, b, c and 2 more"
std::string list(const std::vector<std::string>& items, std::size_t shown = k_listed);
using model::plural;
// Levenshtein distance with adjacent transpositions ("wbe" is 1 from "web"),
// case counting: label keys and values differ by case.
inline std::size_t edit_distance(std::string_view a, std::string_view b) {
  return model::edit_distance(a, b, model::LetterCase::significant);
}
// The known word closest to word when it is close enough to be what was
// meant (a typo), else nullptr.
const std::string* near_miss(std::string_view word, const std::set<std::string>& known);
// "did you mean 'app'?" when a known word is close, else the known words.
std::string suggestion(std::string_view word, const std::set<std::string>& known, const std::string& what);

// near_miss() for many words against one large set of known words: a word
// one edit away (the usual typo) is found through an index of the known
// words' one-letter deletions, without comparing it with every known word;
// others fall back to near_miss(). The answers are near_miss()'s.
class Suggester {
public:
  explicit Suggester(const std::set<std::string>& known);
  const std::string* near(std::string_view word) const;

private:
  const std::set<std::string>& m_known;
  // A known word and each of its one-letter deletions -> the known words.
  std::unordered_map<std::string, std::vector<const std::string*>> m_index;
};
std::string direction_field(Direction direction);
std::string rule_path(Direction direction, std::size_t rule);
std::string peer_path(Direction direction, std::size_t rule, std::size_t peer);
std::string workload_object(const model::Workload& w);
bool location_less(const model::SourceLocation& a, const model::SourceLocation& b);
const std::vector<model::Rule>& rules(const model::NetworkPolicy& policy, Direction direction);
bool affects(const model::NetworkPolicy& policy, Direction direction);

// ---- the checks, in the files named ----------------------------------------

// Selectors that NP103 reports (their findings explain NP101/NP102 ones).
struct UnknownLabels {
  std::set<const model::LabelSelector*> selectors;
};
// Pod peers that NP702 reports as the dead half of a split peer.
struct SplitPeers {
  std::set<const model::Peer*> peers;
};

// lint_selectors.cpp
UnknownLabels check_unknown_labels(Context& context);                    // NP103
SplitPeers check_split_peers(Context& context);                          // NP702
void check_selections(Context& context, const UnknownLabels& unknown,    // NP101, NP102
                      const SplitPeers& split);
void check_namespace_selector_all(Context& context);                    // NP701
void check_named_ports(Context& context);                               // NP201, NP202

// lint_redundancy.cpp
void check_redundancy(Context& context); // NP301, NP302

// lint_isolation.cpp
void check_ignored_rules(Context& context);      // NP403
void check_blocked_directions(Context& context); // NP401
void check_dns(Context& context);                // NP402
void check_coverage(Context& context);           // NP601, NP602

// lint_ip_blocks.cpp
void check_ip_blocks(Context& context); // NP501, NP502, NP503

// lint_rules.cpp
void check_rule_shapes(Context& context); // NP203, NP703
// Whether a ports entry of rule has a protocol but no port next to entries
// with ports (NP203's shape: it opens every port of its protocol).
bool has_portless_entry(const model::Rule& rule);

// lint_admin.cpp
void check_admin_tiers(Context& context); // NP801-NP805
// Whether an admin or baseline policy with rules selects the workload.
bool admin_covered(const Context& context, std::size_t workload);

} // namespace npcheck::analyzer::lint_detail
