// SPDX-License-Identifier: Apache-2.0
#pragma once

#include <npcheck/model/labels.hpp>
#include <npcheck/model/source_location.hpp>

#include <string>
#include <vector>

namespace npcheck::model {

enum class Operator { in, not_in, exists, does_not_exist };

// One matchExpressions entry.
struct Requirement {
  std::string key;
  Operator op = Operator::exists;
  std::vector<std::string> values;
};

// A metav1.LabelSelector: matchLabels AND every matchExpressions entry.
// An empty selector ({}) matches everything.
struct LabelSelector {
  Labels match_labels;
  std::vector<Requirement> match_expressions;
  SourceLocation where;

  bool empty() const { return match_labels.empty() && match_expressions.empty(); }
  // Kubernetes' string form, e.g. "app=web,tier in (a,b),!legacy"; "{}" when empty.
  std::string to_string() const;
};

const char* to_string(Operator op);

} // namespace npcheck::model
