#pragma once
// CAF shell of the Binance venue connector. REST calls block, so they run in
// order on one worker thread (venue_session); the actor itself never blocks.
// Market data arrives on the market_stream's thread and goes straight to the
// validator; reports go straight to the OMS.
//
// Lifecycle: start -> clock offset measured -> stream started -> polling.
// Messages: order_request, cancel_request, reconcile_orders (answered with a
// venue_snapshot to the OMS),
// (cancel_all_atom, kill_id) -> channel_result, trading_state,
// (wire_atom, role_directory), stats_atom -> actor_stats.

#include <chrono>
#include <vector>

#include "caf/fwd.hpp"

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/market_stream.hpp"
#include "common/kill_gate.hpp"

namespace cwts {

struct connector_actor_config {
  node_id self;
  const kill_gate* gate = nullptr;
  connector::gateway_config gateway;
  connector::market_stream_config stream;
  std::vector<symbol> symbols;
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds cancel_all_deadline{5000};
};

caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg);

} // namespace cwts
