#pragma once
// Binance Spot behind the venue-adapter contract (venue_adapter.hpp): orders
// over the WebSocket API, several in flight (ws_api_pipeline: the worker
// only hands each order to the pipeline's I/O thread; each answer comes back
// to the worker through ctx.post and goes to the OMS from there), with REST
// fallback while that connection does not open (venue_session), the kill
// switch's cancel-all (DELETE /api/v3/openOrders per symbol, then a query,
// cancel_all.cpp), fills from the user-data stream with REST polling as the
// fallback, and GET /api/v3/time as the order channel's liveness probe.
// REST blocks: place, cancel and the probe run on the shell's worker.
//
// Polls and user-data events run on the worker through one order tracker
// (venue_session), so a fill is reported once whichever sees it first.
// Polls run every `poll_interval`, or `poll_interval_streaming` while the
// user-data stream is subscribed; a poll is only queued once the previous one
// ran, so a slow venue never piles polls up behind orders. Every
// re-subscription after the first asks the OMS for a reconciliation round.
// Binance Spot has no venue-side cancel-all-after: no dead-man's switch.

#include <atomic>
#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "actors/connector/user_data_stream.hpp"
#include "actors/connector/venue_adapter.hpp"
#include "actors/connector/venue_session.hpp"
#include "actors/connector/ws_api_orders.hpp"
#include "common/periodic_timer.hpp"

namespace cwts::connector {

struct binance_adapter_config {
  // The venue's name in this node ([venue] name), for log lines a report
  // reads per venue (event=venue_clock).
  std::string venue_name = "binance";
  gateway_config gateway{};
  std::vector<symbol> symbols{};
  std::chrono::milliseconds poll_interval{200};
  std::chrono::milliseconds poll_interval_streaming{5000};
  bool use_user_data_stream = false;
  user_data_stream_config user_data{};
  bool use_ws_api_orders = false;
  ws_api_config ws_api{};
  // Orders in flight on the WebSocket API and the queue beyond them.
  ws_api_pipeline_config ws_api_pipeline{};
};

class binance_adapter final : public venue_adapter {
public:
  binance_adapter(binance_adapter_config cfg, adapter_context ctx);
  ~binance_adapter() override;

  const char* protocol() const override { return "binance"; }
  adapter_capabilities capabilities() const override;
  void start() override;
  void stop() override;
  std::vector<adapter_output> place(const order_request& req, bool gate_open) override;
  std::vector<adapter_output> cancel(const cancel_request& c) override;
  channel_result cancel_own(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline,
                            std::vector<adapter_output>& out) override;
  channel_result cancel_all(const kill_id& id, const node_id& self, const std::vector<symbol>& which,
                            std::chrono::milliseconds deadline,
                            std::vector<adapter_output>& out) override;
  void drop_queued(const std::vector<symbol>& which, const std::string& why) override;
  venue_snapshot snapshot(const reconcile_orders& req) override;
  order_history_answer order_history(const order_history_query& q) override;
  std::vector<asset_balance> balances() override;
  bool may_probe() const override;
  channel_probe probe() override;
  std::optional<bool> fill_stream_connected() override;
  void add_counters(counters& out) const override;

private:
  struct rate_limit_log {
    int64_t http_429 = 0;
    int64_t http_418 = 0;
  };

  void sync_clock();
  // Logs a clock measurement (`event=venue_clock`, or `venue_clock_failed`)
  // for the controls report's clock evidence: a success at most once per
  // clock_log_interval unless `always`, a failure every time.
  void log_clock(const venue_reply<server_time_sample>& t, bool always);
  void start_user_data();
  void on_poll_timer();
  void log_rate_limits();

  binance_adapter_config cfg_;
  adapter_context ctx_;
  venue_session session_;
  bool use_user_data_ = false; // configured and valid
  // What start() starts and stop() stops, from the worker and the actor.
  mutable std::mutex mtx_;
  std::unique_ptr<user_data_stream> user_data_;
  std::unique_ptr<periodic_timer> poll_timer_;
  int64_t clock_offset_ms_ = 0;
  static constexpr std::chrono::minutes clock_log_interval{5};
  // When a measurement was last logged (one probe at a time writes it).
  std::atomic<int64_t> clock_logged_ns_{0};
  // Poll timer thread only.
  std::chrono::steady_clock::time_point last_poll_{};
  rate_limit_log seen_{};
  std::atomic<bool> poll_queued_{false};
  uint64_t logged_uds_tls_ = 0; // actor only
};

} // namespace cwts::connector
