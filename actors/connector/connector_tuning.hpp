#pragma once

#include <chrono>
#include <cstdint>

namespace cwts {

// The settings of a connector an operator tunes ([venue] keys, bound by
// nodes/node/node_config_venues.cpp into venue_settings, which is one of
// these; node_roles.cpp's make_connector_config assigns it whole to
// connector_actor_config, which is one too): each default is declared here
// only. A test or bench that builds a connector directly gets the same
// defaults an operator gets, the lost-venue probe included.
struct connector_tuning {
  // [venue] poll-interval-ms: open-order polls (fill detection).
  std::chrono::milliseconds poll_interval{200};
  // [venue] poll-interval-when-streaming-ms: REST polls while the user-data
  // stream is subscribed.
  std::chrono::milliseconds poll_interval_streaming{5000};
  // [venue] lost-halt-ms (0: off) and lost-rest-failures: the lost-venue
  // auto-trigger (venue_liveness.hpp). REST unanswered lost_rest_failures
  // probes in a row, or a stream down for lost_halt -> level-2 node kill.
  std::chrono::milliseconds lost_halt{5000};
  int32_t lost_rest_failures = 3;
};

} // namespace cwts
