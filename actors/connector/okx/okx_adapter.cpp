#include "actors/connector/okx/okx_adapter.hpp"

#include <spdlog/spdlog.h>

#include "actors/connector/adapter_support.hpp"
#include "actors/connector/session_adapter_support.hpp"
#include "actors/connector/okx/okx_private_stream.hpp"
#include "actors/connector/okx/okx_session.hpp"
#include "actors/connector/okx/okx_ws_orders.hpp"
#include "actors/connector/tls_transport.hpp"
#include "actors/connector/ws_reconnector.hpp"
#include "common/periodic_timer.hpp"

namespace cwts::connector::okx {

namespace {

using std::chrono::milliseconds;

okx_credentials credentials_of(const okx_adapter_config& cfg) {
  return okx_credentials{cfg.api_key, cfg.secret, cfg.passphrase};
}

const std::string& ws_host_of(const okx_adapter_config& cfg) {
  return cfg.ws_host.empty() ? cfg.host : cfg.ws_host;
}

uint16_t ws_port_of(const okx_adapter_config& cfg) {
  return cfg.ws_port == 0 ? cfg.port : cfg.ws_port;
}

// docs-v5 cancel-all-after: timeOut 0 (disarm) or 10..120 seconds.
bool valid_dead_man(milliseconds after) {
  return after.count() == 0
         || (after >= std::chrono::seconds(10) && after <= std::chrono::seconds(120)
             && after.count() % 1000 == 0);
}

} // namespace

std::string validate(const okx_adapter_config& cfg) {
  if (auto why = validate_signed_endpoint(cfg); !why.empty())
    return why;
  if (cfg.passphrase.empty())
    return "passphrase: empty (OKX signs every private request with OK-ACCESS-PASSPHRASE)";
  if (cfg.symbols.empty())
    return "symbols: none";
  if (cfg.ws_private_target.empty() || cfg.ws_private_target.front() != '/')
    return "ws_private_target: must start with '/'";
  if (cfg.request_timeout.count() <= 0)
    return "request_timeout: must be positive";
  if (cfg.cancel_all_pause.count() < 0)
    return "cancel_all_pause: must not be negative";
  if (!valid_dead_man(cfg.dead_mans_switch))
    return "dead_mans_switch: 0 (off) or whole seconds 10 s .. 120 s (OKX cancel-all-after)";
  if (cfg.poll_interval.count() <= 0 || cfg.poll_interval_streaming.count() <= 0)
    return "poll_interval/poll_interval_streaming: must be positive";
  if (cfg.connect_timeout.count() <= 0 || cfg.login_timeout.count() <= 0
      || cfg.ping_interval.count() <= 0 || cfg.idle_timeout.count() <= 0)
    return "connect_timeout/login_timeout/ping_interval/idle_timeout: must be positive";
  if (cfg.ping_interval >= std::chrono::seconds(30))
    return "ping_interval: must be below 30 s (OKX closes a connection silent for 30 s)";
  return validate_reconnect(cfg);
}

okx_adapter::okx_adapter(okx_adapter_config cfg, adapter_context ctx)
  : cfg_(std::move(cfg)), ctx_(std::move(ctx)) {
  // The node config checks it first; a bad one is still named here.
  if (auto why = validate(cfg_); !why.empty())
    spdlog::error("event=okx_config_invalid reason=\"{}\"", why);
  okx_rest_config rest;
  rest.host = cfg_.host;
  rest.port = cfg_.port;
  rest.tls = cfg_.tls;
  rest.ca_file = cfg_.ca_file;
  rest.credentials = credentials_of(cfg_);
  rest.request_timeout = cfg_.request_timeout;
  session_ = std::make_unique<okx_session>(std::move(rest), cfg_.symbols, cfg_.cancel_all_pause);
  if (cfg_.use_ws_orders) {
    okx_ws_config ws;
    ws.host = ws_host_of(cfg_);
    ws.port = ws_port_of(cfg_);
    ws.target = cfg_.ws_private_target;
    ws.tls = cfg_.tls;
    ws.ca_file = cfg_.ca_file;
    ws.credentials = credentials_of(cfg_);
    ws.connect_timeout = cfg_.connect_timeout;
    ws.login_timeout = cfg_.login_timeout;
    ws.request_timeout = cfg_.request_timeout;
    ws.idle_reconnect = cfg_.ping_interval;
    session_->enable_ws_orders(std::make_unique<okx_ws_orders>(std::move(ws)));
  }
  dead_man_ms_ = cfg_.dead_mans_switch.count();
}

okx_adapter::~okx_adapter() {
  stop();
}

adapter_capabilities okx_adapter::capabilities() const {
  adapter_capabilities c;
  c.blocking_order_calls = true; // REST and the blocking order WebSocket
  c.amend = true;                // amend-order
  c.dead_mans_switch = true;     // cancel-all-after
  return c;
}

void okx_adapter::start_stream() {
  okx_stream_config s;
  s.host = ws_host_of(cfg_);
  s.port = ws_port_of(cfg_);
  s.target = cfg_.ws_private_target;
  s.tls = cfg_.tls;
  s.ca_file = cfg_.ca_file;
  s.credentials = credentials_of(cfg_);
  s.connect_timeout = cfg_.connect_timeout;
  s.login_timeout = cfg_.login_timeout;
  s.ping_interval = cfg_.ping_interval;
  s.idle_timeout = cfg_.idle_timeout;
  s.max_connection_age = cfg_.max_connection_age;
  s.backoff_initial = cfg_.backoff_initial;
  s.backoff_max = cfg_.backoff_max;
  s.jitter_seed = cfg_.jitter_seed;
  okx_private_stream::callbacks cbs;
  // Events go through the session on the worker, in order with replies and polls.
  cbs.on_order = [this](const okx_order& o) {
    ctx_.post([this, o] { ctx_.report(session_->on_order_event(o)); });
  };
  cbs.on_subscribed = [this](uint64_t count) {
    spdlog::info("event=okx_orders_subscribed count={}", count);
    if (count >= 2) // the first: the OMS reconciles when it is wired to us
      ctx_.request_reconcile();
  };
  stream_ = std::make_unique<okx_private_stream>(std::move(s), std::move(cbs));
  stream_->set_time_offset_ms(session_->clock_offset_ms());
  stream_->start();
}

void okx_adapter::start() {
  if (auto why = session_->sync_clock(); !why.empty())
    spdlog::error("event=venue_clock_failed venue=okx detail=\"{}\"", why);
  else
    spdlog::info("event=venue_clock venue=okx offset_ms={}", session_->clock_offset_ms());
  if (auto why = session_->load_instruments(); !why.empty())
    spdlog::error("event=okx_instruments_failed detail=\"{}\" effect=\"orders of these symbols "
                  "are refused until a restart\"", why);
  auto dead_man = dead_man_ms_.load();
  if (dead_man > 0 && !session_->arm_dead_man(dead_man / 1000))
    spdlog::error("event=okx_dead_man_failed timeout_ms={}", dead_man);
  std::lock_guard<std::mutex> guard(mtx_);
  if (cfg_.use_private_stream)
    start_stream();
  poll_timer_ = std::make_unique<periodic_timer>(cfg_.poll_interval, [this] { on_poll_timer(); });
  if (dead_man > 0)
    dead_man_timer_ = std::make_unique<periodic_timer>(milliseconds(dead_man / 3),
                                                       [this] { on_dead_man_timer(); });
}

// Leaves cancel-all-after armed: a node that stops renewing it (killed,
// cut off) is exactly what the venue's timer is for.
void okx_adapter::stop() {
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

void okx_adapter::on_poll_timer() {
  bool subscribed = false;
  {
    std::lock_guard<std::mutex> guard(mtx_);
    subscribed = stream_ && stream_->subscribed();
  }
  // While the orders channel is subscribed, polls are only the fallback.
  if (!poll_due(subscribed, cfg_.poll_interval_streaming, last_poll_, poll_queued_))
    return;
  ctx_.post([this] {
    poll_queued_.store(false);
    ctx_.report(session_->poll());
    // The poll may have measured the venue's clock again: the orders
    // channel's next login signs with it too.
    std::lock_guard<std::mutex> guard(mtx_);
    if (stream_)
      stream_->set_time_offset_ms(session_->clock_offset_ms());
  });
}

void okx_adapter::on_dead_man_timer() {
  post_dead_man_refresh(ctx_, *session_, dead_man_ms_, refresh_queued_, "okx");
}

bool okx_adapter::cancel_all_after(milliseconds after) {
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
  post_arm_dead_man(ctx_, *session_, after, "okx");
  return true;
}

std::vector<adapter_output> okx_adapter::place(const order_request& req, bool gate_open) {
  return session_->place(req, gate_open);
}

std::vector<adapter_output> okx_adapter::cancel(const cancel_request& c) {
  return session_->cancel(c);
}

std::vector<adapter_output> okx_adapter::amend(const client_order_id& orig,
                                               const order_request& replacement) {
  return session_->amend(orig, replacement);
}

channel_result okx_adapter::cancel_all(const kill_id& id, const node_id& self,
                                       const std::vector<symbol>& which, milliseconds deadline,
                                       std::vector<adapter_output>& out) {
  auto r = session_->cancel_all(id, self, which, deadline, out);
  log_cancel_all("okx", id, r);
  return r;
}

venue_snapshot okx_adapter::snapshot(const reconcile_orders& req) {
  return session_->snapshot(req);
}

std::vector<asset_balance> okx_adapter::balances() {
  return session_->balances();
}

// While a 50011 pause lasts nothing is sent, so no probe.
bool okx_adapter::may_probe() const {
  return session_->rate_limit_pause().count() == 0;
}

// GET /api/v5/public/time: any reply, even an error, proves the venue answers.
channel_probe okx_adapter::probe() {
  return probe_answer(session_->probe());
}

std::optional<bool> okx_adapter::fill_stream_connected() {
  std::lock_guard<std::mutex> guard(mtx_);
  if (!stream_)
    return std::nullopt;
  log_tls_refusals(*stream_, "okx_private", logged_stream_tls_);
  return stream_->subscribed();
}

void okx_adapter::add_counters(counters& k) const {
  auto& c = session_->counters();
  auto& rest = session_->rest();
  k["protocol_okx"] = 1;
  k["requests"] = rest.requests.load();
  k["rate_limited_50011"] = rest.rate_limited.load();
  k["requests_refused_rate_limited"] = rest.refused_paused.load();
  k["rate_limit_pause_ms"] = session_->rate_limit_pause().count();
  add_session_counters(k, c);
  for (auto& [code, n] : session_->rejects_by_code())
    k["venue_rejects." + code] = n;
  k["cancel_all_batches"] = c.cancel_batches.load();
  k["dead_man.timeout_ms"] = dead_man_ms_.load();
  k["stream_foreign_instrument"] = c.malformed_events.load();
  if (const auto* ws = session_->ws_orders()) {
    k["ws_orders_connections"] = static_cast<int64_t>(ws->connections());
    k["ws_orders_logins"] = static_cast<int64_t>(ws->logins());
    k["ws_orders_requests"] = static_cast<int64_t>(ws->requests());
  }
  std::lock_guard<std::mutex> guard(mtx_);
  if (!stream_)
    return;
  k["ws_connected"] = stream_->connected() ? 1 : 0;
  k["ws_subscribed"] = stream_->subscribed() ? 1 : 0;
  k["ws_reconnects"] = static_cast<int64_t>(stream_->reconnects());
  k["ws_logins"] = static_cast<int64_t>(stream_->logins());
  k["ws_login_failures"] = static_cast<int64_t>(stream_->login_failures());
  k["ws_subscriptions"] = static_cast<int64_t>(stream_->subscriptions());
  k["ws_frames"] = static_cast<int64_t>(stream_->frames());
  k["ws_events"] = static_cast<int64_t>(stream_->events());
  k["ws_malformed_frames"] = static_cast<int64_t>(stream_->malformed_frames());
  k["ws_tls_failures"] = static_cast<int64_t>(stream_->tls_failures());
}

} // namespace cwts::connector::okx
