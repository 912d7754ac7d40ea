// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/labels.hpp>

#include <doctest/doctest.h>

#include <string>
#include <vector>

using npcheck::model::Labels;

TEST_SUITE_BEGIN("model");

TEST_CASE("Labels::Labels(vector)") {
  SUBCASE("sorted by key, as set() in any order would give") {
    Labels built(std::vector<Labels::Entry>{{"tier", "web"}, {"app", "api"}, {"env", "prod"}});
    Labels inserted;
    inserted.set("tier", "web");
    inserted.set("app", "api");
    inserted.set("env", "prod");
    CHECK_EQ(built, inserted);
    CHECK_EQ(built.to_string(), "app=api,env=prod,tier=web");
    CHECK_EQ(*built.find("env"), "prod");
  }
  SUBCASE("of entries with one key, the last one wins") {
    Labels built(std::vector<Labels::Entry>{{"b", "1"}, {"a", "x"}, {"b", "2"}, {"a", "y"}, {"b", "3"}});
    CHECK_EQ(built.to_string(), "a=y,b=3");
    CHECK_EQ(built.size(), 2);
  }
  SUBCASE("none") {
    CHECK(Labels(std::vector<Labels::Entry>{}).empty());
  }
}
