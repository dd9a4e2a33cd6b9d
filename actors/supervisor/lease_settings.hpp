#pragma once
// [lease] (docs/supervision.md "Trading lease"): how long one grant is
// worth, how often the holder renews it, the clock-drift bound, and where a
// grantor keeps the epochs it promised. Validated once at start; a bad value
// stops the node with the key named (nodes/node/node_config.cpp).

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "actors/supervisor/trading_lease.hpp"

namespace cwts {

struct lease_settings {
  int64_t duration_ms = 900; // one grant; the minority's gate closes within it
  int64_t renew_ms = 150;    // a round every renew-ms
  int64_t drift_ppm = 1000;  // bound on any member's clock rate error
  std::string state_path;    // [lease] state-path, <node-id> replaced

  lease_timing timing() const { return {duration_ms * 1'000'000, drift_ppm}; }
};

// Empty when the values are usable; else the key and the reason. A renewal
// must fit several times into one grant (a lost reply or a slow peer must
// not end the lease), and the drift margin must leave most of it.
std::string validate_lease_settings(const lease_settings& s);

// The cluster's lease roles: "oms" and "connector.<venue>" of every venue
// (every member carries the same [venue*] sections, so every grantor knows
// every role, and its table cannot be grown from outside).
std::vector<std::string> lease_roles(const std::vector<std::string>& venues);

// The leased roles among `roles` (the roles a node runs or holds back).
std::set<std::string> leased_among(const std::set<std::string>& roles,
                                   const std::vector<std::string>& leased);

} // namespace cwts
