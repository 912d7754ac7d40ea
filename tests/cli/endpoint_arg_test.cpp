// SPDX-License-Identifier: Apache-2.0
#include "endpoint_arg.hpp"

#include <npcheck/model/error.hpp>

#include <doctest/doctest.h>

using namespace npcheck;

namespace {

const model::Inventory& inventory() {
  static const model::Inventory loaded = [] {
    model::LoadOptions options;
    options.threads = 1;
    return model::load_string(R"(apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: Namespace
metadata: {name: jobs}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: frontend, namespace: shop}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop}
status: {podIP: 10.0.0.7, podIPs: [{ip: 10.0.0.7}]}
---
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: migrate, namespace: jobs}
---
apiVersion: argoproj.io/v1alpha1
kind: Rollout
metadata: {name: pay, namespace: shop}
spec: {selector: {matchLabels: {app: pay}}, template: {metadata: {labels: {app: pay}}, spec: {containers: [{name: c, image: i}]}}}
---
apiVersion: v1
kind: Service
metadata: {name: pay, namespace: shop}
spec: {selector: {app: pay}, ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: manual, namespace: shop}
spec: {ports: [{port: 80}]}
---
apiVersion: v1
kind: Service
metadata: {name: ext, namespace: shop}
spec: {type: ExternalName, externalName: db.example.com}
---
apiVersion: v1
kind: Service
metadata: {name: orphan, namespace: shop}
spec: {selector: {app: pai}, ports: [{port: 80}]}
)",
                              "in.yaml", options);
  }();
  return loaded;
}

std::string resolved(std::string_view text, std::string_view ns = "shop") {
  const analyzer::AddressBook addresses(inventory());
  const cli::EndpointArg arg = cli::parse_endpoint_arg(text, "--from", inventory(), addresses, ns);
  if (arg.range) {
    return "range " + arg.range->to_string();
  }
  if (arg.service) {
    std::string shown = "Service " + inventory().services[*arg.service].display_name() + ":";
    for (std::size_t w : arg.service_workloads) {
      shown += ' ' + inventory().workloads[w].display_name();
    }
    return shown;
  }
  if (arg.endpoint.kind == analyzer::EndpointKind::workload) {
    return inventory().workloads[arg.endpoint.workload].display_name();
  }
  return arg.endpoint.ip.to_string();
}

std::string endpoint_error(std::string_view text, std::string_view ns = "shop") {
  try {
    resolved(text, ns);
  } catch (const model::Error& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_SUITE_BEGIN("cli");

TEST_CASE("parse_endpoint_arg") {
  SUBCASE("kinds as kubectl spells them, in the -n namespace") {
    CHECK_EQ(resolved("deploy/frontend"), "shop/frontend[Deployment]");
    CHECK_EQ(resolved("deployments/frontend"), "shop/frontend[Deployment]");
    CHECK_EQ(resolved("Deployment/frontend"), "shop/frontend[Deployment]");
    CHECK_EQ(resolved("sts/db"), "shop/db[StatefulSet]");
    CHECK_EQ(resolved("statefulset/db"), "shop/db[StatefulSet]");
    CHECK_EQ(resolved("po/web"), "shop/web");
    CHECK_EQ(resolved("pods/web"), "shop/web");
    CHECK_EQ(resolved("job/migrate"), "shop/migrate[Job]");
    CHECK_EQ(resolved("rollout/pay"), "shop/pay[Rollout]");
    CHECK_EQ(resolved("rollouts/pay"), "shop/pay[Rollout]");
    CHECK_EQ(resolved("shop/sts/db", "default"), "shop/db[StatefulSet]");
    CHECK_EQ(resolved("shop/Rollout/pay", "default"), "shop/pay[Rollout]");
  }
  SUBCASE("today's forms") {
    CHECK_EQ(resolved("frontend"), "shop/frontend[Deployment]");
    CHECK_EQ(resolved("shop/db", "default"), "shop/db[StatefulSet]");
    CHECK_EQ(resolved("10.0.0.7"), "shop/web");
    CHECK_EQ(resolved("10.0.0.7/32"), "shop/web");
    CHECK_EQ(resolved("192.0.2.1"), "192.0.2.1");
  }
  SUBCASE("ranges") {
    CHECK_EQ(resolved("10.0.0.0/8"), "range 10.0.0.0/8");
    CHECK_EQ(resolved("0.0.0.0/0"), "range 0.0.0.0/0");
  }
  SUBCASE("a namespace called like a kind") {
    // jobs/migrate: the Job migrate of namespace shop, or the Pod of namespace jobs.
    CHECK_EQ(endpoint_error("jobs/migrate"),
             "--from: 'jobs/migrate' is ambiguous: Job 'migrate' in namespace 'shop' (KIND/NAME) or "
             "'migrate' in namespace 'jobs' (NAMESPACE/NAME) (name one as NAMESPACE/KIND/NAME)");
    // With -n jobs only the namespace reading names something.
    CHECK_EQ(resolved("jobs/migrate", "jobs"), "jobs/migrate");
  }
  SUBCASE("errors") {
    CHECK_EQ(endpoint_error("deploy/frontnd"),
             "--from: no Deployment 'shop/deploy/frontnd' in the manifests (did you mean "
             "shop/frontend[Deployment]?)");
    CHECK_EQ(endpoint_error("shop/frontnd"),
             "--from: no Pod or workload 'shop/frontnd' in the manifests (did you mean "
             "shop/frontend[Deployment]?)");
    CHECK_EQ(endpoint_error("shp/zzzzzzzzzzzzz"),
             "--from: no Pod or workload 'shp/zzzzzzzzzzzzz' in the manifests (namespace 'shp' has none; "
             "did you mean namespace 'shop'?)");
    CHECK_EQ(endpoint_error("svc/frontend"), "--from: no Service 'shop/frontend' in the manifests (namespace 'shop' "
                                       "has ext, manual, orphan, pay)");
    CHECK_EQ(endpoint_error("shop/service/pya"), "--from: no Service 'shop/pya' in the manifests (did you mean shop/pay?)");
    CHECK_EQ(endpoint_error("svc/manual"),
             "--from: Service shop/manual has no selector: its endpoints are managed by hand or by another "
             "controller, so the manifests do not say which pods stand behind it (name them instead)");
    CHECK_EQ(endpoint_error("svc/ext"), "--from: Service shop/ext is of type ExternalName (an alias for "
                                  "'db.example.com'): no pods stand behind it");
    CHECK_EQ(endpoint_error("svc/orphan"), "--from: Service shop/orphan selects no Pod or workload (selector app=pai); "
                                     "nearest: shop/pay[Rollout] with app=pay");
    CHECK_EQ(endpoint_error("shop/widget/frontend"),
             "--from: unknown kind 'widget' (expected Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, "
             "Job, CronJob, ReplicationController, as kubectl spells them (po, deploy, rs, sts, ds, job, cj, "
             "rc, or plural), or the kind of a custom workload)");
    CHECK_EQ(endpoint_error("10.0.0.1/8"), "--from: '10.0.0.1/8' has host bits set (did you mean 10.0.0.0/8?)");
  }
}

TEST_CASE("parse_endpoint_arg::services") {
  CHECK_EQ(resolved("svc/pay"), "Service shop/pay: shop/pay[Rollout]");
  CHECK_EQ(resolved("services/pay"), "Service shop/pay: shop/pay[Rollout]");
  CHECK_EQ(resolved("shop/Service/pay", "default"), "Service shop/pay: shop/pay[Rollout]");
  CHECK_EQ(resolved("shop/svc/pay", "default"), "Service shop/pay: shop/pay[Rollout]");
}

TEST_CASE("parse_endpoint") {
  const analyzer::AddressBook addresses(inventory());
  CHECK_THROWS_WITH_AS(cli::parse_endpoint("10.0.0.0/8", "--to", inventory(), addresses),
                       "--to: '10.0.0.0/8' is a range of addresses; one endpoint is expected here",
                       model::Error);
}

TEST_CASE("note_named_pod") {
  model::PodsKeptApart kept;
  cli::note_named_pod("po/web", "shop", kept);
  cli::note_named_pod("shop/pod/api", "default", kept);
  cli::note_named_pod("10.0.0.9", "default", kept);
  cli::note_named_pod("10.0.0.0/8", "default", kept);
  REQUIRE_EQ(kept.names.size(), 3u);
  CHECK_EQ(kept.names[0], std::make_pair(std::string("shop"), std::string("web")));
  CHECK_EQ(kept.names[1], std::make_pair(std::string("po"), std::string("web")));
  CHECK_EQ(kept.names[2], std::make_pair(std::string("shop"), std::string("api")));
  CHECK_EQ(kept.addresses.size(), 1u);
}

TEST_SUITE_END();
