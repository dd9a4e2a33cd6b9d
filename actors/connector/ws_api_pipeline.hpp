#pragma once
// Several orders in flight on one Binance WebSocket API connection
// (web-socket-api.md: every request carries an id, every answer echoes it;
// issue 21 goal 3). The blocking ws_api_orders waits for each answer before
// the next request; here requests are written as they come, up to
// `max_in_flight` unanswered, and each answer is matched to its request by
// id, in whatever order it arrives.
//
// One I/O thread owns the connection and all state; place()/cancel() may be
// called from any thread (they post). Every request ends exactly once, in
// `on_done` on the I/O thread (batched, see done_fn), with the failure
// semantics of ws_api_orders:
//   - answered: ok / rejected / unknown as read_ws_api_answer says;
//   - no answer within request_timeout of its write: unknown (resolved by a
//     query, never resent); its late answer then has an unknown id;
//   - the connection breaks: every request in flight is unknown, once;
//   - written and unanswered when its deadline passes: unknown, and the
//     connection is dropped (its late answer could still place it); one
//     whose frame had not started writing is taken back, not_sent;
//   - never written (connect failed, the queue bound, the kill's
//     drop_queued or quiesce, a closed kill gate, stop()): not_sent, with
//     the connection state in the detail, so the session may carry an order
//     over REST instead (only when connect_failed says so).
// The kill gate is asked again right before each place is written (the
// admission callback): an order that waited in the queue while a kill
// closed the gate ends not_sent with gate_closed, never written.
// Beyond max_in_flight requests wait in a queue of at most max_queued
// (beyond that: refused not_sent, counted). An answer with an id we do not
// have in flight is counted and logged, never matched. A rate-limit answer
// (429, 418) pauses writing until the venue's retryAfter (or 1 s); queued
// requests wait, and are refused not_sent if their deadline passes first.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "actors/connector/late_refusal.hpp"
#include "actors/connector/ws_api_orders.hpp"

namespace cwts::connector {

struct ws_api_pipeline_config {
  // [venue] ws-api-max-in-flight: requests written and not yet answered.
  std::size_t max_in_flight = 64;
  // [venue] ws-api-max-queued: requests waiting beyond that bound.
  std::size_t max_queued = 4096;
};

// Empty when usable, else "<key>: <reason>".
std::string validate(const ws_api_pipeline_config& cfg);

enum class ws_api_call : uint8_t { place, cancel };

// One request's end: what was asked and the venue's reply.
struct ws_api_completion {
  ws_api_call call = ws_api_call::place;
  order_request order{};   // call == place
  cancel_request cancel{}; // call == cancel
  venue_reply<venue_order> reply{};
  // not_sent because the connection could not be opened: nothing of it
  // left, so REST may carry it (never set for a kill's drop or a stop).
  bool connect_failed = false;
  // not_sent because the admission refused it when it was to be written,
  // and why, asked at that moment (the kill gate's, or the lease's).
  bool gate_closed = false;
  late_refusal refusal{};
  // not_sent or unknown because stop() ended it (a level-4 cut or the
  // adapter going): nothing else may be sent for it now.
  bool stopped = false;
  // Written: the local wall clock (ms since the epoch) after which the venue
  // refuses the request (its timestamp plus recvWindow). Before it, a venue
  // that does not know the order may still place it. 0: never written.
  int64_t refused_after_ms = 0;
};

struct ws_api_pipeline_counters {
  std::atomic<int64_t> requests{0};       // written
  std::atomic<int64_t> answered{0};       // matched to a request
  std::atomic<int64_t> timed_out{0};      // unknown: no answer in time
  std::atomic<int64_t> failed_on_drop{0}; // unknown: the connection broke
  std::atomic<int64_t> unknown_ids{0};    // answers matching nothing in flight
  std::atomic<int64_t> mismatched{0};     // an answer naming another order: unknown
  std::atomic<int64_t> gate_refused{0};   // places the closed kill gate kept unwritten
  std::atomic<int64_t> unwritten_timeouts{0}; // taken back unwritten at their deadline
  std::atomic<int64_t> queued_now{0};
  std::atomic<int64_t> queued_total{0};   // requests that waited for the bound
  std::atomic<int64_t> queue_full{0};     // refused: the queue was full
  std::atomic<int64_t> dropped_queued{0}; // refused by drop_queued (kill cancel-all)
  std::atomic<int64_t> in_flight_now{0};
  std::atomic<int64_t> max_in_flight_seen{0};
  std::atomic<int64_t> rate_limit_pauses{0};
  std::atomic<int64_t> connections{0};
  std::atomic<int64_t> connect_failures{0};
};

class ws_api_pipeline {
public:
  // Ends come in batches: those the I/O thread finished in one burst (the
  // answers one read brought in, a drop's, a tick's), in order, so the
  // caller hands each batch on with one wake-up of its own thread.
  using done_fn = std::function<void(std::vector<ws_api_completion>)>;
  // Whether an order may still go out (the kill gate: an atomic read, safe
  // on the I/O thread); also "which orders a kill covers".
  using order_pred = std::function<bool(const order_request&)>;

  ws_api_pipeline(ws_api_config cfg, ws_api_pipeline_config pipeline, done_fn on_done);
  ~ws_api_pipeline(); // stop()
  ws_api_pipeline(const ws_api_pipeline&) = delete;
  ws_api_pipeline& operator=(const ws_api_pipeline&) = delete;

  // Any thread. The request is checked (check_order), then written at once
  // or queued; its end comes through on_done.
  void place(const order_request& req);
  void cancel(const cancel_request& c);
  // Before start(): asked right before each place is written; a refused
  // one ends not_sent with gate_closed.
  void set_admission(order_pred admits) { admits_ = std::move(admits); }
  // Before start(): why the admission refused a place (empty: the gate's).
  void set_refusal_reason(std::function<late_refusal(const order_request&)> why) {
    why_refused_ = std::move(why);
  }
  // Any thread: every place `in_scope` not yet written ends not_sent with
  // `why` (the kill's cancel-all goes ahead of orders waiting here).
  // Cancels are never dropped.
  void drop_queued(order_pred in_scope, std::string why);
  // Any thread (the kill's cancel-all, before its DELETE): places in scope
  // are held back (queued ones dropped, new ones refused not_sent) until
  // resume(), and the call waits until no place in scope is in flight (each
  // answered or timed out) or `deadline` passes: a place written just before
  // the kill is then live at the venue before the cancel-all, or surely not.
  // Returns at once when none is in flight. True when none is.
  bool quiesce(order_pred in_scope, std::string why, std::chrono::steady_clock::time_point deadline);
  void resume();
  // Any thread: requests in flight end unknown, queued ones not_sent; the
  // thread is joined. Idempotent; start() opens again.
  void stop();
  void start();

  bool connected() const { return connected_.load(); }
  void set_time_offset_ms(int64_t offset) { time_offset_ms_ = offset; }
  const ws_api_pipeline_counters& counters() const { return counters_; }

  struct state;

private:
  void post_request(ws_api_completion c);

  ws_api_config cfg_;
  ws_api_pipeline_config pipeline_;
  done_fn on_done_;
  std::atomic<bool> connected_{false};
  std::atomic<int64_t> time_offset_ms_{0};
  order_pred admits_;
  std::function<late_refusal(const order_request&)> why_refused_;
  ws_api_pipeline_counters counters_;
  std::mutex mtx_; // guards st_ against start/stop from another thread
  std::unique_ptr<state> st_;
};

} // namespace cwts::connector
