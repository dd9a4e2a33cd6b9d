#pragma once
// cwts-venue's network shell: Boost.Beast HTTP (the Binance REST surface in
// rest_api), WebSocket market streams (trade, aggTrade, depth diffs,
// bookTicker; built by market_feed) and the WebSocket API /ws-api/v3 (ws_api,
// with user data events built by user_data_feed) on 127.0.0.1. Everything runs on one
// io_context thread, which is the strand that serializes every access to the
// matching engine, the stats and the subscriber list.

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "kraken_ws_hub.hpp"
#include "okx_ws_hub.hpp"
#include "transport.hpp"
#include "venue/market_feed.hpp"
#include "venue/kraken/kraken_rest_api.hpp"
#include "venue/okx/okx_rest_api.hpp"
#include "venue/order_types.hpp"
#include "venue/rest_api.hpp"
#include "venue/user_data.hpp"
#include "venue/venue_stats.hpp"
#include "venue/ws_api.hpp"

namespace cwts::venue {

class ws_session;

class venue_server {
public:
  venue_server(boost::asio::io_context& ioc, rest_api& api, venue_stats& stats,
               size_t ws_queue_limit);

  // Binds host:port (host an IPv4 address, 127.0.0.1 unless the config
  // names another; port 0 picks a free one), starts the depth-diff timers
  // (100 ms and 1000 ms) and returns the bound port.
  uint16_t listen(const std::string& host, uint16_t port);
  // TLS on the whole listener (https, wss); call before listen().
  void use_tls(std::unique_ptr<boost::asio::ssl::context> ctx) { tls_ = std::move(ctx); }
  bool tls() const { return tls_ != nullptr; }
  // Sends a trade event to every client subscribed to its <symbol>@trade.
  void publish(const public_trade& t, int64_t now_ms);
  // Sends the aggTrade events of the trades since the last call, bookTicker
  // events for tops that changed and the user data events to the
  // connections subscribed to their account; called after every request and
  // every tape print (complete engine operations).
  void publish_settled();
  // Fault injection actions armed by the admin endpoint (ws-drop, stall-ms);
  // called after every REST request.
  void run_fault_actions();
  void stop();

  // Used by sessions.
  void add_subscriber(const std::shared_ptr<ws_session>& s);
  void remove_subscriber(const ws_session* s);
  // ws_clients: Binance, OKX and Kraken WebSocket connections together.
  void count_clients();
  size_t ws_queue_limit() const { return ws_queue_limit_; }
  // The longest write queue of any WebSocket client (Binance, OKX, Kraken):
  // the unpaced replay's backpressure.
  size_t deepest_ws_queue() const;
  venue_stats& stats() { return stats_; }
  rest_api& api() { return api_; }
  // The OKX v5 REST surface (/api/v5/...) over the same engine and accounts.
  okx_rest_api& okx_api() { return okx_; }
  // The Kraken Spot REST surface (/0/public/..., /0/private/...): its order
  // operations, WebSocket tokens and error counts serve the /v2 side too.
  kraken_rest_api& kraken_api() { return kraken_; }
  ws_api& websocket_api() { return ws_api_; }
  // The OKX v5 WebSocket side (/ws/v5/public, /private, /business).
  okx_ws_hub& okx_ws() { return okx_ws_; }
  // The Kraken WebSocket v2 side (/v2).
  kraken_ws_hub& kraken_ws() { return kraken_ws_; }
  // Wall-clock milliseconds: Binance's serverTime and event times.
  static int64_t wall_ms();

private:
  void accept();
  void publish(const stream_event& ev);
  // Sends one event to its subscribers (after the stall and ordering faults).
  void deliver(const stream_event& ev);
  void publish(const user_event& ev);
  // True when a WebSocket API connection subscribes to `account`.
  bool listens(const std::string& account) const;
  // True when a connected client subscribes to `id`.
  bool wanted(const stream_id& id) const;
  // Closes every market-stream connection (not the WebSocket API ones).
  void drop_market_streams();
  // Closes every WebSocket API connection (ws-api-drop).
  void drop_ws_api_connections();
  void start_stall(int64_t ms);
  void schedule_depth(boost::asio::steady_timer& timer, stream_kind cadence,
                      std::chrono::milliseconds every);
  // OKX cancel-all-after and Kraken CancelAllOrdersAfter: fires the
  // dead-man timers that ran out (every 100 ms; Kraken's GTD expiry and
  // Spread samples too), then publishes the cancels.
  void schedule_okx_tick();

  boost::asio::io_context& ioc_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::unique_ptr<boost::asio::ssl::context> tls_;
  rest_api& api_;
  okx_rest_api okx_;
  kraken_rest_api kraken_;
  venue_stats& stats_;
  size_t ws_queue_limit_;
  std::vector<std::weak_ptr<ws_session>> subscribers_;
  market_feed feed_;
  ws_api ws_api_;
  user_data_feed user_feed_;
  okx_ws_hub okx_ws_;
  kraken_ws_hub kraken_ws_;
  boost::asio::steady_timer fast_depth_timer_, slow_depth_timer_;
  boost::asio::steady_timer okx_timer_;
  // stall-ms: market-stream events held while the stall lasts, in order.
  boost::asio::steady_timer stall_timer_;
  bool stalled_ = false;
  std::vector<stream_event> held_;
  // out-of-order: at most one event per stream waiting for a later one.
  std::vector<stream_event> held_back_;
};

// The `trade` event of web-socket-streams.md "Trade Streams".
std::string trade_event_json(const public_trade& t, int64_t event_ms);

} // namespace cwts::venue
