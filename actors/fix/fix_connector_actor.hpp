#pragma once
// The connector role over FIX 4.4 ([venue] protocol = "fix", docs/fix.md):
// the same messages as the Binance connector (connector_actor.hpp), with
// order entry and the kill switch's cancel-all on a FIX session and market
// data still on the venue's WebSocket streams.
//
// Lifecycle: start -> FIX initiator started (logon, and again after every
// disconnect) + market stream -> live. A logon after the first asks the OMS
// for a reconciliation round (retry_atom): reports missed while logged out
// come back by resend, and anything else by the snapshot. A level-4 kill
// logs out and stops the stream until a reset.
// Messages: order_request, cancel_request, reconcile_orders (answered with a
// venue_snapshot to the OMS), (cancel_all_atom, kill_command) ->
// channel_result, (disconnect_atom, kill_command) -> channel_result,
// trading_state, (wire_atom, role_directory), stats_atom -> actor_stats,
// tick_atom (the lost-venue timer, [venue] lost-halt-ms: the session logged
// out or the market stream down that long -> one level-2 node kill),
// (book_atom, std::string symbol, uint32_t depth) -> order_book_snapshot.

#include "caf/fwd.hpp"

#include "actors/connector/connector_actor.hpp"

namespace cwts {

caf::actor spawn_fix_connector(caf::actor_system& sys, connector_actor_config cfg);

} // namespace cwts
