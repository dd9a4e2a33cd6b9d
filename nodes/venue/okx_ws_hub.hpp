#pragma once
// cwts-venue's OKX v5 WebSocket side (/ws/v5/public, /ws/v5/private,
// /ws/v5/business): the connections (ws_session in OKX mode) and the
// transport-free cores of venue/okx that build what they receive.
//   - each client frame goes to okx::ws_handler; its replies, then the
//     first pushes of new subscriptions, go back on the same connection;
//   - after every engine operation (publish_settled): trades, bbo-tbt, the
//     orders and account channels;
//   - every 100 ms: books (update to subscribers holding a snapshot, the
//     snapshot to new ones), books5, tickers, candles.
// Faults (venue/fault_plan.hpp) as on the Binance side: malformed-frames and
// stall on public pushes, ws-drop closes public/business connections,
// ws-api-drop the private ones, ws-api-latency-ms delays order op replies,
// okx-bad-checksum corrupts books updates. Runs on the server's one thread.

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "venue/market_stats.hpp"
#include "venue/okx/okx_rest_api.hpp"
#include "venue/okx/okx_ws_market.hpp"
#include "venue/okx/okx_ws_private.hpp"
#include "venue/okx/okx_ws_protocol.hpp"
#include "ws_fanout.hpp"

namespace cwts::venue {

class okx_ws_hub {
public:
  okx_ws_hub(boost::asio::io_context& ioc, okx_rest_api& okx, const market_stats& stats,
             fault_plan& faults, venue_stats& counters);

  // The endpoint an upgrade target names; nullopt for any other path.
  static std::optional<okx::ws_endpoint> endpoint_of(std::string_view target);

  void start(); // the 100 ms timer
  void stop();  // the timer, and every connection closed

  void add(const std::shared_ptr<ws_session>& s);
  void remove(const ws_session* s);
  // "c<n>": a connection's connId.
  std::string next_conn_id() { return "c" + std::to_string(++conn_count_); }

  // One client frame of `s`; true when an order op ran (the caller
  // publishes the engine's effects).
  bool on_frame(std::string_view text, ws_session& s, int64_t now_ms);
  // Pushes of the last engine operation (trades, bbo-tbt, orders, account).
  void publish_settled(int64_t now_ms);

  // ws-drop (public and business) / ws-api-drop (private): the number closed.
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
  okx::market_channels::subscribed_set subscribed() const;
  bool listens(const std::string& account) const;
  std::vector<std::shared_ptr<ws_session>> live() const { return conns_.live(); }

  okx_rest_api& okx_;
  fault_plan& faults_;
  okx::market_channels market_;
  okx::private_channels private_;
  okx::ws_handler handler_;
  ws_fanout<okx::channel_key, okx::ws_state, &ws_session::okx> conns_;
  uint64_t conn_count_ = 0;
};

} // namespace cwts::venue
