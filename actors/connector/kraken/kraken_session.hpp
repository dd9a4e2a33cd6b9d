#pragma once
// The Kraken order path, CAF-free, on the connector's worker thread (it
// blocks on REST and on the order-entry WebSocket): place, cancel, amend,
// polls, the kill switch's cancel-all, reconciliation snapshots and the
// `executions` channel's events, all through one order_tracker so a fill is
// reported once whichever path saw it first (reply, poll, event).
//
// Ids: our client order ids go to Kraken as kraken_client_id(id); the
// reverse map (cl_ord_id -> our id) and the txids the venue gave are filled
// by place, events and reconciliation, and bounded.
// Pairs: symbol -> AssetPairs entry (altname, v2 symbol, decimals) at start.

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "actors/connector/kraken/kraken_rest.hpp"
#include "actors/connector/client_id_map.hpp"
#include "actors/connector/order_tracker.hpp"
#include "messages/kill.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector::kraken {

class kraken_ws_orders;

using kraken_output = std::variant<execution_report, order_reject>;

struct kraken_session_counters {
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
  std::atomic<int64_t> stream_foreign_symbol{0};
  std::atomic<int64_t> fills_deduped{0}; // an exec_id seen before
  std::atomic<int64_t> orders_ws{0};
  std::atomic<int64_t> orders_rest{0};
  std::atomic<int64_t> ws_fallbacks{0};
  std::atomic<int64_t> amends{0};
  std::atomic<int64_t> cancel_all_requests{0};
  std::atomic<int64_t> straggler_cancels{0};
  std::atomic<int64_t> dead_man_refreshes{0};
  std::atomic<int64_t> dead_man_failures{0};
};

// One pair this connector trades, as AssetPairs and kraken_names spell it.
struct kraken_pair {
  symbol sym;
  std::string altname;   // REST `pair`, OpenOrders' descr.pair
  std::string v2_symbol; // WS v2 `symbol`
  std::string base;      // ours
  std::string quote;
  int pair_decimals = 0;
  int lot_decimals = 0;
};

class kraken_session {
public:
  kraken_session(kraken_rest_config rest, std::vector<symbol> symbols,
                 std::chrono::milliseconds cancel_all_pause);
  ~kraken_session();

  // Orders, cancels and amends over this connection first; REST while it
  // cannot connect (surely not sent). Owned by the session.
  void enable_ws_orders(std::unique_ptr<kraken_ws_orders> ws);
  kraken_ws_orders* ws_orders() { return ws_.get(); }
  const kraken_ws_orders* ws_orders() const { return ws_.get(); }

  // The nonce reservation and the symbols' pairs (AssetPairs): empty when
  // done, else what failed. Orders of a symbol without a pair are refused.
  std::string load_nonce() { return rest_.load_nonce(); }
  // `until` bounds the AssetPairs request (the kill's deadline).
  std::string load_pairs(steady_deadline until = steady_deadline::max());
  // load_pairs again while some symbol has none (the venue was down at
  // start), at most once a second.
  void ensure_pairs(steady_deadline until = steady_deadline::max());
  // Whether every symbol has its pair (else orders listed by the venue may
  // be of a symbol we cannot name).
  bool pairs_complete() const { return pairs_.size() >= symbols_.size(); }
  const kraken_pair* pair_of(const symbol& sym) const;
  // How long an order of unknown outcome the venue does not know is waited
  // for before it counts as refused (default 5 s).
  void set_unknown_grace(std::chrono::milliseconds grace) { unknown_grace_ = grace; }

  std::vector<kraken_output> place(const order_request& req, bool gate_open);
  std::vector<kraken_output> cancel(const cancel_request& c);
  std::vector<kraken_output> amend(const client_order_id& orig, const order_request& replacement);
  // Background: only with what the call counter leaves (kraken_call_budget).
  std::vector<kraken_output> poll();
  // One item of the `executions` channel.
  std::vector<kraken_output> on_execution(const kraken_execution& e);
  channel_result cancel_all(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline, std::vector<kraken_output>& out);
  venue_snapshot snapshot(const reconcile_orders& req);
  std::vector<asset_balance> balances();
  // CancelAllOrdersAfter: true when the venue took it.
  bool arm_dead_man(int64_t seconds);
  kraken_reply<int64_t> probe() { return rest_.server_time(); }
  // GetWebSocketsToken (the executions channel asks through the worker:
  // one nonce sequence, one thread).
  kraken_reply<kraken_token> websockets_token() { return rest_.websockets_token(); }

  std::chrono::milliseconds rate_limit_pause() const { return rest_.paused_for(); }
  const kraken_rest& rest() const { return rest_; }
  const kraken_session_counters& counters() const { return counters_; }
  // Rejects by Kraken error string (bounded: past the bound, "other").
  std::map<std::string, int64_t> rejects_by_error() const;

private:
  struct found_order {
    bool known = false;          // the venue answered
    std::optional<kraken_order> order; // none: the venue has no such order
  };
  venue_order to_venue_order(const kraken_order& o) const;
  venue_order_state to_state(const kraken_order& o) const;
  client_order_id our_id(const std::string& cl_ord_id) const;
  // The cl_ord_id the venue knows our order by (an amended order keeps the
  // original's).
  std::string venue_key(const client_order_id& id) const;
  void remember(const client_order_id& id);
  void remember_txid(const std::string& cl_ord_id, const std::string& txid);
  void count_reject(const std::string& error);
  // The order with our id: by txid, else OpenOrders then ClosedOrders
  // filtered by cl_ord_id; each query spends the call counter at `p`.
  found_order find_order(const client_order_id& id, call_priority p);
  bool resolve(const client_order_id& id, const symbol& sym, std::vector<kraken_output>& out,
               call_priority p,
               std::optional<std::chrono::steady_clock::time_point> unknown_since = std::nullopt);
  void settle(const client_order_id& id, std::vector<kraken_output>& out);
  void settle_gone(const symbol& sym, const std::vector<client_order_id>& gone,
                   std::vector<kraken_output>& out);
  bool first_sight(const std::string& exec_id);
  void append(std::vector<kraken_output>& out, std::vector<execution_report> reports);
  kraken_reply<std::string> send_place(const order_request& req, const kraken_pair& p,
                                       const std::string& cl_ord_id);
  kraken_reply<std::string> send_cancel(const std::string& cl_ord_id);
  kraken_reply<std::string> send_amend(const kraken_pair& p, const std::string& cl_ord_id,
                                       const qty& new_qty, const price& new_px);
  bool open_orders_unchanged(venue_snapshot& snap);
  void cancel_round(const std::vector<symbol>& which, bool everything, steady_deadline until,
                    channel_result& r, bool& verified);

  kraken_rest rest_;
  std::unique_ptr<kraken_ws_orders> ws_;
  std::vector<symbol> symbols_;
  std::chrono::milliseconds cancel_all_pause_;
  std::map<symbol, kraken_pair> pairs_;
  std::map<std::string, symbol> symbols_by_altname_;
  std::map<std::string, symbol> symbols_by_v2_;
  std::chrono::steady_clock::time_point pairs_retry_{};
  order_tracker tracker_;
  struct unknown_outcome {
    symbol sym;
    std::chrono::steady_clock::time_point since{};
  };
  std::chrono::milliseconds unknown_grace_{5000};
  std::map<client_order_id, unknown_outcome> unresolved_;
  // cl_ord_id <-> our id, amended orders' cl_ord_id (bounded), and the
  // txid of each cl_ord_id remembered (bounded with them).
  client_id_map ids_;
  std::unordered_map<std::string, std::string> txids_;
  // exec_ids seen on the executions channel, oldest first for the bound.
  static constexpr std::size_t execs_kept = 8192;
  std::unordered_set<std::string> execs_;
  std::deque<std::string> execs_order_;
  std::vector<asset_balance> balances_;
  kraken_session_counters counters_;
  mutable std::mutex errors_mtx_;
  static constexpr std::size_t errors_kept = 32;
  std::map<std::string, int64_t> rejects_by_error_;
};

} // namespace cwts::connector::kraken
