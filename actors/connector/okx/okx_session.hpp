#pragma once
// The OKX order path, CAF-free, on the connector's worker thread (it blocks
// on REST and on the order-entry WebSocket): place, cancel, amend, polls,
// the kill switch's cancel-all, reconciliation snapshots and the `orders`
// channel's events, all through one order_tracker so a fill is reported
// once whichever path saw it first (reply, poll, event).
//
// Ids: our client order ids go to OKX as okx_client_id(id); the reverse map
// (clOrdId -> our id) is filled by place and by reconciliation and bounded.
// Instruments: symbol -> instId from public/instruments at start.

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <optional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "actors/connector/okx/okx_rest.hpp"
#include "actors/connector/client_id_map.hpp"
#include "actors/connector/order_tracker.hpp"
#include "messages/kill.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector::okx {

class okx_ws_orders;

using okx_output = std::variant<execution_report, order_reject>;

struct okx_session_counters {
  std::atomic<int64_t> orders_placed{0};
  std::atomic<int64_t> venue_rejects{0};
  std::atomic<int64_t> unknown_outcomes{0};
  std::atomic<int64_t> unknown_resolved{0};
  std::atomic<int64_t> unresolved{0};
  std::atomic<int64_t> open_tracked{0};
  std::atomic<int64_t> last_rtt_ns{0};
  std::atomic<int64_t> polls{0};
  std::atomic<int64_t> poll_reports{0};
  std::atomic<int64_t> stream_events{0};
  std::atomic<int64_t> stream_reports{0};
  std::atomic<int64_t> stream_no_change{0};
  std::atomic<int64_t> stream_settled_order{0};
  std::atomic<int64_t> stream_unknown_order{0};
  std::atomic<int64_t> fills_deduped{0}; // a tradeId seen before
  std::atomic<int64_t> orders_ws{0};
  std::atomic<int64_t> orders_rest{0};
  std::atomic<int64_t> ws_fallbacks{0};
  std::atomic<int64_t> amends{0};
  std::atomic<int64_t> cancel_batches{0};
  std::atomic<int64_t> dead_man_refreshes{0};
  std::atomic<int64_t> dead_man_failures{0};
  std::atomic<int64_t> malformed_events{0};
};

class okx_session {
public:
  okx_session(okx_rest_config rest, std::vector<symbol> symbols,
              std::chrono::milliseconds cancel_all_pause);
  ~okx_session();

  // Orders, cancels and amends over this connection first; REST while it
  // cannot connect (surely not sent). Owned by the session.
  void enable_ws_orders(std::unique_ptr<okx_ws_orders> ws);
  okx_ws_orders* ws_orders() { return ws_.get(); }
  const okx_ws_orders* ws_orders() const { return ws_.get(); }

  // Clock offset (public/time) and the symbols' instIds (public/instruments):
  // empty when done, else what failed. Orders of a symbol without an instId
  // are refused.
  std::string sync_clock();
  std::string load_instruments();
  // load_instruments again while some symbol has no instId (the venue was
  // down at start), at most once a second.
  void ensure_instruments();
  int64_t clock_offset_ms() const { return rest_.time_offset_ms(); }
  // How long an order of unknown outcome the venue does not know is waited
  // for before it counts as refused (default 5 s).
  void set_unknown_grace(std::chrono::milliseconds grace) { unknown_grace_ = grace; }
  const std::string* inst_of(const symbol& sym) const;

  std::vector<okx_output> place(const order_request& req, bool gate_open);
  std::vector<okx_output> cancel(const cancel_request& c);
  std::vector<okx_output> amend(const client_order_id& orig, const order_request& replacement);
  std::vector<okx_output> poll();
  // One event of the `orders` channel.
  std::vector<okx_output> on_order_event(const okx_order& o);
  channel_result cancel_all(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline, std::vector<okx_output>& out);
  venue_snapshot snapshot(const reconcile_orders& req);
  std::vector<asset_balance> balances();
  // cancel-all-after: true when the venue took it.
  bool arm_dead_man(int64_t seconds);
  okx_reply<okx_time_sample> probe() { return rest_.server_time(); }

  std::chrono::milliseconds rate_limit_pause() const { return rest_.paused_for(); }
  const okx_rest& rest() const { return rest_; }
  const okx_session_counters& counters() const { return counters_; }
  // Rejects by OKX code (bounded: codes past the bound count as "other").
  std::map<std::string, int64_t> rejects_by_code() const;

private:
  venue_order to_venue_order(const okx_order& o) const;
  venue_order_state to_state(const okx_order& o) const;
  client_order_id our_id(const std::string& cl_ord_id) const;
  // The clOrdId the venue knows our order by (an amended order keeps the
  // original's).
  std::string venue_key(const client_order_id& id) const;
  void remember(const client_order_id& id);
  void count_reject(const std::string& code);
  // `unknown_since`: when the order's outcome became unknown (a place that
  // got no answer); none for an order the venue had acknowledged.
  bool resolve(const client_order_id& id, const symbol& sym, std::vector<okx_output>& out,
               std::optional<std::chrono::steady_clock::time_point> unknown_since = std::nullopt);
  void settle(const client_order_id& id, const symbol& sym, std::vector<okx_output>& out);
  bool first_sight(const std::string& trade_id);
  void append(std::vector<okx_output>& out, std::vector<execution_report> reports);
  okx_reply<okx_ack> send(int op, const std::string& inst, const std::string& cl_ord_id,
                          const order_request* req, qty new_sz, price new_px);
  bool open_orders_unchanged(venue_snapshot& snap);
  // `refusals`: the venue's per-order refusals of this round, when it had any.
  void cancel_round(const std::vector<symbol>& which, steady_deadline until, channel_result& r,
                    bool& verified, std::string& refusals);

  okx_rest rest_;
  std::unique_ptr<okx_ws_orders> ws_;
  std::vector<symbol> symbols_;
  std::chrono::milliseconds cancel_all_pause_;
  std::map<symbol, std::string> inst_ids_;
  std::map<std::string, symbol> symbols_by_inst_;
  std::map<symbol, symbol_assets> assets_;
  std::chrono::steady_clock::time_point instruments_retry_{};
  // The clock offset is measured again every clock_resync, and at once after
  // a 50102 (timestamp expired: OKX allows 30 s).
  static constexpr std::chrono::minutes clock_resync{5};
  std::chrono::steady_clock::time_point clock_synced_{};
  order_tracker tracker_;
  // Orders whose outcome is unknown, and since when. "Not found" settles one
  // as refused only after unknown_grace: an order still in flight to the
  // matching engine is not found either, and lands a moment later.
  struct unknown_outcome {
    symbol sym;
    std::chrono::steady_clock::time_point since{};
  };
  std::chrono::milliseconds unknown_grace_{5000};
  std::map<client_order_id, unknown_outcome> unresolved_;
  // clOrdId <-> our id, amended orders' clOrdId (bounded).
  client_id_map ids_;
  // tradeIds seen on the orders channel, oldest first for the bound.
  static constexpr std::size_t trades_kept = 8192;
  std::unordered_set<std::string> trades_;
  std::deque<std::string> trades_order_;
  std::vector<asset_balance> balances_;
  okx_session_counters counters_;
  mutable std::mutex codes_mtx_;
  static constexpr std::size_t codes_kept = 32;
  std::map<std::string, int64_t> rejects_by_code_;
};

} // namespace cwts::connector::okx
