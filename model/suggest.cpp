// SPDX-License-Identifier: Apache-2.0
//
// Edit distance for "did you mean" hints: the optimal string alignment
// variant of Damerau-Levenshtein (a transposition of two adjacent letters is
// one edit, the commonest typo), over letters folded to lower case.
#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <cctype>
#include <vector>

namespace npcheck::model {

namespace {

bool same_letter(char a, char b) {
  return std::tolower(static_cast<unsigned char>(a)) == std::tolower(static_cast<unsigned char>(b));
}

} // namespace

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), same_letter);
}

std::size_t edit_distance(std::string_view a, std::string_view b, LetterCase letters) {
  const bool fold = letters == LetterCase::ignored;
  auto same = [fold](char x, char y) { return fold ? same_letter(x, y) : x == y; };
  // Three rows of the table: i-2, i-1 and i.
  std::vector<std::size_t> before(b.size() + 1);
  std::vector<std::size_t> above(b.size() + 1);
  std::vector<std::size_t> row(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) {
    above[j] = j;
  }
  for (std::size_t i = 1; i <= a.size(); ++i) {
    row[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = same(a[i - 1], b[j - 1]) ? 0 : 1;
      row[j] = std::min({above[j] + 1, row[j - 1] + 1, above[j - 1] + cost});
      if (i > 1 && j > 1 && same(a[i - 1], b[j - 2]) && same(a[i - 2], b[j - 1])) {
        row[j] = std::min(row[j], before[j - 2] + 1);
      }
    }
    std::swap(before, above);
    std::swap(above, row);
  }
  return above[b.size()];
}

} // namespace npcheck::model
