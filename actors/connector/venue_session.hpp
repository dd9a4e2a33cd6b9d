#pragma once
// The connector's order path against one venue, CAF-free: what to send the
// OMS for an order, a cancel, a poll, and the kill switch's cancel-all. Runs
// on the connector's worker thread (it blocks on REST calls); the actor shell
// only posts work and forwards what comes out.

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <variant>
#include <vector>

#include "actors/connector/binance_rest_gateway.hpp"
#include "actors/connector/late_refusal.hpp"
#include "actors/connector/order_tracker.hpp"
#include "actors/connector/user_data_codec.hpp"
#include "actors/connector/ws_api_orders.hpp"
#include "actors/connector/ws_api_pipeline.hpp"
#include "messages/kill.hpp"
#include "messages/order_history.hpp"
#include "messages/reconciliation.hpp"

namespace cwts::connector {

// What the session tells the OMS.
using session_output = std::variant<execution_report, order_reject>;

struct session_counters {
  std::atomic<int64_t> orders_placed{0};
  std::atomic<int64_t> venue_rejects{0};
  std::atomic<int64_t> unknown_outcomes{0};
  std::atomic<int64_t> unresolved{0};
  std::atomic<int64_t> open_tracked{0};
  std::atomic<int64_t> last_rtt_ns{0};
  std::atomic<int64_t> max_rtt_ns{0};
  std::atomic<int64_t> polls{0};
  std::atomic<int64_t> poll_reports{0};      // reports a poll found first
  // User-data stream events, by what they did.
  std::atomic<int64_t> stream_events{0};
  std::atomic<int64_t> stream_reports{0};    // reports an event found first
  std::atomic<int64_t> stream_no_change{0};  // already known (reply, poll, earlier event)
  std::atomic<int64_t> stream_settled_order{0};
  std::atomic<int64_t> stream_unknown_order{0};
  std::atomic<int64_t> stream_resolved{0};   // unknown outcomes an event resolved
  std::atomic<int64_t> balance_updates{0};
  std::atomic<int64_t> balance_assets{0};
  std::atomic<int64_t> balance_deltas{0}; // balanceUpdate events
  // Orders and cancels by the path that carried them; fallbacks: the
  // WebSocket API was down, REST carried the request.
  std::atomic<int64_t> orders_ws_api{0};
  std::atomic<int64_t> orders_rest{0};
  std::atomic<int64_t> ws_api_fallbacks{0};
  // Cancels the WebSocket API did not carry (never written, or no answer)
  // sent again over REST: a cancel is safe to repeat.
  std::atomic<int64_t> cancels_retried_rest{0};
  // Places the kill gate refused after the actor's check (queued on the
  // WebSocket API, or before a REST fallback).
  std::atomic<int64_t> gate_refused_late{0};
};

class venue_session {
public:
  venue_session(gateway_config cfg, std::vector<symbol> symbols);

  // Orders and cancels go over the WebSocket API first (the fast path);
  // REST carries them while its connection is down (connect refused or
  // failed: surely not sent). An unknown outcome on either path is resolved
  // by a query on the client order id, never resent.
  void enable_ws_api(ws_api_config cfg);
  // The kill gate (gate_admits), asked again where an order waited after
  // the actor's check: before a queued place is written, before a REST
  // fallback. Set before enable_ws_api_pipeline.
  void set_admission(ws_api_pipeline::order_pred admits) { admits_ = std::move(admits); }
  // Why an order the admission refused late was refused (empty: the gate's),
  // asked at the refusal. Set before enable_ws_api_pipeline.
  void set_refusal_reason(std::function<late_refusal(const order_request&)> why) {
    why_refused_ = std::move(why);
  }
  // (actor) A kill's first step: places of `which` not yet written are
  // dropped at once, not behind the worker's queue.
  void drop_queued(const std::vector<symbol>& which, const std::string& why);
  bool ws_api_enabled() const { return ws_ != nullptr || pipeline_ != nullptr; }

  // Several orders in flight on the WebSocket API (ws_api_pipeline.hpp):
  // place() and cancel() then return nothing at once; each request's end
  // comes to `on_done` on the pipeline's I/O thread, which must hand it to
  // on_ws_api_done() on this session's thread (the worker). A request that
  // could not be sent because the connection did not open goes over REST
  // there. start/stop open and close the pipeline with the adapter.
  void enable_ws_api_pipeline(ws_api_config cfg, ws_api_pipeline_config pipeline,
                              ws_api_pipeline::done_fn on_done);
  void start_ws_api();
  void stop_ws_api();
  std::vector<session_output> on_ws_api_done(ws_api_completion c);
  const ws_api_pipeline* pipeline() const { return pipeline_.get(); }

  // Measures the venue's clock offset and applies it to signed requests.
  venue_reply<server_time_sample> sync_clock();

  // Places an order unless the gate closed (checked right before the call).
  // An unknown outcome is never resent: it is queried until resolved.
  std::vector<session_output> place(const order_request& req, bool gate_open);
  std::vector<session_output> cancel(const cancel_request& c);
  // Fill detection: open orders per symbol, then a query for each order that
  // left the list; also retries unresolved orders.
  std::vector<session_output> poll();
  // Kill switch level 2: cancel everything of each of `which` (symbols this
  // session trades), confirmed by a query. Places of `which` in flight on the
  // WebSocket API are waited for first (answered or timed out, within the
  // deadline; at once when none is), so none lands after the DELETE.
  channel_result cancel_all(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline, std::vector<session_output>& out);
  // Kill switch level 2 without the trading lease (cancel_scope.hpp): only
  // the orders of `which` this session tracks as open (and those whose
  // placement is unresolved), each canceled over REST by client id; never
  // DELETE /api/v3/openOrders. Places in flight are waited for first, as in
  // cancel_all. open_orders_after: of ours, still tracked open afterwards.
  channel_result cancel_own(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline, std::vector<session_output>& out);

  // A user-data executionReport: through the same tracker as replies and
  // polls, so a fill is reported once whichever sees it first. An event for
  // an order whose placement outcome was unknown resolves it.
  std::vector<session_output> on_execution(const execution_event& e);
  // outboundAccountPosition: the latest free/locked per asset.
  void on_balances(const account_position& p);
  // balanceUpdate (deposit, withdrawal, transfer): counted; the asset's
  // balance itself comes with the outboundAccountPosition that follows.
  void on_balance_delta(const balance_delta& d);
  const std::map<std::string, asset_balance>& balances() const { return balances_; }

  // Reconciliation: the account's open orders per symbol, each of `req.live`
  // missing from them queried, balances and symbol assets. Open orders are
  // tracked for fills from here on, at the venue's state; the OMS settles
  // its journal against the snapshot.
  venue_snapshot snapshot(const reconcile_orders& req);
  // A takeover's catch-up (issue 24): allOrders of every symbol from
  // q.since (startTime), at most q.page each.
  order_history_answer order_history(const order_history_query& q);

  const session_counters& counters() const { return counters_; }
  // Rate-limit pauses (429/418): atomics, readable from any thread.
  const binance_rest_gateway::rate_limit_counters& rate_limits() const {
    return gateway_.rate_limits();
  }
  std::chrono::milliseconds rate_limit_pause() const { return gateway_.paused_for(); }
  bool banned() const { return gateway_.banned(); }

private:
  bool open_orders_unchanged(venue_snapshot& snap);
  bool resolve(const client_order_id& id, const symbol& sym, std::vector<session_output>& out);
  template <class T>
  void note_rtt(const venue_reply<T>& reply);
  void append(std::vector<session_output>& out, std::vector<execution_report> reports);

  venue_reply<venue_order> send_place(const order_request& req);
  void settle_place(const order_request& req, const venue_reply<venue_order>& reply,
                    std::vector<session_output>& out);
  venue_reply<venue_order> send_cancel(const cancel_request& c);
  void settle_cancel(const venue_reply<venue_order>& reply, std::vector<session_output>& out);
  void count_unresolved() { counters_.unresolved = static_cast<int64_t>(unresolved_.size()); }

  binance_rest_gateway gateway_;
  std::unique_ptr<ws_api_orders> ws_;
  std::unique_ptr<ws_api_pipeline> pipeline_;
  std::vector<symbol> symbols_;
  order_tracker tracker_;
  std::map<client_order_id, symbol> unresolved_;
  // Unknown outcomes whose request the venue may still accept until then
  // (local wall ms): "no such order" before it proves nothing. Entries leave
  // with their unresolved_ entry (pruned on each poll).
  std::map<client_order_id, int64_t> refused_after_ms_;
  ws_api_pipeline::order_pred admits_;
  std::function<late_refusal(const order_request&)> why_refused_;
  // The reject of an order refused after it waited `where` ("before the
  // REST fallback"), for the reason asked when it was refused.
  order_reject late_reject(const order_request& o, const std::string& where,
                           const late_refusal& why) const;
  std::map<std::string, asset_balance> balances_;
  session_counters counters_;
};

} // namespace cwts::connector
