// SPDX-License-Identifier: Apache-2.0
//
// The loader and validation on arbitrary bytes. The bytes are one file as
// given (a first significant '{' or '[' takes the JSON path, anything else
// the YAML path, which also has the last word on JSON-looking text that is
// not JSON). The limits are lowered so that the fuzzer reaches them; text
// without a '*' has no alias, so it may not reach the alias limit even at 0
// (which catches the builder reading a container twice). Several documents
// load alike on one thread and on three. Loading
// must end in an Inventory (or model::Error for a too large text, which
// cannot happen here), every diagnostic must be well-formed, and an Inventory
// without errors must keep validation's promises (invariants.hpp). The same
// bytes named .json are read as JSON only: that too ends in an Inventory with
// well-formed diagnostics, and when it has no error, the YAML-named reading
// has none either. The analyzer then runs on it: engine against reference
// for the first few workloads, matrix against engine.
#include "targets.hpp"

#include "check.hpp"
#include "differential.hpp"
#include "invariants.hpp"

#include <npcheck/analyzer/program.hpp>
#include <npcheck/model/error.hpp>
#include <npcheck/model/load.hpp>

#include <algorithm>
#include <string>
#include <string_view>

namespace npcheck::fuzz {

int fuzz_load(const std::uint8_t* data, std::size_t size) {
  static const std::string k_file = "input.yaml";
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  model::LoadOptions options;
  options.threads = 1;
  options.limits.max_file_bytes = 1u << 20;
  options.limits.max_depth = 64;
  options.limits.max_objects = 64;
  options.limits.max_flow_bytes = 4096;
  // Without a '*' there is no alias, so nothing may count as repeated.
  const bool aliases = text.find('*') != std::string_view::npos;
  options.limits.max_alias_nodes = aliases ? 4096 : 0;
  model::Inventory inventory;
  try {
    inventory = model::load_string(text, k_file, options);
  } catch (const model::Error& e) {
    if (size <= options.limits.max_file_bytes) {
      fail(std::string("load_string threw for a text within the size limit: ") + e.what());
    }
    return 0;
  }
  check_diagnostics(inventory, text, k_file);
  {
    static const std::string k_json_file = "input.json";
    const model::Inventory json = model::load_string(text, k_json_file, options);
    check_diagnostics(json, text, k_json_file);
    if (json.ok() && !inventory.ok()) {
      fail("read as JSON only, the text has no error, but read as input.yaml it has:\n" +
           inventory.errors.front().to_string());
    }
  }
  // Several documents are parsed on several threads; the result must not change.
  if (text.find("\n---") != std::string_view::npos) {
    model::LoadOptions threaded = options;
    threaded.threads = 3;
    const model::Inventory again = model::load_string(text, k_file, threaded);
    auto shown = [](const std::vector<model::Diagnostic>& diagnostics) {
      std::string all;
      for (const model::Diagnostic& d : diagnostics) {
        all += d.to_string() + '\n';
      }
      return all;
    };
    if (shown(again.errors) != shown(inventory.errors) || shown(again.warnings) != shown(inventory.warnings) ||
        again.workloads.size() != inventory.workloads.size() || again.policies.size() != inventory.policies.size() ||
        again.namespaces.size() != inventory.namespaces.size() || again.documents != inventory.documents) {
      fail("loading on 3 threads gives another result than on 1:\n" + shown(inventory.errors) + "---\n" +
           shown(again.errors));
    }
  }
  for (const model::Diagnostic& d : inventory.errors) {
    static const std::string k_alias_limit = "nodes in this document (raise the limit with --max-alias-nodes)";
    if (!aliases && d.message.size() >= k_alias_limit.size() &&
        d.message.compare(d.message.size() - k_alias_limit.size(), k_alias_limit.size(), k_alias_limit) == 0) {
      fail("alias limit reached without aliases: " + d.to_string());
    }
  }
  if (!inventory.ok()) {
    return 0;
  }
  check_valid_inventory(inventory);

  const analyzer::Program engine(inventory);
  const std::vector<std::uint16_t> ports = port_probes(inventory);
  const std::size_t workloads = std::min<std::size_t>(inventory.workloads.size(), 6);
  for (std::size_t a = 0; a < workloads; ++a) {
    for (std::size_t b = 0; b < workloads; ++b) {
      check_flow(inventory, engine, workload_end(inventory, a), workload_end(inventory, b), ports);
    }
  }
  MatrixCheck matrix;
  matrix.max_workloads = 6;
  matrix.max_external = 4;
  check_matrix(inventory, engine, matrix);
  return 0;
}

} // namespace npcheck::fuzz
