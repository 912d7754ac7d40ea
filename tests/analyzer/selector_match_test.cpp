// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/selector_match.hpp>

#include <npcheck/model/inventory.hpp>

#include <doctest/doctest.h>

using npcheck::analyzer::EndpointIndex;
using npcheck::analyzer::matches;
using npcheck::model::LabelSelector;
using npcheck::model::Labels;
using npcheck::model::Operator;
using npcheck::model::Requirement;

namespace {

LabelSelector with(Requirement requirement) {
  LabelSelector selector;
  selector.match_expressions.push_back(std::move(requirement));
  return selector;
}

} // namespace

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("selector::matches") {
  const Labels web{{"app", "web"}, {"tier", "front"}};
  const Labels bare;

  SUBCASE("empty selector matches everything") {
    CHECK(matches(LabelSelector{}, web));
    CHECK(matches(LabelSelector{}, bare));
  }
  SUBCASE("matchLabels") {
    LabelSelector selector;
    selector.match_labels = Labels{{"app", "web"}};
    CHECK(matches(selector, web));
    CHECK_FALSE(matches(selector, bare));
    selector.match_labels = Labels{{"app", "web"}, {"tier", "back"}};
    CHECK_FALSE(matches(selector, web));
  }
  SUBCASE("In") {
    CHECK(matches(with({"tier", Operator::in, {"back", "front"}}), web));
    CHECK_FALSE(matches(with({"tier", Operator::in, {"back"}}), web));
    CHECK_FALSE(matches(with({"tier", Operator::in, {"front"}}), bare));
  }
  SUBCASE("NotIn matches objects lacking the key") {
    CHECK(matches(with({"tier", Operator::not_in, {"back"}}), web));
    CHECK_FALSE(matches(with({"tier", Operator::not_in, {"front"}}), web));
    CHECK(matches(with({"tier", Operator::not_in, {"front"}}), bare));
  }
  SUBCASE("Exists") {
    CHECK(matches(with({"app", Operator::exists, {}}), web));
    CHECK_FALSE(matches(with({"app", Operator::exists, {}}), bare));
  }
  SUBCASE("DoesNotExist matches objects lacking the key") {
    CHECK_FALSE(matches(with({"app", Operator::does_not_exist, {}}), web));
    CHECK(matches(with({"app", Operator::does_not_exist, {}}), bare));
  }
  SUBCASE("matchLabels AND expressions") {
    LabelSelector selector = with({"tier", Operator::in, {"front"}});
    selector.match_labels = Labels{{"app", "web"}};
    CHECK(matches(selector, web));
    selector.match_expressions.push_back({"app", Operator::not_in, {"web"}});
    CHECK_FALSE(matches(selector, web));
  }
  SUBCASE("value comparison is exact") {
    CHECK_FALSE(matches(with({"app", Operator::in, {"Web", "web2"}}), web));
  }
}

TEST_CASE("EndpointIndex::select_workloads") {
  npcheck::model::Inventory inventory;
  inventory.namespaces.push_back({"prod", Labels{{"env", "prod"}}, false, {}});
  auto add = [&](const char* ns, const char* name, Labels labels, bool host_network = false) {
    npcheck::model::Workload workload;
    workload.namespace_name = ns;
    workload.name = name;
    workload.labels = std::move(labels);
    workload.host_network = host_network;
    inventory.workloads.push_back(std::move(workload));
  };
  add("prod", "a", Labels{{"app", "web"}});
  add("prod", "b", Labels{{"app", "db"}});
  add("prod", "h", Labels{{"app", "web"}}, true);
  add("dev", "c", Labels{{"app", "web"}});
  const EndpointIndex index(inventory);

  SUBCASE("only pods of the namespace") {
    LabelSelector selector;
    selector.match_labels = Labels{{"app", "web"}};
    CHECK(index.select_workloads("prod", selector) == std::vector<std::size_t>{0});
    CHECK(index.select_workloads("dev", selector) == std::vector<std::size_t>{3});
    CHECK(index.select_workloads("nowhere", selector).empty());
  }
  SUBCASE("hostNetwork pods are never selectable") {
    CHECK(index.select_workloads("prod", LabelSelector{}) == std::vector<std::size_t>{0, 1});
  }
  SUBCASE("namespace labels include the implicit name label") {
    LabelSelector selector;
    selector.match_labels = Labels{{"kubernetes.io/metadata.name", "prod"}};
    const auto selected = index.select_namespaces(selector);
    REQUIRE(selected.size() == 1);
    CHECK(selected[0]->name == "prod");
    CHECK(index.namespace_labels("prod").find("env") != nullptr);
  }
  SUBCASE("a namespace only referenced has only the name label") {
    CHECK(index.namespace_labels("dev") == Labels{{"kubernetes.io/metadata.name", "dev"}});
    LabelSelector selector = with({"env", Operator::does_not_exist, {}});
    const auto selected = index.select_namespaces(selector);
    REQUIRE(selected.size() == 1);
    CHECK(selected[0]->name == "dev");
  }
}

TEST_SUITE_END();
