// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/suggest.hpp>

#include <doctest/doctest.h>

#include <string>
#include <string_view>
#include <vector>

using npcheck::model::edit_distance;
using npcheck::model::nearest;

TEST_SUITE_BEGIN("model");

TEST_CASE("suggest::edit_distance") {
  CHECK_EQ(edit_distance("", ""), 0);
  CHECK_EQ(edit_distance("", "app"), 3);
  CHECK_EQ(edit_distance("app", ""), 3);
  CHECK_EQ(edit_distance("ap", "app"), 1);
  CHECK_EQ(edit_distance("apq", "app"), 1);
  SUBCASE("an adjacent transposition is one edit") {
    CHECK_EQ(edit_distance("lables", "labels"), 1);
    CHECK_EQ(edit_distance("chekc", "check"), 1);
    CHECK_EQ(edit_distance("ab", "ba"), 1);
  }
  SUBCASE("case does not count") {
    CHECK_EQ(edit_distance("PodSelector", "podSelector"), 0);
  }
  SUBCASE("case counts when asked (label keys and values)") {
    using npcheck::model::LetterCase;
    CHECK_EQ(edit_distance("Web", "web", LetterCase::significant), 1);
    CHECK_EQ(edit_distance("wbe", "web", LetterCase::significant), 1);
    CHECK_EQ(edit_distance("wBe", "web", LetterCase::significant), 2);
    CHECK_EQ(edit_distance("web", "web", LetterCase::significant), 0);
  }
  CHECK_EQ(edit_distance("kitten", "sitting"), 3);
}

TEST_CASE("suggest::nearest") {
  const std::vector<std::string> commands = {"validate", "can-reach", "matrix", "check", "diff", "lint"};
  CHECK_EQ(nearest("chek", commands, 2), std::optional<std::string>("check"));
  CHECK_EQ(nearest("lnit", commands, 2), std::optional<std::string>("lint"));
  CHECK_EQ(nearest("bogus", commands, 2), std::nullopt);
  SUBCASE("the word itself is no suggestion") {
    CHECK_EQ(nearest("diff", commands, 2), std::nullopt);
  }
  SUBCASE("the first of equally near candidates") {
    const std::vector<std::string_view> words = {"ab", "ba"};
    CHECK_EQ(nearest("aa", words, 1), std::optional<std::string>("ab"));
  }
}

TEST_SUITE_END();
