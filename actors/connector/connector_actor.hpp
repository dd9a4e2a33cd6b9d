#pragma once
// The connector role's one CAF shell, for every venue adapter
// (venue_adapter.hpp: Binance Spot, binance_adapter.hpp; FIX 4.4,
// actors/fix/fix_adapter.hpp; OKX v5, okx/okx_adapter.hpp; Kraken Spot,
// kraken/kraken_adapter.hpp; chosen by [venue] protocol). The shell owns what
// every venue needs: the market source (market_source.hpp: trades and books
// to the validator, the local order books; OKX's public WebSocket for okx,
// Kraken's WebSocket v2 for kraken, Binance's streams otherwise), the worker
// thread where the adapter's
// calls block, the OMS and validator handles, the lost-venue timer, the kill
// channels, stats and status; the adapter is the order channel. The actor
// itself never blocks.
//
// Lifecycle (behaviors, switched with become):
//
//   connecting --adapter started--> live --(disconnect_atom)--> cut
//        ^                                                       |
//        +------------- trading_state{none} (a reset) -----------+
//
// connecting and live serve orders alike (the worker runs the adapter's
// start first); cut is a level-4 kill: market stream and order channel
// stopped, every order refused with venue_unreachable until a reset.
// Every order, right before the adapter gets it, passes the trading lease of
// "connector.<venue>" and the OMS's epoch fence (order_fence.hpp: refused
// no_trading_lease / fenced_epoch); cancels are never asked.
// Messages (each from the senders sender_guard admits, docs/kill-switch.md
// "Safety messages and the actor layer"): order_request, cancel_request,
// reconcile_orders (answered with a venue_snapshot to the OMS),
// (cancel_all_atom, kill_command) -> channel_result (the symbols in the
// kill's scope; nothing for another account's kill), (disconnect_atom,
// kill_command) -> channel_result, trading_state, (wire_atom,
// role_directory), stats_atom -> actor_stats (named connector_role(venue)),
// precond_atom -> reset_precondition, connector_status_atom ->
// connector_status, tick_atom (its liveness timer), (poll_atom, bool,
// std::string) (a blocking probe's outcome), (book_atom, std::string
// symbol, uint32_t depth) -> order_book_snapshot (the local order book's best
// levels, for the admin port's /api/book/<symbol>).
//
// Lost venue ([venue] lost-halt-ms, venue_liveness.hpp): the timer samples
// the market stream, the adapter's fill stream and its order-channel probe
// (Binance: GET /api/v3/time on the worker, one at a time; FIX: logged on);
// a venue lost for lost-halt-ms sends one level-2 node kill, signed with the
// node key, to "kill".

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "caf/fwd.hpp"
#include "caf/meta/type_name.hpp"

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/connector_tuning.hpp"
#include "actors/connector/kraken/kraken_adapter.hpp"
#include "actors/connector/kraken/kraken_market_stream.hpp"
#include "actors/connector/market_stream.hpp"
#include "actors/connector/okx/okx_adapter.hpp"
#include "actors/connector/okx/okx_market_stream.hpp"
#include "actors/connector/user_data_stream.hpp"
#include "actors/connector/ws_api_orders.hpp"
#include "actors/connector/ws_api_pipeline.hpp"
#include "common/kill_gate.hpp"
#include "common/lease_gate.hpp"
#include "actors/fix/fix_settings.hpp"
#include "common/node_kill.hpp"
#include "messages/order_book.hpp"

namespace cwts {

// The tuning (poll intervals, lost-venue trigger; defaults: connector_tuning)
// and the wiring the node builds around it.
struct connector_actor_config : connector_tuning {
  node_id self;
  // [venue] name: the venue this connector trades; its role is
  // "connector.<venue>" and it stamps the venue on every report.
  venue_name venue;
  // [venue] market-data: its trades and books go to the validator (one venue
  // per symbol feeds it).
  bool feed_validator = true;
  const kill_gate* gate = nullptr;
  // The trading lease of role "connector.<venue>" and the fence for the
  // OMS's epochs (common/lease_gate.hpp); null: not leased.
  const lease_gate* lease = nullptr;
  account_id account; // the venue account these credentials trade ([venue] account)
  connector::gateway_config gateway;
  connector::market_stream_config stream;
  std::vector<symbol> symbols;
  // [venue] user-data-stream: fills from the WebSocket API's user data.
  bool use_user_data_stream = false;
  connector::user_data_stream_config user_data;
  // [venue] ws-api-orders: orders and cancels over the WebSocket API, REST
  // while its connection is down.
  bool use_ws_api_orders = false;
  connector::ws_api_config ws_api;
  // [venue] ws-api-max-in-flight / ws-api-max-queued (ws_api_pipeline.hpp).
  connector::ws_api_pipeline_config ws_api_pipeline;
  std::chrono::milliseconds cancel_all_deadline{5000};
  // Signs the lost-venue trigger's kill (the node key).
  node_kill_signer signer;
  std::chrono::milliseconds kill_report_timeout{30'000};
  // [venue] protocol: order entry and cancel-all over the Binance API, a
  // FIX 4.4 session (fix-* keys; docs/fix.md), OKX v5 (okx_adapter.hpp) or
  // Kraken Spot (kraken_adapter.hpp). Market data: OKX's public WebSocket
  // (okx_stream) for okx, Kraken's WebSocket v2 (kraken_stream) for kraken,
  // the Binance streams (stream) for binance and fix.
  enum class protocol_kind : uint8_t { binance, fix, okx, kraken };
  protocol_kind protocol = protocol_kind::binance;
  fix::fix_connector_settings fix;
  connector::okx::okx_adapter_config okx;
  connector::okx::okx_market_config okx_stream;
  connector::kraken::kraken_adapter_config kraken;
  connector::kraken::kraken_market_config kraken_stream;
};

namespace connector {
class venue_adapter;
struct adapter_context;
} // namespace connector

// Makes the adapter the shell runs; `ctx` stays valid as long as it.
using venue_adapter_factory
  = std::function<std::shared_ptr<connector::venue_adapter>(const connector::adapter_context& ctx)>;

// The adapter [venue] protocol names.
caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg);
// Any adapter (tests: a test double).
caf::actor spawn_connector(caf::actor_system& sys, connector_actor_config cfg,
                           venue_adapter_factory make_adapter);

} // namespace cwts
