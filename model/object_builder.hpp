// SPDX-License-Identifier: Apache-2.0
#pragma once

// Turns RawDocuments into model objects, validating as the API server would.
// Private to the model layer.

#include "raw_document.hpp"

#include <npcheck/model/inventory.hpp>

#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace npcheck::model::detail {

using Object = std::variant<Namespace, Workload, Node, NetworkPolicy, AdminPolicy, Service>;

// What one chunk of input produced, kept apart so that chunks can be built on
// several threads and merged in input order.
struct ChunkResult {
  std::vector<Object> objects;
  std::vector<Diagnostic> errors;
  std::vector<Diagnostic> warnings;
  std::vector<Diagnostic> infos;
  std::map<std::string, int> skipped_kinds;
  // Skipped objects of unknown kinds in other API groups (custom resources,
  // which operators turn into pods): (namespace, "Kind name").
  std::vector<std::pair<std::string, std::string>> custom_resources;
  std::vector<LintIgnore> lint_ignores;
  std::map<std::pair<std::string, std::string>, int> unmodelled_policies;
  int non_objects = 0; // documents of a walked file that are not objects
  int documents = 0;
  // Where each object read is, valid or not, in order (a List counts its
  // items, not itself): what --max-objects counts.
  std::vector<SourceLocation> objects_read;
};

// How a document is read. A file found by walking a directory may hold
// documents that are no Kubernetes objects at all (neither apiVersion nor
// kind): they are counted, not errors. Named files and stdin are strict.
enum class Strictness { strict, walked };

// Builds every object of doc (a List's items one by one) into result.
void build_objects(const RawDocument& doc, const std::shared_ptr<const std::string>& file,
                   const std::string& default_namespace, const LoadLimits& limits,
                   Strictness strictness, ChunkResult& result);

// Validation of names and label syntax, shared with the selector checks.
// Each returns an empty string when valid, else why not.
std::string check_label_key(std::string_view key);
std::string check_label_value(std::string_view value);
std::string check_dns_label(std::string_view name);
std::string check_dns_subdomain(std::string_view name);
std::string check_port_name(std::string_view name);

// The rules of selectors and ipBlocks that both readers (manifests and
// check's expectations) apply, so that the same mistake reads the same:
// a CIDR from its text (nullopt, with why, when it is none); why an except
// is not inside its cidr ("" when it is); an operator from its name; why a
// requirement's values do not fit its operator ("" when they do).
std::optional<Cidr> parse_cidr_text(const std::string& text, std::string& why);
std::string except_problem(const Cidr& cidr, const Cidr& except);
std::optional<Operator> parse_operator_name(const std::string& text, std::string& why);
std::string requirement_values_problem(Operator op, bool has_values);

} // namespace npcheck::model::detail
