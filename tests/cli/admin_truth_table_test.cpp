// SPDX-License-Identifier: Apache-2.0
//
// The admin-policy world (testdata/admin-world/world.yaml: namespaces x, y,
// z, pods a, b, c in each, a hostNetwork pod, two Nodes, dual-stack pods)
// with one scenario of AdminNetworkPolicy / BaselineAdminNetworkPolicy
// (v1alpha1) or ClusterNetworkPolicy (v1alpha2) at a time: every pair of
// endpoints (pods by name, node addresses, external and IPv6 addresses) is
// asked as `npcheck can-reach` asks it (endpoint arguments resolved by the
// same function, then the program's scalar evaluator) and the answers, drawn
// as a truth table ('.' allowed, 'X' denied, '-' no IP family in common),
// must equal scenarios/<name>.expected, which expected_tables.py writes from
// rules written by hand from shared/spec/admin-policies.md. The manifests are
// loaded once per scenario; one allowed and one denied flow of each also go
// through the real command line, which must agree.
#include "endpoint_arg.hpp"
#include "support/scratch_dir.hpp"

#include <npcheck/analyzer/program.hpp>
#include <npcheck/cli/run.hpp>
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

namespace {

using npcheck::testing::read_file;

const std::string k_admin_world = std::string(NPCHECK_TESTDATA_DIR) + "/admin-world/";

const std::vector<std::string> k_endpoints = {
    "x/a", "x/b", "x/c", "y/a", "y/b", "y/c", "z/a", "z/b", "z/c", "z/h",
    "10.0.0.1", "10.0.0.2", "203.0.113.5", "fd00::1:2", "fd00::2:2", "2001:db8::5"};

// One scenario file each: anp-* are v1alpha1, cnp-* v1alpha2.
const std::string k_scenarios[] = {
    "anp-admin-deny-ingress",     "cnp-admin-deny-ingress",     "anp-admin-allow-ingress",
    "cnp-admin-allow-ingress",    "anp-pass-ingress",           "cnp-pass-ingress",
    "anp-pass-egress",            "cnp-pass-egress",            "anp-priority-egress",
    "cnp-priority-egress",        "anp-rule-order-ingress",     "cnp-rule-order-ingress",
    "anp-baseline-allow-deny",    "cnp-baseline-allow-deny",    "anp-pass-skips-later-admin",
    "cnp-pass-skips-later-admin", "cnp-baseline-pass",          "anp-networks-egress",
    "cnp-networks-egress",        "anp-nodes-egress",           "cnp-nodes-egress",
    "anp-named-ports",            "cnp-named-ports",            "anp-port-filters",
    "cnp-protocols",              "anp-host-network",           "cnp-host-network"};

const std::pair<const char*, int> k_probes[] = {
    {"TCP", 80}, {"TCP", 81}, {"UDP", 53}, {"UDP", 80}, {"SCTP", 80}};

struct Probe {
  std::string from;
  std::string to;
  std::string protocol;
  int port = 0;
  bool allowed = false;
};

int admin_cli_can_reach(const std::string& scenario, const Probe& probe) {
  std::string world = k_admin_world + "world.yaml";
  std::string policies = k_admin_world + "scenarios/" + scenario + ".yaml";
  std::string port_text = std::to_string(probe.port);
  std::vector<const char*> argv = {"npcheck", "can-reach", "-q", "-f", world.c_str(), "-f",
                                   policies.c_str(), "--from", probe.from.c_str(), "--to",
                                   probe.to.c_str(), "--port", port_text.c_str(), "--protocol",
                                   probe.protocol.c_str()};
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  int rc = npcheck::cli::run(static_cast<int>(argv.size()), argv.data(), in, out, err);
  INFO(err.str());
  REQUIRE((rc == 0 || rc == 1));
  return rc;
}

// The truth table of a scenario, and one allowed flow that no rule of thumb
// (self, own node) decides and one denied flow, to ask the command line.
std::string admin_truth_table(const std::string& scenario, std::optional<Probe>& allowed_probe,
                        std::optional<Probe>& denied_probe) {
  const npcheck::model::Inventory inventory = npcheck::model::load_paths(
      {k_admin_world + "world.yaml", k_admin_world + "scenarios/" + scenario + ".yaml"});
  REQUIRE(inventory.ok());
  const npcheck::analyzer::Program program(inventory);
  std::vector<npcheck::analyzer::FlowEndpoint> endpoints;
  for (const std::string& text : k_endpoints) {
    endpoints.push_back(npcheck::cli::parse_endpoint(text, "--from", inventory, program.addresses()));
  }
  const std::size_t n = endpoints.size();
  std::vector<npcheck::analyzer::FlowResult> flows;
  flows.reserve(n * n);
  for (std::size_t s = 0; s < n; ++s) {
    for (std::size_t d = 0; d < n; ++d) {
      flows.push_back(program.evaluate(endpoints[s], endpoints[d]));
    }
  }
  std::size_t width = 0;
  for (const std::string& e : k_endpoints) {
    width = std::max(width, e.size());
  }
  width += 2;
  auto rstrip = [](std::string line) {
    while (!line.empty() && line.back() == ' ') {
      line.pop_back();
    }
    return line + '\n';
  };
  std::string text;
  for (const auto& [protocol, port] : k_probes) {
    const npcheck::model::Protocol parsed = *npcheck::model::parse_protocol(protocol);
    text += std::string(protocol) + '/' + std::to_string(port) + '\n';
    std::string header(width, ' ');
    for (std::size_t d = 0; d < n; ++d) {
      header += (d == 0 ? "" : " ") + k_endpoints[d];
    }
    text += rstrip(header);
    for (std::size_t s = 0; s < n; ++s) {
      std::string row = k_endpoints[s] + std::string(width - k_endpoints[s].size(), ' ');
      for (std::size_t d = 0; d < n; ++d) {
        const npcheck::analyzer::FlowResult& flow = flows[s * n + d];
        char cell = 'X';
        if (flow.no_common_family) {
          cell = '-';
        } else if (flow.allows(parsed, static_cast<std::uint16_t>(port))) {
          cell = '.';
        }
        row += (d == 0 ? "" : " ") + std::string(1, cell) + std::string(k_endpoints[d].size() - 1, ' ');
        // The first allowed and the last denied flow (often from an address).
        if (cell == '.' && flow.always == npcheck::analyzer::AlwaysAllowed::no && !allowed_probe) {
          allowed_probe = Probe{k_endpoints[s], k_endpoints[d], protocol, port, true};
        } else if (cell == 'X') {
          denied_probe = Probe{k_endpoints[s], k_endpoints[d], protocol, port, false};
        }
      }
      text += rstrip(row);
    }
    text += '\n';
  }
  return text;
}

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("can-reach::admin_truth_tables") {
  for (const std::string& scenario : k_scenarios) {
    SUBCASE(scenario.c_str()) {
      std::string expected = read_file(k_admin_world + "scenarios/" + scenario + ".expected");
      REQUIRE(!expected.empty());
      std::optional<Probe> allowed;
      std::optional<Probe> denied;
      CHECK_EQ(admin_truth_table(scenario, allowed, denied), expected);
      for (const std::optional<Probe>& probe : {allowed, denied}) {
        if (probe) {
          INFO(scenario, ": ", probe->from, " -> ", probe->to, " ", probe->protocol, "/", probe->port);
          CHECK_EQ(admin_cli_can_reach(scenario, *probe) == 0, probe->allowed);
        }
      }
    }
  }
}

TEST_CASE("can-reach::admin_truth_tables_list_every_scenario") {
  // A scenario file left out of k_scenarios would go untested.
  for (const auto& entry : std::filesystem::directory_iterator(k_admin_world + "scenarios")) {
    if (entry.path().extension() == ".yaml") {
      const std::string name = entry.path().stem().string();
      INFO(name);
      CHECK(std::find(std::begin(k_scenarios), std::end(k_scenarios), name) != std::end(k_scenarios));
    }
  }
}

TEST_SUITE_END();
