// SPDX-License-Identifier: Apache-2.0
//
// Lint checks of address blocks: an ipBlock that covers known pod or node
// addresses (NP501), one that admits every address (NP502), and CIDRs with
// host bits set (NP503).

#include "lint_context.hpp"

#include <npcheck/analyzer/address_set.hpp>

#include <algorithm>

namespace npcheck::analyzer::lint_detail {

namespace {

// Every known pod and node address with what it is, for NP501.
std::vector<std::pair<model::IpAddress, std::string>> cluster_addresses(const Context& context) {
  std::vector<std::pair<model::IpAddress, std::string>> result;
  for (const model::Workload& w : context.workloads()) {
    for (const model::IpAddress& ip : w.pod_ips) {
      result.emplace_back(ip, (w.host_network ? "node IP " : "pod IP ") + ip.to_string() +
                                  " (" + w.display_name() + ')');
    }
    if (w.host_ip) {
      result.emplace_back(*w.host_ip, "node IP " + w.host_ip->to_string() + " (hostIP of " +
                                          w.display_name() + ')');
    }
  }
  for (const model::Node& node : context.inventory().nodes) {
    for (const model::IpAddress& ip : node.addresses) {
      result.emplace_back(ip, "node IP " + ip.to_string() + " (Node " + node.name + ')');
    }
  }
  std::sort(result.begin(), result.end());
  result.erase(std::unique(result.begin(), result.end(),
                           [](const auto& a, const auto& b) { return a.first == b.first; }),
               result.end());
  return result;
}

void check_ip_block(Context& context, const model::NetworkPolicy& pol, const model::IpBlock& block,
                    const std::string& path,
                    const std::vector<std::pair<model::IpAddress, std::string>>& known, bool in_force) {
  const bool allow_all = block.cidr.prefix == 0 && block.except.empty();
  if (!in_force) {
    // The rule is ignored (NP403 says so): only its spelling is checked.
  } else if (allow_all) {
    context.add("NP502", LintSeverity::warning, block.where, pol.display_name(),
        path + ".cidr " + block.cidr.to_string() + " admits every " +
            (block.cidr.address.family == model::IpFamily::v4 ? "IPv4" : "IPv6") +
            " address, and pod and node IPs too on CNIs that match them",
        "for destinations outside the cluster add except with the pod and node CIDRs; "
        "for everything, leave out from/to");
  } else {
    const AddressSet addresses = AddressSet::from_ip_block(block);
    std::vector<std::string> covered;
    // known is sorted by address: only those inside the cidr are candidates.
    const model::IpAddress first = block.cidr.first();
    const model::IpAddress last = block.cidr.last();
    auto it = std::lower_bound(known.begin(), known.end(), first,
                               [](const auto& entry, const model::IpAddress& ip) { return entry.first < ip; });
    for (; it != known.end() && it->first <= last; ++it) {
      if (addresses.contains(it->first)) {
        covered.push_back(it->second);
      }
    }
    const std::string& choice = context.options().ipblock_choice;
    if (!covered.empty() && choice.empty()) {
      context.add("NP501", LintSeverity::warning, block.where, pol.display_name(),
          path + " " + block.cidr.to_string() + " covers " + list(covered) +
              ": whether an ipBlock matches pod or node traffic depends on the CNI",
          "select pods with podSelector/namespaceSelector, and except the pod and node "
          "ranges from the block");
    } else if (!covered.empty()) {
      // The user named the CNI's choice: the rule's meaning is known, said as an info.
      const bool matches = context.program().options().ipblock_matches_pods;
      context.add("NP501", LintSeverity::info, block.where, pol.display_name(),
          path + " " + block.cidr.to_string() + " covers " + list(covered) + ": with --ipblock-matches-pods " +
              choice + " it " + (matches ? "matches their traffic" : "does not match their traffic"),
          "to keep the rule's meaning on every CNI, select pods with podSelector/namespaceSelector and "
          "except the pod and node ranges from the block");
    }
  }
  auto host_bits = [&](const model::Cidr& cidr, const std::string& field) {
    if (!cidr.has_host_bits()) {
      return;
    }
    const std::string network = cidr.first().to_string() + '/' + std::to_string(cidr.prefix);
    const int full = cidr.address.family == model::IpFamily::v4 ? 32 : 128;
    context.add("NP503", LintSeverity::warning, block.where, pol.display_name(),
        path + '.' + field + ": " + quoted(cidr.to_string()) +
            " has host bits set; it means " + network,
        "write " + network + ", or " + cidr.address.to_string() + '/' + std::to_string(full) +
            " for the single address");
  };
  host_bits(block.cidr, "cidr");
  for (std::size_t e = 0; e < block.except.size(); ++e) {
    host_bits(block.except[e], "except[" + std::to_string(e) + ']');
  }
}

} // namespace

// NP501: an ipBlock whose cidr-minus-except contains a known pod or node IP
// (not for the allow-alls of NP502). NP502: cidr with prefix 0 and no
// except. NP503: a cidr or except with host bits set.
void check_ip_blocks(Context& context) {
  // NP503 for the networks peers of admin policies too.
  for (const model::AdminPolicy& pol : context.inventory().admin_policies) {
    for (std::size_t r = 0; r < pol.egress.size(); ++r) {
      for (std::size_t i = 0; i < pol.egress[r].peers.size(); ++i) {
        const model::AdminPeer& peer = pol.egress[r].peers[i];
        for (std::size_t c = 0; c < peer.networks.size(); ++c) {
          const model::Cidr& cidr = peer.networks[c];
          if (!cidr.has_host_bits()) {
            continue;
          }
          const std::string network = cidr.first().to_string() + '/' + std::to_string(cidr.prefix);
          const int full = cidr.address.family == model::IpFamily::v4 ? 32 : 128;
          context.add("NP503", LintSeverity::warning, peer.where, pol.display_name(),
              peer_path(Direction::egress, r, i) + ".networks[" + std::to_string(c) + "]: " +
                  quoted(cidr.to_string()) + " has host bits set; it means " + network,
              "write " + network + ", or " + cidr.address.to_string() + '/' + std::to_string(full) +
                  " for the single address");
        }
      }
    }
  }
  const auto known = cluster_addresses(context);
  for (const model::NetworkPolicy& pol : context.inventory().policies) {
    for (Direction direction : {Direction::ingress, Direction::egress}) {
      const std::vector<model::Rule>& list = rules(pol, direction);
      for (std::size_t r = 0; r < list.size(); ++r) {
        for (std::size_t i = 0; i < list[r].peers.size(); ++i) {
          if (list[r].peers[i].ip_block) {
            check_ip_block(context, pol, *list[r].peers[i].ip_block,
                           peer_path(direction, r, i) + ".ipBlock", known, affects(pol, direction));
          }
        }
      }
    }
  }
}

} // namespace npcheck::analyzer::lint_detail
