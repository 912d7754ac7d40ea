// SPDX-License-Identifier: Apache-2.0
//
// Kind tables. The served versions are those of a current API server
// (Kubernetes 1.25 and later): the beta workload APIs (extensions/v1beta1,
// apps/v1beta1, apps/v1beta2) and extensions/v1beta1 NetworkPolicy went in
// 1.16, batch/v1beta1 CronJob in 1.25. The policy kinds of other APIs are the
// ones that admit or refuse traffic between pods or to the outside:
// AdminNetworkPolicy and BaselineAdminNetworkPolicy (policy.networking.k8s.io
// v1alpha1) and ClusterNetworkPolicy (v1alpha2), Calico's, Cilium's and
// Antrea's policies, OpenShift's EgressNetworkPolicy, OVN-Kubernetes'
// EgressFirewall, GKE's FQDNNetworkPolicy, and the authorization policies of
// Istio and Linkerd (enforced by the mesh's proxies on the same connections).
#include "api_kinds.hpp"

#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace npcheck::model::detail {

namespace {

constexpr std::string_view k_extensions[] = {"extensions"};

constexpr ModelledKind k_modelled[] = {
    {"Namespace", "v1", {}},
    {"Node", "v1", {}},
    {"Pod", "v1", {}},
    {"ReplicationController", "v1", {}},
    {"Service", "v1", {}},
    {"Deployment", "apps/v1", k_extensions},
    {"ReplicaSet", "apps/v1", k_extensions},
    {"DaemonSet", "apps/v1", k_extensions},
    {"StatefulSet", "apps/v1", {}},
    {"Job", "batch/v1", {}},
    {"CronJob", "batch/v1", {}},
    {"NetworkPolicy", "networking.k8s.io/v1", k_extensions},
    // shared/spec/admin-policies.md §0: v1alpha1 as of network-policy-api
    // v0.1.8, v1alpha2 as of its head.
    {"AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", {}},
    {"BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1", {}},
    {"ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2", {}},
};

struct PolicyKind {
  std::string_view group;
  std::string_view kind;
};

constexpr PolicyKind k_unmodelled_policies[] = {
    {"crd.projectcalico.org", "NetworkPolicy"},
    {"crd.projectcalico.org", "GlobalNetworkPolicy"},
    {"projectcalico.org", "NetworkPolicy"},
    {"projectcalico.org", "GlobalNetworkPolicy"},
    {"cilium.io", "CiliumNetworkPolicy"},
    {"cilium.io", "CiliumClusterwideNetworkPolicy"},
    {"crd.antrea.io", "NetworkPolicy"},
    {"crd.antrea.io", "ClusterNetworkPolicy"},
    {"network.openshift.io", "EgressNetworkPolicy"},
    {"k8s.ovn.org", "EgressFirewall"},
    {"networking.gke.io", "FQDNNetworkPolicy"},
    {"security.istio.io", "AuthorizationPolicy"},
    {"policy.linkerd.io", "AuthorizationPolicy"},
    {"policy.linkerd.io", "ServerAuthorization"},
};

// Kinds of the Kubernetes API that npcheck skips: never "did you mean".
constexpr std::string_view k_builtin_kinds[] = {
    "APIService", "Binding", "CSIDriver", "CSINode", "CSIStorageCapacity",
    "CertificateSigningRequest", "ClusterRole", "ClusterRoleBinding", "ClusterTrustBundle",
    "ComponentStatus", "ConfigMap", "ControllerRevision", "CustomResourceDefinition",
    "DeviceClass", "EndpointSlice", "Endpoints", "Event", "FlowSchema", "GRPCRoute", "Gateway",
    "GatewayClass", "HTTPRoute", "HorizontalPodAutoscaler", "IPAddress", "Ingress",
    "IngressClass", "Lease", "LimitRange", "List", "LocalSubjectAccessReview",
    "MutatingAdmissionPolicy", "MutatingWebhookConfiguration", "PersistentVolume",
    "PersistentVolumeClaim", "PodDisruptionBudget", "PodTemplate", "PriorityClass",
    "PriorityLevelConfiguration", "ReferenceGrant", "ResourceClaim", "ResourceClaimTemplate",
    "ResourceQuota", "ResourceSlice", "Role", "RoleBinding", "RuntimeClass", "Secret",
    "SelfSubjectAccessReview", "SelfSubjectReview", "SelfSubjectRulesReview",
    "ServiceAccount", "ServiceCIDR", "StorageClass", "SubjectAccessReview", "TCPRoute",
    "TLSRoute", "TokenReview", "UDPRoute", "ValidatingAdmissionPolicy",
    "ValidatingAdmissionPolicyBinding", "ValidatingWebhookConfiguration", "VolumeAttachment",
    "VolumeAttributesClass"};


} // namespace

const ModelledKind* find_modelled_kind(std::string_view kind) {
  for (const ModelledKind& k : k_modelled) {
    if (k.kind == kind) {
      return &k;
    }
  }
  return nullptr;
}

const ModelledKind* find_modelled_kind_ignoring_case(std::string_view kind) {
  for (const ModelledKind& k : k_modelled) {
    if (iequals(k.kind, kind)) {
      return &k;
    }
  }
  return nullptr;
}

std::string_view api_group(std::string_view api_version) {
  const std::size_t slash = api_version.find('/');
  return slash == std::string_view::npos ? std::string_view() : api_version.substr(0, slash);
}

bool is_kubernetes_group(std::string_view group) {
  static constexpr std::string_view k_groups[] = {"", "core", "apps", "batch", "extensions", "policy",
                                                  "autoscaling"};
  constexpr std::string_view k_suffix = ".k8s.io";
  return std::find(std::begin(k_groups), std::end(k_groups), group) != std::end(k_groups) ||
         (group.size() > k_suffix.size() && group.substr(group.size() - k_suffix.size()) == k_suffix);
}

bool is_unmodelled_policy(std::string_view group, std::string_view kind) {
  return std::any_of(std::begin(k_unmodelled_policies), std::end(k_unmodelled_policies),
                     [&](const PolicyKind& p) { return p.group == group && p.kind == kind; });
}

bool is_kind_name(std::string_view text) {
  auto letter = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); };
  return !text.empty() && letter(text.front()) &&
         std::all_of(text.begin(), text.end(), [&](char c) { return letter(c) || (c >= '0' && c <= '9'); });
}

std::optional<std::string> misspelt_kind(std::string_view kind) {
  if (std::find(std::begin(k_builtin_kinds), std::end(k_builtin_kinds), kind) !=
      std::end(k_builtin_kinds)) {
    return std::nullopt;
  }
  std::vector<std::string_view> known;
  for (const ModelledKind& k : k_modelled) {
    known.push_back(k.kind);
  }
  for (const PolicyKind& p : k_unmodelled_policies) {
    known.push_back(p.kind);
  }
  std::optional<std::string> best;
  std::size_t best_distance = 0;
  for (std::string_view k : known) {
    if (k == kind) {
      return std::nullopt; // a known name (in another group)
    }
    const std::string plural = k.back() == 'y' ? std::string(k.substr(0, k.size() - 1)) + "ies"
                                               : std::string(k) + 's';
    std::size_t distance = iequals(kind, plural) ? 1 : edit_distance(kind, k);
    const std::size_t limit = k.size() >= 8 ? 2 : 1;
    if (distance <= limit && (!best || distance < best_distance)) {
      best = std::string(k);
      best_distance = distance;
    }
  }
  return best;
}

} // namespace npcheck::model::detail
