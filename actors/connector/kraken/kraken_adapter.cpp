#include "actors/connector/kraken/kraken_adapter.hpp"

#include <future>

#include <spdlog/spdlog.h>

#include "actors/connector/adapter_support.hpp"
#include "actors/connector/session_adapter_support.hpp"
#include "actors/connector/kraken/kraken_private_stream.hpp"
#include "actors/connector/kraken/kraken_session.hpp"
#include "actors/connector/kraken/kraken_signer.hpp"
#include "actors/connector/kraken/kraken_ws_orders.hpp"
#include "actors/connector/tls_transport.hpp"
#include "actors/connector/ws_reconnector.hpp"
#include "common/periodic_timer.hpp"

namespace cwts::connector::kraken {

namespace {

using std::chrono::milliseconds;

const std::string& ws_host_of(const kraken_adapter_config& cfg) {
  return cfg.ws_host.empty() ? cfg.host : cfg.ws_host;
}

uint16_t ws_port_of(const kraken_adapter_config& cfg) {
  return cfg.ws_port == 0 ? cfg.port : cfg.ws_port;
}

// CancelAllOrdersAfter: timeout 0 (disarm) or whole seconds 10 .. 86400
// (why 10: kraken_adapter_config::dead_mans_switch).
bool valid_dead_man(milliseconds after) {
  return after.count() == 0
         || (after >= min_dead_mans_switch && after <= std::chrono::seconds(86400)
             && after.count() % 1000 == 0);
}

} // namespace

std::string validate(const kraken_adapter_config& cfg) {
  if (auto why = validate_signed_endpoint(cfg); !why.empty())
    return why;
  if (!base64_decode(cfg.secret))
    return "secret: not base64 (Kraken signs with the base64-decoded secret)";
  if (cfg.symbols.empty())
    return "symbols: none";
  if (cfg.ws_target.empty() || cfg.ws_target.front() != '/')
    return "ws_target: must start with '/'";
  if (cfg.request_timeout.count() <= 0)
    return "request_timeout: must be positive";
  if (cfg.cancel_all_pause.count() < 0)
    return "cancel_all_pause: must not be negative";
  if (auto why = validate_call_limits(cfg.call_limits); !why.empty())
    return std::string(why);
  if (cfg.call_counter_wait.count() < 0)
    return "call_counter_wait: must not be negative";
  if (!valid_dead_man(cfg.dead_mans_switch))
    return "dead_mans_switch: 0 (off) or whole seconds 10 s .. 86400 s (CancelAllOrdersAfter; "
           "refreshed from the worker that also waits on REST calls of seconds, a shorter "
           "switch fires on a live node and cancels the whole account)";
  if (cfg.poll_interval.count() <= 0 || cfg.poll_interval_streaming.count() <= 0)
    return "poll_interval/poll_interval_streaming: must be positive";
  if (cfg.connect_timeout.count() <= 0 || cfg.login_timeout.count() <= 0
      || cfg.ping_interval.count() <= 0 || cfg.idle_timeout.count() <= 0)
    return "connect_timeout/login_timeout/ping_interval/idle_timeout: must be positive";
  if (cfg.nonce_path.empty())
    return "nonce_path: empty (Kraken nonces must survive a restart)";
  if (cfg.nonce_block == 0)
    return "nonce_block: must be positive";
  return validate_reconnect(cfg);
}

kraken_adapter::kraken_adapter(kraken_adapter_config cfg, adapter_context ctx)
  : cfg_(std::move(cfg)), ctx_(std::move(ctx)) {
  // The node config checks it first; a bad one is still named here.
  if (auto why = validate(cfg_); !why.empty())
    spdlog::error("event=kraken_config_invalid reason=\"{}\"", why);
  kraken_rest_config rest;
  rest.host = cfg_.host;
  rest.port = cfg_.port;
  rest.tls = cfg_.tls;
  rest.ca_file = cfg_.ca_file;
  rest.credentials = kraken_credentials{cfg_.api_key, cfg_.secret};
  rest.request_timeout = cfg_.request_timeout;
  rest.nonce_path = cfg_.nonce_path;
  rest.nonce_block = cfg_.nonce_block;
  rest.call_limits = cfg_.call_limits;
  rest.order_wait = cfg_.call_counter_wait;
  session_ = std::make_unique<kraken_session>(std::move(rest), cfg_.symbols, cfg_.cancel_all_pause);
  if (cfg_.use_ws_orders) {
    kraken_ws_config ws;
    ws.host = ws_host_of(cfg_);
    ws.port = ws_port_of(cfg_);
    ws.target = cfg_.ws_target;
    ws.tls = cfg_.tls;
    ws.ca_file = cfg_.ca_file;
    ws.connect_timeout = cfg_.connect_timeout;
    ws.request_timeout = cfg_.request_timeout;
    ws.idle_reconnect = cfg_.ping_interval;
    // On the worker, as every REST request: one nonce sequence.
    auto tokens = [this] { return session_->websockets_token(); };
    session_->enable_ws_orders(std::make_unique<kraken_ws_orders>(std::move(ws), tokens));
  }
  dead_man_ms_ = cfg_.dead_mans_switch.count();
}

kraken_adapter::~kraken_adapter() {
  stop();
}

adapter_capabilities kraken_adapter::capabilities() const {
  adapter_capabilities c;
  c.blocking_order_calls = true; // REST and the blocking order WebSocket
  c.amend = true;                // AmendOrder / amend_order
  c.dead_mans_switch = true;     // CancelAllOrdersAfter
  return c;
}

void kraken_adapter::start_stream() {
  kraken_stream_config s;
  s.host = ws_host_of(cfg_);
  s.port = ws_port_of(cfg_);
  s.target = cfg_.ws_target;
  s.tls = cfg_.tls;
  s.ca_file = cfg_.ca_file;
  s.connect_timeout = cfg_.connect_timeout;
  s.login_timeout = cfg_.login_timeout;
  s.ping_interval = cfg_.ping_interval;
  s.idle_timeout = cfg_.idle_timeout;
  s.max_connection_age = cfg_.max_connection_age;
  s.backoff_initial = cfg_.backoff_initial;
  s.backoff_max = cfg_.backoff_max;
  s.jitter_seed = cfg_.jitter_seed;
  kraken_private_stream::callbacks cbs;
  // The token is fetched on the worker (the REST client and its nonces are
  // the worker's), waited for no longer than the login timeout.
  cbs.token_source = [this]() -> kraken_reply<kraken_token> {
    auto done = std::make_shared<std::promise<kraken_reply<kraken_token>>>();
    auto answer = done->get_future();
    ctx_.post([this, done] { done->set_value(session_->websockets_token()); });
    if (answer.wait_for(cfg_.login_timeout) != std::future_status::ready) {
      kraken_reply<kraken_token> late;
      late.kind = reply_kind::not_sent;
      late.detail = "no token from the worker within login_timeout";
      return late;
    }
    return answer.get();
  };
  // Events go through the session on the worker, in order with replies and polls.
  cbs.on_execution = [this](const kraken_execution& e) {
    ctx_.post([this, e] { ctx_.report(session_->on_execution(e)); });
  };
  cbs.on_subscribed = [this](uint64_t count) {
    spdlog::info("event=kraken_executions_subscribed count={}", count);
    if (count >= 2) // the first: the OMS reconciles when it is wired to us
      ctx_.request_reconcile();
  };
  stream_ = std::make_unique<kraken_private_stream>(std::move(s), std::move(cbs));
  stream_->start();
}

void kraken_adapter::start() {
  if (auto why = session_->load_nonce(); !why.empty())
    spdlog::error("event=kraken_nonce_failed detail=\"{}\" effect=\"nonces start at the clock\"",
                  why);
  if (auto why = session_->load_pairs(); !why.empty())
    spdlog::error("event=kraken_pairs_failed detail=\"{}\" effect=\"orders of these symbols are "
                  "refused until the pairs load\"", why);
  auto dead_man = dead_man_ms_.load();
  if (dead_man > 0 && !session_->arm_dead_man(dead_man / 1000))
    spdlog::error("event=kraken_dead_man_failed timeout_ms={}", dead_man);
  std::lock_guard<std::mutex> guard(mtx_);
  if (cfg_.use_private_stream)
    start_stream();
  poll_timer_ = std::make_unique<periodic_timer>(cfg_.poll_interval, [this] { on_poll_timer(); });
  if (dead_man > 0)
    dead_man_timer_ = std::make_unique<periodic_timer>(milliseconds(dead_man / 3),
                                                       [this] { on_dead_man_timer(); });
}

// Leaves CancelAllOrdersAfter armed: a node that stops renewing it (killed,
// cut off) is exactly what the venue's timer is for.
void kraken_adapter::stop() {
  std::unique_ptr<periodic_timer> poll, dead_man;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    poll = std::move(poll_timer_);
    dead_man = std::move(dead_man_timer_);
    if (stream_)
      stream_->stop(); // kept: its counters stay in the stats
  }
  poll.reset(); // joins outside the lock: a tick takes it
  dead_man.reset();
}

void kraken_adapter::on_poll_timer() {
  bool subscribed = false;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    subscribed = stream_ && stream_->subscribed();
  }
  // While the executions channel is subscribed, polls are only the fallback.
  if (!poll_due(subscribed, cfg_.poll_interval_streaming, last_poll_, poll_queued_))
    return;
  ctx_.post([this] {
    poll_queued_.store(false);
    ctx_.report(session_->poll());
  });
}

void kraken_adapter::on_dead_man_timer() {
  post_dead_man_refresh(ctx_, *session_, dead_man_ms_, refresh_queued_, "kraken");
}

bool kraken_adapter::cancel_all_after(milliseconds after) {
  if (!valid_dead_man(after))
    return false;
  dead_man_ms_ = after.count();
  std::unique_ptr<periodic_timer> old;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    old = std::move(dead_man_timer_);
    if (after.count() > 0 && poll_timer_) // started
      dead_man_timer_ = std::make_unique<periodic_timer>(after / 3, [this] { on_dead_man_timer(); });
  }
  old.reset();
  post_arm_dead_man(ctx_, *session_, after, "kraken");
  return true;
}

std::vector<adapter_output> kraken_adapter::place(const order_request& req, bool gate_open) {
  return session_->place(req, gate_open);
}

std::vector<adapter_output> kraken_adapter::cancel(const cancel_request& c) {
  return session_->cancel(c);
}

std::vector<adapter_output> kraken_adapter::amend(const client_order_id& orig,
                                                  const order_request& replacement) {
  return session_->amend(orig, replacement);
}

channel_result kraken_adapter::cancel_all(const kill_id& id, const node_id& self,
                                          const std::vector<symbol>& which, milliseconds deadline,
                                          std::vector<adapter_output>& out) {
  auto r = session_->cancel_all(id, self, which, deadline, out);
  log_cancel_all("kraken", id, r);
  return r;
}

venue_snapshot kraken_adapter::snapshot(const reconcile_orders& req) {
  return session_->snapshot(req);
}

std::vector<asset_balance> kraken_adapter::balances() {
  return session_->balances();
}

// After "EAPI:Rate limit exceeded", until the counter has room again: no probe.
bool kraken_adapter::may_probe() const {
  return session_->rate_limit_pause().count() == 0;
}

// GET /0/public/Time: any reply, even an error, proves the venue answers.
channel_probe kraken_adapter::probe() {
  return probe_answer(session_->probe());
}

std::optional<bool> kraken_adapter::fill_stream_connected() {
  std::lock_guard<std::mutex> guard(mtx_);
  if (!stream_)
    return std::nullopt;
  log_tls_refusals(*stream_, "kraken_executions", logged_stream_tls_);
  return stream_->subscribed();
}

void kraken_adapter::add_counters(counters& k) const {
  auto& c = session_->counters();
  auto& rest = session_->rest();
  k["protocol_kraken"] = 1;
  k["requests"] = rest.requests.load();
  k["rate_limited"] = rest.rate_limited.load();
  k["requests_refused_rate_limited"] = rest.deferred.load();
  k["requests_deferred"] = rest.deferred.load();
  k["call_counter_waits"] = rest.budget_waits.load();
  k["call_counter_wait_us"] = rest.budget_wait_us.load();
  k["kill_calls_unheld"] = rest.kill_unheld.load();
  k["call_counter_milli"] = static_cast<int64_t>(rest.call_counter() * 1000);
  k["rate_limit_pause_ms"] = session_->rate_limit_pause().count();
  k["nonce_errors"] = rest.nonce_errors.load();
  k["nonce_resends"] = rest.nonce_resends.load();
  add_session_counters(k, c);
  for (auto& [error, n] : session_->rejects_by_error())
    k["venue_rejects." + error] = n;
  k["cancel_all_requests"] = c.cancel_all_requests.load();
  k["cancel_all_stragglers"] = c.straggler_cancels.load();
  k["dead_man.timeout_ms"] = dead_man_ms_.load();
  k["stream_foreign_symbol"] = c.stream_foreign_symbol.load();
  int64_t tokens = 0;
  if (const auto* ws = session_->ws_orders()) {
    k["ws_orders_connections"] = static_cast<int64_t>(ws->connections());
    k["ws_orders_requests"] = static_cast<int64_t>(ws->requests());
    tokens += static_cast<int64_t>(ws->token_refreshes());
  }
  std::lock_guard<std::mutex> guard(mtx_);
  if (stream_) {
    tokens += static_cast<int64_t>(stream_->token_fetches());
    k["ws_connected"] = stream_->connected() ? 1 : 0;
    k["ws_subscribed"] = stream_->subscribed() ? 1 : 0;
    k["ws_reconnects"] = static_cast<int64_t>(stream_->reconnects());
    k["ws_subscribe_failures"] = static_cast<int64_t>(stream_->subscribe_failures());
    k["ws_subscriptions"] = static_cast<int64_t>(stream_->subscriptions());
    k["ws_frames"] = static_cast<int64_t>(stream_->frames());
    k["ws_events"] = static_cast<int64_t>(stream_->events());
    k["ws_malformed_frames"] = static_cast<int64_t>(stream_->malformed_frames());
    k["ws_tls_failures"] = static_cast<int64_t>(stream_->tls_failures());
  }
  k["token_refreshes"] = tokens;
}

} // namespace cwts::connector::kraken
