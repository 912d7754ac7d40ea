// SPDX-License-Identifier: Apache-2.0
//
// Redundant rules (NP301) and policies (NP302), decided exactly on the
// program. A rule R of NetworkPolicy P is redundant iff, for every pod s that
// P selects, what R admits for s (per peer: the port classes it opens; named
// ports resolved on the destination, which is s for ingress and the peer for
// egress) is also admitted by the other active rules of the same direction of
// the policies isolating s. The policies are visited from last to first and
// a redundant rule is deactivated before the next one is looked at, so that
// removing every reported rule together changes nothing (of two identical
// rules only the later one is reported). A policy is reported as a whole when
// the rules of the other policies cover all its rules admit and every pod it
// selects is isolated in each of its directions by another active policy.
//
// The work is done over the partition (partition.hpp), not over pods: pods of
// one endpoint class are selected by the same policies and resolve named
// ports alike, so the pods P selects are visited as groups of classes with
// the same isolating policies and address families, and peers as classes. A
// flow has one family: peers whose families never meet the selected pods'
// are left out.

#include "lint_context.hpp"

#include <npcheck/analyzer/partition.hpp>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>

namespace npcheck::analyzer::lint_detail {

namespace {

using PortBits = std::vector<std::uint64_t>; // one bit per port class

// The selected pods of a group: the endpoint classes isolated in direction
// by exactly the same policies (and, for ingress, resolving named ports
// alike: they are the destination).
struct Group {
  Direction direction = Direction::ingress;
  ClassId representative = 0;
  std::vector<PolicyId> policies; // ascending
};

class Redundancy {
public:
  explicit Redundancy(Context& context)
      : m_context(context), m_program(context.program()), m_partition(m_program),
        m_words((m_partition.port_class_count() + 63) / 64) {
    if (m_partition.dual_stack()) {
      m_worlds = {model::IpFamily::v4, model::IpFamily::v6};
    } else {
      m_worlds = {std::nullopt};
    }
    m_peer_classes.resize(m_worlds.size());
    for (auto& cache : m_peer_classes) {
      cache.resize(m_program.peer_set_count());
    }
    m_slot.assign(m_partition.class_count(), -1);
    m_specific.assign(m_partition.class_count(), 0);
    m_word_seen.assign(m_words, 0);
    m_filter_bits.resize(m_program.port_filter_count());
    m_filter_words.resize(m_program.port_filter_count());
    m_rule_active.assign(m_program.rules().size(), true);
    m_policy_active.assign(m_program.policies().size(), true);
    make_groups();
  }

  void run() {
    for (std::size_t p = m_context.policy_count(); p-- > 0;) {
      const PolicyId id = static_cast<PolicyId>(p);
      const CompiledPolicy& policy = m_program.policy(id);
      const bool has_rules = !policy.rules[0].empty() || !policy.rules[1].empty();
      if (m_context.selected(p).empty() || !has_rules) {
        continue;
      }
      const model::NetworkPolicy& source = m_context.policy(p);
      std::set<RuleId> contributors;
      if (policy_redundant(id, contributors)) {
        m_policy_active[id] = false;
        for (const auto& list : policy.rules) {
          for (RuleId r : list) {
            m_rule_active[r] = false;
          }
        }
        m_context.add("NP302", LintSeverity::warning, source.where, source.display_name(),
                      "the policy changes nothing: every pod it selects is isolated by other "
                      "policies too, and all its rules allow is also allowed by " +
                          contributor_list(contributors),
                      cover_hint(contributors, "delete the policy"));
        continue;
      }
      for (std::size_t d = 2; d-- > 0;) {
        const std::vector<RuleId>& list = policy.rules[d];
        for (auto it = list.rbegin(); it != list.rend(); ++it) {
          contributors.clear();
          if (!rule_redundant(*it, contributors)) {
            continue;
          }
          m_rule_active[*it] = false;
          const CompiledRule& rule = m_program.rule(*it);
          m_context.add("NP301", LintSeverity::warning, m_context.rule_of(*it).where,
                        source.display_name(),
                        rule_path(rule.direction, rule.index) +
                            ": redundant: everything it allows for the selected pods is also "
                            "allowed by " +
                            contributor_list(contributors),
                        cover_hint(contributors, "delete it"));
        }
      }
    }
  }

private:
  // The hint of NP301/NP302: never "delete" alone, since the wider rules
  // that cover this one may be the mistake (a ports entry without a port
  // opens every port: NP203).
  std::string cover_hint(const std::set<RuleId>& contributors, const std::string& remove) const {
    for (RuleId r : contributors) {
      if (m_program.policy(m_program.rule(r).policy).origin.kind == PolicyKind::network_policy &&
          has_portless_entry(m_context.rule_of(r))) {
        return m_context.rule_name(r) +
               " has a ports entry without a port, which opens every port (NP203): give it its "
               "port and keep this";
      }
    }
    return "if the rules that cover it are meant to be that wide, " + remove +
           "; if one of them is wider than meant, narrow that one instead";
  }

  void make_groups() {
    const std::size_t classes = m_partition.workload_class_count();
    for (Direction direction : k_directions) {
      std::vector<std::vector<PolicyId>> isolating(classes);
      for (PolicyId p : m_program.tier(TierKind::network_policy, direction)) {
        for (ClassId c : m_partition.selection_classes(m_program.policy(p).subject)) {
          isolating[c].push_back(p);
        }
      }
      // A group's pods also share their address families: which flows they
      // have (a pod of unknown address has either) decides which peers a
      // rule can meet, and the representative stands for them all.
      std::map<std::tuple<std::vector<PolicyId>, unsigned, std::vector<std::pair<std::uint32_t, PortClassId>>>,
               std::size_t>
          ids;
      for (ClassId c = 0; c < classes; ++c) {
        if (isolating[c].empty()) {
          continue;
        }
        std::vector<std::pair<std::uint32_t, PortClassId>> named;
        if (direction == Direction::ingress) {
          const auto resolved = m_partition.class_named(c);
          named.assign(resolved.begin(), resolved.end());
        }
        const auto [it, inserted] = ids.emplace(
            std::make_tuple(isolating[c], m_partition.families(c).code(), std::move(named)), m_groups.size());
        if (inserted) {
          m_groups.push_back(Group{direction, c, isolating[c]});
          for (PolicyId p : isolating[c]) {
            m_groups_of_policy[p].push_back(it->second);
          }
        }
      }
    }
  }

  const std::vector<ClassId>& peer_classes(PeerSetId peers, std::size_t world) {
    std::optional<std::vector<ClassId>>& cached = m_peer_classes[world][peers];
    if (!cached) {
      cached = m_partition.peer_classes(peers, m_worlds[world]);
    }
    return *cached;
  }

  // The port classes a filter admits whatever the destination, computed once
  // per filter.
  const PortBits& filter_bits(PortFilterId filter) {
    PortBits& bits = m_filter_bits[filter];
    if (bits.empty() && m_words > 0) {
      bits.assign(m_words, 0);
      for (const PortClassId k : m_partition.covered_classes(filter)) {
        bits[k / 64] |= std::uint64_t{1} << (k % 64);
      }
      std::vector<std::uint32_t>& words = m_filter_words[filter];
      for (std::size_t i = 0; i < m_words; ++i) {
        if (bits[i] != 0) {
          words.push_back(static_cast<std::uint32_t>(i));
        }
      }
    }
    return bits;
  }

  // Adds to out the port classes rule admits towards destination class: its
  // filter's numeric part, and its named ports as they resolve there
  // (Partition::admits, by words).
  void add_admits(RuleId rule, ClassId destination, std::uint64_t* out) {
    const PortFilterId filter = m_program.rule(rule).ports;
    const PortBits& base = filter_bits(filter);
    // Only the words the filter has bits in: a rule usually admits a few
    // port classes of thousands.
    for (const std::uint32_t i : m_filter_words[filter]) {
      out[i] |= base[i];
      note_word(i);
    }
    const std::span<const std::uint32_t> named = m_partition.filter_named(filter);
    if (named.empty()) {
      return;
    }
    for (const auto& [id, k] : m_partition.class_named(destination)) {
      if (std::binary_search(named.begin(), named.end(), id)) {
        out[k / 64] |= std::uint64_t{1} << (k % 64);
        note_word(static_cast<std::uint32_t>(k / 64));
      }
    }
  }

  // Word i holds some bit add_admits set in the current covered() call.
  void note_word(std::uint32_t i) {
    if (m_word_seen[i] == 0) {
      m_word_seen[i] = 1;
      m_seen_words.push_back(i);
    }
  }

  // Word i of what add_admits(rule, destination) would add.
  std::uint64_t admits_word(RuleId rule, ClassId destination, std::size_t i) {
    const PortFilterId filter = m_program.rule(rule).ports;
    std::uint64_t word = filter_bits(filter)[i];
    const std::span<const std::uint32_t> named = m_partition.filter_named(filter);
    if (!named.empty()) {
      for (const auto& [id, k] : m_partition.class_named(destination)) {
        if (k / 64 == i && std::binary_search(named.begin(), named.end(), id)) {
          word |= std::uint64_t{1} << (k % 64);
        }
      }
    }
    return word;
  }

  bool has_named(RuleId rule) const {
    return !m_partition.filter_named(m_program.rule(rule).ports).empty();
  }

  // Whether a peer class can be on a flow with the group's pods in a world.
  bool meets(ClassId peer, ClassId self, std::size_t world) const {
    const Families a = m_partition.families(peer);
    const Families b = m_partition.families(self);
    if (m_worlds[world]) {
      return !a.known() || a.has(*m_worlds[world]);
    }
    return !a.known() || !b.known() || (a.v4 && b.v4) || (a.v6 && b.v6);
  }

  // Whether, in one group and world, what each rule of `checked` admits is
  // admitted by the active rules of the group's policies outside `excluded`
  // (policies) and other than the checked rules themselves. Collects the
  // covering rules in contributors; sets admits_any when a checked rule
  // admits something.
  bool covered(const Group& group, std::size_t world, const std::vector<RuleId>& checked,
               const std::set<PolicyId>& excluded, std::set<RuleId>& contributors, bool& admits_any) {
    const ClassId self = group.representative;
    if (m_worlds[world]) {
      const Families families = m_partition.families(self);
      if (families.known() && !families.has(*m_worlds[world])) {
        return true; // the pods of the group have no flow of this family
      }
    }
    const bool ingress = group.direction == Direction::ingress;
    std::vector<RuleId> others;
    for (PolicyId p : group.policies) {
      if (!m_policy_active[p] || excluded.count(p) != 0) {
        continue;
      }
      for (RuleId r : m_program.policy(p).rules[index_of(group.direction)]) {
        if (m_rule_active[r] && std::find(checked.begin(), checked.end(), r) == checked.end()) {
          others.push_back(r);
        }
      }
    }
    // What the checked rules need, per peer class (need_bits).
    for (ClassId w : m_need_classes) {
      m_slot[w] = -1;
    }
    m_need_classes.clear();
    m_need_bits.clear();
    for (std::uint32_t i : m_seen_words) {
      m_word_seen[i] = 0;
    }
    m_seen_words.clear();
    bool everything = false;
    for (RuleId r : checked) {
      if (m_program.peer_set(m_program.rule(r).peers).everything) {
        everything = true;
        continue;
      }
      for (ClassId w : peer_classes(m_program.rule(r).peers, world)) {
        if (!meets(w, self, world)) {
          continue;
        }
        add_admits(r, ingress ? self : w, need_bits(w));
      }
    }
    // Peers an "everything" rule needs: every class. Those that no other
    // rule names specifically get only the other "everything" rules, alike
    // unless named ports resolve on them (egress): one stands for the rest.
    if (everything) {
      // m_specific marks them (a set cost a tree lookup per class of the cluster).
      std::vector<ClassId> specific;
      for (RuleId r : others) {
        if (!m_program.peer_set(m_program.rule(r).peers).everything) {
          for (ClassId w : peer_classes(m_program.rule(r).peers, world)) {
            if (m_specific[w] == 0) {
              m_specific[w] = 1;
              specific.push_back(w);
            }
          }
        }
      }
      bool per_class = false;
      for (RuleId r : checked) {
        per_class = per_class || (!ingress && has_named(r));
      }
      for (RuleId r : others) {
        per_class = per_class || (!ingress && has_named(r));
      }
      std::optional<ClassId> stand_in;
      for (ClassId w = 0; w < m_partition.class_count(); ++w) {
        if (!meets(w, self, world)) {
          continue;
        }
        if (m_specific[w] == 0 && !per_class) {
          if (stand_in) {
            continue;
          }
          stand_in = w;
        }
        for (RuleId r : checked) {
          if (!m_program.peer_set(m_program.rule(r).peers).everything) {
            continue;
          }
          add_admits(r, ingress ? self : w, need_bits(w));
        }
      }
      for (ClassId w : specific) {
        m_specific[w] = 0;
      }
    }
    // Subtract what the other rules admit, word by word over only the words
    // the checked rules need (a rule usually needs a few port classes of
    // many: comparing whole rows would cost the port-class count per pair of
    // rules). Per needed peer class (by slot), the words it needs: among the
    // few words add_admits set bits in, not all the port-class words.
    const std::size_t needed = m_need_classes.size();
    std::sort(m_seen_words.begin(), m_seen_words.end());
    std::vector<std::uint32_t> word_start(needed + 1, 0);
    std::vector<std::uint32_t> words;
    for (std::size_t slot = 0; slot < needed; ++slot) {
      const std::uint64_t* bits = &m_need_bits[slot * m_words];
      for (std::uint32_t i : m_seen_words) {
        if (bits[i] != 0) {
          words.push_back(static_cast<std::uint32_t>(i));
        }
      }
      word_start[slot + 1] = static_cast<std::uint32_t>(words.size());
    }
    admits_any = admits_any || !words.empty();
    // Each other rule, in order, on the needed classes among its peers (so
    // each class sees the rules in the same order, and the same rules count
    // as contributors, whichever way the two lists are walked).
    auto subtract = [&](RuleId r, std::size_t slot) {
      std::uint64_t* bits = &m_need_bits[slot * m_words];
      const ClassId destination = ingress ? self : m_need_classes[slot];
      bool overlap = false;
      for (std::uint32_t j = word_start[slot]; j < word_start[slot + 1]; ++j) {
        const std::uint64_t got = admits_word(r, destination, words[j]);
        overlap = overlap || (bits[words[j]] & got) != 0;
        bits[words[j]] &= ~got;
      }
      if (overlap) {
        contributors.insert(r);
      }
    };
    for (RuleId r : others) {
      const PeerSet& peers = m_program.peer_set(m_program.rule(r).peers);
      if (peers.everything) {
        for (std::size_t slot = 0; slot < needed; ++slot) {
          subtract(r, slot);
        }
        continue;
      }
      // Walk the shorter side: the rule's peer classes (each looked up in
      // m_slot), or the needed classes (each searched among the peers).
      const std::vector<ClassId>& classes = peer_classes(m_program.rule(r).peers, world);
      if (classes.size() <= needed) {
        for (ClassId w : classes) {
          if (m_slot[w] >= 0) {
            subtract(r, static_cast<std::size_t>(m_slot[w]));
          }
        }
      } else {
        for (std::size_t slot = 0; slot < needed; ++slot) {
          if (std::binary_search(classes.begin(), classes.end(), m_need_classes[slot])) {
            subtract(r, slot);
          }
        }
      }
    }
    for (std::size_t slot = 0; slot < needed; ++slot) {
      const std::uint64_t* bits = &m_need_bits[slot * m_words];
      for (std::uint32_t j = word_start[slot]; j < word_start[slot + 1]; ++j) {
        if (bits[words[j]] != 0) {
          return false;
        }
      }
    }
    return true;
  }

  // The bits a peer class needs in the current covered() call, zero when new.
  std::uint64_t* need_bits(ClassId w) {
    if (m_slot[w] < 0) {
      m_slot[w] = static_cast<std::int32_t>(m_need_classes.size());
      m_need_classes.push_back(w);
      m_need_bits.resize(m_need_bits.size() + m_words, 0);
    }
    return &m_need_bits[static_cast<std::size_t>(m_slot[w]) * m_words];
  }

  bool rule_redundant(RuleId rule, std::set<RuleId>& contributors) {
    const PolicyId policy = m_program.rule(rule).policy;
    bool admits_any = false;
    for (std::size_t g : m_groups_of_policy[policy]) {
      if (m_groups[g].direction != m_program.rule(rule).direction) {
        continue;
      }
      for (std::size_t world = 0; world < m_worlds.size(); ++world) {
        if (!covered(m_groups[g], world, {rule}, {}, contributors, admits_any)) {
          return false;
        }
      }
    }
    return admits_any;
  }

  bool policy_redundant(PolicyId policy, std::set<RuleId>& contributors) {
    const CompiledPolicy& compiled = m_program.policy(policy);
    bool admits_any = false;
    for (std::size_t g : m_groups_of_policy[policy]) {
      const Group& group = m_groups[g];
      // Every selected pod stays isolated by another active policy.
      const bool isolated_elsewhere =
          std::any_of(group.policies.begin(), group.policies.end(),
                      [&](PolicyId q) { return q != policy && m_policy_active[q]; });
      if (!isolated_elsewhere) {
        return false;
      }
      const std::vector<RuleId>& checked = compiled.rules[index_of(group.direction)];
      for (std::size_t world = 0; world < m_worlds.size(); ++world) {
        if (!covered(group, world, checked, {policy}, contributors, admits_any)) {
          return false;
        }
      }
    }
    return admits_any;
  }

  std::string contributor_list(const std::set<RuleId>& contributors) const {
    std::vector<RuleId> sorted(contributors.begin(), contributors.end());
    std::sort(sorted.begin(), sorted.end(), [this](RuleId a, RuleId b) {
      return location_less(m_context.rule_of(a).where, m_context.rule_of(b).where);
    });
    std::vector<std::string> names;
    for (RuleId r : sorted) {
      names.push_back(m_context.rule_name(r));
    }
    return list(names);
  }

  Context& m_context;
  const Program& m_program;
  const Partition m_partition;
  std::vector<PortBits> m_filter_bits; // per port filter; empty until asked
  std::vector<std::vector<std::uint32_t>> m_filter_words; // per filter: its words with bits
  // Scratch of covered(): the slot of each peer class in m_need_bits (-1:
  // none), the classes that have one.
  std::vector<std::int32_t> m_slot;
  std::vector<std::uint8_t> m_specific; // per class: named by a rule of covered()'s others
  std::vector<std::uint8_t> m_word_seen; // per port-class word: in m_seen_words
  std::vector<std::uint32_t> m_seen_words;
  std::vector<ClassId> m_need_classes;
  std::vector<std::uint64_t> m_need_bits;
  const std::size_t m_words;
  std::vector<std::optional<model::IpFamily>> m_worlds;
  std::vector<std::vector<std::optional<std::vector<ClassId>>>> m_peer_classes; // [world][peer set]
  std::vector<Group> m_groups;
  std::map<PolicyId, std::vector<std::size_t>> m_groups_of_policy;
  std::vector<bool> m_rule_active;
  std::vector<bool> m_policy_active;
};

} // namespace

void check_redundancy(Context& context) {
  if (!context.enabled("NP301") && !context.enabled("NP302")) {
    return;
  }
  Redundancy(context).run();
}

} // namespace npcheck::analyzer::lint_detail
