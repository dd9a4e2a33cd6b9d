#pragma once
// CAF shell of the market-data validator: every trade from the connector is
// checked; clean trades go to the strategy and risk, rejects are counted by
// reason (never forwarded). With [market-data] stale-halt-ms set, a timer
// checks that every configured symbol had a validated trade within it while
// the node trades; if not, one level-1 node kill signed with the node key
// goes to the node's kill coordinator (stale_data_monitor.hpp).
//
// Messages: trade, (wire_atom, role_directory), stats_atom -> actor_stats,
// tick_atom (its own timer).
// Sends: trade to "strategy" and "risk"; kill_command (request ->
// kill_report) to "kill" on stale data.

#include <chrono>

#include "caf/fwd.hpp"

#include "actors/validator/stale_data_monitor.hpp"
#include "actors/validator/trade_validator.hpp"
#include "common/kill_gate.hpp"
#include "common/node_kill.hpp"

namespace cwts {

struct validator_actor_config {
  validator::trade_validator_config trades;
  // Symbols and stale_after (0: off).
  validator::stale_data_config stale;
  // Open gate = trading; null counts as always trading.
  const kill_gate* gate = nullptr;
  // Signs the stale-data kill (the node key, as risk's kills).
  node_kill_signer signer;
  // How long to wait for the kill coordinator's kill_report (logged).
  std::chrono::milliseconds kill_report_timeout{30'000};
};

caf::actor spawn_validator(caf::actor_system& sys, validator_actor_config cfg);

} // namespace cwts
