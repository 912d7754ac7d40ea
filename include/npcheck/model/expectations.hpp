// SPDX-License-Identifier: Apache-2.0
#pragma once

// Expectations: the connectivity a repository promises, written as YAML next
// to the manifests and checked by `npcheck check`. The schema is documented
// in man/npcheck.1 (EXPECTATIONS FILE) and shown in testdata/check-shop/.

#include <npcheck/model/error.hpp>
#include <npcheck/model/label_selector.hpp>
#include <npcheck/model/load.hpp>
#include <npcheck/model/network_policy.hpp>
#include <npcheck/model/source_location.hpp>
#include <npcheck/model/workload.hpp>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace npcheck::model {

struct Inventory;

// One side of an expectation. Exactly one of three shapes:
//  - all: every Pod and workload;
//  - cidr (with optional except): addresses, as ipBlock reads them;
//  - a pod filter: every given field must hold (namespace or
//    namespace_selector, name, kind, pod_selector); absent fields match all;
//  - a Service (service, with namespace_name): the pods its selector picks;
//    as a destination, the expectation's ports are service ports, each
//    mapped on every pod to its targetPort.
struct EndpointSpec {
  bool all = false;
  std::optional<IpBlock> cidr;
  std::optional<std::string> namespace_name;
  std::optional<LabelSelector> namespace_selector;
  std::optional<std::string> name;
  std::optional<WorkloadKind> kind;
  std::optional<LabelSelector> pod_selector;
  std::optional<std::string> service;
  SourceLocation where;

  // How the endpoint was written, e.g. "namespace=shop, selector app=api",
  // "all pods", "cidr 169.254.169.254/32".
  std::string to_string() const;
};

// A port range of one protocol, or of every protocol when protocol is absent.
struct PortSpec {
  std::optional<Protocol> protocol;
  std::uint16_t first = 1;
  std::uint16_t last = 65535;
  SourceLocation where;
};

enum class Verdict { allow, deny };

const char* to_string(Verdict verdict);

// allow: every listed port is open from every source to every destination.
// deny: no listed port is open for any (source, destination) pair.
struct Expectation {
  std::string name;
  EndpointSpec from;
  EndpointSpec to;
  // Empty: every port of every protocol (only allowed for deny).
  std::vector<PortSpec> ports;
  Verdict expect = Verdict::deny;
  SourceLocation where;
};

// The expectations of one file, in file order, and everything wrong with it.
struct ExpectationFile {
  std::string file;
  std::vector<Expectation> expectations;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;

  bool ok() const { return errors.empty(); }
};

// Reads and validates an expectations file (read as load_paths reads a
// manifest file, counted against budget when one is given). Problems with
// the content are returned in errors; throws Error when the file cannot be
// read at all or breaks a size limit.
ExpectationFile load_expectations(const std::string& path, const LoadLimits& limits = {},
                                  InputBudget* budget = nullptr);

// Reads an in-memory text as if it were the file called file_name.
ExpectationFile load_expectations_string(std::string_view text, const std::string& file_name,
                                         const LoadLimits& limits = {});

// Names in an expectation that the manifests do not have: a namespace, a
// Pod or workload name, a label key or value of a selector. Each is a warning
// located at the endpoint or selector, with the nearest existing name when
// one is close ("did you mean 'shop'?"): such an expectation usually matches
// nothing, or (in a NotIn or DoesNotExist) more than was meant.
std::vector<Diagnostic> check_names(const Expectation& expectation, const Inventory& inventory);

} // namespace npcheck::model
