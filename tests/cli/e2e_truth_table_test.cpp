// SPDX-License-Identifier: Apache-2.0
//
// The upstream e2e network-policy world (testdata/e2e-world/world.yaml) with
// one scenario at a time: every pair of pods is asked as `npcheck can-reach`
// asks it (endpoint arguments resolved by the same function, then the
// program's scalar evaluator) and the answers, drawn as a truth table, must
// equal scenarios/<name>.expected, which expected_tables.py writes from
// hand-written rules. The manifests are loaded once per scenario; the first
// probe of each also goes through the real command line, which must agree.
#include "endpoint_arg.hpp"
#include "support/scratch_dir.hpp"

#include <npcheck/analyzer/program.hpp>
#include <npcheck/cli/run.hpp>
#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

using npcheck::testing::read_file;

const std::string k_world = std::string(NPCHECK_TESTDATA_DIR) + "/e2e-world/";

int cli_can_reach(const std::string& scenario, const std::string& from, const std::string& to,
                  const std::string& protocol, int port) {
  std::string world = k_world + "world.yaml";
  std::string policies = k_world + "scenarios/" + scenario + ".yaml";
  std::string port_text = std::to_string(port);
  std::vector<const char*> argv = {"npcheck", "can-reach", "-q", "-f", world.c_str(), "-f",
                                   policies.c_str(), "--from", from.c_str(), "--to", to.c_str(),
                                   "--port", port_text.c_str(), "--protocol", protocol.c_str()};
  std::istringstream in;
  std::ostringstream out;
  std::ostringstream err;
  int rc = npcheck::cli::run(static_cast<int>(argv.size()), argv.data(), in, out, err);
  INFO(err.str());
  REQUIRE((rc == 0 || rc == 1));
  return rc;
}

std::string truth_table(const std::string& scenario) {
  const npcheck::model::Inventory inventory = npcheck::model::load_paths(
      {k_world + "world.yaml", k_world + "scenarios/" + scenario + ".yaml"});
  REQUIRE(inventory.ok());
  const npcheck::analyzer::Program program(inventory);
  std::vector<std::string> pods;
  for (const char* ns : {"x", "y", "z"}) {
    for (const char* pod : {"a", "b", "c"}) {
      pods.push_back(std::string(ns) + '/' + pod);
    }
  }
  auto allowed = [&](const std::string& from, const std::string& to, const char* protocol, int port) {
    const auto src = npcheck::cli::parse_endpoint(from, "--from", inventory, program.addresses());
    const auto dst = npcheck::cli::parse_endpoint(to, "--to", inventory, program.addresses());
    return program.evaluate(src, dst).allows(*npcheck::model::parse_protocol(protocol),
                                             static_cast<std::uint16_t>(port));
  };
  const std::pair<const char*, int> probes[] = {{"TCP", 80}, {"TCP", 81}, {"UDP", 80}, {"SCTP", 80}, {"SCTP", 81}};
  CHECK_EQ(cli_can_reach(scenario, pods[0], pods[1], "TCP", 80) == 0, allowed(pods[0], pods[1], "TCP", 80));
  std::string text;
  for (const auto& [protocol, port] : probes) {
    text += std::string(protocol) + '/' + std::to_string(port) + "\n   ";
    for (const std::string& pod : pods) {
      text += ' ' + pod;
    }
    text += '\n';
    for (const std::string& from : pods) {
      text += from;
      for (const std::string& to : pods) {
        text += allowed(from, to, protocol, port) ? "  . " : "  X ";
      }
      text += '\n';
    }
    text += '\n';
  }
  return text;
}

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("can-reach::e2e_truth_tables") {
  for (const char* scenario :
       {"deny-all-ingress-x", "allow-same-namespace-x", "allow-from-namespace-y-to-xa",
        "combined-namespace-y-and-pod-b", "separate-namespace-y-or-pod-b", "all-namespaces-pod-b",
        "port-81-to-xa", "named-port-udp-to-xa", "deny-all-egress-xa", "egress-endport-to-y",
        "ipblock-except-ingress-xa", "ingress-and-egress-x"}) {
    SUBCASE(scenario) {
      std::string expected = read_file(k_world + "scenarios/" + scenario + ".expected");
      REQUIRE(!expected.empty());
      CHECK_EQ(truth_table(scenario), expected);
    }
  }
}

TEST_SUITE_END();
