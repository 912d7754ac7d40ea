// SPDX-License-Identifier: Apache-2.0
//
// The bulk evaluator: the same decision as the scalar evaluator
// (evaluate.cpp), for every pair of endpoint classes at once. A flow from A
// to B on (protocol, port) passes iff A's egress and B's ingress allow it, or
// it is always allowed (AddressBook: a pod and its node).
//
// It never asks N² questions. Over the partition (partition.hpp: endpoint
// classes, port classes), a row is computed per source class s, as dense
// 64-bit-word bitsets over destination classes, one per port class k:
//  - egress of s: which destinations s's egress allows on k. Without ordered
//    tiers that is everything when s is not isolated, else the union of the
//    peer sets of its NetworkPolicy egress rules whose ports admit k. With
//    ordered tiers, the rules of the admin tier are folded in order over an
//    allowed and a decided mask (allow sets both, deny only decided, pass
//    marks what goes on to the next tier), then NetworkPolicy decides what is
//    left when s is isolated, then the baseline tier, then the default.
//  - ingress towards s, transposed: which destinations' ingress admits s on
//    k. The same tiers, read from the rules whose peer sets contain s: their
//    subjects are the destinations. Destinations that no NetworkPolicy
//    isolates for ingress, and the rules whose peers are everything, form a
//    base shared by every row.
//  - allowed = egress AND ingress, in the flow's family: classes whose
//    families have nothing in common never talk. When some workload is
//    dual-stack, a row is computed once per family (address blocks then match
//    a workload only through its address of that family) and the two united.
// With ordered tiers a row is computed once per part of its port classes
// that all the rules reaching it treat alike (ordered_scope), not per class.
// Without ordered tiers a row is kept small: a source isolated for egress
// lets the destinations' ingress decide, sparsely, where its rules allow
// every port, and computes bitsets only for the port classes its other rules
// can admit and only over the column words those rules reach (its "lanes").
// Port classes with equal bitsets are folded into the pairs' keys once.
// The port classes allowed for a pair are interned into connection sets, and
// rows are stored sparse. Rows are independent and split over threads. Only
// the rows of classes holding a chosen source and the columns of classes
// holding a chosen destination are computed.

#include <npcheck/analyzer/matrix.hpp>
#include <npcheck/analyzer/address_ranges.hpp>
#include <npcheck/analyzer/vector_hash.hpp>

#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/inventory.hpp>
#include <npcheck/model/workload.hpp>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cassert>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

namespace npcheck::analyzer {

namespace {

using Word = std::uint64_t;
using Bits = std::vector<Word>;

constexpr std::uint32_t k_absent = 0xffffffffu;

// Precomputed ingress masks per peer set (see the Bulk constructor) are a
// speed-up only: rows without one walk the peer set's items instead, with
// the same result. Their total is capped so that they never dominate peak
// memory (the bench's bare-pods XL --group target is < 8 GiB, of which the
// loaded inventory and the partition take a few); and a mask is built only
// for a peer set that at least this many source rows reuse, since building
// it costs about as much as walking its items in one row.
constexpr std::size_t k_peer_mask_budget_bytes = std::size_t{512} << 20;
constexpr std::size_t k_peer_mask_min_rows = 4;

void set_bit(Word* bits, std::size_t i) { bits[i / 64] |= Word{1} << (i % 64); }
bool test_bit(const Word* bits, std::size_t i) { return (bits[i / 64] >> (i % 64)) & 1u; }
// Port classes as key words: (word index, word) for each word holding some.
using KeyWords = std::vector<std::pair<std::uint32_t, Word>>;

// Appends an ascending list of port classes to words.
void append_key_words(std::span<const std::uint32_t> classes, KeyWords& words) {
  const std::size_t first = words.size();
  for (std::uint32_t k : classes) {
    const auto index = static_cast<std::uint32_t>(k / 64);
    if (words.size() == first || words.back().first != index) {
      words.emplace_back(index, 0);
    }
    words.back().second |= Word{1} << (k % 64);
  }
}

void or_into(Word* target, const Word* source, std::size_t words) {
  for (std::size_t i = 0; i < words; ++i) {
    target[i] |= source[i];
  }
}

using ConnectionInterner = std::unordered_map<std::vector<Word>, std::uint32_t, VectorHash<Word>>;

// A set of destination columns: a sorted list, plus a dense copy when it is
// wide enough that one OR over all words beats setting bits one by one.
struct Columns {
  std::vector<std::uint32_t> list;
  Bits dense;

  bool contains(std::uint32_t d) const {
    return dense.empty() ? std::binary_search(list.begin(), list.end(), d) : test_bit(dense.data(), d);
  }
};

// A flow family the rows are computed for: one family, or any (when no
// workload is dual-stack, so that every pair has at most one family).
struct World {
  std::optional<model::IpFamily> family;
};

class Bulk {
public:
  Bulk(const Partition& partition, std::vector<ClassId> sources, const std::vector<ClassId>& columns,
       unsigned threads)
      : m_partition(partition), m_program(partition.program()), m_sources(std::move(sources)),
        m_threads(threads) {
    m_column_of.assign(partition.class_count(), k_absent);
    for (ClassId c : columns) {
      m_column_of[c] = static_cast<std::uint32_t>(m_columns.size());
      m_columns.push_back(c);
    }
    m_words = (m_columns.size() + 63) / 64;
    m_k = partition.port_class_count();
    m_all_lanes.width = m_words;
    m_ordered = m_program.has_ordered_tiers();
    if (partition.dual_stack()) {
      m_worlds = {World{model::IpFamily::v4}, World{model::IpFamily::v6}};
    } else {
      m_worlds = {World{}};
    }
    for (std::size_t index = 0; index * 64 < m_k; ++index) {
      m_everything_key.push_back(index);
      m_everything_key.push_back(m_k - index * 64 >= 64 ? ~Word{0} : (Word{1} << (m_k - index * 64)) - 1);
    }
    m_named_class_count.assign(partition.named_port_count(), 0);
    for (std::uint32_t id = 0; id < partition.named_port_count(); ++id) {
      for (PortClassId k = 0; k < m_k; ++k) {
        m_named_class_count[id] += partition.named_classes(id, k).size();
      }
    }
    prepare_scopes();
    prepare_world_masks();
    prepare_sources();
    prepare_ingress();
    prepare_always();
  }

  // Computes the rows of every source class; rows[s] for s not a source stays empty.
  void run(std::vector<std::vector<MatrixEntry>>& rows, std::vector<ConnectionSet>& connections) const;

private:
  struct EgressItem {
    PeerSetId peers = 0;
    PortFilterId ports = 0;
    friend auto operator<=>(const EgressItem&, const EgressItem&) = default;
  };
  struct IngressItem {
    SelectionId subject = 0;
    PortFilterId ports = 0;
  };
  struct SourceInfo {
    bool egress_isolated = false;
    std::vector<EgressItem> egress;              // NetworkPolicy egress rules (see below)
    // Without ordered tiers, rules on every port are kept apart as their
    // peer sets, and egress holds only the others.
    std::vector<PeerSetId> egress_everywhere;
    std::array<std::vector<RuleId>, 2> ordered;  // admin, baseline egress rules in order
  };
  struct Scope;
  struct Lanes;
  struct Scratch;

  std::size_t world_index(const World& world) const {
    return world.family ? (*world.family == model::IpFamily::v4 ? 0 : 1) : 0;
  }

  // ---- preparation --------------------------------------------------------

  // Columns whose families fit a source's: per world, per family code of the
  // source (Families::code(): bit 0 v4, bit 1 v6; 0 unknown).
  void prepare_world_masks() {
    for (std::size_t code = 0; code < 4; ++code) {
      for (std::size_t w = 0; w < m_worlds.size(); ++w) {
        Bits mask(m_words, 0);
        const Families source{(code & 1) != 0, (code & 2) != 0};
        for (std::uint32_t d = 0; d < m_columns.size(); ++d) {
          const Families target = m_partition.families(m_columns[d]);
          bool fits;
          if (m_worlds[w].family) {
            fits = !target.known() || target.has(*m_worlds[w].family);
          } else {
            fits = !source.known() || !target.known() || (source.v4 && target.v4) ||
                   (source.v6 && target.v6);
          }
          if (fits) {
            set_bit(mask.data(), d);
          }
        }
        m_world_masks[w][code] = std::move(mask);
      }
    }
  }

  Columns make_columns(const std::vector<ClassId>& classes) const {
    Columns columns;
    for (ClassId c : classes) {
      if (m_column_of[c] != k_absent) {
        columns.list.push_back(m_column_of[c]);
      }
    }
    std::sort(columns.list.begin(), columns.list.end());
    add_dense_copy(columns);
    return columns;
  }

  // A dense copy of a column list wide enough that one OR over all words
  // beats setting its bits one by one.
  void add_dense_copy(Columns& columns) const {
    if (columns.list.size() * 4 >= m_words) {
      columns.dense.assign(m_words, 0);
      for (std::uint32_t d : columns.list) {
        set_bit(columns.dense.data(), d);
      }
    }
  }

  // ORs a set of columns into a row of every column word.
  void or_columns(Word* bits, const Columns& columns) const {
    if (columns.dense.empty()) {
      for (std::uint32_t d : columns.list) {
        set_bit(bits, d);
      }
    } else {
      or_into(bits, columns.dense.data(), m_words);
    }
  }

  // The columns a peer set matches in a world (computed once).
  const Columns& peer_columns(PeerSetId peers, std::size_t world) {
    std::optional<Columns>& cached = m_peer_columns[world][peers];
    if (!cached) {
      cached = make_columns(m_partition.peer_classes(peers, m_worlds[world].family));
    }
    return *cached;
  }

  // Fills every peer set's columns in every world by walking the columns'
  // peer sets: the same sets as peer_columns, for a cost in the columns.
  void peer_columns_from_columns() {
    const std::size_t P = m_program.peer_set_count();
    for (std::size_t w = 0; w < m_worlds.size(); ++w) {
      std::vector<Columns> columns(P);
      for (std::uint32_t d = 0; d < m_columns.size(); ++d) {
        const ClassId c = m_columns[d];
        const std::optional<model::IpFamily> family = m_worlds[w].family;
        if (m_partition.is_external(c) && family && !m_partition.families(c).has(*family)) {
          continue; // an outside range of the other family
        }
        for_each_peer_set(c, m_worlds[w], [&](PeerSetId p) { columns[p].list.push_back(d); });
      }
      for (PeerSetId p = 0; p < P; ++p) {
        if (m_program.peer_set(p).everything) {
          columns[p].list.resize(m_columns.size());
          for (std::uint32_t d = 0; d < m_columns.size(); ++d) {
            columns[p].list[d] = d;
          }
        }
        add_dense_copy(columns[p]);
        m_peer_columns[w][p] = std::move(columns[p]);
      }
    }
  }

  const Columns& subject_columns(SelectionId subject) {
    std::optional<Columns>& cached = m_subject_columns[subject];
    if (!cached) {
      cached = make_columns(m_partition.selection_classes(subject));
    }
    return *cached;
  }

  void prepare_sources() {
    m_source_info.resize(m_partition.class_count());
    std::vector<bool> is_source(m_partition.class_count(), false);
    for (ClassId s : m_sources) {
      is_source[s] = true;
    }
    const std::size_t egress = index_of(Direction::egress);
    for (PolicyId p : m_program.tier(TierKind::network_policy, Direction::egress)) {
      const CompiledPolicy& policy = m_program.policy(p);
      for (ClassId c : m_partition.selection_classes(policy.subject)) {
        if (!is_source[c]) {
          continue;
        }
        SourceInfo& info = m_source_info[c];
        info.egress_isolated = true;
        for (RuleId r : policy.rules[egress]) {
          info.egress.push_back({m_program.rule(r).peers, m_program.rule(r).ports});
        }
      }
    }
    for (std::size_t t = 0; t < 2; ++t) {
      const TierKind tier = t == 0 ? TierKind::admin : TierKind::baseline;
      for (PolicyId p : m_program.tier(tier, Direction::egress)) {
        const CompiledPolicy& policy = m_program.policy(p);
        for (ClassId c : m_partition.selection_classes(policy.subject)) {
          if (is_source[c]) {
            m_source_info[c].ordered[t].insert(m_source_info[c].ordered[t].end(),
                                               policy.rules[egress].begin(), policy.rules[egress].end());
          }
        }
      }
    }
    m_peer_columns.assign(m_worlds.size(), std::vector<std::optional<Columns>>(m_program.peer_set_count()));
    m_subject_columns.assign(m_program.selection_count(), std::nullopt);
    // Few columns (a focused matrix's other rows): every peer set's columns
    // from the peer sets of each column, not from each peer set's members.
    if (m_columns.size() * 16 < m_partition.class_count()) {
      peer_columns_from_columns();
    }
    for (ClassId s : m_sources) {
      SourceInfo& info = m_source_info[s];
      std::sort(info.egress.begin(), info.egress.end());
      info.egress.erase(std::unique(info.egress.begin(), info.egress.end()), info.egress.end());
      if (!m_ordered) {
        std::size_t kept = 0;
        for (const EgressItem& item : info.egress) {
          if (m_partition.covered_classes(item.ports).size() == m_k) {
            info.egress_everywhere.push_back(item.peers);
          } else {
            info.egress[kept++] = item;
          }
        }
        info.egress.resize(kept);
        std::sort(info.egress_everywhere.begin(), info.egress_everywhere.end());
        info.egress_everywhere.erase(std::unique(info.egress_everywhere.begin(), info.egress_everywhere.end()),
                                     info.egress_everywhere.end());
      }
      for (std::size_t w = 0; w < m_worlds.size(); ++w) {
        for (PeerSetId p : info.egress_everywhere) {
          peer_columns(p, w);
        }
        for (const EgressItem& item : info.egress) {
          peer_columns(item.peers, w);
        }
        for (const auto& rules : info.ordered) {
          for (RuleId r : rules) {
            peer_columns(m_program.rule(r).peers, w);
          }
        }
      }
      // Rules whose peers hold no column computed here decide nothing in
      // the row (a focused matrix's other rows have few columns).
      auto reaches_none = [&](PeerSetId p) {
        return std::all_of(m_peer_columns.begin(), m_peer_columns.end(),
                           [&](const std::vector<std::optional<Columns>>& world) { return world[p]->list.empty(); });
      };
      std::erase_if(info.egress_everywhere, reaches_none);
      std::erase_if(info.egress, [&](const EgressItem& item) { return reaches_none(item.peers); });
      for (auto& rules : info.ordered) {
        std::erase_if(rules, [&](RuleId r) { return reaches_none(m_program.rule(r).peers); });
      }
    }
  }

  void prepare_ingress() {
    const std::size_t ingress = index_of(Direction::ingress);
    const std::size_t K = m_k;
    const std::size_t W = m_words;
    m_isolated_in.assign(W, 0);
    m_peer_items.resize(m_program.peer_set_count());
    m_peer_ordered.resize(m_program.peer_set_count());
    std::vector<IngressItem> everything_items;
    for (PolicyId p : m_program.tier(TierKind::network_policy, Direction::ingress)) {
      const CompiledPolicy& policy = m_program.policy(p);
      const Columns& subject = subject_columns(policy.subject);
      for (std::uint32_t d : subject.list) {
        set_bit(m_isolated_in.data(), d);
      }
      if (subject.list.empty()) {
        continue; // its rules decide no column computed here (a focused matrix has few)
      }
      for (RuleId r : policy.rules[ingress]) {
        const CompiledRule& rule = m_program.rule(r);
        const IngressItem item{policy.subject, rule.ports};
        if (m_program.peer_set(rule.peers).everything) {
          everything_items.push_back(item);
        } else {
          m_peer_items[rule.peers].push_back(item);
        }
      }
    }
    // Ordered tiers: rules by peer set, with their evaluation rank.
    RuleId rank = 0;
    m_rank.assign(m_program.rules().size(), 0);
    for (std::size_t t = 0; t < 2; ++t) {
      const TierKind tier = t == 0 ? TierKind::admin : TierKind::baseline;
      for (PolicyId p : m_program.tier(tier, Direction::ingress)) {
        const CompiledPolicy& policy = m_program.policy(p);
        if (subject_columns(policy.subject).list.empty()) {
          continue; // as above
        }
        for (RuleId r : policy.rules[ingress]) {
          m_rank[r] = rank++;
          const PeerSetId peers = m_program.rule(r).peers;
          if (m_program.peer_set(peers).everything) {
            m_everything_ordered[t].push_back(r);
          } else {
            m_peer_ordered[peers].push_back(r);
          }
        }
      }
    }
    // The NetworkPolicy base every row starts from: rules admitting everyone.
    // Only the port classes those rules can admit get a row: the others'
    // rows would be empty, and port classes times columns reach gigabytes.
    m_base_scope.local.assign(K, k_absent);
    unite_filter_scopes(everything_items, m_base_scope);
    m_np_base.assign(m_base_scope.classes.size() * W, 0);
    for (const IngressItem& item : everything_items) {
      add(m_np_base.data(), subject_columns(item.subject), item.ports, m_base_scope, m_all_lanes);
    }
    // Destinations no NetworkPolicy isolates for ingress admit everything;
    // the others, per column, what the rules admitting everyone open there.
    m_open.assign(W, 0);
    for (std::size_t i = 0; i < W; ++i) {
      m_open[i] = ~m_isolated_in[i];
    }
    trim(m_open.data());
    m_base_any.assign(W, 0);
    m_base_classes.assign(K, false);
    m_base_key_start.assign(m_columns.size() + 1, 0);
    for (std::size_t r = 0; r < m_base_scope.classes.size(); ++r) {
      const Word* base = m_np_base.data() + r * W;
      m_base_classes[m_base_scope.classes[r]] = std::any_of(base, base + W, [](Word w) { return w != 0; });
      or_into(m_base_any.data(), base, W); // W may be 0: no columns
    }
    // Per column, its port classes in m_np_base: counted, then filled.
    for (int fill = 0; fill < 2; ++fill) {
      std::vector<std::size_t> next(m_base_key_start.begin(), m_base_key_start.end() - 1);
      for (std::size_t r = 0; r < m_base_scope.classes.size(); ++r) {
        for (std::size_t i = 0; i < W; ++i) {
          for (Word bits = m_np_base[r * W + i]; bits != 0; bits &= bits - 1) {
            const std::size_t d = i * 64 + static_cast<std::size_t>(std::countr_zero(bits));
            if (fill == 0) {
              ++m_base_key_start[d + 1];
            } else {
              m_base_key_classes[next[d]++] = m_base_scope.classes[r];
            }
          }
        }
      }
      if (fill == 0) {
        for (std::size_t d = 0; d < m_columns.size(); ++d) {
          m_base_key_start[d + 1] += m_base_key_start[d];
        }
        m_base_key_classes.resize(m_base_key_start.back());
      }
    }
    // The same as key words.
    std::vector<std::size_t> word_start{0};
    for (std::size_t d = 0; d < m_columns.size(); ++d) {
      append_key_words(std::span(m_base_key_classes).subspan(m_base_key_start[d], m_base_key_start[d + 1] - m_base_key_start[d]),
                       m_base_key_words);
      word_start.push_back(m_base_key_words.size());
    }
    m_base_key_start = std::move(word_start);
    std::vector<PortClassId>().swap(m_base_key_classes);
    // Port classes that the rules admitting everyone treat alike (equal
    // m_np_base rows): where ordered rows start refining (ordered_scope).
    m_base_parts.start(std::vector<std::uint32_t>(K, 0), 1);
    for (const IngressItem& item : everything_items) {
      refine_by_filter(m_base_parts, item.ports);
    }
    for (PeerSetId p = 0; p < m_program.peer_set_count(); ++p) {
      for (const IngressItem& item : m_peer_items[p]) {
        subject_columns(item.subject);
      }
    }
    // Peer sets that many source classes belong to get their NetworkPolicy
    // ingress masks precomputed, within a memory budget: the row then ORs one
    // mask instead of walking the items again for every class.
    std::vector<std::size_t> sources_in(m_program.peer_set_count(), 0);
    for (ClassId s : m_sources) {
      for (std::size_t w = 0; w < m_worlds.size(); ++w) {
        for_each_peer_set(s, m_worlds[w], [&](PeerSetId p) { ++sources_in[p]; });
      }
    }
    m_peer_masks.resize(m_program.peer_set_count());
    m_peer_scope.resize(m_program.peer_set_count());
    std::size_t budget = k_peer_mask_budget_bytes;
    Scope scope;
    scope.local.assign(K, k_absent);
    for (PeerSetId p = 0; p < m_program.peer_set_count(); ++p) {
      if (sources_in[p] < k_peer_mask_min_rows || m_peer_items[p].empty()) {
        continue;
      }
      scope.classes.clear();
      unite_filter_scopes(m_peer_items[p], scope);
      const std::vector<PortClassId>& classes = scope.classes;
      // A mask holds one row per port class the peer set's rules can admit.
      // Worth it when several rows would otherwise walk the same items again.
      // Dense when a row would OR fewer words than it sets bits item by item.
      const std::size_t bytes = classes.size() * W * sizeof(Word);
      std::size_t sparse = 0;
      for (const IngressItem& item : m_peer_items[p]) {
        sparse += m_subject_columns[item.subject]->list.size() * filter_scope(item.ports).size();
      }
      if (bytes <= budget && classes.size() * W < sparse) {
        budget -= bytes;
        m_peer_scope[p] = classes;
        m_peer_masks[p].assign(classes.size() * W, 0);
        for (const IngressItem& item : m_peer_items[p]) {
          add(m_peer_masks[p].data(), *m_subject_columns[item.subject], item.ports, scope, m_all_lanes);
        }
      }
      for (PortClassId k : classes) {
        scope.local[k] = k_absent;
      }
    }
  }

  // ORs peer set p's precomputed mask into masks (one row per scope class).
  void or_peer_mask(Word* masks, PeerSetId p, const Scope& scope, const Lanes& lanes) const {
    const std::vector<PortClassId>& classes = m_peer_scope[p];
    for (std::size_t i = 0; i < classes.size(); ++i) {
      const std::uint32_t row = scope.local[classes[i]];
      if (row != k_absent) {
        or_lanes(masks + row * lanes.width, m_peer_masks[p].data() + i * m_words, lanes);
      }
    }
  }

  // Node-local pairs: a pod and a hostNetwork pod on its node.
  void prepare_always() {
    m_always.resize(m_partition.class_count());
    const AddressBook& book = m_program.addresses();
    const std::vector<model::Workload>& workloads = m_program.inventory().workloads;
    std::vector<ClassId> host_classes;
    for (ClassId c = 0; c < m_partition.workload_class_count(); ++c) {
      if (workloads[m_partition.workloads(c).front()].host_network) {
        host_classes.push_back(c);
      }
    }
    if (host_classes.empty()) {
      return;
    }
    for (ClassId s : m_sources) {
      if (m_partition.is_external(s)) {
        continue;
      }
      const std::uint32_t a = m_partition.workloads(s).front();
      for (ClassId h : host_classes) {
        const std::uint32_t b = m_partition.workloads(h).front();
        if (m_column_of[h] != k_absent && book.node_local(a, b)) {
          m_always[s].push_back(m_column_of[h]);
        }
      }
      if (workloads[a].host_network) {
        for (ClassId c = 0; c < m_partition.workload_class_count(); ++c) {
          if (m_column_of[c] != k_absent && book.node_local(a, m_partition.workloads(c).front())) {
            m_always[s].push_back(m_column_of[c]);
          }
        }
      }
      std::sort(m_always[s].begin(), m_always[s].end());
      m_always[s].erase(std::unique(m_always[s].begin(), m_always[s].end()), m_always[s].end());
    }
  }

  void trim(Word* bits) const {
    if (m_columns.size() % 64 != 0) {
      bits[m_words - 1] &= (Word{1} << (m_columns.size() % 64)) - 1;
    }
  }

  // ---- row pieces ---------------------------------------------------------

  // The port classes a row is computed for: all of them, or (for a source
  // that NetworkPolicy isolates for egress) only those its egress rules can
  // admit, which is what keeps a row's cost from growing with every port
  // that some other policy names. Masks hold one row of m_words per port
  // class of the scope, in scope order.
  struct Scope {
    std::vector<PortClassId> classes;  // global port classes, ascending
    std::vector<std::uint32_t> local;  // per global port class: its row, or k_absent
  };

  // The column words a mask row holds: every word, or (in a row isolated for
  // egress) only the words where the source's egress rules name a column.
  // Such a row can allow nothing elsewhere, so it costs its port classes
  // times the words its rules reach, not times every column of the cluster.
  struct Lanes {
    bool all = true;
    std::size_t width = 0;             // words per mask row
    std::vector<std::uint32_t> words;  // !all: the column words held, ascending
    std::vector<std::uint32_t> lane;   // !all: per column word, its place in a row, or k_absent
  };

  // Scope rows (port classes) that the ordered rules seen so far treat alike
  // share one state (allowed, decided, passed columns): a rule of every port
  // folds into each group once instead of into every row.
  struct Group {
    std::vector<std::uint32_t> classes; // scope rows
    Bits allowed, decided, passed;
    Bits admin_decided; // ingress: decided by the admin tier, before NetworkPolicy
  };

  // A refinement of the port classes into parts: each set it is refined by
  // splits the parts it cuts (its classes move to a new part per part they
  // were in), so that classes of one part are in the same sets.
  struct Refinement {
    std::vector<std::uint32_t> part_of;       // per port class
    std::vector<std::uint32_t> split, stamp;  // per part: its new part in the current step, and that step
    std::uint32_t count = 0, step = 0;

    void start(std::vector<std::uint32_t> parts, std::uint32_t parts_count) {
      part_of = std::move(parts);
      count = parts_count;
      split.assign(count, 0);
      stamp.assign(count, 0);
      step = 0;
    }
    std::uint32_t add_part() {
      split.push_back(0);
      stamp.push_back(0);
      return count++;
    }
    // set: port classes, each once.
    void refine(const std::vector<PortClassId>& set) {
      ++step;
      for (PortClassId k : set) {
        const std::uint32_t p = part_of[k];
        if (stamp[p] != step) {
          stamp[p] = step;
          split[p] = add_part();
        }
        part_of[k] = split[p];
      }
    }
    void isolate(PortClassId k) { part_of[k] = add_part(); }
  };

  struct Scratch {
    Bits egress, ingress, rule, result, any, reach;
    Lanes lanes;
    std::vector<Group> groups;
    std::size_t group_count = 0;
    std::vector<std::uint32_t> group_of; // per scope row
    std::vector<std::uint8_t> marked;    // per scope row
    std::vector<std::uint32_t> touched;  // per group: classes marked
    Bits mask;
    // An ordered row's port classes in parts that every rule reaching the
    // row treats alike (ordered_scope): the refinement, per part its row,
    // and per row the key words of its part's classes.
    Refinement parts;
    std::vector<std::uint32_t> part_local;
    std::vector<Word> part_keys;
    Scope reps;
    // Distinct result rows of an ordered row: a representative class, the
    // classes (as key words), by hash.
    std::vector<std::size_t> row_reps;
    std::vector<Word> row_classes;
    KeyWords row_words; // row_classes as key words: [row_word_start[u], row_word_start[u + 1])
    std::vector<std::size_t> row_word_start;
    std::unordered_map<std::uint64_t, std::vector<std::uint32_t>> row_index;
    // A column's key as interned: (index, word) of its key words holding
    // some, ascending, flattened.
    std::vector<Word> key;
    std::vector<Word> keys; // per column, the port classes allowed, as key words
    // The positions in keys (column * key words + word) that became
    // non-zero in this row: a row's keys are read and cleared there only.
    std::vector<std::size_t> written;
    Bits every; // columns that pass on every port class in this row
    std::uint32_t everything_id = k_absent; // the key of every port class, once interned
    Scope scope;
    ConnectionInterner connections;
    std::vector<Word> last_key; // intern_key's last key and its id
    std::uint32_t last_id = k_absent;
  };

  // The port classes a filter can admit on some destination.
  const std::vector<PortClassId>& filter_scope(PortFilterId filter) const {
    return m_filter_scope[filter];
  }

  void prepare_scopes() {
    m_filter_scope.resize(m_program.port_filter_count());
    m_covered_words.resize(m_program.port_filter_count());
    for (PortFilterId f = 0; f < m_program.port_filter_count(); ++f) {
      append_key_words(m_partition.covered_classes(f), m_covered_words[f]);
    }
    // Per named port, the port classes it resolves into on some pod (once,
    // not per filter: thousands of filters times thousands of classes).
    std::vector<std::vector<PortClassId>> named_scope(m_partition.named_port_count());
    for (std::uint32_t id = 0; id < m_partition.named_port_count(); ++id) {
      for (PortClassId k = 0; k < m_k; ++k) {
        if (!m_partition.named_classes(id, k).empty()) {
          named_scope[id].push_back(k);
        }
      }
    }
    for (PortFilterId f = 0; f < m_program.port_filter_count(); ++f) {
      std::vector<PortClassId>& scope = m_filter_scope[f];
      scope = m_partition.covered_classes(f);
      for (std::uint32_t id : m_partition.filter_named(f)) {
        scope.insert(scope.end(), named_scope[id].begin(), named_scope[id].end());
      }
      std::sort(scope.begin(), scope.end());
      scope.erase(std::unique(scope.begin(), scope.end()), scope.end());
    }
    m_full_scope.local.resize(m_k);
    for (PortClassId k = 0; k < m_k; ++k) {
      m_full_scope.classes.push_back(k);
      m_full_scope.local[k] = k;
    }
  }

  // The scope of source s's row (filled into scope).
  const Scope& scope_of(ClassId s, Scope& scope) const {
    const SourceInfo& info = m_source_info[s];
    if (m_ordered || !info.egress_isolated) {
      return m_full_scope;
    }
    // The last row's classes are unmarked; local marks the union's classes
    // while it is gathered.
    scope.local.resize(m_k, k_absent);
    for (PortClassId k : scope.classes) {
      scope.local[k] = k_absent;
    }
    scope.classes.clear();
    unite_filter_scopes(info.egress, scope);
    return scope;
  }

  // Makes scope (empty, its local all k_absent) the port classes that the
  // items' filters can admit, ascending.
  template <typename Items>
  void unite_filter_scopes(const Items& items, Scope& scope) const {
    for (const auto& item : items) {
      for (PortClassId k : filter_scope(item.ports)) {
        if (scope.local[k] == k_absent) {
          scope.local[k] = 0;
          scope.classes.push_back(k);
        }
      }
    }
    in_order(scope.classes, scope.local);
    for (std::uint32_t i = 0; i < scope.classes.size(); ++i) {
      scope.local[scope.classes[i]] = i;
    }
  }

  // Sorts distinct port classes, which marks holds as not k_absent: by
  // reading the marks in order when they are many next to the classes.
  void in_order(std::vector<PortClassId>& classes, const std::vector<std::uint32_t>& marks) const {
    if (classes.size() * 8 < m_k) {
      std::sort(classes.begin(), classes.end());
      return;
    }
    classes.clear();
    for (PortClassId k = 0; k < m_k; ++k) {
      if (marks[k] != k_absent) {
        classes.push_back(k);
      }
    }
  }

  // Column d in a mask row of lanes (nothing when its word is not held).
  static void set_column(Word* row, std::uint32_t d, const Lanes& lanes) {
    if (lanes.all) {
      set_bit(row, d);
      return;
    }
    const std::uint32_t at = lanes.lane[d / 64];
    if (at != k_absent) {
      row[at] |= Word{1} << (d % 64);
    }
  }

  // ORs a full row of column words into a mask row of lanes.
  static void or_lanes(Word* row, const Word* full, const Lanes& lanes) {
    if (lanes.all) {
      or_into(row, full, lanes.width);
      return;
    }
    for (std::size_t j = 0; j < lanes.width; ++j) {
      row[j] |= full[lanes.words[j]];
    }
  }

  // ORs into masks (one row per scope class) the columns of targets on the
  // port classes filter admits there (named ports resolved on each column).
  void add(Word* masks, const Columns& targets, PortFilterId filter, const Scope& scope,
           const Lanes& lanes) const {
    if (targets.list.empty()) {
      return; // none of the columns computed (a focused matrix has few)
    }
    const std::size_t W = lanes.width;
    auto fill = [&](std::size_t i) {
      Word* row = masks + i * W;
      if (!targets.dense.empty()) {
        or_lanes(row, targets.dense.data(), lanes);
      } else {
        for (std::uint32_t d : targets.list) {
          set_column(row, d, lanes);
        }
      }
    };
    // The covered port classes in the scope: walk the shorter list.
    const std::vector<PortClassId>& covered = m_partition.covered_classes(filter);
    if (covered.size() <= scope.classes.size()) {
      for (PortClassId k : covered) {
        if (scope.local[k] != k_absent) {
          fill(scope.local[k]);
        }
      }
    } else {
      for (std::size_t i = 0; i < scope.classes.size(); ++i) {
        if (m_partition.covers(filter, scope.classes[i])) {
          fill(i);
        }
      }
    }
    const std::span<const std::uint32_t> named = m_partition.filter_named(filter);
    if (named.empty()) {
      return;
    }
    // Named ports: from the targets' side when they are fewer than the
    // classes the names resolve on, else from the names' side.
    std::size_t resolved = 0;
    for (std::uint32_t id : named) {
      resolved += m_named_class_count[id];
    }
    if (targets.list.size() <= resolved) {
      for (std::uint32_t d : targets.list) {
        for (const auto& [id, k] : m_partition.class_named(m_columns[d])) {
          if (scope.local[k] != k_absent && std::binary_search(named.begin(), named.end(), id)) {
            set_column(masks + scope.local[k] * W, d, lanes);
          }
        }
      }
      return;
    }
    for (std::size_t i = 0; i < scope.classes.size(); ++i) {
      const PortClassId k = scope.classes[i];
      if (m_partition.covers(filter, k)) {
        continue;
      }
      for (std::uint32_t id : named) {
        for (ClassId c : m_partition.named_classes(id, k)) {
          const std::uint32_t d = m_column_of[c];
          if (d != k_absent && targets.contains(d)) {
            set_column(masks + i * W, d, lanes);
          }
        }
      }
    }
  }

  // ORs a precomputed mask (one row per port class) into masks (one row per
  // scope class).
  // ORs m_np_base's rows into masks (one row per scope class).
  void or_base(Word* masks, const Scope& scope) const {
    const std::size_t W = m_words;
    for (std::size_t i = 0; i < scope.classes.size(); ++i) {
      if (const std::uint32_t r = m_base_scope.local[scope.classes[i]]; r != k_absent) {
        or_into(masks + i * W, m_np_base.data() + r * W, W);
      }
    }
  }

  // ---- grouped first-match folding (ordered tiers) -------------------------

  // One group holding every row of scope (groups hold scope rows, not
  // global port classes).
  void groups_reset(Scratch& state, const Scope& scope) const {
    const std::size_t W = m_words;
    const std::size_t R = scope.classes.size();
    state.group_count = 1;
    if (state.groups.empty()) {
      state.groups.emplace_back();
    }
    Group& g = state.groups[0];
    g.classes.resize(R);
    for (std::uint32_t r = 0; r < R; ++r) {
      g.classes[r] = r;
    }
    for (Bits* bits : {&g.allowed, &g.decided, &g.passed, &g.admin_decided}) {
      bits->assign(W, 0);
    }
    state.group_of.assign(R, 0);
    state.marked.assign(R, 0);
  }

  // A new group holding a copy of group g's state (classes empty).
  std::uint32_t groups_split(Scratch& state, std::uint32_t g) const {
    const std::uint32_t h = static_cast<std::uint32_t>(state.group_count++);
    if (state.groups.size() < state.group_count) {
      state.groups.emplace_back();
    }
    Group& from = state.groups[g];
    Group& to = state.groups[h];
    to.classes.clear();
    to.allowed = from.allowed;
    to.decided = from.decided;
    to.passed = from.passed;
    to.admin_decided = from.admin_decided;
    return h;
  }

  // A first-match rule's action on what it matches (mask) and is still open.
  void groups_apply(Group& g, const Word* mask, Action action) const {
    for (std::size_t i = 0; i < m_words; ++i) {
      const Word taken = mask[i] & ~g.decided[i];
      g.decided[i] |= taken;
      if (action == Action::allow) {
        g.allowed[i] |= taken;
      } else if (action == Action::pass) {
        g.passed[i] |= taken;
      }
    }
  }

  const Word* mask_of(const Columns& targets, Scratch& state) const {
    if (!targets.dense.empty()) {
      return targets.dense.data();
    }
    state.mask.assign(m_words, 0);
    or_columns(state.mask.data(), targets);
    return state.mask.data();
  }

  // Folds one first-match rule (matching the columns of targets on the port
  // classes its filter admits) into the groups. A numeric filter splits the
  // groups it partly covers; a filter with named ports, whose matches differ
  // per port class, gives each class it can admit a group of its own.
  void groups_fold_rule(Scratch& state, const Columns& targets, PortFilterId ports, Action action,
                        const Scope& scope) const {
    const std::size_t W = m_words;
    if (m_partition.filter_named(ports).empty()) {
      const std::vector<PortClassId>& covered = m_partition.covered_classes(ports);
      if (covered.empty()) {
        return;
      }
      const Word* mask = mask_of(targets, state);
      if (covered.size() == m_k) {
        for (std::size_t g = 0; g < state.group_count; ++g) {
          groups_apply(state.groups[g], mask, action);
        }
        return;
      }
      const std::size_t before = state.group_count;
      state.touched.assign(before, 0);
      for (PortClassId k : covered) {
        const std::uint32_t r = scope.local[k];
        if (r != k_absent) {
          state.marked[r] = 1;
          ++state.touched[state.group_of[r]];
        }
      }
      for (std::uint32_t g = 0; g < before; ++g) {
        const std::uint32_t in = state.touched[g];
        if (in == 0) {
          continue;
        }
        if (in == state.groups[g].classes.size()) {
          groups_apply(state.groups[g], mask, action);
          continue;
        }
        const std::uint32_t h = groups_split(state, g);
        std::vector<std::uint32_t>& from = state.groups[g].classes;
        std::vector<std::uint32_t>& to = state.groups[h].classes;
        std::size_t kept = 0;
        for (std::uint32_t k : from) {
          if (state.marked[k] != 0) {
            to.push_back(k);
            state.group_of[k] = h;
          } else {
            from[kept++] = k;
          }
        }
        from.resize(kept);
        groups_apply(state.groups[h], mask, action);
      }
      for (PortClassId k : covered) {
        if (scope.local[k] != k_absent) {
          state.marked[scope.local[k]] = 0;
        }
      }
      return;
    }
    // A filter with named ports: each class it can admit is a row of its own
    // in the scope (ordered_scope).
    const std::vector<PortClassId>& rows = filter_scope(ports);
    for (PortClassId global : rows) {
      std::fill_n(state.rule.data() + scope.local[global] * W, W, 0);
    }
    add(state.rule.data(), targets, ports, scope, m_all_lanes);
    for (PortClassId global : rows) {
      const std::uint32_t k = scope.local[global];
      std::uint32_t g = state.group_of[k];
      if (state.groups[g].classes.size() > 1) {
        const std::uint32_t h = groups_split(state, g);
        std::vector<std::uint32_t>& from = state.groups[g].classes;
        from.erase(std::find(from.begin(), from.end(), k));
        state.groups[h].classes.push_back(k);
        state.group_of[k] = h;
        g = h;
      }
      groups_apply(state.groups[g], state.rule.data() + k * W, action);
    }
  }

  // The end of a tier: what a pass took goes on to the next one.
  void groups_end_tier(Scratch& state) const {
    for (std::size_t g = 0; g < state.group_count; ++g) {
      Group& group = state.groups[g];
      for (std::size_t i = 0; i < m_words; ++i) {
        group.decided[i] &= ~group.passed[i];
        group.passed[i] = 0;
      }
    }
  }

  template <typename Visit>
  void for_each_peer_set(ClassId s, const World& world, Visit visit) const {
    m_partition.for_each_peer_set(s, world.family, visit);
  }

  // Which columns s's egress allows, per scope class (false: everything).
  bool egress(ClassId s, std::size_t world, const Scope& scope, const Lanes& lanes, Scratch& state) const {
    const SourceInfo& info = m_source_info[s];
    const std::size_t n = scope.classes.size() * lanes.width;
    Word* allowed = state.egress.data();
    if (!m_ordered) {
      std::fill_n(allowed, n, 0);
      if (!info.egress_isolated) {
        return false;
      }
      for (const EgressItem& item : info.egress) {
        add(allowed, *m_peer_columns[world][item.peers], item.ports, scope, lanes);
      }
      return true;
    }
    assert(lanes.all && "ordered rows hold every column word");
    const std::size_t W = m_words;
    const std::size_t R = scope.classes.size();
    groups_reset(state, scope);
    auto fold = [&](const std::vector<RuleId>& rules) {
      for (RuleId r : rules) {
        const CompiledRule& rule = m_program.rule(r);
        groups_fold_rule(state, *m_peer_columns[world][rule.peers], rule.ports, rule.action, scope);
      }
      groups_end_tier(state);
    };
    fold(info.ordered[0]);
    if (info.egress_isolated) {
      // NetworkPolicy decides everything still open: what its rules admit.
      std::fill_n(state.rule.begin(), n, 0);
      for (const EgressItem& item : info.egress) {
        add(state.rule.data(), *m_peer_columns[world][item.peers], item.ports, scope, m_all_lanes);
      }
      for (std::size_t k = 0; k < R; ++k) {
        const Group& g = state.groups[state.group_of[k]];
        for (std::size_t i = 0; i < W; ++i) {
          allowed[k * W + i] = g.allowed[i] | (state.rule[k * W + i] & ~g.decided[i]);
        }
      }
      return true;
    }
    fold(info.ordered[1]);
    for (std::size_t k = 0; k < R; ++k) {
      const Group& g = state.groups[state.group_of[k]];
      for (std::size_t i = 0; i < W; ++i) {
        allowed[k * W + i] = g.allowed[i] | ~g.decided[i];
      }
    }
    return true;
  }

  // Which columns' ingress admits s, per scope class.
  void ingress(ClassId s, std::size_t world, const Scope& scope, Scratch& state) const {
    const std::size_t n = scope.classes.size() * m_words;
    const std::size_t W = m_words;
    Word* allowed = state.ingress.data();
    auto add_network_policy = [&](Word* target) {
      for_each_peer_set(s, m_worlds[world], [&](PeerSetId p) {
        if (!m_peer_masks[p].empty()) {
          or_peer_mask(target, p, scope, m_all_lanes);
          return;
        }
        for (const IngressItem& item : m_peer_items[p]) {
          add(target, *m_subject_columns[item.subject], item.ports, scope, m_all_lanes);
        }
      });
    };
    const std::size_t R = scope.classes.size();
    // The ordered rules whose peers contain s, per tier, in evaluation order.
    std::array<std::vector<RuleId>, 2> rules;
    for (std::size_t t = 0; t < 2; ++t) {
      rules[t] = m_everything_ordered[t];
    }
    for_each_peer_set(s, m_worlds[world], [&](PeerSetId p) {
      for (RuleId r : m_peer_ordered[p]) {
        rules[m_program.policy(m_program.rule(r).policy).tier == TierKind::admin ? 0 : 1].push_back(r);
      }
    });
    groups_reset(state, scope);
    auto fold = [&](std::vector<RuleId>& list) {
      std::sort(list.begin(), list.end(), [&](RuleId a, RuleId b) { return m_rank[a] < m_rank[b]; });
      for (RuleId r : list) {
        const CompiledRule& rule = m_program.rule(r);
        groups_fold_rule(state, *m_subject_columns[m_program.policy(rule.policy).subject], rule.ports,
                         rule.action, scope);
      }
      groups_end_tier(state);
    };
    fold(rules[0]);
    // NetworkPolicy decides, for the columns it isolates, what the admin
    // tier left open; the baseline tier then sees the rest.
    for (std::size_t g = 0; g < state.group_count; ++g) {
      Group& group = state.groups[g];
      group.admin_decided = group.decided;
      for (std::size_t i = 0; i < W; ++i) {
        group.decided[i] |= m_isolated_in[i];
      }
    }
    fold(rules[1]);
    std::fill_n(state.rule.begin(), n, 0);
    or_base(state.rule.data(), scope);
    add_network_policy(state.rule.data());
    for (std::size_t k = 0; k < R; ++k) {
      const Group& g = state.groups[state.group_of[k]];
      for (std::size_t i = 0; i < W; ++i) {
        const std::size_t at = k * W + i;
        allowed[at] = g.allowed[i] | ~g.decided[i] |
                      (state.rule[at] & m_isolated_in[i] & ~g.admin_decided[i]);
      }
    }
  }

  // The lanes of a row isolated for egress: the words where its egress
  // rules' peers have a column (every word when that is most of them).
  const Lanes& egress_lanes(ClassId s, std::size_t world, Scratch& state) const {
    Lanes& lanes = state.lanes;
    lanes.words.clear();
    if (lanes.lane.size() != m_words) {
      lanes.lane.assign(m_words, k_absent);
    }
    auto hold = [&](std::size_t i) {
      if (lanes.lane[i] == k_absent) {
        lanes.lane[i] = 0;
        lanes.words.push_back(static_cast<std::uint32_t>(i));
      }
    };
    for (const EgressItem& item : m_source_info[s].egress) {
      const Columns& targets = *m_peer_columns[world][item.peers];
      if (targets.dense.empty()) {
        for (std::uint32_t d : targets.list) {
          hold(d / 64);
        }
      } else {
        for (std::size_t i = 0; i < m_words; ++i) {
          if (targets.dense[i] != 0) {
            hold(i);
          }
        }
      }
    }
    // Gathering words costs an indirection each: not worth it for most of them.
    if (lanes.words.size() * 2 > m_words) {
      release_lanes(lanes);
      return m_all_lanes;
    }
    std::sort(lanes.words.begin(), lanes.words.end());
    for (std::uint32_t j = 0; j < lanes.words.size(); ++j) {
      lanes.lane[lanes.words[j]] = j;
    }
    lanes.all = false;
    lanes.width = lanes.words.size();
    return lanes;
  }

  // ORs into each column's key (state.keys) the port classes whose row holds
  // it: rows has one row of lanes.width words per scope class; columns in
  // skip (a row of the same lanes, or null) are left out. Port classes that
  // the rules treat alike have equal rows, so each distinct row ORs its
  // classes into the keys of its columns once: the cost is the distinct
  // rows' bits, not port classes times columns.
  // With class_keys (key words per scope row), a row stands for the port
  // classes it holds there, not only for its own.
  void fold_into_keys(const Word* rows, const Scope& scope, const Lanes& lanes, const Word* skip,
                      Scratch& state, const Word* class_keys = nullptr) const {
    const std::size_t L = lanes.width;
    const std::size_t key_words = (m_k + 63) / 64;
    auto bits_at = [&](const Word* row, std::size_t j) { return skip == nullptr ? row[j] : row[j] & ~skip[j]; };
    state.row_reps.clear();
    state.row_classes.clear();
    state.row_index.clear();
    for (std::size_t k = 0; k < scope.classes.size(); ++k) {
      const Word* row = &rows[k * L];
      // A rotate-and-xor chain (one cycle a word; equal rows are compared
      // anyway), mixed at the end for the table's buckets. An empty row adds
      // nothing to any key.
      std::uint64_t hash = 0;
      for (std::size_t j = 0; j < L; ++j) {
        hash = std::rotl(hash, 7) ^ bits_at(row, j);
      }
      if (hash == 0) {
        std::size_t j = 0;
        while (j < L && bits_at(row, j) == 0) {
          ++j;
        }
        if (j == L) {
          continue;
        }
      }
      hash = (hash ^ (hash >> 31)) * 0x9e3779b97f4a7c15ull;
      std::vector<std::uint32_t>& candidates = state.row_index[hash];
      std::size_t u = state.row_reps.size();
      for (std::uint32_t c : candidates) {
        const Word* other = &rows[state.row_reps[c] * L];
        bool same = true;
        for (std::size_t j = 0; j < L && same; ++j) {
          same = bits_at(row, j) == bits_at(other, j);
        }
        if (same) {
          u = c;
          break;
        }
      }
      if (u == state.row_reps.size()) {
        candidates.push_back(static_cast<std::uint32_t>(u));
        state.row_reps.push_back(k);
        state.row_classes.resize(state.row_reps.size() * key_words, 0);
      }
      if (class_keys != nullptr) {
        or_into(&state.row_classes[u * key_words], class_keys + k * key_words, key_words);
        continue;
      }
      const PortClassId global = scope.classes[k];
      state.row_classes[u * key_words + global / 64] |= Word{1} << (global % 64);
    }
    // Each distinct row's classes as key words: its columns' keys take the
    // words holding some, not every key word (thousands of port classes
    // make hundreds of key words, mostly empty).
    state.row_words.clear();
    state.row_word_start.assign(1, 0);
    for (std::size_t u = 0; u < state.row_reps.size(); ++u) {
      const Word* classes = &state.row_classes[u * key_words];
      for (std::size_t w = 0; w < key_words; ++w) {
        if (classes[w] != 0) {
          state.row_words.emplace_back(static_cast<std::uint32_t>(w), classes[w]);
        }
      }
      state.row_word_start.push_back(state.row_words.size());
    }
    for (std::size_t u = 0; u < state.row_reps.size(); ++u) {
      const Word* row = &rows[state.row_reps[u] * L];
      const auto first = state.row_words.begin() + static_cast<std::ptrdiff_t>(state.row_word_start[u]);
      const auto last = state.row_words.begin() + static_cast<std::ptrdiff_t>(state.row_word_start[u + 1]);
      for (std::size_t j = 0; j < L; ++j) {
        const std::size_t i = lanes.all ? j : lanes.words[j];
        for (Word bits = bits_at(row, j); bits != 0; bits &= bits - 1) {
          const std::size_t key = (i * 64 + static_cast<std::size_t>(std::countr_zero(bits))) * key_words;
          for (auto at = first; at != last; ++at) {
            or_key(state, key + at->first, at->second);
          }
        }
      }
    }
  }

  // ORs bits (not 0) into state.keys[position], noting a new word.
  static void or_key(Scratch& state, std::size_t position, Word bits) {
    Word& word = state.keys[position];
    if (word == 0) {
      state.written.push_back(position);
    }
    word |= bits;
  }

  // Reads the row's keys, column by column in ascending order: call
  // begin_keys, then take_key for each column with some key, then end_row.
  static void begin_keys(Scratch& state) {
    std::sort(state.written.begin(), state.written.end());
  }

  // The connection id of column d's key (its words cleared, at: the next
  // written position to read), or of every port class when the row passes d
  // on every class.
  std::uint32_t take_key(std::size_t d, Scratch& state, std::size_t& at) const {
    const std::size_t key_words = (m_k + 63) / 64;
    state.key.clear();
    while (at < state.written.size() && state.written[at] / key_words < d) {
      state.keys[state.written[at++]] = 0; // a column with no entry (not touched)
    }
    for (; at < state.written.size() && state.written[at] / key_words == d; ++at) {
      Word& word = state.keys[state.written[at]];
      state.key.push_back(state.written[at] % key_words);
      state.key.push_back(word);
      word = 0;
    }
    if (test_bit(state.every.data(), d)) {
      if (state.everything_id == k_absent) {
        state.everything_id =
            state.connections.emplace(m_everything_key, static_cast<std::uint32_t>(state.connections.size()))
                .first->second;
      }
      return state.everything_id;
    }
    return intern_key(state);
  }

  // Call after the row's last take_key.
  void end_row(Scratch& state, std::size_t at) const {
    for (; at < state.written.size(); ++at) {
      state.keys[state.written[at]] = 0;
    }
    state.written.clear();
    std::fill(state.every.begin(), state.every.end(), 0);
  }

  // The thread's connection id of state.key. A row's columns mostly repeat
  // the key before them, which is checked first; a key is copied into the
  // table only when it is new.
  static std::uint32_t intern_key(Scratch& state) {
    if (state.last_id != k_absent && state.key == state.last_key) {
      return state.last_id;
    }
    auto it = state.connections.find(state.key);
    if (it == state.connections.end()) {
      it = state.connections.emplace(state.key, static_cast<std::uint32_t>(state.connections.size())).first;
    }
    state.last_key = state.key;
    state.last_id = it->second;
    return it->second;
  }

  static void release_lanes(Lanes& lanes) {
    for (std::uint32_t i : lanes.words) {
      lanes.lane[i] = k_absent;
    }
    lanes.words.clear();
  }

  static void grow(Bits& bits, std::size_t n) {
    if (bits.size() < n) {
      bits.resize(n);
    }
  }

  void row(ClassId s, Scratch& state, std::vector<MatrixEntry>& out) const {
    if (m_ordered) {
      row_ordered(s, state, out);
    } else {
      row_network_policy(s, state, out);
    }
  }

  // ORs into the keys of the columns given (state.keys; state.any marks
  // them) the port classes on which their ingress admits s: every class
  // where no NetworkPolicy isolates them, else the rules admitting everyone
  // and the ingress rules naming s, added sparsely.
  void admitted_by_ingress(ClassId s, const World& world, const Word* columns, Scratch& state) const {
    const std::size_t W = m_words;
    const std::size_t key_words = (m_k + 63) / 64;
    Word* touched = state.any.data();
    auto key = [&](std::size_t d) { return d * key_words; }; // its first position in state.keys
    for_each_peer_set(s, world, [&](PeerSetId p) {
      if (!m_peer_masks[p].empty()) {
        const std::vector<PortClassId>& classes = m_peer_scope[p];
        for (std::size_t r = 0; r < classes.size(); ++r) {
          const Word* mask = m_peer_masks[p].data() + r * W;
          for (std::size_t i = 0; i < W; ++i) {
            for (Word bits = mask[i] & ~m_open[i] & columns[i]; bits != 0; bits &= bits - 1) {
              const std::size_t d = i * 64 + static_cast<std::size_t>(std::countr_zero(bits));
              set_bit(touched, d);
              or_key(state, key(d) + classes[r] / 64, Word{1} << (classes[r] % 64));
            }
          }
        }
        return;
      }
      for (const IngressItem& item : m_peer_items[p]) {
        const KeyWords& covered = m_covered_words[item.ports];
        const std::span<const std::uint32_t> named = m_partition.filter_named(item.ports);
        for (std::uint32_t d : m_subject_columns[item.subject]->list) {
          if (test_bit(m_open.data(), d) || !test_bit(columns, d)) {
            continue;
          }
          set_bit(touched, d);
          const std::size_t k = key(d);
          for (const auto& [index, bits] : covered) {
            or_key(state, k + index, bits);
          }
          for (const auto& [id, c] : m_partition.class_named(m_columns[d])) {
            if (std::binary_search(named.begin(), named.end(), id)) {
              or_key(state, k + c / 64, Word{1} << (c % 64));
            }
          }
        }
      }
    });
    for (std::size_t i = 0; i < W; ++i) {
      for (Word bits = m_open[i] & columns[i]; bits != 0; bits &= bits - 1) {
        every_class(i * 64 + static_cast<std::size_t>(std::countr_zero(bits)), state);
      }
      for (Word bits = m_base_any[i] & ~m_open[i] & columns[i]; bits != 0; bits &= bits - 1) {
        const std::size_t d = i * 64 + static_cast<std::size_t>(std::countr_zero(bits));
        set_bit(touched, d);
        const std::size_t k = key(d);
        for (std::size_t at = m_base_key_start[d]; at < m_base_key_start[d + 1]; ++at) {
          or_key(state, k + m_base_key_words[at].first, m_base_key_words[at].second);
        }
      }
    }
  }

  // Column d passes on every port class.
  void every_class(std::size_t d, Scratch& state) const {
    set_bit(state.any.data(), d);
    set_bit(state.every.data(), d);
  }

  // A row without ordered tiers. Destinations no NetworkPolicy isolates for
  // ingress admit everything, so only the port classes that the source's
  // egress rules (when it is isolated for egress) or the ingress rules naming
  // it can admit are computed per destination; the rest of a destination's
  // answer is "everything" or the rules admitting everyone (the base).
  void row_network_policy(ClassId s, Scratch& state, std::vector<MatrixEntry>& out) const {
    const std::size_t W = m_words;
    const SourceInfo& info = m_source_info[s];
    const Families families = m_partition.families(s);
    Word* touched = state.any.data();
    std::fill_n(touched, W, 0);
    for (std::size_t w = 0; w < m_worlds.size(); ++w) {
      const World& world = m_worlds[w];
      if (world.family && families.known() && !families.has(*world.family)) {
        continue; // s sends no traffic of this family
      }
      const Word* fits = m_world_masks[w][families.code()].data();
      if (!info.egress_isolated) {
        // Not isolated for egress: every destination's ingress decides.
        admitted_by_ingress(s, world, fits, state);
        continue;
      }
      // Isolated for egress. Rules on every port: there, every destination's
      // ingress decides too (a row of every port class would cost the
      // cluster's port classes times the columns).
      if (!info.egress_everywhere.empty()) {
        Word* reach = state.reach.data();
        std::fill_n(reach, W, 0);
        for (PeerSetId p : info.egress_everywhere) {
          or_columns(reach, *m_peer_columns[w][p]);
        }
        for (std::size_t i = 0; i < W; ++i) {
          reach[i] &= fits[i];
        }
        admitted_by_ingress(s, world, reach, state);
      }
      if (info.egress.empty()) {
        continue;
      }
      // Rules on some ports: what they allow (only the port classes they can
      // admit), where the destination admits it: open, or admitting
      // everyone, or by an ingress rule naming s.
      const Scope& scope = scope_of(s, state.scope);
      const std::size_t K = scope.classes.size();
      const Lanes& lanes = egress_lanes(s, w, state);
      const std::size_t L = lanes.width;
      grow(state.ingress, K * L);
      grow(state.egress, K * L);
      Word* items = state.ingress.data();
      std::fill_n(items, K * L, 0);
      for_each_peer_set(s, world, [&](PeerSetId p) {
        if (!m_peer_masks[p].empty()) {
          or_peer_mask(items, p, scope, lanes);
          return;
        }
        for (const IngressItem& item : m_peer_items[p]) {
          add(items, *m_subject_columns[item.subject], item.ports, scope, lanes);
        }
      });
      egress(s, w, scope, lanes, state);
      // What passes, per scope class: allowed here, and admitted there.
      Word* passes = state.egress.data();
      for (std::size_t k = 0; k < K; ++k) {
        const PortClassId global = scope.classes[k];
        const Word* base = m_base_classes[global] ? m_np_base.data() + m_base_scope.local[global] * W : nullptr;
        for (std::size_t j = 0; j < L; ++j) {
          const std::size_t i = lanes.all ? j : lanes.words[j];
          Word& bits = passes[k * L + j];
          if (bits != 0) { // mostly not: skips the loads below
            bits &= (m_open[i] | items[k * L + j] | (base != nullptr ? base[i] : 0)) & fits[i];
            touched[i] |= bits;
          }
        }
      }
      fold_into_keys(passes, scope, lanes, nullptr, state);
      release_lanes(state.lanes);
    }
    for (std::uint32_t d : m_always[s]) {
      every_class(d, state);
    }
    trim(touched);
    begin_keys(state);
    std::size_t at = 0;
    for (std::size_t i = 0; i < W; ++i) {
      for (Word bits = touched[i]; bits != 0; bits &= bits - 1) {
        const std::size_t d = i * 64 + static_cast<std::size_t>(std::countr_zero(bits));
        out.push_back({m_columns[d], take_key(d, state, at)});
      }
    }
    end_row(state, at);
  }

  // ---- the port classes of an ordered row --------------------------------

  // A port filter's classes: one part when it has no named ports; else each
  // class it can admit alone (a named port resolves per destination).
  void refine_by_filter(Refinement& parts, PortFilterId filter) const {
    if (m_partition.filter_named(filter).empty()) {
      parts.refine(m_partition.covered_classes(filter));
      return;
    }
    for (PortClassId k : filter_scope(filter)) {
      parts.isolate(k);
    }
  }

  // The port classes of source s's ordered row, as parts that every rule
  // reaching the row treats alike: the rules of its egress tiers, the
  // ordered and NetworkPolicy ingress rules whose peers can hold it (in
  // either family), and the rules admitting everyone (the base). Classes of
  // one part get equal rows, so the row is computed once per part (its
  // first class stands for it) and each part's classes go into the keys
  // together (state.part_keys). On the benchmark's admin profiles the
  // cluster has hundreds to thousands of port classes; a row's rules split
  // them into a few dozen parts.
  const Scope& ordered_scope(ClassId s, Scratch& state) const {
    const SourceInfo& info = m_source_info[s];
    Refinement& parts = state.parts;
    parts.start(m_base_parts.part_of, m_base_parts.count);
    for (const auto& rules : info.ordered) {
      for (RuleId r : rules) {
        refine_by_filter(parts, m_program.rule(r).ports);
      }
    }
    for (const EgressItem& item : info.egress) {
      refine_by_filter(parts, item.ports);
    }
    for (const auto& rules : m_everything_ordered) {
      for (RuleId r : rules) {
        refine_by_filter(parts, m_program.rule(r).ports);
      }
    }
    for_each_peer_set(s, World{}, [&](PeerSetId p) {
      for (RuleId r : m_peer_ordered[p]) {
        refine_by_filter(parts, m_program.rule(r).ports);
      }
      for (const IngressItem& item : m_peer_items[p]) {
        refine_by_filter(parts, item.ports);
      }
    });
    // One row per part, its first class standing for it.
    const std::size_t key_words = (m_k + 63) / 64;
    Scope& reps = state.reps;
    reps.classes.clear();
    reps.local.assign(m_k, k_absent);
    state.part_local.assign(parts.count, k_absent);
    state.part_keys.clear();
    for (PortClassId k = 0; k < m_k; ++k) {
      std::uint32_t& local = state.part_local[parts.part_of[k]];
      if (local == k_absent) {
        local = static_cast<std::uint32_t>(reps.classes.size());
        reps.local[k] = local;
        reps.classes.push_back(k);
        state.part_keys.resize(state.part_keys.size() + key_words, 0);
      }
      state.part_keys[local * key_words + k / 64] |= Word{1} << (k % 64);
    }
    return reps;
  }

  // A row with ordered tiers: dense, one row per part of ordered_scope.
  void row_ordered(ClassId s, Scratch& state, std::vector<MatrixEntry>& out) const {
    const std::size_t W = m_words;
    const Scope& scope = ordered_scope(s, state);
    const std::size_t K = scope.classes.size();
    const Families families = m_partition.families(s);
    // One row of every column word per part (and a row for `every` below),
    // grown as parts require: not every port class times every column.
    for (Bits* bits : {&state.egress, &state.ingress, &state.rule, &state.result}) {
      grow(*bits, std::max<std::size_t>(K, 1) * W);
    }
    std::fill(state.any.begin(), state.any.end(), 0);
    Word* result = state.result.data();
    std::fill_n(result, K * W, 0);
    for (std::size_t w = 0; w < m_worlds.size() && K > 0; ++w) {
      const World& world = m_worlds[w];
      if (world.family && families.known() && !families.has(*world.family)) {
        continue; // s sends no traffic of this family
      }
      const Word* fits = m_world_masks[w][families.code()].data();
      const bool egress_limited = egress(s, w, scope, m_all_lanes, state);
      ingress(s, w, scope, state);
      for (std::size_t k = 0; k < K; ++k) {
        for (std::size_t i = 0; i < W; ++i) {
          const std::size_t at = k * W + i;
          Word bits = state.ingress[at] & fits[i];
          if (egress_limited) {
            bits &= state.egress[at];
          }
          result[at] |= bits;
        }
      }
    }
    for (std::size_t k = 0; k < K; ++k) {
      trim(&result[k * W]);
      or_into(state.any.data(), &result[k * W], W);
    }
    // Always-allowed pairs (node-local) pass on every port class.
    for (std::uint32_t d : m_always[s]) {
      set_bit(state.any.data(), d);
    }
    // Columns allowed on every port class (most, where no tier refuses
    // anything) share one key: interned once, not assembled class by class.
    Word* every = state.rule.data(); // free again: the folds are done
    std::fill_n(every, W, ~Word{0});
    for (std::size_t k = 0; k < K; ++k) {
      for (std::size_t i = 0; i < W; ++i) {
        every[i] &= result[k * W + i];
      }
    }
    for (std::uint32_t d : m_always[s]) {
      set_bit(every, d);
    }
    // The other columns.
    fold_into_keys(result, scope, m_all_lanes, every, state, state.part_keys.data());
    std::copy_n(every, W, state.every.data());
    begin_keys(state);
    std::size_t at = 0;
    for (std::size_t i = 0; i < W; ++i) {
      for (Word bits = state.any[i]; bits != 0; bits &= bits - 1) {
        const std::size_t d = i * 64 + static_cast<std::size_t>(std::countr_zero(bits));
        out.push_back({m_columns[d], take_key(d, state, at)});
      }
    }
    end_row(state, at);
  }

  const Partition& m_partition;
  const Program& m_program;
  std::vector<ClassId> m_sources;
  std::vector<ClassId> m_columns;          // column -> class
  std::vector<std::uint32_t> m_column_of; // class -> column, or k_absent
  std::size_t m_words = 0;
  std::size_t m_k = 0;
  bool m_ordered = false;
  unsigned m_threads = 0;
  std::vector<World> m_worlds;
  std::array<std::array<Bits, 4>, 2> m_world_masks;
  std::vector<SourceInfo> m_source_info;
  std::vector<std::vector<std::optional<Columns>>> m_peer_columns; // [world][peer set]
  std::vector<std::optional<Columns>> m_subject_columns;           // [selection]
  Bits m_isolated_in;
  Bits m_open;      // columns no NetworkPolicy isolates for ingress
  // Per port class of m_base_scope: columns the rules admitting everyone open.
  Scope m_base_scope;
  Bits m_np_base;
  Bits m_base_any;  // columns with some bit in m_np_base
  std::vector<bool> m_base_classes; // port classes with some bit in m_np_base
  Refinement m_base_parts; // port classes with equal m_np_base rows, by the filters making them
  // Per column d, m_np_base's port classes as key words: m_base_key_words
  // [m_base_key_start[d] .. m_base_key_start[d + 1]) (m_base_key_classes: as
  // classes, while they are gathered).
  std::vector<std::size_t> m_base_key_start;
  std::vector<PortClassId> m_base_key_classes;
  KeyWords m_base_key_words;
  std::vector<Word> m_everything_key; // every port class, as an interned key
  // Per peer set with a mask: its ingress rules' port classes.
  std::vector<std::vector<PortClassId>> m_peer_scope;
  std::vector<std::vector<IngressItem>> m_peer_items; // NetworkPolicy ingress rules by peer set
  std::vector<Bits> m_peer_masks;                     // their precomputed masks, when worth it
  std::vector<std::vector<RuleId>> m_peer_ordered;    // ordered-tier ingress rules by peer set
  std::array<std::vector<RuleId>, 2> m_everything_ordered;
  std::vector<RuleId> m_rank;
  std::vector<std::vector<std::uint32_t>> m_always; // per source class: columns
  std::vector<std::size_t> m_named_class_count;     // per named port: classes it resolves on
  std::vector<KeyWords> m_covered_words; // per filter: covered_classes as key words
  std::vector<std::vector<PortClassId>> m_filter_scope;  // per filter: port classes it can admit
  Scope m_full_scope;
  Lanes m_all_lanes; // every column word
};

void Bulk::run(std::vector<std::vector<MatrixEntry>>& rows,
               std::vector<ConnectionSet>& connections) const {
  rows.assign(m_partition.class_count(), {});
  unsigned threads = m_threads;
  if (threads == 0) {
    threads = std::max(1u, std::thread::hardware_concurrency());
    // Small matrices are not worth a thread.
    if (static_cast<double>(m_sources.size()) * static_cast<double>(m_columns.size()) *
            static_cast<double>(m_k) < 4e6) {
      threads = 1;
    }
  }
  const std::size_t chunk = 16; // rows a thread takes at once: few atomics, even spread
  // No more threads than chunks: each allocates its own scratch.
  threads = static_cast<unsigned>(std::min<std::size_t>({threads, 255u, (m_sources.size() + chunk - 1) / chunk}));
  threads = std::max(threads, 1u);
  std::vector<Scratch> states(threads);
  std::vector<std::uint8_t> owner(m_partition.class_count(), 0);
  std::atomic<std::size_t> next{0};
  auto work = [&](unsigned t) {
    Scratch& state = states[t];
    state.any.assign(m_words, 0);
    state.reach.assign(m_words, 0);
    state.keys.assign(m_columns.size() * ((m_k + 63) / 64), 0);
    state.every.assign(m_words, 0);
    for (;;) {
      const std::size_t begin = next.fetch_add(chunk);
      if (begin >= m_sources.size()) {
        break;
      }
      const std::size_t end = std::min(begin + chunk, m_sources.size());
      for (std::size_t i = begin; i < end; ++i) {
        const ClassId s = m_sources[i];
        row(s, state, rows[s]);
        owner[s] = static_cast<std::uint8_t>(t);
      }
    }
  };
  if (threads == 1) {
    work(0);
  } else {
    std::vector<std::thread> pool;
    for (unsigned t = 0; t < threads; ++t) {
      pool.emplace_back(work, t);
    }
    for (std::thread& thread : pool) {
      thread.join();
    }
  }
  // Merge the per-thread connection tables; id 0 is "none". Ids follow the
  // keys' order, not the threads' or the tables': the same answer whatever
  // rows each thread took.
  std::vector<const std::vector<Word>*> keys;
  for (unsigned t = 0; t < threads; ++t) {
    for (const auto& [key, local] : states[t].connections) {
      keys.push_back(&key);
    }
  }
  std::sort(keys.begin(), keys.end(), [](const std::vector<Word>* a, const std::vector<Word>* b) { return *a < *b; });
  keys.erase(std::unique(keys.begin(), keys.end(),
                         [](const std::vector<Word>* a, const std::vector<Word>* b) { return *a == *b; }),
             keys.end());
  connections.assign(1, ConnectionSet::none());
  ConnectionInterner global;
  global.emplace(std::vector<Word>{}, 0); // no key word: nothing
  for (const std::vector<Word>* key : keys) {
    if (!global.emplace(*key, static_cast<std::uint32_t>(connections.size())).second) {
      continue; // nothing
    }
    ConnectionSet set;
    for (std::size_t at = 0; at < key->size(); at += 2) {
      for (Word bits = (*key)[at + 1]; bits != 0; bits &= bits - 1) {
        const std::size_t k = (*key)[at] * 64 + static_cast<std::size_t>(std::countr_zero(bits));
        set.unite(m_partition.port_class(static_cast<PortClassId>(k)));
      }
    }
    connections.push_back(std::move(set));
  }
  std::vector<std::vector<std::uint32_t>> remap(threads);
  for (unsigned t = 0; t < threads; ++t) {
    remap[t].resize(states[t].connections.size());
    for (const auto& [key, local] : states[t].connections) {
      remap[t][local] = global.at(key);
    }
  }
  for (ClassId s : m_sources) {
    for (MatrixEntry& entry : rows[s]) {
      entry.connection = remap[owner[s]][entry.connection];
    }
  }
}

} // namespace

namespace {

// The pairs of workloads a matrix computes, as blocks of a partition scope:
// the focused (or all) sources against the chosen destinations, and for an
// ingress focus the other sources against the focused destinations.
PartitionScope matrix_scope(const Program& program, const MatrixOptions& options) {
  PartitionScope scope;
  scope.whole_source_classes = options.classes == MatrixOptions::Classes::whole_sources;
  if (options.classes == MatrixOptions::Classes::whole ||
      (!options.sources && !options.destinations && !options.focus)) {
    return scope;
  }
  const std::vector<model::Workload>& workloads = program.inventory().workloads;
  using FocusDirection = MatrixOptions::FocusDirection;
  const bool egress = !options.focus || options.focus_direction != FocusDirection::ingress;
  const bool ingress = options.focus && options.focus_direction != FocusDirection::egress;
  std::vector<std::uint32_t> focused_sources;
  std::vector<std::uint32_t> other_sources;
  std::vector<std::uint32_t> destinations;
  std::vector<std::uint32_t> focused_destinations;
  MatrixEndpoint endpoint;
  for (std::size_t w = 0; w < workloads.size(); ++w) {
    endpoint.workload = w;
    endpoint.id = workloads[w].display_name();
    const bool focused = !options.focus || options.focus(endpoint);
    const auto id = static_cast<std::uint32_t>(w);
    if (!options.sources || options.sources(endpoint)) {
      (egress && focused ? focused_sources : other_sources).push_back(id);
    }
    if (!options.destinations || options.destinations(endpoint)) {
      destinations.push_back(id);
      if (focused) {
        focused_destinations.push_back(id);
      }
    }
  }
  // nullopt for every workload.
  auto set = [&](std::vector<std::uint32_t>&& list) -> std::optional<std::vector<std::uint32_t>> {
    if (list.size() == workloads.size()) {
      return std::nullopt;
    }
    return std::move(list);
  };
  scope.blocks.clear();
  if (egress) {
    scope.blocks.push_back({set(std::move(focused_sources)), set(std::move(destinations))});
  }
  if (ingress) {
    scope.blocks.push_back({set(std::move(other_sources)), set(std::move(focused_destinations))});
  }
  return scope;
}

} // namespace

Matrix Matrix::compute(const Program& program, const MatrixOptions& options) {
  const Partition partition(program, matrix_scope(program, options));
  return compute(partition, options);
}

Matrix Matrix::compute(const Partition& partition, const MatrixOptions& options) {
  const Program& program = partition.program();
  const std::vector<model::Workload>& workloads = program.inventory().workloads;
  Matrix matrix;
  const std::size_t classes = partition.class_count();
  matrix.m_class_members.assign(classes, {});
  for (std::size_t w = 0; w < workloads.size(); ++w) {
    MatrixEndpoint endpoint;
    endpoint.kind = MatrixEndpointKind::workload;
    endpoint.workload = w;
    endpoint.id = workloads[w].display_name();
    matrix.m_endpoints.push_back(std::move(endpoint));
    matrix.m_class_of.push_back(partition.class_of_workload(w));
  }
  for (ClassId c = static_cast<ClassId>(partition.workload_class_count()); c < classes; ++c) {
    MatrixEndpoint endpoint;
    endpoint.kind = MatrixEndpointKind::external;
    endpoint.ranges = partition.ranges(c);
    endpoint.id = addresses_to_string(endpoint.ranges);
    matrix.m_endpoints.push_back(std::move(endpoint));
    matrix.m_class_of.push_back(c);
  }
  for (std::size_t e = 0; e < matrix.m_endpoints.size(); ++e) {
    matrix.m_class_members[matrix.m_class_of[e]].push_back(static_cast<std::uint32_t>(e));
  }

  matrix.m_row_computed.assign(classes, false);
  matrix.m_column_computed.assign(classes, false);
  for (std::size_t e = 0; e < matrix.m_endpoints.size(); ++e) {
    const MatrixEndpoint& endpoint = matrix.m_endpoints[e];
    const std::uint32_t cls = matrix.m_class_of[e];
    if (!options.sources || options.sources(endpoint)) {
      matrix.m_row_computed[cls] = true;
    }
    if (!options.destinations || options.destinations(endpoint)) {
      matrix.m_column_computed[cls] = true;
    }
  }
  std::vector<bool> focused(classes, !options.focus);
  if (options.focus) {
    for (std::size_t e = 0; e < matrix.m_endpoints.size(); ++e) {
      if (options.focus(matrix.m_endpoints[e])) {
        focused[matrix.m_class_of[e]] = true;
      }
    }
  }
  using FocusDirection = MatrixOptions::FocusDirection;
  const bool egress = !options.focus || options.focus_direction != FocusDirection::ingress;
  const bool ingress = options.focus && options.focus_direction != FocusDirection::egress;
  // The focused rows over every chosen column (egress), and for ingress the
  // other rows over the focused columns only.
  std::vector<ClassId> sources;
  std::vector<ClassId> columns;
  std::vector<ClassId> other_sources;
  std::vector<ClassId> focused_columns;
  for (ClassId c = 0; c < classes; ++c) {
    if (matrix.m_row_computed[c]) {
      if (egress && focused[c]) {
        sources.push_back(c);
      } else if (ingress) {
        other_sources.push_back(c);
      }
    }
    if (matrix.m_column_computed[c]) {
      columns.push_back(c);
      if (focused[c]) {
        focused_columns.push_back(c);
      }
    }
  }

  std::vector<std::vector<MatrixEntry>> rows;
  const Bulk bulk(partition, std::move(sources), columns, options.threads);
  bulk.run(rows, matrix.m_connections);
  if (ingress && !other_sources.empty() && !focused_columns.empty()) {
    std::vector<std::vector<MatrixEntry>> more;
    std::vector<ConnectionSet> more_connections;
    const Bulk other(partition, other_sources, focused_columns, options.threads);
    other.run(more, more_connections);
    // Its connection ids, in the first table.
    std::vector<std::uint32_t> remap(more_connections.size(), 0);
    for (std::uint32_t id = 1; id < more_connections.size(); ++id) {
      const auto found = std::find(matrix.m_connections.begin(), matrix.m_connections.end(),
                                   more_connections[id]);
      remap[id] = static_cast<std::uint32_t>(found - matrix.m_connections.begin());
      if (found == matrix.m_connections.end()) {
        matrix.m_connections.push_back(more_connections[id]);
      }
    }
    for (ClassId s : other_sources) {
      for (MatrixEntry& entry : more[s]) {
        entry.connection = remap[entry.connection];
      }
      rows[s] = std::move(more[s]);
    }
  }
  matrix.m_port_classes = partition.port_class_count();
  matrix.m_address_atoms = partition.atoms().size();

  matrix.m_row_start.reserve(rows.size() + 1);
  matrix.m_row_start.push_back(0);
  std::size_t total = 0;
  for (const std::vector<MatrixEntry>& row : rows) {
    total += row.size();
  }
  matrix.m_entries.reserve(total);
  for (std::vector<MatrixEntry>& row : rows) {
    matrix.m_entries.insert(matrix.m_entries.end(), row.begin(), row.end());
    matrix.m_row_start.push_back(matrix.m_entries.size());
    std::vector<MatrixEntry>().swap(row);
  }
  matrix.m_self_all.assign(matrix.m_endpoints.size(), false);
  for (std::size_t e = 0; e < workloads.size(); ++e) {
    matrix.m_self_all[e] = workloads[e].kind == model::WorkloadKind::pod ||
                           program.addresses().node_local(e, e);
  }
  matrix.m_all = ConnectionSet::all();
  return matrix;
}

std::span<const MatrixEntry> Matrix::row(std::size_t cls) const {
  assert(cls + 1 < m_row_start.size());
  return {m_entries.data() + m_row_start[cls], m_row_start[cls + 1] - m_row_start[cls]};
}

std::uint32_t Matrix::connection_between(std::uint32_t from, std::uint32_t to) const {
  const std::span<const MatrixEntry> entries = row(from);
  const auto it = std::lower_bound(
      entries.begin(), entries.end(), to,
      [](const MatrixEntry& entry, std::uint32_t cls) { return entry.to < cls; });
  return it != entries.end() && it->to == to ? it->connection : 0;
}

const ConnectionSet& Matrix::allowed(std::size_t from, std::size_t to) const {
  if (from == to && m_self_all[from]) {
    return m_all;
  }
  return m_connections[connection_between(m_class_of[from], m_class_of[to])];
}

} // namespace npcheck::analyzer
