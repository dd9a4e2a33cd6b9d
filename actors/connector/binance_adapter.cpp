#include "actors/connector/binance_adapter.hpp"
#include "actors/connector/adapter_support.hpp"

#include <string>

#include <spdlog/spdlog.h>

namespace cwts::connector {

binance_adapter::binance_adapter(binance_adapter_config cfg, adapter_context ctx)
  : cfg_(std::move(cfg)), ctx_(std::move(ctx)), session_(cfg_.gateway, cfg_.symbols) {
  session_.set_admission(ctx_.admits);
  session_.set_refusal_reason(ctx_.why_refused);
  if (cfg_.use_ws_api_orders) {
    auto why = validate(cfg_.ws_api);
    if (why.empty())
      why = validate(cfg_.ws_api_pipeline);
    if (!why.empty())
      spdlog::error("event=ws_api_orders_disabled reason=\"{}\"", why);
    else
      // The requests' ends, a batch at a time from the pipeline's thread:
      // to the worker (one job per batch), where the session's tracker
      // lives, then to the OMS.
      session_.enable_ws_api_pipeline(
        cfg_.ws_api, cfg_.ws_api_pipeline, [this](std::vector<ws_api_completion> batch) {
          ctx_.post([this, batch] {
            std::vector<adapter_output> out;
            for (auto& c : batch) {
              auto one = session_.on_ws_api_done(c);
              out.insert(out.end(), std::make_move_iterator(one.begin()),
                         std::make_move_iterator(one.end()));
            }
            ctx_.report(std::move(out));
          });
        });
  }
  if (cfg_.use_user_data_stream) {
    if (auto why = validate(cfg_.user_data); !why.empty())
      spdlog::error("event=user_data_stream_disabled reason=\"{}\"", why);
    else
      use_user_data_ = true;
  }
}

binance_adapter::~binance_adapter() {
  stop();
}

adapter_capabilities binance_adapter::capabilities() const {
  adapter_capabilities c;
  c.blocking_order_calls = true; // REST
  // Over the WebSocket API pipeline place() and cancel() only hand off to
  // its I/O thread: the shell calls them on the actor (one thread hop less
  // per order). Probes, polls, cancel-all and snapshots still block.
  c.orders_without_blocking = session_.pipeline() != nullptr;
  c.cancel_own = true; // venue_session tracks what it placed
  return c;
}

void binance_adapter::sync_clock() {
  auto t = session_.sync_clock();
  if (t.ok())
    clock_offset_ms_ = t.value.offset_ms;
  log_clock(t, true);
}

void binance_adapter::log_clock(const venue_reply<server_time_sample>& t, bool always) {
  if (!t.ok()) {
    spdlog::error("event=venue_clock_failed venue={} detail=\"{}\"", cfg_.venue_name, t.detail);
    return;
  }
  auto now = std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
               .count();
  auto last = clock_logged_ns_.load();
  if (!always && now - last < std::chrono::nanoseconds(clock_log_interval).count())
    return;
  clock_logged_ns_.store(now);
  spdlog::info("event=venue_clock venue={} offset_ms={} rtt_us={:.0f}", cfg_.venue_name,
               t.value.offset_ms, t.value.rtt_ns / 1e3);
}

// Events go through the session on the worker, in order with REST replies
// and polls. A re-subscription asks the OMS for a reconciliation round.
void binance_adapter::start_user_data() {
  user_data_stream::callbacks cbs;
  cbs.on_execution = [this](const execution_event& e) {
    ctx_.post([this, e] { ctx_.report(session_.on_execution(e)); });
  };
  cbs.on_balances = [this](const account_position& p) {
    ctx_.post([this, p] { session_.on_balances(p); });
  };
  cbs.on_balance_delta = [this](const balance_delta& d) {
    ctx_.post([this, d] { session_.on_balance_delta(d); });
  };
  cbs.on_subscribed = [this](uint64_t count) {
    spdlog::info("event=user_data_subscribed count={}", count);
    if (count >= 2) // the first: the OMS reconciles when it is wired to us
      ctx_.request_reconcile();
  };
  user_data_ = std::make_unique<user_data_stream>(cfg_.user_data, std::move(cbs));
  user_data_->set_time_offset_ms(clock_offset_ms_);
  user_data_->start();
}

void binance_adapter::start() {
  sync_clock();
  session_.start_ws_api();
  std::lock_guard<std::mutex> guard(mtx_);
  if (use_user_data_)
    start_user_data();
  poll_timer_ = std::make_unique<periodic_timer>(cfg_.poll_interval, [this] { on_poll_timer(); });
}

void binance_adapter::stop() {
  std::unique_ptr<periodic_timer> timer;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    timer = std::move(poll_timer_);
    if (user_data_)
      user_data_->stop(); // kept: its counters stay in the stats
  }
  timer.reset(); // joins outside the lock: its tick takes it
  // Requests in flight end unknown (resolved by query on the worker),
  // queued ones unsent.
  session_.stop_ws_api();
}

// One log line per 429 or 418 the venue sent (rest-api.md, LIMITS): the
// gateway itself sends nothing until Retry-After has passed.
void binance_adapter::log_rate_limits() {
  auto& l = session_.rate_limits();
  if (auto n = l.http_418.load(); n != seen_.http_418) {
    seen_.http_418 = n;
    spdlog::error("event=venue_ip_banned status=418 pause_ms={} count={} detail=\"no request is "
                  "sent to the venue until Retry-After has passed\"",
                  session_.rate_limit_pause().count(), n);
  }
  if (auto n = l.http_429.load(); n != seen_.http_429) {
    seen_.http_429 = n;
    spdlog::warn("event=venue_rate_limited status=429 pause_ms={} count={}",
                 session_.rate_limit_pause().count(), n);
  }
}

void binance_adapter::on_poll_timer() {
  log_rate_limits();
  bool subscribed = false;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    subscribed = user_data_ && user_data_->subscribed();
  }
  // While the user-data stream is subscribed, polls are only the fallback.
  if (!poll_due(subscribed, cfg_.poll_interval_streaming, last_poll_, poll_queued_))
    return;
  ctx_.post([this] {
    poll_queued_.store(false);
    ctx_.report(session_.poll());
  });
}

std::vector<adapter_output> binance_adapter::place(const order_request& req, bool gate_open) {
  return session_.place(req, gate_open);
}

std::vector<adapter_output> binance_adapter::cancel(const cancel_request& c) {
  return session_.cancel(c);
}

channel_result binance_adapter::cancel_all(const kill_id& id, const node_id& self,
                                           const std::vector<symbol>& which,
                                           std::chrono::milliseconds deadline,
                                           std::vector<adapter_output>& out) {
  return session_.cancel_all(id, self, which, deadline, out);
}

channel_result binance_adapter::cancel_own(const kill_id& id, const node_id& self,
                                           const std::vector<symbol>& which,
                                           std::chrono::milliseconds deadline,
                                           std::vector<adapter_output>& out) {
  return session_.cancel_own(id, self, which, deadline, out);
}

void binance_adapter::drop_queued(const std::vector<symbol>& which, const std::string& why) {
  session_.drop_queued(which, why);
}

venue_snapshot binance_adapter::snapshot(const reconcile_orders& req) {
  return session_.snapshot(req);
}

order_history_answer binance_adapter::order_history(const order_history_query& q) {
  return session_.order_history(q);
}

std::vector<asset_balance> binance_adapter::balances() {
  std::vector<asset_balance> out;
  for (auto& [asset, b] : session_.balances())
    out.push_back(b);
  return out;
}

// While the gateway pauses for a 429/418 it sends nothing, so no probe.
bool binance_adapter::may_probe() const {
  return session_.rate_limit_pause().count() == 0;
}

// GET /api/v3/time (it blocks up to the request timeout). Any reply, even an
// error, proves the venue answers; none is a failure.
// The answer is a clock measurement too: logged (rate-limited) so a node
// that runs for days has clock evidence on each of them.
channel_probe binance_adapter::probe() {
  auto t = session_.sync_clock();
  log_clock(t, false);
  return probe_answer(t);
}

// wss connections refused in the TLS handshake (a certificate that did not
// verify, a name mismatch): one error line per tick while the count grows.
std::optional<bool> binance_adapter::fill_stream_connected() {
  std::lock_guard<std::mutex> guard(mtx_);
  if (!user_data_)
    return std::nullopt;
  log_tls_refusals(*user_data_, "user_data", logged_uds_tls_);
  return user_data_->connected();
}

void binance_adapter::add_counters(counters& k) const {
  auto& c = session_.counters();
  auto& l = session_.rate_limits();
  k["orders_placed"] = c.orders_placed.load();
  k["venue_rejects"] = c.venue_rejects.load();
  k["unknown_outcomes"] = c.unknown_outcomes.load();
  k["unresolved"] = c.unresolved.load();
  k["open_tracked"] = c.open_tracked.load();
  k["last_rtt_ns"] = c.last_rtt_ns.load();
  k["max_rtt_ns"] = c.max_rtt_ns.load();
  k["polls"] = c.polls.load();
  k["poll_reports"] = c.poll_reports.load();
  k["stream_reports"] = c.stream_reports.load();
  k["balance_updates"] = c.balance_updates.load();
  k["balance_assets"] = c.balance_assets.load();
  k["balance_deltas"] = c.balance_deltas.load();
  k["rate_limited_429"] = l.http_429.load();
  k["ip_banned_418"] = l.http_418.load();
  k["requests_refused_rate_limited"] = l.refused.load();
  k["rate_limit_pause_ms"] = session_.rate_limit_pause().count();
  k["orders.ws_api"] = c.orders_ws_api.load();
  k["orders.rest"] = c.orders_rest.load();
  k["orders.ws_api_fallbacks"] = c.ws_api_fallbacks.load();
  k["orders.gate_refused_late"] = c.gate_refused_late.load();
  k["cancels.retried_rest"] = c.cancels_retried_rest.load();
  if (auto* p = session_.pipeline()) {
    auto& w = p->counters();
    k["ws_api.requests"] = w.requests.load();
    k["ws_api.answered"] = w.answered.load();
    k["ws_api.in_flight"] = w.in_flight_now.load();
    k["ws_api.max_in_flight_seen"] = w.max_in_flight_seen.load();
    k["ws_api.queued"] = w.queued_now.load();
    k["ws_api.queued_total"] = w.queued_total.load();
    k["ws_api.queue_full"] = w.queue_full.load();
    k["ws_api.dropped_queued"] = w.dropped_queued.load();
    k["ws_api.timed_out"] = w.timed_out.load();
    k["ws_api.failed_on_drop"] = w.failed_on_drop.load();
    k["ws_api.unknown_ids"] = w.unknown_ids.load();
    k["ws_api.mismatched_answers"] = w.mismatched.load();
    k["ws_api.gate_refused"] = w.gate_refused.load();
    k["ws_api.unwritten_timeouts"] = w.unwritten_timeouts.load();
    k["ws_api.rate_limit_pauses"] = w.rate_limit_pauses.load();
    k["ws_api.connections"] = w.connections.load();
    k["ws_api.connect_failures"] = w.connect_failures.load();
  }
  if (!use_user_data_)
    return;
  // Zeros until start() made the stream (it starts on the worker).
  std::lock_guard<std::mutex> guard(mtx_);
  auto* u = user_data_.get();
  auto of = [u](auto read) -> int64_t { return u ? static_cast<int64_t>(read(*u)) : 0; };
  k["uds_connected"] = of([](auto& s) { return s.connected() ? 1 : 0; });
  k["uds_subscribed"] = of([](auto& s) { return s.subscribed() ? 1 : 0; });
  k["uds_subscriptions"] = of([](auto& s) { return s.subscriptions(); });
  k["uds_subscribe_errors"] = of([](auto& s) { return s.subscribe_errors(); });
  k["uds_reconnects"] = of([](auto& s) { return s.reconnects(); });
  k["uds_tls_failures"] = of([](auto& s) { return s.tls_failures(); });
  k["uds_proactive_reconnects"] = of([](auto& s) { return s.proactive_reconnects(); });
  k["uds_frames"] = of([](auto& s) { return s.frames(); });
  k["uds_events"] = of([](auto& s) { return s.events(); });
  for (std::size_t i = 0; i < frame_issue_count; ++i) {
    auto issue = static_cast<frame_issue>(i);
    k[std::string("uds_frame_errors.") + to_string(issue)]
      = of([issue](auto& s) { return s.frame_errors(issue); });
  }
  k["uds_events_no_change"] = c.stream_no_change.load();
  k["uds_events_settled_order"] = c.stream_settled_order.load();
  k["uds_events_unknown_order"] = c.stream_unknown_order.load();
  k["uds_resolved_unknown_outcomes"] = c.stream_resolved.load();
}

} // namespace cwts::connector
