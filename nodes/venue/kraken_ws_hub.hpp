#pragma once
// cwts-venue's Kraken WebSocket v2 side (path /v2, public and private on
// one path): the connections (ws_session in Kraken mode) and the
// transport-free cores of venue/kraken that build what they receive.
//   - on connect: the status message;
//   - each client frame goes to kraken::ws_handler; its replies, then the
//     snapshots of new subscriptions, go back on the same connection;
//   - after every engine operation (publish_settled): trades, executions
//     and balances;
//   - every 100 ms: book (update to subscribers holding a snapshot, the
//     snapshot to new ones), ticker and ohlc changes; every second a
//     heartbeat to each connection holding a subscription.
// Faults (venue/fault_plan.hpp): malformed-frames and stall on public
// pushes, ws-drop closes the connections without a private subscription,
// ws-api-drop those with one, ws-api-latency-ms delays order method
// replies, ws-api-unavailable answers them "EService:Unavailable",
// kraken-bad-checksum corrupts book updates. Runs on the server's one thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "venue/kraken/kraken_tokens.hpp"
#include "venue/kraken/kraken_trade.hpp"
#include "venue/kraken/kraken_ws_market.hpp"
#include "venue/kraken/kraken_ws_orders.hpp"
#include "venue/kraken/kraken_ws_private.hpp"
#include "venue/kraken/kraken_ws_protocol.hpp"
#include "venue/market_stats.hpp"
#include "ws_fanout.hpp"

namespace cwts::venue {

class kraken_ws_hub {
public:
  kraken_ws_hub(boost::asio::io_context& ioc, kraken_trade& trade, const kraken_tokens& tokens,
                const market_stats& stats, fault_plan& faults);

  // True for the upgrade target Kraken v2 connects to ("/v2").
  static bool serves(std::string_view target);

  void start(); // the 100 ms timer
  void stop();  // the timer, and every connection closed

  void add(const std::shared_ptr<ws_session>& s);
  void remove(const ws_session* s);
  uint64_t next_connection_id() { return ++conn_count_; }

  // One client frame of `s`; true when an order method ran (the caller
  // publishes the engine's effects).
  bool on_frame(std::string_view text, ws_session& s, int64_t now_ms);
  // Pushes of the last engine operation (trades, executions, balances).
  void publish_settled(int64_t now_ms);

  // ws-drop (private_side false) / ws-api-drop (true): the number closed.
  uint64_t drop(bool private_side);
  // stall-ms: public pushes are held while stalled and sent, in order, after.
  void set_stalled(bool stalled) { conns_.set_stalled(stalled); }
  size_t connections() const { return conns_.size(); }

  // The longest write queue of its connections (the unpaced replay's
  // backpressure, venue_server::deepest_ws_queue).
  size_t deepest_queue() const {
    size_t deepest = 0;
    for (auto& s : live())
      deepest = std::max(deepest, s->queued());
    return deepest;
  }

private:
  void tick(int64_t now_ms);
  kraken::market_channels::subscribed_set subscribed() const;
  bool listens(const std::string& account) const;
  std::vector<std::shared_ptr<ws_session>> live() const { return conns_.live(); }

  fault_plan& faults_;
  kraken::market_channels market_;
  kraken::private_channels private_;
  kraken::ws_order_methods orders_;
  kraken::ws_handler handler_;
  ws_fanout<kraken::sub_key, kraken::ws_state, &ws_session::kraken> conns_;
  uint64_t conn_count_ = 0;
  int64_t last_heartbeat_ms_ = 0;
};

} // namespace cwts::venue
