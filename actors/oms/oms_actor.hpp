#pragma once
// CAF shell of the OMS: orders that passed risk are registered (duplicate ids
// refused), checked against the gate once more, and routed to the connector;
// venue reports drive the FIX state machine and are forwarded to risk and the
// strategy.
//
// Journal (issue 5): with a journal path, every order is written to the
// SQLite journal before it is sent (a failed write rejects it, unsent) and
// every applied change after; at start the live orders of the journal are
// restored into the store. An empty path keeps the store in memory only.
//
// Messages: order_request, cancel_request, execution_report, order_reject,
// (cancel_all_atom, kill_id) -> channel_result, trading_state,
// (wire_atom, role_directory), stats_atom -> actor_stats.

#include <string>

#include "caf/fwd.hpp"

#include "common/kill_gate.hpp"
#include "messages/ids.hpp"

namespace cwts {

struct oms_actor_config {
  node_id self;
  const kill_gate* gate = nullptr;
  std::string journal_path; // empty: no journal, in-memory store only
};

caf::actor spawn_oms(caf::actor_system& sys, oms_actor_config cfg);

} // namespace cwts
