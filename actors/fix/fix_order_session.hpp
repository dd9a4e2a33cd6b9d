#pragma once
// The connector's order path over FIX 4.4 (the role venue_session plays over
// Binance REST), CAF-free: orders (35=D), cancels (35=F), replaces (35=G),
// status (35=H), open orders (35=AF), and the kill switch's cancel-all
// (35=q, confirmed by the per-order cancels and a 35=AF query showing none
// left). ExecutionReports arrive on the FIX engine's thread and go to the
// `sink` at once (deduplicated by ExecID; a report that changes nothing
// known is dropped). Blocking calls (status, open_orders, mass_cancel,
// cancel_all, snapshot) wait for their replies with a deadline; run them on
// a worker, never on the engine's thread.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "actors/fix/fix_codec.hpp"
#include "actors/fix/fix_engine.hpp"
#include "actors/fix/fix_settings.hpp"
#include "messages/kill.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::fix {

// What the OMS hears (the same alternatives as connector::session_output).
using session_output = std::variant<execution_report, order_reject>;
using steady_deadline = std::chrono::steady_clock::time_point;

struct fix_session_counters {
  std::atomic<int64_t> orders_sent{0};
  std::atomic<int64_t> orders_refused_logged_out{0};
  std::atomic<int64_t> cancels_sent{0};
  std::atomic<int64_t> replaces_sent{0};
  std::atomic<int64_t> reports{0};            // ExecutionReports forwarded
  std::atomic<int64_t> duplicate_reports{0};  // ExecID seen before (resent)
  std::atomic<int64_t> unchanged_reports{0};  // nothing new for a known order
  std::atomic<int64_t> unknown_order_reports{0};
  std::atomic<int64_t> venue_rejects{0};      // 150=8
  std::atomic<int64_t> cancel_rejects{0};     // 35=9
  std::atomic<int64_t> malformed{0};          // unreadable application messages
  std::atomic<int64_t> mass_cancels{0};
  std::atomic<int64_t> mass_status_requests{0};
  std::atomic<int64_t> status_requests{0};
  std::atomic<int64_t> request_timeouts{0};
};

struct mass_cancel_result {
  bool ok = false;              // the venue answered and did not reject
  int64_t affected = 0;         // 533 TotalAffectedOrders
  int64_t confirmed = 0;        // per-order cancels (150=4) received for it
  std::string error;
};

struct open_orders_result {
  bool ok = false;
  std::vector<fix_execution> orders;
  std::string error;
};

class fix_order_session {
public:
  using output_sink = std::function<void(const std::vector<session_output>&)>;

  fix_order_session(fix_connector_settings cfg, std::vector<symbol> symbols, output_sink sink);
  ~fix_order_session();

  // Starts the initiator; logon follows asynchronously (and again after
  // every disconnect). Empty, or why it could not start.
  std::string start();
  // Called on the engine's thread at every logon with the count so far;
  // set before start().
  void on_logon(std::function<void(int64_t)> f) { on_logon_ = std::move(f); }
  void stop();
  bool logged_on() const;
  bool wait_logged_on(std::chrono::milliseconds timeout) const;

  // Refused locally (not sent) while logged out or with the gate closed.
  std::vector<session_output> place(const order_request& req, bool gate_open);
  std::vector<session_output> cancel(const cancel_request& c);
  std::vector<session_output> replace(const client_order_id& orig, const order_request& replacement);

  // 35=H: the order's state (a rejected report with 103=5 for an unknown one).
  std::optional<fix_execution> status(const client_order_id& id, const symbol& sym,
                                      steady_deadline deadline, std::string& error);
  // 35=AF: every open order (of `sym`, or all).
  open_orders_result open_orders(const std::optional<symbol>& sym, steady_deadline deadline);
  // 35=q and its 35=r; waits for the per-order cancels the report counts.
  mass_cancel_result mass_cancel(const std::optional<symbol>& sym, steady_deadline deadline);
  // Kill switch level 2: mass cancel per symbol of `which` (530=7 when it
  // is every symbol of the session), then open orders queried until none
  // are left or the deadline passes.
  channel_result cancel_all(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline);
  // Reconciliation: open orders (35=AF) and each live order of the OMS not
  // among them (35=H). FIX has no balance query: balances and assets stay
  // empty, so the OMS skips its position check.
  venue_snapshot snapshot(const reconcile_orders& req);

  const fix_session_counters& counters() const { return counters_; }
  const fix_engine_counters& engine_counters() const { return engine_->counters(); }
  int next_sender_seq() const { return engine_->next_sender_seq(cfg_.target_comp_id); }
  int next_target_seq() const { return engine_->next_target_seq(cfg_.target_comp_id); }
  // The FIX engine's config as built from the settings (for logs and tests).
  static fix_engine_config engine_config(const fix_connector_settings& cfg);

private:
  struct order_info {
    symbol sym;
    side order_side = side::buy;
    qty cum;
    order_status status = order_status::pending_new;
  };
  struct pending_mass_status {
    std::vector<fix_execution> orders;
    bool done = false;
  };
  struct pending_mass_cancel {
    std::optional<fix_mass_cancel_report> report;
    int64_t confirmed = 0;
    std::optional<symbol> sym;
  };

  void on_message(const fix_message& m);
  void on_execution(const fix_execution& e, std::vector<session_output>& out);
  bool first_time(const std::string& exec_id);
  std::string next_id(const char* prefix);
  bool send(const fix_message& m);

  fix_connector_settings cfg_;
  std::vector<symbol> symbols_;
  output_sink sink_;
  std::function<void(int64_t)> on_logon_;
  int64_t logons_ = 0;
  fix_session_counters counters_;

  mutable std::mutex mtx_;
  mutable std::condition_variable cv_;
  std::unordered_map<std::string, order_info> orders_; // by ClOrdID
  std::unordered_set<std::string> exec_ids_;
  std::deque<std::string> exec_order_;
  std::map<std::string, pending_mass_status> mass_status_;               // by 584
  std::map<std::string, std::optional<fix_execution>> status_;           // by 11
  std::map<std::string, pending_mass_cancel> mass_cancels_;              // by 11
  bool logged_on_ = false;
  std::string id_base_;
  std::atomic<int64_t> next_seq_{0};

  std::unique_ptr<fix_engine> engine_;
};

} // namespace cwts::fix
