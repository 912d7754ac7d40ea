// SPDX-License-Identifier: Apache-2.0
#pragma once

// Name and label syntax written a second time, independently of
// model/names.cpp: the regular expressions of apimachinery's validation
// (IsQualifiedName, IsValidLabelValue, IsDNS1123Label, IsDNS1123Subdomain,
// IsValidPortName) run through std::regex. Each returns whether text is valid.

#include <string_view>

namespace npcheck::fuzz::reference {

bool label_key(std::string_view text);
bool label_value(std::string_view text);
bool dns_label(std::string_view text);
bool dns_subdomain(std::string_view text);
bool port_name(std::string_view text);

} // namespace npcheck::fuzz::reference
