// SPDX-License-Identifier: Apache-2.0
#pragma once

// What npcheck knows about kinds: the ones it models with the API versions a
// current API server serves for them, the policy kinds of other APIs and
// engines that also decide traffic (left out of every answer, with a
// warning), and the other built-in kinds (skipped without a "did you mean").
// Private to the model layer.

#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace npcheck::model::detail {

struct ModelledKind {
  std::string_view kind;
  std::string_view api_version; // the one served version, "group/version" or "v1"
  // API groups that once served the kind and no longer do (e.g. extensions).
  std::span<const std::string_view> retired_groups;
};

// The modelled kind called exactly kind, or nullptr.
const ModelledKind* find_modelled_kind(std::string_view kind);
// The modelled kind whose name equals kind ignoring case, or nullptr.
const ModelledKind* find_modelled_kind_ignoring_case(std::string_view kind);

// "apps" for "apps/v1", "" (the core group) for "v1".
std::string_view api_group(std::string_view api_version);

// Whether group is one of the Kubernetes API's own: the core group (""),
// apps, batch, extensions, policy, autoscaling, and every *.k8s.io group.
bool is_kubernetes_group(std::string_view group);

// Whether (group, kind) is a policy of another API or engine that changes
// what traffic is allowed and that npcheck does not model.
bool is_unmodelled_policy(std::string_view group, std::string_view kind);

// The known kind (modelled or unmodelled policy) that kind is probably a
// misspelling of: a plural, or a name one or two edits away that is not a
// built-in kind of its own; nullopt when none.
std::optional<std::string> misspelt_kind(std::string_view kind);

// Whether text can be a kind: a letter, then letters and digits.
bool is_kind_name(std::string_view text);

} // namespace npcheck::model::detail
