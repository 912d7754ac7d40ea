// SPDX-License-Identifier: Apache-2.0
#pragma once

// Field paths in Kubernetes spelling (spec.ingress[0].ports[1].endPort) for
// messages about a RawDocument, shared by the object builder and the
// expectations reader. Private to the model layer.

#include "raw_document.hpp"

#include <cstddef>
#include <initializer_list>
#include <string>
#include <string_view>

namespace npcheck::model::detail {

// A field path rendered only when a message needs it. Each level lives on the
// stack of the function reading that level and points at its parent.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;
  long index = -1;

  // The root path is not linked as a parent, so that Path{}.field("spec")
  // does not point at a temporary.
  Path field(std::string_view k) const { return Path{root() ? nullptr : this, k, -1}; }
  Path item(std::size_t i) const { return Path{root() ? nullptr : this, {}, static_cast<long>(i)}; }
  bool root() const { return parent == nullptr && key.empty() && index < 0; }

  std::string str() const {
    std::string head = parent ? parent->str() : std::string();
    if (index >= 0) {
      return head + '[' + std::to_string(index) + ']';
    }
    if (key.empty()) {
      return head;
    }
    return head.empty() ? std::string(key) : head + '.' + std::string(key);
  }
};

// "null", "a mapping", "a list" or "a scalar", for "expected X, found Y".
inline const char* type_name(const RawNode& node) {
  switch (node.type) {
  case RawType::null:
    return "null";
  case RawType::map:
    return "a mapping";
  case RawType::seq:
    return "a list";
  case RawType::scalar:
    break;
  }
  return "a scalar";
}

using Fields = std::initializer_list<std::string_view>;

} // namespace npcheck::model::detail
