// SPDX-License-Identifier: Apache-2.0
//
// The endpoint grammar of endpoint_text.hpp. Kind spellings follow kubectl's
// resource names for the built-in workload kinds (singular, plural, short
// name, any case); the text is only split and classified here, since whether
// FIRST/NAME names a namespace or a kind can depend on the manifests (a
// namespace called "jobs"): the caller decides.
#include <npcheck/model/endpoint_text.hpp>
#include <npcheck/model/suggest.hpp>

#include <algorithm>
#include <array>
#include <cctype>
#include <vector>

namespace npcheck::model {

const char* const k_endpoint_forms =
    "NAME, NAMESPACE/NAME, KIND/NAME, NAMESPACE/KIND/NAME, an IP address or a CIDR";

namespace {

struct KindSpelling {
  WorkloadKind kind;
  std::array<const char*, 3> words; // singular, plural, short name ("" when none)
};

constexpr KindSpelling k_kind_spellings[] = {
    {WorkloadKind::pod, {"pod", "pods", "po"}},
    {WorkloadKind::deployment, {"deployment", "deployments", "deploy"}},
    {WorkloadKind::replica_set, {"replicaset", "replicasets", "rs"}},
    {WorkloadKind::stateful_set, {"statefulset", "statefulsets", "sts"}},
    {WorkloadKind::daemon_set, {"daemonset", "daemonsets", "ds"}},
    {WorkloadKind::job, {"job", "jobs", ""}},
    {WorkloadKind::cron_job, {"cronjob", "cronjobs", "cj"}},
    {WorkloadKind::replication_controller, {"replicationcontroller", "replicationcontrollers", "rc"}},
};

bool all_digits(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

EndpointParse failure(std::string message) {
  return EndpointParse{std::nullopt, std::move(message)};
}

} // namespace

std::optional<WorkloadKind> parse_kind_word(std::string_view text) {
  for (const KindSpelling& spelling : k_kind_spellings) {
    for (const char* word : spelling.words) {
      if (*word != '\0' && iequals(text, word)) {
        return spelling.kind;
      }
    }
  }
  return std::nullopt;
}

bool is_service_word(std::string_view text) {
  return iequals(text, "svc") || iequals(text, "service") || iequals(text, "services");
}

bool names_custom_kind(std::string_view text, std::string_view kind) {
  if (iequals(text, kind)) {
    return true;
  }
  return text.size() == kind.size() + 1 && iequals(text.substr(0, kind.size()), kind) &&
         (text.back() == 's' || text.back() == 'S');
}

EndpointParse parse_endpoint_text(std::string_view text) {
  const std::string quoted = "'" + std::string(text) + "'";
  if (text.empty()) {
    return failure("empty endpoint (expected " + std::string(k_endpoint_forms) + ")");
  }
  if (std::optional<IpAddress> ip = IpAddress::parse(text)) {
    EndpointText endpoint;
    endpoint.form = EndpointForm::address;
    endpoint.address = *ip;
    return EndpointParse{endpoint, {}};
  }
  const std::size_t slash = text.rfind('/');
  if (slash != std::string_view::npos && all_digits(text.substr(slash + 1)) &&
      IpAddress::parse(text.substr(0, slash))) {
    std::optional<Cidr> cidr = Cidr::parse(text);
    if (!cidr) {
      return failure(quoted + " is not a CIDR (the prefix length is out of range)");
    }
    if (!cidr->mapped_problem().empty()) {
      return failure(quoted + ": " + cidr->mapped_problem());
    }
    if (cidr->has_host_bits()) {
      Cidr network = *cidr;
      network.address = cidr->first();
      return failure(quoted + " has host bits set (did you mean " + network.to_string() + "?)");
    }
    EndpointText endpoint;
    if (cidr->first() == cidr->last()) {
      endpoint.form = EndpointForm::address;
      endpoint.address = cidr->first();
    } else {
      endpoint.form = EndpointForm::range;
      endpoint.range = *cidr;
    }
    return EndpointParse{endpoint, {}};
  }
  std::vector<std::string_view> parts;
  for (std::size_t start = 0;;) {
    const std::size_t next = text.find('/', start);
    parts.push_back(text.substr(start, next == std::string_view::npos ? std::string_view::npos : next - start));
    if (next == std::string_view::npos) {
      break;
    }
    start = next + 1;
  }
  if (parts.size() > 3 || std::any_of(parts.begin(), parts.end(), [](std::string_view p) { return p.empty(); })) {
    return failure(quoted + " is not an endpoint (expected " + std::string(k_endpoint_forms) + ")");
  }
  EndpointText endpoint;
  endpoint.name = std::string(parts.back());
  if (parts.size() == 1) {
    endpoint.form = EndpointForm::name;
  } else if (parts.size() == 2) {
    endpoint.form = EndpointForm::qualified_name;
    endpoint.first = std::string(parts[0]);
  } else {
    endpoint.form = EndpointForm::namespace_kind_name;
    endpoint.first = std::string(parts[0]);
    endpoint.kind = std::string(parts[1]);
  }
  return EndpointParse{endpoint, {}};
}

} // namespace npcheck::model
