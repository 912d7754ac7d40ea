// SPDX-License-Identifier: Apache-2.0
#include <npcheck/analyzer/service.hpp>

#include <npcheck/model/load.hpp>

#include <doctest/doctest.h>

using namespace npcheck;

TEST_SUITE_BEGIN("analyzer");

TEST_CASE("service_workloads") {
  const model::Inventory inv = model::load_string(R"(apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop, labels: {app: web, version: v1}}
spec: {containers: [{name: c, ports: [{name: http, containerPort: 8080}, {name: dns, containerPort: 53, protocol: UDP}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: shop, labels: {app: web, version: v2}}
spec: {containers: [{name: c, ports: [{name: web, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: c, namespace: other, labels: {app: web}}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports:
    - {name: http, port: 80, targetPort: http}
    - {name: dns, port: 53, protocol: UDP, targetPort: dns}
    - {name: tcp-dns, port: 54, targetPort: dns}
    - {name: plain, port: 81, targetPort: 9000}
---
apiVersion: v1
kind: Service
metadata: {name: v2, namespace: shop}
spec: {selector: {app: web, version: v2}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: shop}
spec: {ports: [{port: 80}]}
)",
                                                  "svc.yaml");
  REQUIRE(inv.ok());
  const model::Service& web = *inv.find_service("shop", "web");
  SUBCASE("selection stays in the namespace and needs every label") {
    CHECK_EQ(analyzer::service_workloads(web, inv).size(), 2);
    CHECK_EQ(analyzer::service_workloads(*inv.find_service("shop", "v2"), inv), std::vector<std::size_t>{2});
    CHECK(analyzer::service_workloads(*inv.find_service("shop", "manual"), inv).empty());
  }
  SUBCASE("target ports") {
    const model::Workload& a = inv.workloads[1]; // shop/a
    const model::Workload& b = inv.workloads[2]; // shop/b
    REQUIRE_EQ(a.name, "a");
    std::optional<analyzer::ServiceTarget> t = analyzer::service_target(web.ports[0], a);
    REQUIRE(t);
    CHECK_EQ(t->port, 8080);
    CHECK_FALSE(analyzer::service_target(web.ports[0], b)); // b names its port web
    t = analyzer::service_target(web.ports[1], a);
    REQUIRE(t);
    CHECK_EQ(t->port, 53);
    CHECK_EQ(t->protocol, model::Protocol::udp);
    CHECK_FALSE(analyzer::service_target(web.ports[2], a)); // the name matches, the protocol does not
    t = analyzer::service_target(web.ports[3], b);
    REQUIRE(t);
    CHECK_EQ(t->port, 9000); // a number needs no declaration
  }
}

TEST_SUITE_END();
