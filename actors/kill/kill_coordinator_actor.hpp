#pragma once
// CAF shell of the kill switch. Protocol (DESIGN.md "Kill switch"):
//
//   operator ──kill_command (request)──> origin coordinator
//      origin: gate closed ─┬─> (peer_atom, kill_command) to every peer (echo)
//                           ├─> channels: oms cancel-all, venue cancel-all
//                           └─> trading_state to strategy/oms/risk
//      peer:   gate closed ─┬─> echo to its peers (first sight only)
//                           ├─> kill_ack to origin, then channel_results
//                           └─> its own channels
//   origin replies kill_report once every peer acked and every announced
//   channel reported, or at the report deadline (then complete=false).
//
// Messages: kill_command (request) -> kill_report; (peer_atom, kill_command);
// kill_ack; channel_result; (deadline_atom, string); (wire_atom, role_directory);
// gate_atom -> trading_state; stats_atom -> actor_stats.

#include <chrono>

#include "caf/fwd.hpp"

#include "actors/kill/kill_switch.hpp"

namespace cwts {

struct kill_coordinator_config {
  kill_switch_config core;
  kill_gate* gate = nullptr;
  std::chrono::milliseconds report_deadline{10'000};
  std::chrono::milliseconds channel_timeout{8'000};
  int venue_channel_retries = 3;
};

caf::actor spawn_kill_coordinator(caf::actor_system& sys, kill_coordinator_config cfg);

} // namespace cwts
