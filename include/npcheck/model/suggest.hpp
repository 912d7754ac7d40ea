// SPDX-License-Identifier: Apache-2.0
#pragma once

// "Did you mean" hints: the known word nearest to a misspelt one.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace npcheck::model {

// Whether edit_distance tells upper from lower case: not for names of
// fields and kinds, which users mistype in case; yes for label keys and
// values, where case is the difference.
enum class LetterCase { ignored, significant };

// Edit distance between two words: insertions, deletions, substitutions and
// transpositions of adjacent letters each count 1 ("lables" is 1 from
// "labels"); by default letters are compared without case ("PodSelector" is
// 0 from "podSelector").
std::size_t edit_distance(std::string_view a, std::string_view b, LetterCase letters = LetterCase::ignored);

// Whether a and b are the same word with ASCII letters compared without case.
bool iequals(std::string_view a, std::string_view b);

// The candidate nearest to word within max_distance (the first of equally
// near ones), or nullopt. A candidate equal to word is not a suggestion.
template <typename Range>
std::optional<std::string> nearest(std::string_view word, const Range& candidates,
                                   std::size_t max_distance) {
  std::optional<std::string> best;
  std::size_t best_distance = max_distance + 1;
  for (const auto& candidate : candidates) {
    const std::string_view text(candidate);
    if (text == word) {
      continue;
    }
    const std::size_t d = edit_distance(word, text);
    if (d < best_distance) {
      best_distance = d;
      best = std::string(text);
    }
  }
  return best;
}

} // namespace npcheck::model
