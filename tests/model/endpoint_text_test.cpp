// SPDX-License-Identifier: Apache-2.0
#include <npcheck/model/endpoint_text.hpp>

#include <doctest/doctest.h>

using namespace npcheck::model;

TEST_SUITE_BEGIN("model");

TEST_CASE("parse_kind_word") {
  SUBCASE("kubectl's spellings") {
    for (const char* word : {"deploy", "deployment", "deployments", "Deployment", "DEPLOY"}) {
      CHECK_EQ(parse_kind_word(word), WorkloadKind::deployment);
    }
    CHECK_EQ(parse_kind_word("sts"), WorkloadKind::stateful_set);
    CHECK_EQ(parse_kind_word("statefulsets"), WorkloadKind::stateful_set);
    CHECK_EQ(parse_kind_word("ds"), WorkloadKind::daemon_set);
    CHECK_EQ(parse_kind_word("po"), WorkloadKind::pod);
    CHECK_EQ(parse_kind_word("pods"), WorkloadKind::pod);
    CHECK_EQ(parse_kind_word("job"), WorkloadKind::job);
    CHECK_EQ(parse_kind_word("cj"), WorkloadKind::cron_job);
    CHECK_EQ(parse_kind_word("rs"), WorkloadKind::replica_set);
    CHECK_EQ(parse_kind_word("rc"), WorkloadKind::replication_controller);
  }
  SUBCASE("not kinds") {
    CHECK_FALSE(parse_kind_word("shop"));
    CHECK_FALSE(parse_kind_word("svc"));
    CHECK_FALSE(parse_kind_word(""));
    CHECK_FALSE(parse_kind_word("custom"));
    CHECK_FALSE(parse_kind_word("deploys"));
  }
  SUBCASE("services and custom kinds") {
    CHECK(is_service_word("svc"));
    CHECK(is_service_word("Services"));
    CHECK_FALSE(is_service_word("sv"));
    CHECK(names_custom_kind("rollout", "Rollout"));
    CHECK(names_custom_kind("Rollouts", "Rollout"));
    CHECK_FALSE(names_custom_kind("rollo", "Rollout"));
  }
}

TEST_CASE("parse_endpoint_text") {
  SUBCASE("names") {
    EndpointParse p = parse_endpoint_text("web");
    REQUIRE(p.endpoint);
    CHECK_EQ(p.endpoint->form, EndpointForm::name);
    CHECK_EQ(p.endpoint->name, "web");
    p = parse_endpoint_text("deploy/web");
    REQUIRE(p.endpoint);
    CHECK_EQ(p.endpoint->form, EndpointForm::qualified_name);
    CHECK_EQ(p.endpoint->first, "deploy");
    CHECK_EQ(p.endpoint->name, "web");
    p = parse_endpoint_text("shop/sts/db");
    REQUIRE(p.endpoint);
    CHECK_EQ(p.endpoint->form, EndpointForm::namespace_kind_name);
    CHECK_EQ(p.endpoint->first, "shop");
    CHECK_EQ(p.endpoint->kind, "sts");
    CHECK_EQ(p.endpoint->name, "db");
  }
  SUBCASE("addresses and ranges") {
    EndpointParse p = parse_endpoint_text("10.0.0.1");
    REQUIRE(p.endpoint);
    CHECK_EQ(p.endpoint->form, EndpointForm::address);
    CHECK_EQ(p.endpoint->address.to_string(), "10.0.0.1");
    p = parse_endpoint_text("10.0.0.1/32");
    REQUIRE(p.endpoint);
    CHECK_EQ(p.endpoint->form, EndpointForm::address);
    p = parse_endpoint_text("0.0.0.0/0");
    REQUIRE(p.endpoint);
    CHECK_EQ(p.endpoint->form, EndpointForm::range);
    CHECK_EQ(p.endpoint->range.to_string(), "0.0.0.0/0");
    p = parse_endpoint_text("fd00::/8");
    REQUIRE(p.endpoint);
    CHECK_EQ(p.endpoint->form, EndpointForm::range);
  }
  SUBCASE("errors") {
    CHECK_EQ(parse_endpoint_text("").error,
             "empty endpoint (expected NAME, NAMESPACE/NAME, KIND/NAME, NAMESPACE/KIND/NAME, an IP address "
             "or a CIDR)");
    CHECK_EQ(parse_endpoint_text("a//b").error,
             "'a//b' is not an endpoint (expected NAME, NAMESPACE/NAME, KIND/NAME, NAMESPACE/KIND/NAME, an "
             "IP address or a CIDR)");
    CHECK_EQ(parse_endpoint_text("a/b/c/d").error,
             "'a/b/c/d' is not an endpoint (expected NAME, NAMESPACE/NAME, KIND/NAME, NAMESPACE/KIND/NAME, "
             "an IP address or a CIDR)");
    CHECK_EQ(parse_endpoint_text("shop/").error,
             "'shop/' is not an endpoint (expected NAME, NAMESPACE/NAME, KIND/NAME, NAMESPACE/KIND/NAME, "
             "an IP address or a CIDR)");
    CHECK_EQ(parse_endpoint_text("10.0.0.1/8").error, "'10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)");
    CHECK_EQ(parse_endpoint_text("10.0.0.0/33").error,
             "'10.0.0.0/33' is not a CIDR (the prefix length is out of range)");
  }
}

TEST_SUITE_END();
